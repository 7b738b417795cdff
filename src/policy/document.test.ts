import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePolicyText } from './document.ts';
import { validatePolicy } from './validate.ts';
import { POLICY_KINDS } from './types.ts';

const valid = JSON.stringify({
  Version: '2012-10-17',
  Id: 'p1',
  Statement: [
    { Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:List*'], Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { StringLike: { 's3:prefix': ['a', 'b'] }, Bool: { 'aws:SecureTransport': true } } },
    { Sid: 'B', Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:iam::*:role/x'] },
  ],
});

describe('policy document parser', () => {
  it('normalizes single values and arrays, and keeps the original text', () => {
    const result = parsePolicyText(valid);
    assert.ok(result.ok);
    const doc = result.document;
    assert.equal(doc.text, valid);
    assert.equal(doc.version, '2012-10-17');
    assert.equal(doc.id, 'p1');
    assert.equal(doc.statements.length, 2);
    const [a, b] = doc.statements;
    assert.deepEqual(a?.action?.values, ['s3:GetObject', 's3:List*']);
    assert.deepEqual(a?.resource?.values, ['arn:aws:s3:::b/${aws:username}/*']);
    assert.equal(a?.resource?.single, true);
    assert.deepEqual(a?.conditions.map((c) => [c.operator, c.key, c.values]), [
      ['StringLike', 's3:prefix', ['a', 'b']],
      ['Bool', 'aws:SecureTransport', [true]],
    ]);
    assert.deepEqual(b?.notAction?.values, ['iam:*']);
    assert.equal(b?.effect, 'Deny');
  });

  it('accepts a single statement object and a missing Version (read as 2008-10-17)', () => {
    const result = parsePolicyText('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}');
    assert.ok(result.ok);
    assert.equal(result.document.version, '2008-10-17');
    assert.equal(result.document.versionSpecified, false);
    assert.equal(result.document.statements[0]?.path, 'Statement');
  });

  it('reports JSON that does not parse, or is not an object, as a syntax error', () => {
    for (const text of ['', '{', 'null', '[]', '"policy"', '42', '{"Statement": [}']) {
      const result = parsePolicyText(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.equal(result.issues[0]?.message, 'Syntax errors in policy.');
    }
  });

  it('never throws on random text, and validation always returns an array', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom(...POLICY_KINDS), (text, kind) => {
        parsePolicyText(text);
        const diagnostics = validatePolicy(text, kind);
        assert.ok(Array.isArray(diagnostics));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random JSON values', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 5 }), fc.constantFrom(...POLICY_KINDS), (text, kind) => {
        const diagnostics = validatePolicy(text, kind);
        assert.ok(Array.isArray(diagnostics));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on truncations and single-character mutations of a valid policy', () => {
    for (let i = 0; i <= valid.length; i++) {
      assert.ok(Array.isArray(validatePolicy(valid.slice(0, i), 'identity')));
    }
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.string({ minLength: 1, maxLength: 3 }), (at, insert) => {
        const mutated = valid.slice(0, at) + insert + valid.slice(at + 1);
        assert.ok(Array.isArray(validatePolicy(mutated, 'resource')));
      }),
      { numRuns: 300 },
    );
  });

  it('survives very deep nesting', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.ok(Array.isArray(validatePolicy(deep, 'identity')));
    const deepStatement = `{"Statement":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    assert.ok(Array.isArray(validatePolicy(deepStatement, 'identity')));
  });
});
