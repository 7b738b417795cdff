import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawConditionValue } from './conditions.ts';
import { compileCondition, evaluateCondition } from './conditions.ts';
import { RequestContext } from './request-context.ts';
import type { ContextValue } from './types.ts';

function holds(operator: string, key: string, values: RawConditionValue | RawConditionValue[], context: Record<string, ContextValue>) {
  const condition = compileCondition(operator, key, Array.isArray(values) ? values : [values], true);
  return evaluateCondition(condition, new RequestContext({ kind: 'user', accountId: '111122223333', name: 'u' }, context, undefined));
}

describe('Numeric condition operators', () => {
  it('compares numerically, not textually', () => {
    assert.equal(holds('NumericEquals', 'k:n', '10', { 'k:n': '10.0' }), true);
    assert.equal(holds('NumericNotEquals', 'k:n', '10', { 'k:n': '9' }), true);
    assert.equal(holds('NumericLessThan', 'k:n', '10', { 'k:n': '9' }), true);
    assert.equal(holds('NumericLessThan', 'k:n', '10', { 'k:n': '10' }), false);
    assert.equal(holds('NumericLessThanEquals', 'k:n', '10', { 'k:n': '10' }), true);
    assert.equal(holds('NumericGreaterThan', 'k:n', '10', { 'k:n': '100' }), true);
    assert.equal(holds('NumericGreaterThanEquals', 'k:n', '10', { 'k:n': '9.99' }), false);
    assert.equal(holds('NumericLessThan', 'k:n', 10, { 'k:n': 9 }), true, 'JSON numbers on both sides');
  });

  it('missing keys: positive false, NumericNotEquals true, IfExists true', () => {
    assert.equal(holds('NumericLessThan', 'k:n', '10', {}), false);
    assert.equal(holds('NumericNotEquals', 'k:n', '10', {}), true);
    assert.equal(holds('NumericLessThanIfExists', 'k:n', '10', {}), true);
  });

  it('an unparseable request or policy value makes the condition false whatever the polarity', () => {
    assert.equal(holds('NumericLessThan', 'k:n', '10', { 'k:n': 'ten' }), false);
    assert.equal(holds('NumericNotEquals', 'k:n', '10', { 'k:n': 'ten' }), false);
    assert.equal(holds('NumericEquals', 'k:n', 'ten', { 'k:n': '10' }), false);
    assert.equal(holds('NumericNotEquals', 'k:n', 'ten', { 'k:n': '10' }), false);
    assert.equal(holds('NumericNotEquals', 'k:n', 'ten', {}), false, 'a broken condition stays false even with the key missing');
  });
});

describe('Date condition operators', () => {
  const t = { 'aws:CurrentTime': '2024-06-01T12:00:00Z' };
  it('compares instants, across formats and offsets', () => {
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', '2024-07-01T00:00:00Z', t), true);
    assert.equal(holds('DateGreaterThan', 'aws:CurrentTime', '2024-07-01T00:00:00Z', t), false);
    assert.equal(holds('DateEquals', 'aws:CurrentTime', '2024-06-01T14:00:00+02:00', t), true);
    assert.equal(holds('DateNotEquals', 'aws:CurrentTime', '2024-06-01T12:00:01Z', t), true);
    assert.equal(holds('DateLessThanEquals', 'aws:CurrentTime', '2024-06-01T12:00:00Z', t), true);
    assert.equal(holds('DateGreaterThanEquals', 'aws:CurrentTime', '2024-06-01', t), true);
    assert.equal(holds('DateGreaterThan', 'aws:EpochTime', '1700000000', { 'aws:EpochTime': '1717243200' }), true);
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', '1717243201', t), true, 'epoch seconds in the policy');
  });

  it('accepts Date objects and epoch numbers in the request context', () => {
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', '2025-01-01T00:00:00Z', { 'aws:CurrentTime': new Date(Date.UTC(2024, 0, 1)) }), true);
    assert.equal(holds('DateEquals', 'aws:EpochTime', '2024-01-01T00:00:00Z', { 'aws:EpochTime': Date.UTC(2024, 0, 1) / 1000 }), true);
  });

  it('an unparseable date makes the condition false, and a missing key follows the polarity rules', () => {
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', 'tomorrow', t), false);
    assert.equal(holds('DateNotEquals', 'aws:CurrentTime', '2024-01-01', { 'aws:CurrentTime': 'noon' }), false);
    assert.equal(holds('DateLessThan', 'aws:CurrentTime', '2024-01-01', {}), false);
    assert.equal(holds('DateNotEquals', 'aws:CurrentTime', '2024-01-01', {}), true);
  });
});

describe('Bool and BinaryEquals', () => {
  it('Bool compares booleans case-insensitively', () => {
    assert.equal(holds('Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'TRUE' }), true);
    assert.equal(holds('Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': true }), false);
    assert.equal(holds('Bool', 'aws:SecureTransport', false, { 'aws:SecureTransport': false }), true);
    assert.equal(holds('Bool', 'aws:SecureTransport', 'true', {}), false);
    assert.equal(holds('BoolIfExists', 'aws:MultiFactorAuthPresent', 'false', {}), true);
    assert.equal(holds('Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'yes' }), false);
    assert.equal(holds('Bool', 'aws:SecureTransport', 'maybe', { 'aws:SecureTransport': 'true' }), false);
  });

  it('BinaryEquals compares decoded bytes', () => {
    assert.equal(holds('BinaryEquals', 'k:b', 'QmluYXJ5VmFsdWU=', { 'k:b': 'QmluYXJ5VmFsdWU' }), true);
    assert.equal(holds('BinaryEquals', 'k:b', 'QmluYXJ5VmFsdWU=', { 'k:b': 'QmluYXJ5VmFsdWF=' }), false);
    assert.equal(holds('BinaryEquals', 'k:b', 'QmluYXJ5', {}), false);
    assert.equal(holds('BinaryEquals', 'k:b', 'QmluYXJ5', { 'k:b': '%%%' }), false);
  });
});

describe('IpAddress and NotIpAddress', () => {
  it('match IPv4 and IPv6 addresses against CIDR blocks', () => {
    assert.equal(holds('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.9' }), true);
    assert.equal(holds('IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '2001:db8::/32'], { 'aws:SourceIp': '2001:db8::5' }), true);
    assert.equal(holds('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '198.51.100.1' }), false);
    assert.equal(holds('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '198.51.100.1' }), true);
    assert.equal(holds('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.1' }), false);
  });

  it('missing keys and unparseable addresses', () => {
    assert.equal(holds('IpAddress', 'aws:SourceIp', '10.0.0.0/8', {}), false);
    assert.equal(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', {}), true);
    assert.equal(holds('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': 'not-an-ip' }), false);
    assert.equal(holds('IpAddress', 'aws:SourceIp', '10.0.0.0/99', { 'aws:SourceIp': '10.0.0.1' }), false);
  });
});

describe('Arn condition operators', () => {
  const ctx = { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic' };
  it('ArnEquals and ArnLike both match segment by segment with wildcards', () => {
    assert.equal(holds('ArnEquals', 'aws:SourceArn', 'arn:aws:sns:us-east-1:123456789012:topic', ctx), true);
    assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:123456789012:*', ctx), true);
    assert.equal(holds('ArnEquals', 'aws:SourceArn', 'arn:aws:sns:*:123456789012:*', ctx), true);
    assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:999999999999:*', ctx), false);
    assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:topic', ctx), false, 'a wildcard cannot cross segments');
  });

  it('ArnNotEquals / ArnNotLike are the negations, true when the key is missing', () => {
    assert.equal(holds('ArnNotLike', 'aws:SourceArn', 'arn:aws:sns:*:999999999999:*', ctx), true);
    assert.equal(holds('ArnNotEquals', 'aws:SourceArn', 'arn:aws:sns:us-east-1:123456789012:topic', ctx), false);
    assert.equal(holds('ArnNotLike', 'aws:SourceArn', 'arn:aws:sns:*:*:*', {}), true);
    assert.equal(holds('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:*:*', {}), false);
  });

  it('a request value that is not an ARN makes the condition false', () => {
    assert.equal(holds('ArnLike', 'aws:SourceArn', '*', { 'aws:SourceArn': 'not-an-arn' }), false);
    assert.equal(holds('ArnNotLike', 'aws:SourceArn', 'arn:aws:sns:*:*:*', { 'aws:SourceArn': 'not-an-arn' }), false);
  });

  it('substitutes policy variables in ARN values', () => {
    const principalArn = { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:user/u' };
    assert.equal(holds('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::${aws:PrincipalAccount}:user/*', principalArn), true);
  });
});

describe('Null', () => {
  it('"true" holds when the key is absent, "false" when present', () => {
    assert.equal(holds('Null', 'aws:TokenIssueTime', 'true', {}), true);
    assert.equal(holds('Null', 'aws:TokenIssueTime', 'true', { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' }), false);
    assert.equal(holds('Null', 'aws:TokenIssueTime', 'false', { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' }), true);
    assert.equal(holds('Null', 'aws:TokenIssueTime', false, {}), false);
  });

  it('treats an empty multi-valued key as absent, and sees keys derived from the principal', () => {
    assert.equal(holds('Null', 'aws:TagKeys', 'true', { 'aws:TagKeys': [] }), true);
    assert.equal(holds('Null', 'aws:username', 'false', {}), true, 'aws:username is derived for IAM users');
  });

  it('refuses qualifiers and IfExists, and non-boolean values', () => {
    assert.equal(holds('NullIfExists', 'k:x', 'true', {}), false);
    assert.equal(holds('ForAllValues:Null', 'k:x', 'true', {}), false);
    assert.equal(holds('Null', 'k:x', 'yes', {}), false);
  });
});
