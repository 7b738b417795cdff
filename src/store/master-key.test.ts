import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadOrCreateMasterKey, masterKeyFromConfig, MASTER_KEY_FILE } from './master-key.ts';

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
