import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enumerateSet } from './code-point-set.ts';
import { UNICODE_VERSION } from './unicode-categories.ts';
import { decodeCategory, encodeCategory, GENERAL_CATEGORY_NAMES, generalCategory } from './unicode-category-codec.ts';
import { tokenizeJavaPattern } from './java-regex.ts';
import { bestTime } from '../../test/support/timing.ts';

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
  // Tokens are cached per pattern: each timed run tokenizes a pattern not seen before (the tag
  // pattern with a literal run number after it), so every run builds the class again.
  let run = 0;
  let tokens: ReturnType<typeof tokenizeJavaPattern> = [];
  const ms = bestTime(() => (tokens = tokenizeJavaPattern(`^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)${++run}$`)), 20);
  const cls = tokens.find((t) => t.kind === 'char');
  assert.ok(cls && cls.kind === 'char');
  assert.deepEqual(cls.set, enumerateSet(new RegExp('^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]$', 'u')));
  assert.ok(ms < 20, `took ${ms.toFixed(1)} ms`);
});
