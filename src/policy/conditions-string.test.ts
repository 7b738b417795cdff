import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawConditionValue } from './conditions.ts';
import { compileCondition, evaluateCondition } from './conditions.ts';
import { RequestContext } from './request-context.ts';
import type { ContextValue, EvaluationPrincipal } from './types.ts';

const alice: EvaluationPrincipal = { kind: 'user', accountId: '111122223333', name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' };

function holds(operator: string, key: string, values: RawConditionValue | RawConditionValue[], context: Record<string, ContextValue>, variables = true) {
  const condition = compileCondition(operator, key, Array.isArray(values) ? values : [values], variables);
  return evaluateCondition(condition, new RequestContext(alice, context, undefined));
}

describe('String condition operators', () => {
  it('StringEquals compares case-sensitively and ORs the policy values', () => {
    assert.equal(holds('StringEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'red' }), true);
    assert.equal(holds('StringEquals', 'aws:PrincipalTag/team', 'red', { 'aws:PrincipalTag/team': 'Red' }), false);
    assert.equal(holds('StringEquals', 'aws:PrincipalTag/team', ['blue', 'red'], { 'aws:PrincipalTag/team': 'red' }), true);
    assert.equal(holds('StringEquals', 's3:prefix', 'home/*', { 's3:prefix': 'home/x' }), false, 'no wildcards in StringEquals');
  });

  it('looks condition keys up case-insensitively', () => {
    assert.equal(holds('StringEquals', 'AWS:PRINCIPALTAG/TEAM', 'red', { 'aws:principaltag/team': 'red' }), true);
  });

  it('StringNotEquals is true when no policy value equals the request value', () => {
    assert.equal(holds('StringNotEquals', 'k:x', ['a', 'b'], { 'k:x': 'c' }), true);
    assert.equal(holds('StringNotEquals', 'k:x', ['a', 'b'], { 'k:x': 'b' }), false);
  });

  it('IgnoreCase variants fold case on both sides', () => {
    assert.equal(holds('StringEqualsIgnoreCase', 'k:x', 'HeLLo', { 'k:x': 'hello' }), true);
    assert.equal(holds('StringNotEqualsIgnoreCase', 'k:x', 'HeLLo', { 'k:x': 'HELLO' }), false);
    assert.equal(holds('StringNotEqualsIgnoreCase', 'k:x', 'HeLLo', { 'k:x': 'world' }), true);
  });

  it('StringLike and StringNotLike use * and ? wildcards, case-sensitively', () => {
    assert.equal(holds('StringLike', 's3:prefix', 'home/*', { 's3:prefix': 'home/alice/x' }), true);
    assert.equal(holds('StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/ab' }), false);
    assert.equal(holds('StringLike', 's3:prefix', 'Home/*', { 's3:prefix': 'home/x' }), false);
    assert.equal(holds('StringNotLike', 's3:prefix', ['home/*', 'public/*'], { 's3:prefix': 'private/x' }), true);
    assert.equal(holds('StringNotLike', 's3:prefix', ['home/*', 'public/*'], { 's3:prefix': 'public/x' }), false);
  });

  it('a missing key makes positive operators false and negated operators true', () => {
    assert.equal(holds('StringEquals', 'k:x', 'a', {}), false);
    assert.equal(holds('StringLike', 'k:x', '*', {}), false, '"*" still needs a value');
    assert.equal(holds('StringEqualsIgnoreCase', 'k:x', 'a', {}), false);
    assert.equal(holds('StringNotEquals', 'k:x', 'a', {}), true);
    assert.equal(holds('StringNotLike', 'k:x', 'a', {}), true);
    assert.equal(holds('StringNotEqualsIgnoreCase', 'k:x', 'a', {}), true);
  });

  it('...IfExists is true when the key is missing and otherwise behaves normally', () => {
    assert.equal(holds('StringEqualsIfExists', 'k:x', 'a', {}), true);
    assert.equal(holds('StringEqualsIfExists', 'k:x', 'a', { 'k:x': 'a' }), true);
    assert.equal(holds('StringEqualsIfExists', 'k:x', 'a', { 'k:x': 'b' }), false);
    assert.equal(holds('StringNotLikeIfExists', 'k:x', 'a*', { 'k:x': 'abc' }), false);
  });

  it('coerces number and boolean policy values to their JSON text', () => {
    assert.equal(holds('StringEquals', 'k:x', 5, { 'k:x': '5' }), true);
    assert.equal(holds('StringEquals', 'k:x', true, { 'k:x': 'true' }), true);
  });

  it('substitutes policy variables in values (Version 2012-10-17 only)', () => {
    assert.equal(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', { 's3:prefix': 'home/alice/x' }), true);
    assert.equal(holds('StringLike', 's3:prefix', 'home/${aws:username}/*', { 's3:prefix': 'home/bob/x' }), false);
    assert.equal(
      holds('StringLike', 's3:prefix', 'home/${aws:username}/*', { 's3:prefix': 'home/${aws:username}/x' }, false),
      true,
      'under 2008-10-17 the variable is literal text',
    );
    assert.equal(holds('StringEquals', 'k:x', "${aws:PrincipalTag/none, 'dflt'}", { 'k:x': 'dflt' }), true);
  });

  it('a variable with no value is null: it equals nothing, so negated operators hold when the key is present', () => {
    assert.equal(holds('StringEquals', 'k:x', '${aws:PrincipalTag/none}', { 'k:x': '' }), false);
    assert.equal(holds('StringLike', 'k:x', '${aws:PrincipalTag/none}*', { 'k:x': 'x' }), false);
    assert.equal(holds('StringNotEquals', 'k:x', '${aws:PrincipalTag/none}', { 'k:x': 'anything' }), true);
    assert.equal(holds('StringNotLike', 'k:x', '${aws:PrincipalTag/none}', { 'k:x': 'anything' }), true);
    assert.equal(holds('StringEquals', 'k:x', ['${aws:PrincipalTag/none}', 'b'], { 'k:x': 'b' }), true, 'other values still count');
    assert.equal(holds('StringNotEquals', 'k:x', '${aws:PrincipalTag/none}', {}), true, 'a missing key follows the usual rule');
  });

  it('an unknown operator is never true', () => {
    assert.equal(holds('StringEqualz', 'k:x', 'a', { 'k:x': 'a' }), false);
    assert.equal(holds('StringNotEqualz', 'k:x', 'a', {}), false);
  });
});
