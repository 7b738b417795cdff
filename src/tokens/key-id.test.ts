import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cryptoRandom, seededRandom } from '../kernel/random.ts';
import { isWellFormedTokenKeyId, newTokenKeyId, TOKEN_KEY_ID_LENGTH } from './key-id.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

test('new key IDs are well formed, the right length, dot-free and distinct', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const id = newTokenKeyId(cryptoRandom);
    assert.equal(id.length, TOKEN_KEY_ID_LENGTH);
    assert.match(id, /^[a-z2-7]+$/);
    assert.ok(isWellFormedTokenKeyId(id), id);
    ids.add(id);
  }
  assert.equal(ids.size, 500);
});

test('every single-character substitution of an ID is caught by the check character', () => {
  const random = seededRandom(7);
  for (let n = 0; n < 50; n++) {
    const id = newTokenKeyId(random);
    for (let position = 0; position < id.length; position++) {
      for (const replacement of ALPHABET) {
        if (replacement === id[position]) continue;
        const changed = id.slice(0, position) + replacement + id.slice(position + 1);
        assert.equal(isWellFormedTokenKeyId(changed), false, `${id} -> ${changed}`);
      }
    }
  }
});

test('wrong length, foreign characters and empty input are not key IDs', () => {
  const id = newTokenKeyId(seededRandom(3));
  assert.equal(isWellFormedTokenKeyId(''), false);
  assert.equal(isWellFormedTokenKeyId(id.slice(1)), false);
  assert.equal(isWellFormedTokenKeyId(`${id}a`), false);
  assert.equal(isWellFormedTokenKeyId(id.toUpperCase()), false);
  assert.equal(isWellFormedTokenKeyId(`${id.slice(0, -1)}.`), false);
  assert.equal(isWellFormedTokenKeyId(`${id.slice(0, -2)}\u{1F511}`), false);
});
