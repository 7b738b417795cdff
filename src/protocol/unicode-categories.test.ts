import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enumerateSet } from './code-point-set.ts';
import { UNICODE_VERSION } from './unicode-categories.ts';
import { decodeCategory, encodeCategory, GENERAL_CATEGORY_NAMES, generalCategory } from './unicode-category-codec.ts';
import { tokenizeJavaPattern } from './java-regex.ts';

test('the generated category table is the running engine\'s (else run scripts/generate-unicode-categories.ts)', () => {
  assert.equal(UNICODE_VERSION, process.versions.unicode, 'the table was generated for another Unicode version');
  for (const name of GENERAL_CATEGORY_NAMES) {
    assert.deepEqual(generalCategory(name), enumerateSet(new RegExp(`^\\p{${name}}$`, 'u')), `\\p{${name}}`);
  }
});

test('the codec round-trips sets', () => {
  for (const set of [[], [0, 0], [0x41, 0x5a, 0x61, 0x7a], [0x10000, 0x10ffff]]) assert.deepEqual(decodeCategory(encodeCategory(set)), set);
  assert.throws(() => generalCategory('Xx'), /no Unicode general category/);
});

test('the tag pattern class is built from the table in well under the old 60 ms', () => {
  const started = performance.now();
  const tokens = tokenizeJavaPattern('^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$');
  const ms = performance.now() - started;
  const cls = tokens.find((t) => t.kind === 'char');
  assert.ok(cls && cls.kind === 'char');
  assert.deepEqual(cls.set, enumerateSet(new RegExp('^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]$', 'u')));
  assert.ok(ms < 20, `took ${ms.toFixed(1)} ms`);
});
