import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom, seededRandom } from '../../kernel/random.ts';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword } from './password-hash.ts';

const FAST = { N: 1024, r: 8, p: 1 };

test('a hash verifies its password only, and records its parameters', async () => {
  const encoded = await hashPassword('Correct-Horse-9', cryptoRandom);
  assert.match(encoded, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(DEFAULT_SCRYPT_PARAMS.N, 32768);
  assert.equal(await verifyPassword('Correct-Horse-9', encoded), true);
  assert.equal(await verifyPassword('correct-horse-9', encoded), false);
  assert.equal(await verifyPassword('Correct-Horse-9 ', encoded), false);
});

test('every password gets its own salt', async () => {
  const [a, b] = [await hashPassword('same', cryptoRandom, FAST), await hashPassword('same', cryptoRandom, FAST)];
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same', a), true);
  assert.equal(await verifyPassword('same', b), true);
  // The same salt and parameters give the same key: the hash is a function of its inputs.
  assert.equal(await hashPassword('same', seededRandom(3), FAST), await hashPassword('same', seededRandom(3), FAST));
});

test('stored parameters are honoured, and malformed hashes never verify', async () => {
  const weak = await hashPassword('pw', cryptoRandom, FAST);
  assert.ok(weak.startsWith('scrypt$1024$8$1$'));
  assert.equal(await verifyPassword('pw', weak), true);
  const parts = weak.split('$');
  assert.equal(await verifyPassword('pw', ['scrypt', '2048', ...parts.slice(2)].join('$')), false, 'other parameters, other key');
  for (const bad of ['', 'pw', 'bcrypt$1024$8$1$a$b', 'scrypt$x$8$1$a$b', 'scrypt$1024$8$1$a', `${weak}$extra`]) {
    assert.equal(await verifyPassword('pw', bad), false, bad);
  }
});
