import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateScenario } from './scenario.ts';

// The service rules no policy states (service-rules.ts), decided by the engine for any caller
// of evaluate — the server, the simulator and `tessera policy eval` alike.

const A = '111122223333';
const allowAll = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
const alice = `arn:aws:iam::${A}:user/alice`;
const key = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const keyPolicy = (principal: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*' }] });

test('a role is assumed only through its trust policy, even within the account', () => {
  const identityOnly = evaluateScenario({ request: { principal: alice, action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/Admin` }, identityPolicies: allowAll });
  assert.equal(identityOnly.decision, 'ImplicitDeny');
  for (const action of ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']) {
    assert.equal(evaluateScenario({ request: { principal: alice, action, resource: `arn:aws:iam::${A}:role/Admin` }, identityPolicies: allowAll }).decision, 'ImplicitDeny', action);
  }
  const trusted = evaluateScenario({
    request: { principal: alice, action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/Admin` },
    identityPolicies: allowAll,
    resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: alice }, Action: 'sts:AssumeRole' }] },
    resourcePolicyKind: 'trust',
  });
  assert.equal(trusted.decision, 'Allowed');
  // Other IAM actions on a role are decided by identity policies as usual.
  assert.equal(evaluateScenario({ request: { principal: alice, action: 'iam:GetRole', resource: `arn:aws:iam::${A}:role/Admin` }, identityPolicies: allowAll }).decision, 'Allowed');
});

test('a KMS key is used only if its key policy allows it or delegates to the account', () => {
  const request = { principal: alice, action: 'kms:Decrypt', resource: key };
  const identityOnly = evaluateScenario({ request, identityPolicies: allowAll });
  assert.equal(identityOnly.decision, 'ImplicitDeny');
  assert.equal(identityOnly.reason, 'no resource-based policy allows the kms:Decrypt action');
  // Delegated to the account: the identity policy then decides.
  assert.equal(evaluateScenario({ request, identityPolicies: allowAll, resourcePolicy: keyPolicy({ AWS: `arn:aws:iam::${A}:root` }) }).decision, 'Allowed');
  assert.equal(evaluateScenario({ request, identityPolicies: [], resourcePolicy: keyPolicy({ AWS: `arn:aws:iam::${A}:root` }) }).decision, 'ImplicitDeny');
  // Naming the user: allowed by the key policy alone.
  assert.equal(evaluateScenario({ request, identityPolicies: [], resourcePolicy: keyPolicy({ AWS: alice }) }).decision, 'Allowed');
  // The root user needs the key policy too.
  const root = { principal: `arn:aws:iam::${A}:root`, action: 'kms:Decrypt', resource: key };
  assert.equal(evaluateScenario({ request: root }).decision, 'ImplicitDeny');
  assert.equal(evaluateScenario({ request: root, resourcePolicy: keyPolicy({ AWS: `arn:aws:iam::${A}:root` }) }).decision, 'Allowed');
  // Aliases and listing are not keys: identity policies decide.
  assert.equal(evaluateScenario({ request: { principal: alice, action: 'kms:ListKeys', resource: '*' }, identityPolicies: allowAll }).decision, 'Allowed');
  assert.equal(evaluateScenario({ request: { principal: alice, action: 'kms:CreateAlias', resource: `arn:aws:kms:us-east-1:${A}:alias/app` }, identityPolicies: allowAll }).decision, 'Allowed');
});

test('the queue owner\'s root user keeps Get/SetQueueAttributes under a queue policy that denies everyone; nothing else', () => {
  const queue = `arn:aws:sqs:us-east-1:${A}:locked-out`;
  const denyAll = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: queue }] };
  const root = `arn:aws:iam::${A}:root`;
  for (const action of ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes']) {
    assert.equal(evaluateScenario({ request: { principal: root, action, resource: queue, resourceAccount: A }, resourcePolicy: denyAll }).decision, 'Allowed', action);
    assert.equal(evaluateScenario({ request: { principal: alice, action, resource: queue, resourceAccount: A }, identityPolicies: allowAll, resourcePolicy: denyAll }).decision, 'ExplicitDeny', action);
  }
  assert.equal(evaluateScenario({ request: { principal: root, action: 'sqs:SendMessage', resource: queue, resourceAccount: A }, resourcePolicy: denyAll }).decision, 'ExplicitDeny');
  assert.equal(evaluateScenario({ request: { principal: 'arn:aws:iam::444455556666:root', action: 'sqs:SetQueueAttributes', resource: queue, resourceAccount: A }, resourcePolicy: denyAll }).decision, 'ExplicitDeny');
});

test('the bucket owner\'s root user keeps its bucket policy calls whatever the bucket policy denies; SCPs still apply', () => {
  const bucket = 'arn:aws:s3:::locked-out';
  const denyAll = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucket, `${bucket}/*`] }] };
  const root = `arn:aws:iam::${A}:root`;
  for (const action of ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']) {
    const kept = evaluateScenario({ request: { principal: root, action, resource: bucket, resourceAccount: A }, resourcePolicy: denyAll });
    assert.equal(kept.decision, 'Allowed', action);
  }
  // Only those three: the root user's other calls obey the Deny; so does anyone else, and another account's root.
  assert.equal(evaluateScenario({ request: { principal: root, action: 's3:ListBucket', resource: bucket, resourceAccount: A }, resourcePolicy: denyAll }).decision, 'ExplicitDeny');
  assert.equal(evaluateScenario({ request: { principal: alice, action: 's3:DeleteBucketPolicy', resource: bucket, resourceAccount: A }, identityPolicies: allowAll, resourcePolicy: denyAll }).decision, 'ExplicitDeny');
  assert.equal(evaluateScenario({ request: { principal: 'arn:aws:iam::444455556666:root', action: 's3:DeleteBucketPolicy', resource: bucket, resourceAccount: A }, resourcePolicy: denyAll }).decision, 'ExplicitDeny');
  // An Organizations policy can still stop it.
  const scpDeny = [[{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucketPolicy', Resource: '*' }] }]];
  assert.equal(evaluateScenario({ request: { principal: root, action: 's3:DeleteBucketPolicy', resource: bucket, resourceAccount: A }, resourcePolicy: denyAll, scps: scpDeny }).decision, 'ExplicitDeny');
});
