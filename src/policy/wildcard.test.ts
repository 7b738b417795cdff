import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { PatternBuilder, compileLiteral, compileWildcard, matchWildcard } from './wildcard.ts';

const matches = (pattern: string, subject: string, ignoreCase = false) =>
  matchWildcard(compileWildcard(pattern, ignoreCase), ignoreCase ? subject.toLowerCase() : subject);

describe('wildcard matcher', () => {
  it('matches literal text exactly', () => {
    assert.equal(matches('s3:GetObject', 's3:GetObject'), true);
    assert.equal(matches('s3:GetObject', 's3:GetObjectAcl'), false);
    assert.equal(matches('s3:GetObject', 's3:GetObjec'), false);
    assert.equal(matches('', ''), true);
    assert.equal(matches('', 'a'), false);
  });

  it('lets * match any run of characters, including none', () => {
    assert.equal(matches('*', ''), true);
    assert.equal(matches('*', 'anything at all'), true);
    assert.equal(matches('s3:Get*', 's3:Get'), true);
    assert.equal(matches('s3:Get*', 's3:GetObject'), true);
    assert.equal(matches('s3:Get*', 's3:PutObject'), false);
    assert.equal(matches('*Object', 's3:GetObject'), true);
    assert.equal(matches('*Object', 's3:GetObjectAcl'), false);
    assert.equal(matches('a*b*c', 'aXXbYYc'), true);
    assert.equal(matches('a*b*c', 'aXXcYYb'), false);
    assert.equal(matches('a**b', 'ab'), true);
  });

  it('lets ? match exactly one character', () => {
    assert.equal(matches('a?c', 'abc'), true);
    assert.equal(matches('a?c', 'ac'), false);
    assert.equal(matches('a?c', 'abbc'), false);
    assert.equal(matches('??', 'ab'), true);
    assert.equal(matches('*?', ''), false);
    assert.equal(matches('*?', 'x'), true);
  });

  it('backtracks to the last star when a greedy choice fails', () => {
    assert.equal(matches('*ab', 'aab'), true);
    assert.equal(matches('*aab', 'aaab'), true);
    assert.equal(matches('a*ba', 'abba'), true);
    assert.equal(matches('*a*a', 'bab'), false);
  });

  it('is case-sensitive unless compiled case-insensitively', () => {
    assert.equal(matches('s3:getobject', 's3:GetObject'), false);
    assert.equal(matches('S3:GET*', 's3:getobject', true), true);
    assert.equal(matches('iam:*USER*', 'IAM:CreateUser', true), true);
  });

  it('treats wildcard characters as literal where the builder says so', () => {
    const builder = new PatternBuilder();
    builder.appendPattern('bucket/');
    builder.appendLiteral('*');
    builder.appendPattern('/?');
    const pattern = builder.build();
    assert.equal(matchWildcard(pattern, 'bucket/*/x'), true);
    assert.equal(matchWildcard(pattern, 'bucket/abc/x'), false, 'the literal * must not act as a wildcard');
    assert.equal(matchWildcard(compileLiteral('a*b'), 'a*b'), true);
    assert.equal(matchWildcard(compileLiteral('a*b'), 'axxb'), false);
  });

  it('never builds a RegExp (regex metacharacters are ordinary characters)', () => {
    assert.equal(matches('a.c', 'abc'), false);
    assert.equal(matches('a.c', 'a.c'), true);
    assert.equal(matches('(x|y)+', '(x|y)+'), true);
    assert.equal(matches('[ab]', 'a'), false);
  });

  it('matches 64 stars against a 2,000-character subject in well under a millisecond', () => {
    const subject = 'a'.repeat(2000);
    const adversarial = [
      compileWildcard('*'.repeat(64)),
      compileWildcard('*a'.repeat(64) + '*b'), // forces a full scan with no match
      compileWildcard('*a'.repeat(63) + '*'), // matches
      compileWildcard('*' + 'a'.repeat(60) + 'b'), // classic backtracking trap for naive matchers
      compileWildcard('*?'.repeat(64)),
    ];
    const expected = [true, false, true, false, true];
    // The fastest of several timed runs: a shared machine can stall any single run, but not all.
    const rounds = 50;
    for (const [i, pattern] of adversarial.entries()) {
      assert.equal(matchWildcard(pattern, subject), expected[i], `pattern ${i}`);
      let fastestMs = Infinity;
      for (let r = 0; r < rounds; r++) {
        const start = performance.now();
        matchWildcard(pattern, subject);
        fastestMs = Math.min(fastestMs, performance.now() - start);
      }
      assert.ok(fastestMs < 1, `pattern ${i} took ${fastestMs.toFixed(4)} ms per match`);
    }
  });
});

describe('star-only patterns (matched piece by piece)', () => {
  it('agree with the general two-pointer matcher on random patterns and subjects', () => {
    const alphabet = ['a', 'b', '*'];
    const pick = (xs: string[], n: number) => Array.from({ length: n }, () => xs[Math.floor(Math.random() * xs.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const text = pick(alphabet, Math.floor(Math.random() * 8));
      const subject = pick(['a', 'b'], Math.floor(Math.random() * 10));
      const fast = compileWildcard(text);
      const general = { ...fast, segments: null };
      assert.equal(matchWildcard(fast, subject), matchWildcard(general, subject), `${JSON.stringify(text)} vs ${JSON.stringify(subject)}`);
    }
  });

  it('treat a literal star (from a substituted variable) as a character', () => {
    const builder = new PatternBuilder();
    builder.appendPattern('a*');
    builder.appendLiteral('*');
    builder.appendPattern('*b');
    const pattern = builder.build();
    assert.equal(matchWildcard(pattern, 'axx*yyb'), true);
    assert.equal(matchWildcard(pattern, 'axxyyb'), false);
  });
});
