import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arnSubject, compileResourcePattern, matchResourcePattern, parseArn, splitArn } from './arn.ts';

const noVariables = () => undefined;
const matches = (pattern: string, resource: string, lookup: (k: string) => string | undefined = noVariables, variables = true) =>
  matchResourcePattern(compileResourcePattern(pattern, variables), arnSubject(resource), lookup);

describe('ARN parsing', () => {
  it('splits at the first five colons, keeping colons in the resource part', () => {
    assert.deepEqual(splitArn('arn:aws:s3:::bucket/a:b'), ['arn', 'aws', 's3', '', '', 'bucket/a:b']);
    assert.deepEqual(parseArn('arn:aws:iam::123456789012:user/path/alice'), {
      partition: 'aws',
      service: 'iam',
      region: '',
      account: '123456789012',
      resource: 'user/path/alice',
    });
    assert.equal(splitArn('arn:aws:s3'), null);
    assert.equal(splitArn('bucket/key'), null);
  });
});

describe('resource patterns', () => {
  it('"*" matches anything, including a non-ARN resource', () => {
    assert.equal(matches('*', 'arn:aws:s3:::b'), true);
    assert.equal(matches('*', '*'), true);
  });

  it('matches resource ARNs case-sensitively', () => {
    assert.equal(matches('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::Bucket/k'), true);
    assert.equal(matches('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/k'), false);
  });

  it('keeps a wildcard inside its own segment before the resource part', () => {
    assert.equal(matches('arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'), true);
    // The region wildcard may not swallow the account segment.
    assert.equal(matches('arn:aws:ec2:*:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'), false);
    assert.equal(matches('arn:aws:s*:::b', 'arn:aws:s3:::b'), true);
    assert.equal(matches('arn:aws:s?:::b', 'arn:aws:sqs:::b'), false);
  });

  it('lets a wildcard in the resource part span colons and slashes', () => {
    assert.equal(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a:b/c'), true);
    assert.equal(matches('arn:aws:logs:us-east-1:123456789012:*', 'arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:y'), true);
  });

  it('does not let a truncated ARN pattern match a full ARN', () => {
    assert.equal(matches('arn:aws:*', 'arn:aws:s3:::bucket'), false);
    assert.equal(matches('arn:*', 'arn:aws:iam::123456789012:root'), false);
  });

  it('matches a non-ARN pattern against the whole string', () => {
    assert.equal(matches('bucket/*', 'bucket/key'), true);
    assert.equal(matches('bucket/*', 'arn:aws:s3:::bucket/key'), false);
    assert.equal(matches('arn:aws:s3:::b', '*'), false, 'a concrete pattern never matches the "*" resource');
  });

  it('substitutes variables whose names contain colons without splitting segments there', () => {
    const lookup = (k: string) => ({ 'aws:username': 'alice' } as Record<string, string>)[k];
    assert.equal(matches('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/alice/x', lookup), true);
    assert.equal(matches('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob/x', lookup), false);
    assert.equal(matches('arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::123456789012:user/alice', lookup), true);
  });

  it('substituted values are literal, not wildcards', () => {
    const lookup = (k: string) => ({ 'aws:principaltag/p': '*' } as Record<string, string>)[k];
    assert.equal(matches('arn:aws:s3:::b/${aws:PrincipalTag/p}', 'arn:aws:s3:::b/*', lookup), true);
    assert.equal(matches('arn:aws:s3:::b/${aws:PrincipalTag/p}', 'arn:aws:s3:::b/anything', lookup), false);
    assert.equal(matches('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*'), true);
    assert.equal(matches('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x'), false);
  });

  it('reports an unresolvable variable as undefined rather than a match', () => {
    assert.equal(matches('arn:aws:s3:::home/${aws:username}', 'arn:aws:s3:::home/alice'), undefined);
  });

  it('treats ${...} as literal text when variables are disabled', () => {
    assert.equal(matches('arn:aws:s3:::home/${aws:username}', 'arn:aws:s3:::home/${aws:username}', noVariables, false), true);
  });
});
