import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyAllowsCloudTrail } from './bucket-policy-check.ts';
import { bestTime } from '../../test/support/timing.ts';

const BUCKET = 'audit-bucket';
const PREFIX = 'logs/AWSLogs/123456789012/';
const allow = (overrides: Record<string, unknown> = {}) => ({
  Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}*`, ...overrides,
});
const check = (...statements: unknown[]) => policyAllowsCloudTrail(JSON.stringify({ Version: '2012-10-17', Statement: statements }), BUCKET, PREFIX);

test('AWS\'s recommended statement (with its conditions) and its wildcard forms allow delivery', () => {
  assert.equal(check(allow({ Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } })), true);
  assert.equal(check(allow({ Action: ['s3:GetBucketAcl', 's3:Put*'], Resource: [`arn:aws:s3:::${BUCKET}/*`] })), true);
  assert.equal(check(allow({ Action: 'S3:PUTOBJECT', Principal: { Service: ['config.amazonaws.com', 'cloudtrail.amazonaws.com'] } })), true);
  assert.equal(check(allow({ Action: '*', Resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/*/*` })), true);
});

test('a policy that does not name CloudTrail, its action or the trail\'s objects does not', () => {
  assert.equal(check(allow({ Principal: { Service: 'config.amazonaws.com' } })), false);
  assert.equal(check(allow({ Principal: '*' })), false); // stricter than S3: CloudTrail must be named
  assert.equal(check(allow({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } })), false);
  assert.equal(check(allow({ Action: 's3:GetBucketAcl' })), false);
  assert.equal(check(allow({ Resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/111111111111/*` })), false);
  assert.equal(check(allow({ Resource: `arn:aws:s3:::other-bucket/*` })), false);
  assert.equal(check(allow({ Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}CloudTrail/*` })), false); // digests not covered
  assert.equal(check(allow({ Effect: 'Deny' })), false);
  assert.equal(check({ ...allow(), Action: undefined, NotAction: 's3:DeleteObject' }), false);
});

test('an unconditional Deny for CloudTrail or everyone takes it away; a conditional one does not', () => {
  assert.equal(check(allow(), { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*` }), false);
  assert.equal(check(allow(), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}*` }), false);
  assert.equal(check(allow(), { Effect: 'Deny', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: '*' }), false);
  assert.equal(check(allow(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }), true);
  assert.equal(check(allow(), { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: '*' }), true);
});

test('malformed, hostile and oversized policies are refused quickly, never thrown', () => {
  for (const text of ['', 'not json', 'null', '[]', '{"Statement":"x"}', '{"Statement":[null,1,"s",[]]}', '{"Statement":{"Effect":"Allow","Principal":{"Service":5},"Action":["s3:PutObject"],"Resource":"*"}}']) {
    assert.equal(policyAllowsCloudTrail(text, BUCKET, PREFIX), false, text);
  }
  const stars = `arn:aws:s3:::${'*a'.repeat(5_000)}b`;
  const many = Array.from({ length: 200 }, () => allow({ Resource: stars, Action: `${'?'.repeat(2_000)}` }));
  const ms = bestTime(() => assert.equal(check(...many), false), 2_000);
  assert.ok(ms < 2_000, `a hostile policy is decided quickly (${ms.toFixed(0)} ms)`);
});
