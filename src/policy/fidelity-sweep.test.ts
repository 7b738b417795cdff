// Fidelity sweep: cases where the engine decided differently from AWS's documented
// semantics. Each test cites the AWS documentation statement it encodes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawConditionValue } from './conditions.ts';
import { compileCondition, evaluateCondition } from './conditions.ts';
import { evaluateScenario } from './index.ts';
import { RequestContext } from './request-context.ts';
import type { ContextValue } from './types.ts';

const USER = 'arn:aws:iam::111122223333:user/alice';

function holds(operator: string, key: string, values: RawConditionValue[], context: Record<string, ContextValue>): boolean {
  const condition = compileCondition(operator, key, values, true);
  assert.equal(condition.brokenReason, null, `${operator} ${JSON.stringify(values)} should compile`);
  const principal = { kind: 'user', accountId: '111122223333', name: 'alice' } as const;
  return evaluateCondition(condition, new RequestContext(principal, context, undefined));
}

function allowedFor(resource: string, policyResource: string): string {
  return evaluateScenario({
    request: { principal: USER, action: 'sqs:SendMessage', resource },
    identityPolicies: [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: policyResource }] },
    ],
  }).decision;
}

describe('set qualifiers: an empty string is an empty data set', () => {
  // IAM User Guide, "Creating a condition that tests multiple key values (set operations)":
  // "If the key values in the request resolve to an empty data set (for example, an empty
  // string), a condition operator modified by ForAllValues returns true, and a condition
  // operator modified by ForAnyValue returns false."
  it('ForAllValues is true for a key whose value is the empty string', () => {
    assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['environment'], { 'aws:TagKeys': '' }), true);
    assert.equal(holds('ForAllValues:StringEquals', 'aws:TagKeys', ['environment'], { 'aws:TagKeys': [''] }), true);
  });

  it('ForAnyValue is false for a key whose value is the empty string', () => {
    assert.equal(holds('ForAnyValue:StringLike', 'aws:TagKeys', ['*'], { 'aws:TagKeys': '' }), false);
    assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', [''], { 'aws:TagKeys': [''] }), false);
    // Not an empty data set: a real value next to the empty string still counts.
    assert.equal(holds('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': ['', 'a'] }), true);
    // Unqualified operators compare "" as a value: AWS's own s3:prefix example (IAM JSON
    // policy elements: Condition operators) allows `"StringLike": {"s3:prefix": ["", …]}`.
    assert.equal(holds('StringLike', 's3:prefix', ['', 'home/'], { 's3:prefix': '' }), true);
  });
});

describe('Date operators read the W3C profile of ISO 8601', () => {
  // IAM JSON policy elements: Condition operators, Date: "You must specify date/time values
  // with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX)
  // time." The W3C profile (www.w3.org/TR/NOTE-datetime) lists "Year and month: YYYY-MM".
  it('accepts a year and month (the first of the month, UTC)', () => {
    const now = { 'aws:CurrentTime': '2019-12-31T23:59:59Z' };
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', ['2020-01'], now), true);
    assert.equal(holds('DateGreaterThanEquals', 'aws:CurrentTime', ['2020-01'], { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }), true);
    assert.equal(holds('DateEquals', 'aws:CurrentTime', ['2020-02'], { 'aws:CurrentTime': '2020-02-01' }), true);
  });
});

describe('Resource element: a segment-final * crosses colons', () => {
  // IAM JSON policy elements: Resource, "Using wildcards in resource ARNs": "You can use
  // multiple * or ? characters in each segment. If the * wildcard is the last character of a
  // resource ARN segment, it can expand to match beyond the colon boundaries."
  const queue = 'arn:aws:sqs:us-east-1:111122223333:jobs';

  it('a * ending the region segment also takes the account segment', () => {
    assert.equal(allowedFor(queue, 'arn:aws:sqs:*:jobs'), 'Allowed');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:us-*:jobs'), 'Allowed');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:eu-*:jobs'), 'ImplicitDeny');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:*:other'), 'ImplicitDeny');
  });

  it('a pattern ending in a segment-final * covers the rest of the ARN', () => {
    assert.equal(allowedFor(queue, 'arn:aws:sqs:*'), 'Allowed');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:us-east-1:*'), 'Allowed');
    assert.equal(allowedFor(queue, 'arn:aws:sns:*'), 'ImplicitDeny');
  });

  it('also in NotResource', () => {
    const decision = evaluateScenario({
      request: { principal: USER, action: 'sqs:SendMessage', resource: queue },
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', NotResource: 'arn:aws:sqs:*:jobs' }] }],
    }).decision;
    assert.equal(decision, 'ImplicitDeny');
  });

  it('a * inside a segment still stays in it, and so do ? wildcards', () => {
    // Guards next to the fix: only a segment-final * crosses.
    assert.equal(allowedFor(queue, 'arn:aws:sqs:u*1:jobs'), 'ImplicitDeny');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:us-east-?:jobs'), 'ImplicitDeny');
    assert.equal(allowedFor(queue, 'arn:aws:sqs:*:jobs'), 'Allowed');
  });

  it('Arn condition operators keep checking the six components separately', () => {
    // IAM JSON policy elements: Condition operators, ARN: "Each of the six colon-delimited
    // components of the ARN is checked separately" — its example has `arn:aws:someservice:*:…`
    // fail where StringLike succeeds. The same pattern as a Resource does match.
    const context = { 'aws:SourceArn': queue };
    assert.equal(holds('ArnLike', 'aws:SourceArn', ['arn:aws:sqs:*:jobs'], context), false);
    assert.equal(allowedFor(queue, 'arn:aws:sqs:*:jobs'), 'Allowed');
  });

  it('stays linear on a resource with thousands of colons', () => {
    const hostile = `arn:aws:sqs:us-east-1:111122223333:${'a:'.repeat(5000)}jobs`;
    const started = performance.now();
    assert.equal(allowedFor(hostile, 'arn:aws:sqs:*:*:a*:jobs'), 'Allowed');
    assert.equal(allowedFor(hostile, 'arn:aws:sqs:*:*:a*:nomatch'), 'ImplicitDeny');
    assert.equal(allowedFor(hostile, 'arn:aws:sqs:*:jobs'), 'Allowed');
    assert.ok(performance.now() - started < 500, 'spanning match took too long');
  });
});
