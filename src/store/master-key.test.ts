import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSecretKey } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadOrCreateMasterKey, loadOrCreateMasterKeys, masterKeyFromConfig, masterKeysFromConfig, MASTER_KEY_FILE, readMasterKeyFileSync, writeMasterKeyFile } from './master-key.ts';
import { bestTime } from '../../test/support/timing.ts';

const root = mkdtempSync(join(tmpdir(), 'tessera-master-key-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `data-${++dirs}`, 'nested');

test('creates the folder and a private key file on first use, then reads the same key', async () => {
  const dir = freshDir();
  const created = await loadOrCreateMasterKey(dir);
  const file = join(dir, MASTER_KEY_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o077, 0, 'folder not open to group or others');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^[A-Za-z0-9+/]{43}=\n$/);
  assert.deepEqual(created.export(), Buffer.from(text, 'base64'));
  const again = await loadOrCreateMasterKey(dir);
  assert.ok(again.equals(created));
  assert.deepEqual(readdirSync(dir), [MASTER_KEY_FILE], 'no temporary file left behind');
});

test('processes starting at once all end up with one and the same key', async () => {
  const dir = freshDir();
  const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateMasterKey(dir)));
  for (const key of keys) assert.ok(key.equals(keys[0]!));
  assert.deepEqual(readdirSync(dir), [MASTER_KEY_FILE]);
});

test('an existing file that is not a key is an error, and is left alone', async () => {
  const dir = freshDir();
  await loadOrCreateMasterKey(dir);
  const file = join(dir, MASTER_KEY_FILE);
  const damaged = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=\n';
  writeFileSync(file, damaged);
  await assert.rejects(loadOrCreateMasterKey(dir), (err: Error) => /exactly 32 bytes/.test(err.message) && !err.message.includes(damaged.trim()));
  assert.equal(readFileSync(file, 'utf8'), damaged);
});

test('a configured key is accepted in standard or URL-safe base64, padded or not', () => {
  const bytes = randomBytes(32);
  for (const form of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=$/, ''), ` ${bytes.toString('base64')}\n`]) {
    assert.deepEqual(masterKeyFromConfig(form).export(), bytes, form);
  }
});

test('a configured key of the wrong size or alphabet is refused without being repeated', () => {
  const candidates = [randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), '', `${randomBytes(32).toString('base64').slice(0, 40)}!!!=`];
  for (const value of candidates) {
    assert.throws(
      () => masterKeyFromConfig(value),
      (err: Error) => /exactly 32 bytes/.test(err.message) && (value === '' || !err.message.includes(value.slice(0, 10))),
      value,
    );
  }
});

test('a key file may hold several keys, the sealing one first, with comments and blank lines', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  const [a, b] = [randomBytes(32), randomBytes(32)];
  writeFileSync(join(dir, MASTER_KEY_FILE), `# rotation under way\n${b.toString('base64')}\n\n${a.toString('base64url')}\n${b.toString('base64')}\n`);
  const keys = await loadOrCreateMasterKeys(dir);
  assert.deepEqual(keys.current.export(), b);
  assert.deepEqual(keys.others.map((k) => k.export()), [a], 'the repeated key is kept once');
  assert.deepEqual((await loadOrCreateMasterKey(dir)).export(), b);
});

test('writeMasterKeyFile replaces the file atomically, private, readable back in order', async () => {
  const dir = freshDir();
  await loadOrCreateMasterKey(dir);
  const file = join(dir, MASTER_KEY_FILE);
  const [a, b] = [createSecretKey(randomBytes(32)), createSecretKey(randomBytes(32))];
  await writeMasterKeyFile(file, { current: a, others: [b] });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const back = readMasterKeyFileSync(file);
  assert.ok(back.current.equals(a) && back.others.length === 1 && back.others[0]!.equals(b));
  assert.deepEqual(readdirSync(dir), [MASTER_KEY_FILE], 'no temporary file left behind');
  await writeMasterKeyFile(file, { current: a, others: [] });
  assert.equal(readMasterKeyFileSync(file).others.length, 0);
});

test('--master-key takes NEW,OLD; too many keys, an empty item or a bad one are refused without the value', () => {
  const [a, b] = [randomBytes(32), randomBytes(32)];
  const keys = masterKeysFromConfig(`${a.toString('base64')}, ${b.toString('base64url')}`);
  assert.deepEqual(keys.current.export(), a);
  assert.deepEqual(keys.others[0]!.export(), b);
  const five = Array.from({ length: 5 }, () => randomBytes(32).toString('base64')).join(',');
  assert.throws(() => masterKeysFromConfig(five), /at most 4/);
  assert.throws(() => masterKeysFromConfig(`${a.toString('base64')},`), /configured master key 2: .*exactly 32 bytes/);
  const secretish = `${a.toString('base64')},${b.toString('base64').slice(0, 30)}`;
  assert.throws(() => masterKeysFromConfig(secretish), (err: Error) => !err.message.includes(b.toString('base64').slice(0, 30)));
});

test('a key file that is a directory, too large, or garbled is refused with its path and line', () => {
  const dir = freshDir();
  mkdirSync(join(dir, MASTER_KEY_FILE), { recursive: true });
  assert.throws(() => readMasterKeyFileSync(join(dir, MASTER_KEY_FILE)), (err: Error) => err.message.includes(join(dir, MASTER_KEY_FILE)) && /not a regular file/.test(err.message));
  const big = join(root, 'big.key');
  writeFileSync(big, 'A'.repeat(1_000_000));
  const ms = bestTime(() => assert.throws(() => readMasterKeyFileSync(big), /too large/), 100);
  assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
  const garbled = join(root, 'garbled.key');
  writeFileSync(garbled, `${randomBytes(32).toString('base64')}\nnot-a-key\n`);
  assert.throws(() => readMasterKeyFileSync(garbled), (err: Error) => err.message.includes(`${garbled}, line 2`) && !err.message.includes('not-a-key'));
  assert.throws(() => readMasterKeyFileSync(join(root, 'absent.key')), /cannot be read: no such file or directory \(ENOENT\)/);
});
