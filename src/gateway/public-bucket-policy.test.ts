import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPublicBucketPolicy, restrictToOwnerAccount } from './public-bucket-policy.ts';

const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...statement }] });

describe('what S3 calls a public bucket policy', () => {
  test('a wildcard principal without a fixing condition is public', () => {
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*' })), true);
    assert.equal(isPublicBucketPolicy(policy({ Principal: { AWS: '*' } })), true);
    assert.equal(isPublicBucketPolicy(policy({ Principal: { AWS: ['111122223333', 'arn:aws:iam::*:root'] } })), true);
    assert.equal(isPublicBucketPolicy(policy({ NotPrincipal: { AWS: '111122223333' } })), true);
  });

  test('fixed principals are not public; nor is a Deny, nor a document that is not a policy', () => {
    assert.equal(isPublicBucketPolicy(policy({ Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' } })), false);
    assert.equal(isPublicBucketPolicy(policy({ Principal: { Service: 'logging.s3.amazonaws.com' } })), false);
    assert.equal(isPublicBucketPolicy(policy({ Effect: 'Deny', Principal: '*' })), false);
    assert.equal(isPublicBucketPolicy('not json'), false);
  });

  test('a wildcard principal fixed by a condition S3 recognizes is not public; a loose one is', () => {
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } })), false);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } } })), false);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '198.51.100.7'] } } })), false);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })), true);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { StringLike: { 'aws:SourceAccount': '1111*' } } })), true);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } })), true);
    assert.equal(isPublicBucketPolicy(policy({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } })), true);
  });

  test('RestrictPublicBuckets limits every Allow to the owner account, keeping what else it says', () => {
    const restricted = JSON.parse(restrictToOwnerAccount(JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 's3:prefix': 'x' } } },
        { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringEquals: { 'aws:PrincipalAccount': ['444455556666'] } } },
        { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
      ],
    }), '111122223333')) as { Statement: { Condition?: Record<string, Record<string, unknown>> }[] };
    assert.deepEqual(restricted.Statement[0]!.Condition, { StringEquals: { 's3:prefix': 'x', 'aws:PrincipalAccount': '111122223333' } });
    // Limited to another account already: nobody is left.
    assert.deepEqual(restricted.Statement[1]!.Condition, { StringEquals: { 'aws:PrincipalAccount': [] } });
    assert.equal(restricted.Statement[2]!.Condition, undefined);
  });
});
