import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createSecretBox, masterKeyFromConfig, masterKeyId, sealedKeyId, SecretBoxError, type SecretBoxErrorCode } from './secret-box.ts';

const keyA = createSecretKey(randomBytes(32));
const keyB = createSecretKey(randomBytes(32));
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function rejectsWith(code: SecretBoxErrorCode) {
  return (err: unknown) => err instanceof SecretBoxError && err.code === code;
}

test('seal then open returns the secret, text or bytes', () => {
  const box = createSecretBox(keyA);
  assert.equal(box.open(box.seal(SECRET, 'AKIAEXAMPLE'), 'AKIAEXAMPLE'), SECRET);
  assert.equal(box.open(box.seal('', 'ctx'), 'ctx'), '');
  assert.equal(box.open(box.seal('päßwörd ✓ 🔑', 'ctx'), 'ctx'), 'päßwörd ✓ 🔑');
  const bytes = randomBytes(64);
  assert.deepEqual(Buffer.from(box.openBytes(box.seal(bytes, 'key-ring/1'), 'key-ring/1')), bytes);
});

test('the output is versioned base64url, and fresh randomness makes every seal different', () => {
  const box = createSecretBox(keyA);
  const first = box.seal(SECRET, 'ctx');
  const second = box.seal(SECRET, 'ctx');
  assert.match(first, /^v1\.[A-Za-z0-9_-]+$/);
  assert.notEqual(first, second);
  // 8 key id + 12 + 32 + 16 (wrapped data key) + 12 + 16 (secret) + the secret itself.
  assert.equal(Buffer.from(first.slice(3), 'base64url').length, 96 + SECRET.length);
  assert.ok(!first.includes(Buffer.from(SECRET).toString('base64url').slice(0, 12)));
});

test('a sealed value moved to another record (another context) does not open', () => {
  const box = createSecretBox(keyA);
  const sealed = box.seal(SECRET, 'AKIAAAAAAAAAAAAAAAAA');
  assert.throws(() => box.open(sealed, 'AKIABBBBBBBBBBBBBBBB'), rejectsWith('ERR_SECRET_BOX_AUTH'));
  assert.throws(() => box.open(sealed, ''), rejectsWith('ERR_SECRET_BOX_AUTH'));
});

test('changing any byte makes it fail to open', () => {
  const box = createSecretBox(keyA);
  const sealed = box.seal(SECRET, 'ctx');
  const bytes = Buffer.from(sealed.slice(3), 'base64url');
  for (let i = 0; i < bytes.length; i++) {
    const tampered = Buffer.from(bytes);
    tampered[i]! ^= 0x01;
    // The first 8 bytes name the key: changing them names a key this box does not have.
    const expected = i < 8 ? 'ERR_SECRET_BOX_UNKNOWN_KEY' : 'ERR_SECRET_BOX_AUTH';
    assert.throws(() => box.open(`v1.${tampered.toString('base64url')}`, 'ctx'), rejectsWith(expected), `byte ${i}`);
  }
  assert.throws(() => box.open(`v1.${bytes.subarray(0, bytes.length - 1).toString('base64url')}`, 'ctx'), rejectsWith('ERR_SECRET_BOX_AUTH'));
  assert.throws(() => box.open(`v1.${bytes.subarray(0, 50).toString('base64url')}`, 'ctx'), rejectsWith('ERR_SECRET_BOX_FORMAT'));
});

test('malformed or unknown-version values are refused as such', () => {
  const box = createSecretBox(keyA);
  const sealed = box.seal(SECRET, 'ctx');
  for (const bad of [SECRET, '', 'v1.', `v2.${sealed.slice(3)}`, `${sealed}=`, `${sealed.slice(0, 20)}+${sealed.slice(21)}`]) {
    assert.throws(() => box.open(bad, 'ctx'), rejectsWith('ERR_SECRET_BOX_FORMAT'), bad);
  }
});

test('another master key cannot open it; after rotation the retired key still can', () => {
  const old = createSecretBox(keyA);
  const sealedOld = old.seal(SECRET, 'ctx');
  assert.throws(() => createSecretBox(keyB).open(sealedOld, 'ctx'), rejectsWith('ERR_SECRET_BOX_UNKNOWN_KEY'));

  const rotated = createSecretBox(keyB, { retiredKeys: [keyA] });
  assert.equal(rotated.open(sealedOld, 'ctx'), SECRET);
  assert.equal(rotated.needsReseal(sealedOld), true);
  const sealedNew = rotated.seal(SECRET, 'ctx');
  assert.equal(rotated.needsReseal(sealedNew), false);
  assert.equal(rotated.open(sealedNew, 'ctx'), SECRET);
  assert.throws(() => old.open(sealedNew, 'ctx'), rejectsWith('ERR_SECRET_BOX_UNKNOWN_KEY'));
});

test('a key of the wrong size is refused', () => {
  assert.throws(() => createSecretBox(createSecretKey(randomBytes(16))), TypeError);
  assert.throws(() => createSecretBox(keyA, { retiredKeys: [createSecretKey(randomBytes(31))] }), TypeError);
});

test('bytes that are not UTF-8 open only as bytes', () => {
  const box = createSecretBox(keyA);
  const sealed = box.seal(Uint8Array.of(0xff, 0xfe, 0x00), 'ctx');
  assert.throws(() => box.open(sealed, 'ctx'), rejectsWith('ERR_SECRET_BOX_FORMAT'));
  assert.deepEqual([...box.openBytes(sealed, 'ctx')], [0xff, 0xfe, 0x00]);
});

test('neither errors nor the box nor its key reveal secrets or key material', () => {
  const base64 = randomBytes(32).toString('base64');
  const key = masterKeyFromConfig(base64);
  const box = createSecretBox(key);
  const sealed = box.seal(SECRET, 'ctx');
  const shown = [inspect(box, { depth: 5 }), inspect(key), JSON.stringify(key), JSON.stringify(box)];
  try {
    box.open(sealed, 'other');
  } catch (err) {
    shown.push(String(err), inspect(err));
  }
  for (const text of shown) {
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes(base64) && !text.includes(base64.slice(0, 20)), text);
  }
});

test('rewrap moves a value to the current key without changing the secret layer', () => {
  const old = createSecretBox(keyA);
  const rotating = createSecretBox(keyB, { retiredKeys: [keyA] });
  const sealed = old.seal(SECRET, 'AKIAEXAMPLE');
  assert.ok(rotating.needsReseal(sealed));
  const rewrapped = rotating.rewrap(sealed, 'AKIAEXAMPLE');
  assert.ok(!rotating.needsReseal(rewrapped));
  assert.equal(sealedKeyId(sealed), masterKeyId(keyA));
  assert.equal(sealedKeyId(rewrapped), masterKeyId(keyB));
  assert.equal(rotating.currentKeyId, masterKeyId(keyB));
  assert.deepEqual(rotating.keyIds, [masterKeyId(keyB), masterKeyId(keyA)]);
  // Opens under the new key alone; the old key alone no longer opens it.
  assert.equal(createSecretBox(keyB).open(rewrapped, 'AKIAEXAMPLE'), SECRET);
  assert.throws(() => old.open(rewrapped, 'AKIAEXAMPLE'), rejectsWith('ERR_SECRET_BOX_UNKNOWN_KEY'));
  // Only the data-key layer changed: nonce, tag and ciphertext of the secret are the same bytes.
  const tail = (value: string) => Buffer.from(value.slice(3), 'base64url').subarray(8 + 12 + 32 + 16);
  assert.deepEqual(tail(rewrapped), tail(sealed));
  // The context still binds: a rewrap under another context fails, as does a tampered secret layer.
  assert.throws(() => rotating.rewrap(sealed, 'AKIAOTHER'), rejectsWith('ERR_SECRET_BOX_AUTH'));
  const bytes = Buffer.from(sealed.slice(3), 'base64url');
  bytes[bytes.length - 1]! ^= 0x01;
  assert.throws(() => rotating.rewrap(`v1.${bytes.toString('base64url')}`, 'AKIAEXAMPLE'), rejectsWith('ERR_SECRET_BOX_AUTH'));
  assert.throws(() => createSecretBox(keyB).rewrap(sealed, 'AKIAEXAMPLE'), rejectsWith('ERR_SECRET_BOX_UNKNOWN_KEY'));
  assert.throws(() => sealedKeyId('v1.short'), rejectsWith('ERR_SECRET_BOX_FORMAT'));
});
