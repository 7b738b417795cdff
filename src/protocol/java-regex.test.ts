import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJavaPattern, translateJavaPattern } from './java-regex.ts';
import { loadServiceModel, SERVICE_NAMES } from './model.ts';

describe('compileJavaPattern', () => {
  it('compiles every pattern in the three models', () => {
    let count = 0;
    for (const service of SERVICE_NAMES) {
      for (const shape of loadServiceModel(service).shapes.values()) {
        if (shape.type === 'string' && shape.pattern !== undefined) {
          assert.ok(compileJavaPattern(shape.pattern) instanceof RegExp, shape.pattern);
          count += 1;
        }
      }
    }
    assert.ok(count > 100, `only ${count} patterns found`);
  });

  it('matches the whole string, as Java matches() does', () => {
    const name = compileJavaPattern('[\\w+=,.@-]+');
    assert.equal(name.test('alice.smith@example'), true);
    assert.equal(name.test('a b'), false);
    assert.equal(name.test(''), false);
    // Alternation with anchors inside: the whole input must still match.
    const id = compileJavaPattern('^(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$');
    assert.equal(id.test('123456789012'), true);
    assert.equal(id.test('123456789012x'), false);
    assert.equal(id.test('ou-ab12-abcdefgh'), true);
  });

  it('reads \\s as ASCII whitespace only', () => {
    const email = compileJavaPattern('[^\\s@]+@[^\\s@]+\\.[^\\s@]+');
    assert.equal(email.test('a b@example.com'), false);
    // U+00A0 is whitespace to JavaScript but not to Java.
    assert.equal(email.test('a\u00a0b@example.com'), true);
    const anything = compileJavaPattern('[\\s\\S]*');
    assert.equal(anything.test('line\nbreak \u00a0 \u{1f600}'), true);
  });

  it('keeps Java\'s four-digit \\u escapes, so \\u10000 is U+1000 followed by "0"', () => {
    const text = compileJavaPattern('[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+');
    assert.equal(text.test('arn:aws:iam::123456789012:role/x'), true);
    assert.equal(text.test('\u0001'), false);
    assert.equal(text.test(''), false);
  });

  it('accepts identity escapes that JavaScript\'s u mode rejects', () => {
    const arn = compileJavaPattern('[\\w+=,.@\\:-]*');
    assert.equal(arn.test('a:b'), true);
    assert.equal(arn.test('a/b'), false);
    const tag = compileJavaPattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    assert.equal(tag.test('Ünïcode 123 -@'), true);
    assert.equal(tag.test('(paren)'), false);
  });

  it('excludes line terminators, U+0085 included, from "."', () => {
    const any = compileJavaPattern('^arn:aws:organizations::.+:.+');
    assert.equal(any.test('arn:aws:organizations::1:x'), true);
    assert.equal(any.test('arn:aws:organizations::1:x\u0085'), false);
  });

  it('refuses Java constructs it cannot translate faithfully', () => {
    assert.throws(() => translateJavaPattern('a++'), /possessive/);
    assert.throws(() => translateJavaPattern('(?i)abc'), /inline flag/);
    assert.throws(() => translateJavaPattern('[a-z&&[^e]]'), /nested|intersection/);
    assert.throws(() => translateJavaPattern('\\p{javaLowerCase}'), /property class/);
  });

  it('caches one RegExp per pattern', () => {
    assert.equal(compileJavaPattern('[a-z]+'), compileJavaPattern('[a-z]+'));
  });
});

describe('Java surrogate pairs and a leading (?s)', () => {
  it('reads an escaped surrogate pair as the code point it encodes (CloudTrail PartitionKeyName)', () => {
    const re = compileJavaPattern('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*');
    assert.ok(re.test('plain text\twith 🚀 and 𐀀'));
    assert.ok(!re.test('\u0001'), 'a control character is outside the class');
    assert.ok(!re.test('\uD800'), 'a lone surrogate is not a pair');
  });

  it('makes . match line breaks under a leading (?s) only (CloudTrail QueryStatement)', () => {
    assert.ok(compileJavaPattern('(?s).*').test('SELECT *\nFROM x\r\n\u2028'));
    assert.ok(!compileJavaPattern('.*').test('a\nb'));
    assert.throws(() => compileJavaPattern('a(?s).*'), /inline flag/);
  });
});
