import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawConditionValue } from './conditions.ts';
import { compileCondition, evaluateCondition } from './conditions.ts';
import { RequestContext } from './request-context.ts';
import type { ContextValue } from './types.ts';

function holds(operator: string, values: RawConditionValue[], tagKeys: ContextValue | undefined) {
  const condition = compileCondition(operator, 'aws:TagKeys', values, true);
  const context: Record<string, ContextValue> = tagKeys === undefined ? {} : { 'aws:TagKeys': tagKeys };
  return evaluateCondition(condition, new RequestContext({ kind: 'user', accountId: '111122223333', name: 'u' }, context, undefined));
}

describe('set qualifiers on multi-valued keys', () => {
  const allowed = ['environment', 'cost-center'];

  it('ForAllValues: every request value must match some policy value', () => {
    assert.equal(holds('ForAllValues:StringEquals', allowed, ['environment']), true);
    assert.equal(holds('ForAllValues:StringEquals', allowed, ['environment', 'cost-center']), true);
    assert.equal(holds('ForAllValues:StringEquals', allowed, ['environment', 'owner']), false);
  });

  it('ForAllValues is true for a missing or empty key', () => {
    assert.equal(holds('ForAllValues:StringEquals', allowed, undefined), true);
    assert.equal(holds('ForAllValues:StringEquals', allowed, []), true);
    assert.equal(holds('ForAllValues:StringNotEquals', allowed, undefined), true);
  });

  it('ForAnyValue: at least one request value must match', () => {
    assert.equal(holds('ForAnyValue:StringEquals', allowed, ['owner', 'environment']), true);
    assert.equal(holds('ForAnyValue:StringEquals', allowed, ['owner']), false);
  });

  it('ForAnyValue is false for a missing or empty key, even with a negated operator', () => {
    assert.equal(holds('ForAnyValue:StringEquals', allowed, undefined), false);
    assert.equal(holds('ForAnyValue:StringEquals', allowed, []), false);
    assert.equal(holds('ForAnyValue:StringNotEquals', allowed, undefined), false);
  });

  it('negated operators under a qualifier test each request value for matching no policy value', () => {
    // ForAllValues:StringNotEquals — none of the request values is in the list.
    assert.equal(holds('ForAllValues:StringNotEquals', allowed, ['owner', 'project']), true);
    assert.equal(holds('ForAllValues:StringNotEquals', allowed, ['owner', 'environment']), false);
    // ForAnyValue:StringNotEquals — at least one request value is outside the list.
    assert.equal(holds('ForAnyValue:StringNotEquals', allowed, ['environment', 'owner']), true);
    assert.equal(holds('ForAnyValue:StringNotEquals', allowed, ['environment']), false);
  });

  it('qualifiers work with wildcards and IfExists', () => {
    assert.equal(holds('ForAllValues:StringLike', ['env*', 'cost-*'], ['environment', 'cost-center']), true);
    assert.equal(holds('ForAnyValue:StringLikeIfExists', ['env*'], undefined), true);
    assert.equal(holds('ForAnyValue:StringLikeIfExists', ['env*'], ['other']), false);
  });

  it('a single-valued key is a one-element set', () => {
    assert.equal(holds('ForAllValues:StringEquals', allowed, 'environment'), true);
    assert.equal(holds('ForAnyValue:StringEquals', allowed, 'owner'), false);
  });

  it('without a qualifier, a multi-valued key matches when any value matches (negated: when none does)', () => {
    assert.equal(holds('StringEquals', allowed, ['owner', 'environment']), true);
    assert.equal(holds('StringEquals', allowed, ['owner']), false);
    assert.equal(holds('StringNotEquals', allowed, ['owner', 'environment']), false);
    assert.equal(holds('StringNotEquals', allowed, ['owner', 'project']), true);
  });

  it('an unparseable value anywhere in the set makes a typed condition false', () => {
    const condition = compileCondition('ForAllValues:NumericLessThan', 'k:n', ['10'], true);
    const ctx = (v: ContextValue) => new RequestContext({ kind: 'anonymous' }, { 'k:n': v }, undefined);
    assert.equal(evaluateCondition(condition, ctx(['1', '2'])), true);
    assert.equal(evaluateCondition(condition, ctx(['1', 'two'])), false);
  });
});
