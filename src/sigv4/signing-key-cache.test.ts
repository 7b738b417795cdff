import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SigningKeyCache, signingKeyCacheKey } from './signing-key-cache.ts';
import { deriveSigningKey } from './signing-key.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

test('deriveSigningKey matches the AWS documentation example', () => {
  // docs.aws.amazon.com "Examples of how to derive a signing key for Signature Version 4".
  const key = deriveSigningKey(SECRET, '20120215', 'us-east-1', 'iam');
  assert.equal(Buffer.from(key).toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
});

test('the cache returns the derived key, and the same key again on a hit', () => {
  const cache = new SigningKeyCache();
  const first = cache.signingKey(SECRET, '20150830', 'us-east-1', 'sts');
  assert.deepEqual(new Uint8Array(first.export()), new Uint8Array(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'sts')));
  assert.equal(cache.signingKey(SECRET, '20150830', 'us-east-1', 'sts'), first);
  assert.equal(cache.size, 1);
  assert.notDeepEqual(cache.signingKey(SECRET, '20150830', 'us-east-1', 'iam').export(), first.export());
  assert.equal(cache.size, 2);
});

test('the cache is bounded and evicts the least recently used key', () => {
  const cache = new SigningKeyCache({ capacity: 2 });
  const a = cache.signingKey(SECRET, '20150830', 'us-east-1', 'a');
  const b = cache.signingKey(SECRET, '20150830', 'us-east-1', 'b');
  assert.equal(cache.signingKey(SECRET, '20150830', 'us-east-1', 'a'), a); // a is now the most recent
  cache.signingKey(SECRET, '20150830', 'us-east-1', 'c'); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(cache.signingKey(SECRET, '20150830', 'us-east-1', 'a'), a);
  const bAgain = cache.signingKey(SECRET, '20150830', 'us-east-1', 'b');
  assert.notEqual(bAgain, b, 'b was evicted, so it is derived afresh');
  assert.deepEqual(bAgain, b);
  cache.clear();
  assert.equal(cache.size, 0);
});

test('cache keys are hashes that neither contain the secret nor collide across part boundaries', () => {
  const key = signingKeyCacheKey(SECRET, '20150830', 'us-east-1', 'sts');
  assert.ok(!key.includes(SECRET) && !key.includes('wJalr'));
  assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(signingKeyCacheKey('ab', '20150830', 'us-east-1', 'sts'), signingKeyCacheKey('a', 'b20150830', 'us-east-1', 'sts'));
  assert.notEqual(signingKeyCacheKey(SECRET, '20150830', 'us-east-1', 'sts'), signingKeyCacheKey(SECRET, '20150831', 'us-east-1', 'sts'));
});

test('a capacity below one is refused', () => {
  assert.throws(() => new SigningKeyCache({ capacity: 0 }), RangeError);
  assert.throws(() => new SigningKeyCache({ capacity: 1.5 }), RangeError);
});
