import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeData } from './records.ts';

test('encodeData refuses a NUL in any value or key, at any depth', () => {
  assert.throws(() => encodeData({ a: 'x\0y' }), /U\+0000/);
  assert.throws(() => encodeData({ deep: [{ b: ['ok', '\0'] }] }), /U\+0000/);
  assert.throws(() => encodeData({ 'k\0': 1 }), /U\+0000/);
  assert.throws(() => encodeData('\\\0'), /U\+0000/); // a backslash, then a NUL
});

test('encodeData keeps text that only looks like an escaped NUL', () => {
  for (const text of ['\\u0000', 'a\\u0000b', '\\\\\\u0000']) {
    assert.equal(JSON.parse(encodeData({ text })).text, text);
  }
});

test('encodeData refuses what JSON cannot carry', () => {
  assert.throws(() => encodeData(undefined), /JSON-serializable/);
  assert.equal(encodeData({ n: 1, s: 'é' }), '{"n":1,"s":"é"}');
});
