import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudTrailDeliveryVerdict, policyAllowsCloudTrail } from './bucket-policy-check.ts';
import { digestKey, logFileKey } from './object-keys.ts';
import { bestTime } from '../../test/support/timing.ts';

const BUCKET = 'audit-bucket';
const ACCOUNT = '123456789012';
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`;
const NOW = new Date('2025-03-04T05:06:07Z');
const PROBE = {
  trailArn: TRAIL,
  accountId: ACCOUNT,
  objectKeys: [logFileKey('logs', ACCOUNT, 'us-east-1', NOW, '0000000000000000'), digestKey('logs', ACCOUNT, 'us-east-1', 'audit', NOW)],
  now: NOW,
};
const OBJECTS = `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ACCOUNT}/*`;
const CLOUDTRAIL = { Service: 'cloudtrail.amazonaws.com' };
const aclCheck = (overrides: Record<string, unknown> = {}) => ({ Sid: 'AclCheck', Effect: 'Allow', Principal: CLOUDTRAIL, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}`, ...overrides });
const write = (overrides: Record<string, unknown> = {}) => ({
  Sid: 'Write', Effect: 'Allow', Principal: CLOUDTRAIL, Action: 's3:PutObject', Resource: OBJECTS,
  Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } }, ...overrides,
});
const text = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const verdict = (...statements: unknown[]) => cloudTrailDeliveryVerdict(text(statements), BUCKET, PROBE);
const check = (...statements: unknown[]) => verdict(...statements).allowed;
/** The request the engine refused, as `action resource` (or the verdict's kind). */
const refusal = (...statements: unknown[]) => {
  const v = verdict(...statements);
  if (v.allowed) return 'allowed';
  return 'action' in v ? `${v.decision} ${v.action} ${v.resource}` : v.decision;
};

test('AWS\'s recommended policy, with its conditions and wildcard forms, allows delivery', () => {
  assert.equal(check(aclCheck(), write()), true);
  assert.equal(check(aclCheck(), write({ Action: ['s3:GetBucketAcl', 's3:Put*'], Resource: [`arn:aws:s3:::${BUCKET}/*`] })), true);
  assert.equal(check(write({ Action: ['s3:GetBucketAcl', 'S3:PUTOBJECT'], Resource: [`arn:aws:s3:::${BUCKET}`, OBJECTS], Condition: undefined, Principal: { Service: ['config.amazonaws.com', 'cloudtrail.amazonaws.com'] } })), true);
  assert.equal(check(aclCheck(), write({ Action: '*', Resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/*/*` })), true);
});

test('s3:x-amz-acl: CloudTrail writes with bucket-owner-full-control, and a condition asking for another ACL refuses', () => {
  assert.equal(check(aclCheck(), write({ Condition: { StringEquals: { 's3:x-amz-acl': 'private' } } })), false);
  assert.match(refusal(aclCheck(), write({ Condition: { StringEquals: { 's3:x-amz-acl': 'private' } } })), /^ImplicitDeny s3:PutObject /);
  assert.equal(check(aclCheck(), write({ Condition: { StringLike: { 's3:x-amz-acl': 'bucket-owner-*' } } })), true);
});

test('aws:SourceArn and aws:SourceAccount: met for this trail, not met for another trail or account', () => {
  const sourceArn = (arn: string) => ({ StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': arn } });
  assert.equal(check(aclCheck({ Condition: { StringEquals: { 'aws:SourceArn': TRAIL } } }), write({ Condition: sourceArn(TRAIL) })), true);
  assert.equal(check(aclCheck(), write({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } } })), true);
  const other = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/another`;
  assert.match(refusal(aclCheck(), write({ Condition: sourceArn(other) })), /^ImplicitDeny s3:PutObject arn:aws:s3:::audit-bucket\/logs\/AWSLogs\/123456789012\/CloudTrail\//);
  assert.equal(refusal(aclCheck({ Condition: { StringEquals: { 'aws:SourceArn': other } } }), write()), `ImplicitDeny s3:GetBucketAcl arn:aws:s3:::${BUCKET}`);
  assert.equal(check(aclCheck(), write({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } })), true);
  assert.equal(check(aclCheck(), write({ Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } })), false);
  // The engine reads every key it is given: the service principal's own keys, TLS, no source IP.
  assert.equal(check(aclCheck(), write({ Condition: { StringEquals: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' }, Bool: { 'aws:SecureTransport': 'true' } } })), true);
  assert.equal(check(aclCheck(), write({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), false);
});

test('a missing s3:GetBucketAcl grant refuses (AWS\'s required policy has it)', () => {
  assert.equal(refusal(write()), `ImplicitDeny s3:GetBucketAcl arn:aws:s3:::${BUCKET}`);
  assert.equal(refusal(aclCheck({ Resource: `arn:aws:s3:::${BUCKET}/*` }), write()), `ImplicitDeny s3:GetBucketAcl arn:aws:s3:::${BUCKET}`);
});

test('NotPrincipal, NotAction and NotResource are read as the engine reads them', () => {
  // NotPrincipal: a Deny of everyone but CloudTrail leaves CloudTrail; one of everyone but the account takes it away.
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', NotPrincipal: CLOUDTRAIL, Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }), true);
  assert.match(refusal(aclCheck(), write(), { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` }), /^ExplicitDeny s3:PutObject /);
  // NotAction: an Allow of everything but deletes covers delivery; a Deny of everything but reads refuses it.
  assert.equal(check({ ...aclCheck(), Action: undefined, NotAction: 's3:DeleteObject', Resource: [`arn:aws:s3:::${BUCKET}`, OBJECTS] }), true);
  assert.match(refusal(aclCheck(), write(), { Effect: 'Deny', Principal: '*', NotAction: 's3:Get*', Resource: `arn:aws:s3:::${BUCKET}/*` }), /^ExplicitDeny s3:PutObject /);
  // NotResource: a Deny of all but the trail's folder and the bucket leaves delivery; one of all but another folder refuses it.
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: [`arn:aws:s3:::${BUCKET}`, OBJECTS] }), true);
  assert.match(refusal(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:*', NotResource: `arn:aws:s3:::${BUCKET}/public/*` }), /^ExplicitDeny /);
  // An Allow by NotResource covers the trail's objects when they are not excluded.
  assert.equal(check(aclCheck(), { ...write(), Resource: undefined, NotResource: `arn:aws:s3:::${BUCKET}/private/*` }), true);
  assert.equal(check(aclCheck(), { ...write(), Resource: undefined, NotResource: `arn:aws:s3:::${BUCKET}/logs/*` }), false);
});

test('an explicit Deny whose condition CloudTrail\'s request meets refuses; one whose condition it does not meet does not', () => {
  assert.match(refusal(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }), /^ExplicitDeny s3:PutObject /);
  assert.match(refusal(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { Bool: { 'aws:PrincipalIsAWSService': 'true' } } }), /^ExplicitDeny /);
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }), true);
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } }), true);
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: OBJECTS }), false);
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: CLOUDTRAIL, Action: 's3:GetBucketAcl', Resource: '*' }), false);
  assert.equal(check(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: '*' }), true);
});

test('a policy that does not grant CloudTrail, its action or the trail\'s objects does not allow', () => {
  assert.equal(check(aclCheck(), write({ Principal: { Service: 'config.amazonaws.com' } })), false);
  assert.equal(check(aclCheck(), write({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })), false);
  assert.equal(check(aclCheck(), write({ Action: 's3:GetObject' })), false);
  assert.equal(check(aclCheck(), write({ Resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/111111111111/*` })), false);
  assert.equal(check(aclCheck(), write({ Resource: 'arn:aws:s3:::other-bucket/*' })), false);
  assert.match(refusal(aclCheck(), write({ Resource: `arn:aws:s3:::${BUCKET}/logs/AWSLogs/${ACCOUNT}/CloudTrail/*` })), /CloudTrail-Digest/); // digests not covered
  assert.equal(check(aclCheck(), write({ Effect: 'Deny' })), false);
  // "*" is everyone, AWS's service principals included: the engine's reading, as S3's.
  assert.equal(check(aclCheck({ Principal: '*' }), write({ Principal: '*', Condition: { StringEquals: { 'aws:SourceArn': TRAIL } } })), true);
});

test('malformed, invalid, hostile and oversized policies are refused quickly, never thrown', () => {
  for (const bad of ['', 'not json', 'null', '[]', '{"Statement":"x"}', '{"Statement":[null,1,"s",[]]}', '{"Statement":{"Effect":"Allow","Principal":{"Service":5},"Action":["s3:PutObject"],"Resource":"*"}}']) {
    assert.equal(policyAllowsCloudTrail(bad, BUCKET, PROBE), false, bad);
  }
  assert.deepEqual(verdict({ Effect: 'Allow', Principal: CLOUDTRAIL, Action: 's3:PutObject', Resource: OBJECTS, Condition: { NoSuchOperator: { a: 'b' } } }), { allowed: false, decision: 'InvalidPolicy' });
  // Over the quota, and under it with wildcards built to backtrack (decided by the linear
  // matcher): fastest of several runs, so a loaded machine does not fail a linear-time check.
  const stars = `arn:aws:s3:::${'*a'.repeat(1_500)}b`;
  const many = Array.from({ length: 5 }, () => write({ Resource: stars, Action: `s3:${'*?'.repeat(500)}x`, Condition: undefined }));
  const ms = bestTime(() => {
    assert.deepEqual(cloudTrailDeliveryVerdict(text([aclCheck(), write({ Sid: 'x'.repeat(21 * 1024) })]), BUCKET, PROBE), { allowed: false, decision: 'InvalidPolicy' });
    assert.equal(check(aclCheck(), ...many), false);
  }, 2_000);
  assert.ok(ms < 2_000, `a hostile policy is decided quickly (${ms.toFixed(0)} ms)`);
});
