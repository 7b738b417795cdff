import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJavaPattern } from './java-regex.ts';
import { compilePatternMatcher } from './pattern-matcher.ts';

/** Both engines must give `expected`. */
function agree(pattern: string, value: string, expected: boolean): void {
  assert.equal(compileJavaPattern(pattern).test(value), expected, `RegExp: ${pattern} on ${JSON.stringify(value)}`);
  assert.equal(compilePatternMatcher(pattern).matches(value), expected, `automaton: ${pattern} on ${JSON.stringify(value)}`);
}

describe('compilePatternMatcher', () => {
  it('matches the whole string, anchors inside alternatives included', () => {
    const id = '^(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$';
    agree(id, '123456789012', true);
    agree(id, '123456789012x', false);
    agree(id, 'ou-ab12-abcdefgh', true);
    agree(id, 'xou-ab12-abcdefgh', false);
    agree('a^b', 'ab', false);
    agree('(^p-[a-z]+)|q', 'p-x', true);
  });

  it('does not let $ pass a final line break, as a full match does not', () => {
    agree('^\\d{12}$', '123456789012\n', false);
    agree('[\\w]+$', 'abc', true);
  });

  it('counts a surrogate pair as one character and a lone surrogate as itself', () => {
    agree('.{2}', '\u{1f600}\u{1f600}', true);
    agree('.{2}', '\u{1f600}', false);
    agree('[^a]', '\ud800', true);
    agree('[\\u0020-\\uFFFD]+', 'ok\udc00', true);
    agree('[\\p{L}]+', '\u{1d400}', true);
  });

  it('reads counted and lazy repetitions as the RegExp does', () => {
    for (const value of ['', 'a', 'aa', 'aaa', 'aaaa']) {
      agree('a{2,3}', value, value.length >= 2 && value.length <= 3);
      agree('a{2,}', value, value.length >= 2);
      agree('a{2}', value, value.length === 2);
      agree('a*?', value, true);
      agree('(a|)+?', value, true);
    }
    agree('(a*)*b', 'aaab', true);
  });

  it('skips a long run and still sees what ends it', () => {
    agree('a*b', `${'a'.repeat(100)}b`, true);
    agree('a*b', `${'a'.repeat(100)}c`, false);
    agree('[\\u0041\\x{1F600}]*y', `${'\u{1f600}A'.repeat(50)}y`, true);
    agree('[\\u0041\\x{1F600}]*y', `${'\u{1f600}'.repeat(50)}\ud83dy`, false);
    agree('[^\\s@]+@[^\\s@]+\\.[^\\s@]+', `a@${'b'.repeat(100)}.${'c'.repeat(100)}`, true);
  });

  it('stays right when its state cache starts over', () => {
    // (a|b)*a(a|b){12} needs 2^13 DFA states: more than the cache keeps.
    const pattern = '(a|b)*a(a|b){12}';
    let seed = 7;
    let value = '';
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      value += seed & 0x10000 ? 'a' : 'b';
    }
    for (const end of [value.length, value.length - 1, value.length - 5]) {
      const slice = value.slice(0, end);
      assert.equal(compilePatternMatcher(pattern).matches(slice), compileJavaPattern(pattern).test(slice));
    }
  });

  it('runs a lookaround only within the longest string the pattern can match', () => {
    const name = '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$';
    const matcher = compilePatternMatcher(name);
    assert.equal(matcher.engine, 'bounded');
    assert.equal(matcher.maxLength, 63);
    agree(name, 'a-b', true);
    agree(name, 'a--b', false);
    agree(name, 'a'.repeat(63), true);
    agree(name, 'a'.repeat(64), false);
    assert.equal(matcher.matches(`${'a-'.repeat(500_000)}a`), false);
    assert.equal(compilePatternMatcher('[\\w]+').engine, 'automaton');
  });

  it('refuses a lookaround or back reference whose match length has no bound', () => {
    assert.throws(() => compilePatternMatcher('a(?!b).*'), /no bound on the match length/);
    assert.throws(() => compilePatternMatcher('(a)\\1'), /no bound on the match length/);
  });

  it('refuses what the RegExp translation refuses', () => {
    assert.throws(() => compilePatternMatcher('a++'), /possessive/);
    assert.throws(() => compilePatternMatcher('a{3,2}'));
    assert.throws(() => compilePatternMatcher('(a'));
    assert.throws(() => compilePatternMatcher('a)'));
    assert.throws(() => compilePatternMatcher('^*'));
  });

  it('caches one matcher per pattern', () => {
    assert.equal(compilePatternMatcher('[a-z]+'), compilePatternMatcher('[a-z]+'));
  });
});
