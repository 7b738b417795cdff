import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeAt, findCode, findConsecutivePair, timeStepAt } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; six-digit codes are
// the last six digits of the RFC's eight-digit ones.
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('codes match the RFC 6238 SHA-1 vectors', () => {
  const vectors: Array<[number, string]> = [
    [59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037'], [20000000000, '353130'],
  ];
  for (const [seconds, code] of vectors) assert.equal(codeAt(RFC_SEED, timeStepAt(new Date(seconds * 1000))), code, String(seconds));
});

test('findCode searches nearest first and honours the window and the last used step', () => {
  const center = 57_000_000;
  const code = codeAt(RFC_SEED, center - 2);
  assert.equal(findCode(RFC_SEED, code, center, 2), center - 2);
  assert.equal(findCode(RFC_SEED, code, center, 1), undefined, 'outside the window');
  assert.equal(findCode(RFC_SEED, code, center, 2, center - 2), undefined, 'already used');
  assert.equal(findCode(RFC_SEED, code, center, 2, center - 3), center - 2);
});

test('findConsecutivePair needs two codes of consecutive steps, in order', () => {
  const center = 57_000_000;
  const [a, b, c] = [codeAt(RFC_SEED, center - 1), codeAt(RFC_SEED, center), codeAt(RFC_SEED, center + 1)];
  assert.equal(findConsecutivePair(RFC_SEED, a, b, center, 0), center);
  assert.equal(findConsecutivePair(RFC_SEED, b, c, center, 1), center + 1);
  assert.equal(findConsecutivePair(RFC_SEED, b, a, center, 3), undefined, 'reversed');
  assert.equal(findConsecutivePair(RFC_SEED, a, c, center, 3), undefined, 'not consecutive');
  assert.equal(findConsecutivePair(RFC_SEED, a, a, center, 3), undefined, 'the same code twice');
  assert.equal(findConsecutivePair(RFC_SEED, a, b, center, 3, center - 1), undefined, 'the first code was already used');
});
