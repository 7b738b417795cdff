// The linear-time matcher against the RegExp translation it replaced, over every
// model pattern: both must accept and refuse exactly the same strings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setContains } from '../../src/protocol/code-point-set.ts';
import { compileJavaPattern, tokenizeJavaPattern } from '../../src/protocol/java-regex.ts';
import { compilePatternMatcher, parsePattern } from '../../src/protocol/pattern-matcher.ts';
import { generate, modelFiles, modelPatternUses, probeCharacters, seededRandom } from '../support/model-patterns.ts';

const uses = modelPatternUses();

describe('the model pattern corpus', () => {
  it('is read from every model file in models/aws', () => {
    const files = modelFiles();
    for (const expected of ['iam-2010-05-08.json', 'sts-2011-06-15.json', 'organizations-2016-11-28.json']) {
      assert.ok(files.includes(expected), `${expected} missing from ${files.join(', ')}`);
    }
    for (const file of files) assert.ok(uses.some((use) => use.shapes.some((shape) => shape.startsWith(`${file}:`))), `no pattern from ${file}`);
    assert.ok(uses.length > 50, `only ${uses.length} patterns`);
  });
});

describe('each character set of each model pattern', () => {
  it('holds exactly the code points its RegExp translation accepts', () => {
    const seen = new Set<string>();
    let checked = 0;
    for (const { pattern } of uses) {
      for (const token of tokenizeJavaPattern(pattern)) {
        if (token.kind !== 'char' || seen.has(token.js)) continue;
        seen.add(token.js);
        const reference = new RegExp(`^${token.js}$`, 'u');
        // Every BMP code unit (lone surrogates included), then the astral planes at a
        // stride plus either side of every bound of the set.
        const astral = new Set<number>();
        for (let c = 0x10000; c <= 0x10ffff; c += 251) astral.add(c);
        for (const bound of token.set) for (const c of [bound - 1, bound, bound + 1]) if (c >= 0x10000 && c <= 0x10ffff) astral.add(c);
        for (let c = 0; c < 0x10000; c++) {
          if (setContains(token.set, c) !== reference.test(String.fromCharCode(c))) assert.fail(`${token.js} disagrees on U+${c.toString(16)}`);
        }
        for (const c of astral) {
          if (setContains(token.set, c) !== reference.test(String.fromCodePoint(c))) assert.fail(`${token.js} disagrees on U+${c.toString(16)}`);
        }
        checked += 1;
      }
    }
    assert.ok(checked > 20, `only ${checked} character sets`);
  });
});

describe('each model pattern on the linear matcher', () => {
  it('accepts and refuses exactly what the RegExp translation does', () => {
    const random = seededRandom(0x7e55e7a);
    let probedBothWays = 0;
    for (const { pattern } of uses) {
      const matcher = compilePatternMatcher(pattern);
      const reference = compileJavaPattern(pattern);
      const tree = parsePattern(pattern);
      const probes = probeCharacters(pattern);
      const samples = new Set<string>(['', ...probes]);
      for (let i = 0; i < 60; i++) {
        const valid = generate(tree, random, i % 3 === 0 ? 40 : 3);
        samples.add(valid);
        const at = Math.floor(random() * (valid.length + 1));
        const probe = probes[Math.floor(random() * probes.length)] as string;
        samples.add(valid.slice(0, at) + probe + valid.slice(at)); // an insertion
        samples.add(valid.slice(0, at) + valid.slice(at + 1)); // a deletion
        samples.add(valid.slice(0, at) + probe + valid.slice(at + 1)); // a replacement
        samples.add(valid + valid); // a repetition
        samples.add(`${valid}\n`); // what Java's $ would allow before a final line break
        samples.add(valid.slice(0, at)); // a prefix
      }
      let accepted = 0;
      for (const sample of samples) {
        const expected = reference.test(sample);
        assert.equal(matcher.matches(sample), expected, `${pattern} on ${JSON.stringify(sample)}`);
        if (expected) accepted += 1;
      }
      assert.ok(accepted > 0, `${pattern}: no sample accepted; the generator does not reach it`);
      if (accepted < samples.size) probedBothWays += 1;
    }
    // Only patterns that take anything ([\s\S]*) can refuse no sample.
    assert.ok(probedBothWays >= uses.length - 2, `only ${probedBothWays} of ${uses.length} patterns refused a sample`);
  });
});
