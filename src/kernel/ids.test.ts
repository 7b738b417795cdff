import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessKeyId, accountOfAccessKeyId, randomAccountId, secretAccessKey, uniqueId } from './ids.ts';
import { cryptoRandom, seededRandom } from './random.ts';

test('access key IDs are AWS-shaped and carry their account', () => {
  for (const account of ['000000000000', '123456789012', '999999999999']) {
    const id = accessKeyId(cryptoRandom, 'AKIA', account);
    assert.match(id, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(accountOfAccessKeyId(id), account);
    const temp = accessKeyId(cryptoRandom, 'ASIA', account);
    assert.match(temp, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(accountOfAccessKeyId(temp), account);
  }
  assert.equal(accountOfAccessKeyId('AKIA0000000000000000'), undefined); // 0 is not base32
  assert.equal(accountOfAccessKeyId('test'), undefined);
});

test('unique IDs and secrets have AWS shapes and differ', () => {
  const a = uniqueId(cryptoRandom, 'AIDA');
  assert.match(a, /^AIDA[A-Z2-7]{17}$/);
  assert.notEqual(a, uniqueId(cryptoRandom, 'AIDA'));
  const s = secretAccessKey(cryptoRandom);
  assert.match(s, /^[A-Za-z0-9+/]{40}$/);
  assert.match(randomAccountId(seededRandom(7)), /^[1-9]\d{11}$/);
});
