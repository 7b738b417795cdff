import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOpenCache } from './secrets.ts';

test('the open cache answers repeats without the inner sealer, keyed by sealed text and context', () => {
  let opens = 0;
  const inner = { seal: (p: string, c: string) => `${c}:${p}`, open: (s: string, c: string) => { opens++; if (!s.startsWith(`${c}:`)) throw new Error('context mismatch'); return s.slice(c.length + 1); } };
  const cached = withOpenCache(inner, 2);
  assert.equal(cached.open('k1:a', 'k1'), 'a');
  assert.equal(cached.open('k1:a', 'k1'), 'a');
  assert.equal(opens, 1);
  assert.throws(() => cached.open('k1:a', 'k2'), /context mismatch/, 'another context is never served from the cache');
  cached.open('k3:c', 'k3');
  cached.open('k4:d', 'k4');
  cached.open('k1:a', 'k1');
  assert.equal(opens, 5, 'bounded: the oldest entry was evicted');
});

test('a key-file box follows the file: opens values under a key added later, seals with the new first key, drops a retired key', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createSecretKey, randomBytes } = await import('node:crypto');
  const { createSecretBox, masterKeyId, sealedKeyId } = await import('../store/secret-box.ts');
  const { loadOrCreateMasterKeys, writeMasterKeyFile, masterKeyFilePath } = await import('../store/master-key.ts');
  const { keyFileSecretBox } = await import('./secrets.ts');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-keyfile-'));
  try {
    const file = masterKeyFilePath(dir);
    const initial = await loadOrCreateMasterKeys(dir);
    const reloads: string[] = [];
    const box = keyFileSecretBox(file, initial, { onKeysReloaded: (current) => reloads.push(current) });
    const underOld = box.seal('secret-1', 'ctx');
    assert.equal(sealedKeyId(underOld), masterKeyId(initial.current));

    // Another process adds a new key in front and re-seals a value under it.
    const fresh = createSecretKey(randomBytes(32));
    await writeMasterKeyFile(file, { current: fresh, others: [initial.current] });
    const underNew = createSecretBox(fresh).seal('secret-2', 'ctx');
    assert.equal(box.open(underNew, 'ctx'), 'secret-2');
    assert.equal(box.open(underOld, 'ctx'), 'secret-1');
    assert.equal(sealedKeyId(box.seal('secret-3', 'ctx')), masterKeyId(fresh), 'seals under the new first key');
    assert.deepEqual(reloads, [masterKeyId(fresh)], 'read again once');

    // Retirement: the old key is gone from the file, and from the box.
    await writeMasterKeyFile(file, { current: fresh, others: [] });
    assert.throws(() => box.open(underOld, 'ctx'), /master key this server does not have/);
    assert.equal(box.open(underNew, 'ctx'), 'secret-2');

    // A damaged file keeps the keys held so far, and says so.
    const failures: unknown[] = [];
    const sturdy = keyFileSecretBox(file, { current: fresh, others: [] }, { onReloadFailed: (err) => failures.push(err) });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'garbage\n');
    assert.equal(sturdy.open(underNew, 'ctx'), 'secret-2');
    assert.equal(failures.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the open cache forgets everything when the keys change', () => {
  let version = 0;
  let opens = 0;
  const inner = { seal: (p: string) => p, open: (s: string) => (opens++, s) };
  const cached = withOpenCache(inner, 10, () => version);
  cached.open('a', 'c');
  cached.open('a', 'c');
  assert.equal(opens, 1);
  version = 1;
  cached.open('a', 'c');
  assert.equal(opens, 2);
});
