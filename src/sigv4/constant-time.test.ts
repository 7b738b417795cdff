import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantTimeEquals } from './constant-time.ts';

const SIGNATURE = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';

test('equal strings compare equal', () => {
  assert.equal(constantTimeEquals(SIGNATURE, `${SIGNATURE}`), true);
  assert.equal(constantTimeEquals('', ''), true);
});

test('a difference anywhere, or in length, compares unequal', () => {
  assert.equal(constantTimeEquals(SIGNATURE, `0${SIGNATURE.slice(1)}`), false);
  assert.equal(constantTimeEquals(SIGNATURE, `${SIGNATURE.slice(0, -1)}0`), false);
  assert.equal(constantTimeEquals(SIGNATURE, SIGNATURE.slice(0, -1)), false);
  assert.equal(constantTimeEquals(SIGNATURE, `${SIGNATURE}0`), false);
  assert.equal(constantTimeEquals(SIGNATURE, ''), false);
  assert.equal(constantTimeEquals(SIGNATURE, SIGNATURE.toUpperCase()), false);
});
