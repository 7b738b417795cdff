import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvaluationPrincipal, PolicyKind } from '../../policy/index.ts';
import type { PolicySourceType } from '../../protocol/generated/iam.ts';
import { compileValid } from './policy-inputs.ts';
import { resourceScenario } from './resource-scenarios.ts';
import { DECISION_DETAIL_KEYS, simulate, type Simulation, type SourcedPolicy } from './simulation.ts';

const ACCOUNT = '111122223333';
const alice: EvaluationPrincipal = { kind: 'user', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, name: 'alice' };

function sourced(document: object | string, sourceId: string, kind: PolicyKind = 'identity', sourceType: PolicySourceType = 'none'): SourcedPolicy {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return { policy: compileValid(text, kind, sourceId), sourceId, sourceType };
}

function sim(overrides: Partial<Simulation>): Simulation {
  return { identity: [], caller: alice, actions: ['s3:GetObject'], resources: undefined, context: {}, ...overrides };
}

const allowS3Read = sourced({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] }, 'PolicyInputList.1');

test('an allow cites its statement with source and positions; no resources means "*"', () => {
  const [result, ...rest] = simulate(sim({ identity: [allowS3Read] }));
  assert.equal(rest.length, 0);
  assert.deepEqual(result, {
    EvalActionName: 's3:GetObject',
    EvalResourceName: '*',
    EvalDecision: 'allowed',
    MatchedStatements: [
      // '{' at offset 37 and '}' at offset 88 of the one-line text: just past each, 1-based.
      { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 1, Column: 39 }, EndPosition: { Line: 1, Column: 90 } },
    ],
    MissingContextValues: [],
  });
});

test('an explicit deny wins and cites only the denying statement; an unmatched action is an implicit deny', () => {
  const deny = sourced(
    { Version: '2012-10-17', Statement: [{ Sid: 'Keep', Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::vault/*' }] },
    'PolicyInputList.2',
  );
  const results = simulate(sim({ identity: [allowS3Read, deny], actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::vault/a', 'arn:aws:s3:::open/b'] }));
  assert.deepEqual(
    results.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision, r.MatchedStatements?.map((s) => s.SourcePolicyId)]),
    [
      ['s3:GetObject', 'arn:aws:s3:::vault/a', 'explicitDeny', ['PolicyInputList.2']],
      ['s3:GetObject', 'arn:aws:s3:::open/b', 'allowed', ['PolicyInputList.1']],
      ['s3:PutObject', 'arn:aws:s3:::vault/a', 'implicitDeny', []],
      ['s3:PutObject', 'arn:aws:s3:::open/b', 'implicitDeny', []],
    ],
  );
  // Given ResourceArns, each result carries its resource's own result.
  assert.deepEqual(results[0]?.ResourceSpecificResults, [
    {
      EvalResourceName: 'arn:aws:s3:::vault/a',
      EvalResourceDecision: 'explicitDeny',
      MatchedStatements: results[0]?.MatchedStatements,
      MissingContextValues: [],
    },
  ]);
});

test('conditions read the context; keys the matching statements need but lack are reported', () => {
  const timed = sourced(
    { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2018-08-16T12:00:00Z' }, Bool: { 'aws:SecureTransport': 'true' } } } },
    'PolicyInputList.1',
  );
  const before = simulate(sim({ identity: [timed], actions: ['dynamodb:CreateBackup'], context: { 'aws:CurrentTime': '2018-04-25T11:00:00Z', 'aws:SecureTransport': true } }));
  assert.equal(before[0]?.EvalDecision, 'implicitDeny');
  const afterDate = simulate(sim({ identity: [timed], actions: ['dynamodb:CreateBackup'], context: { 'aws:CurrentTime': '2019-04-25T11:00:00Z', 'aws:SecureTransport': true } }));
  assert.equal(afterDate[0]?.EvalDecision, 'allowed');
  const missing = simulate(sim({ identity: [timed], actions: ['dynamodb:CreateBackup'], context: { 'aws:CurrentTime': '2019-04-25T11:00:00Z' } }));
  assert.equal(missing[0]?.EvalDecision, 'implicitDeny');
  assert.deepEqual(missing[0]?.MissingContextValues, ['aws:SecureTransport']);
});

test('a permissions boundary caps the allow and says so', () => {
  const boundary = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:List*', Resource: '*' } }, 'PermissionsBoundaryPolicyInputList.1', 'boundary');
  const [capped] = simulate(sim({ identity: [allowS3Read], boundary }));
  assert.equal(capped?.EvalDecision, 'implicitDeny');
  assert.deepEqual(capped?.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: false });
  const both = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }, 'PermissionsBoundaryPolicyInputList.1', 'boundary');
  const [allowed] = simulate(sim({ identity: [allowS3Read], boundary: both }));
  assert.equal(allowed?.EvalDecision, 'allowed');
  assert.deepEqual(allowed?.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: true });
  assert.deepEqual(allowed?.MatchedStatements?.map((s) => s.SourcePolicyId), ['PolicyInputList.1', 'PermissionsBoundaryPolicyInputList.1']);
});

test('a resource policy naming the caller allows on its own within the account', () => {
  const bucketPolicy = sourced(
    { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' } },
    'ResourcePolicy',
    'resource',
    'resource',
  );
  const [result] = simulate(sim({ resourcePolicy: bucketPolicy, actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b/k'], resourceOwner: ACCOUNT }));
  assert.equal(result?.EvalDecision, 'allowed');
  assert.deepEqual(result?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [['ResourcePolicy', 'resource']]);
  // Same account with a resource ARN: AWS documents the map as present but empty.
  assert.deepEqual(result?.EvalDecisionDetails, {});
});

test('cross-account: both sides must allow, and EvalDecisionDetails says how each decided', () => {
  const bucketPolicy = sourced(
    { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' } },
    'ResourcePolicy',
    'resource',
    'resource',
  );
  const onlyResource = simulate(sim({ resourcePolicy: bucketPolicy, resources: ['arn:aws:s3:::b/k'], resourceOwner: '444455556666' }))[0];
  assert.equal(onlyResource?.EvalDecision, 'implicitDeny');
  assert.deepEqual(onlyResource?.EvalDecisionDetails, { [DECISION_DETAIL_KEYS.identity]: 'implicitDeny', [DECISION_DETAIL_KEYS.resource]: 'allowed' });
  const both = simulate(sim({ identity: [allowS3Read], resourcePolicy: bucketPolicy, resources: ['arn:aws:s3:::b/k'], resourceOwner: '444455556666' }))[0];
  assert.equal(both?.EvalDecision, 'allowed');
  assert.deepEqual(both?.EvalDecisionDetails, { [DECISION_DETAIL_KEYS.identity]: 'allowed', [DECISION_DETAIL_KEYS.resource]: 'allowed' });
  // An ARN that names its account overrides ResourceOwner: same account, an empty map.
  const sameAccount = simulate(sim({ identity: [allowS3Read], resources: [`arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/ap`], resourceOwner: '444455556666' }))[0];
  assert.deepEqual(sameAccount?.EvalDecisionDetails, {});
});

test('SCP levels, when known, give OrganizationsDecisionDetail', () => {
  const allowAll = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, 'FullAWSAccess', 'scp', 'none');
  const denyS3 = sourced({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*' }] }, 'NoS3', 'scp', 'none');
  const [allowed] = simulate(sim({ identity: [allowS3Read], scps: [[allowAll]] }));
  assert.deepEqual(allowed?.OrganizationsDecisionDetail, { AllowedByOrganizations: true });
  const [denied] = simulate(sim({ identity: [allowS3Read], scps: [[allowAll], [denyS3]] }));
  assert.equal(denied?.EvalDecision, 'explicitDeny');
  assert.deepEqual(denied?.OrganizationsDecisionDetail, { AllowedByOrganizations: false });
  const [none] = simulate(sim({ identity: [allowS3Read] }));
  assert.equal(none?.OrganizationsDecisionDetail, undefined);
});

test('an EC2 scenario decides each action over all its resources together', () => {
  const resources = [
    `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
    'arn:aws:ec2:us-east-1::image/ami-1',
    `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-1`,
    `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/*`,
  ];
  const scenario = resourceScenario('EC2-VPC-InstanceStore', resources);
  const runOnInstances = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: 'arn:aws:ec2:*:*:instance/*' } }, 'PolicyInputList.1');
  const everything = sourced({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' } }, 'PolicyInputList.1');
  const partial = simulate(sim({ identity: [runOnInstances], actions: ['ec2:RunInstances'], resources, ...(scenario ? { scenario } : {}) }));
  assert.equal(partial.length, 1);
  assert.equal(partial[0]?.EvalDecision, 'implicitDeny');
  assert.deepEqual(partial[0]?.ResourceSpecificResults?.map((r) => r.EvalResourceDecision), ['allowed', 'implicitDeny', 'implicitDeny', 'implicitDeny']);
  const full = simulate(sim({ identity: [everything], actions: ['ec2:RunInstances'], resources, ...(scenario ? { scenario } : {}) }));
  assert.equal(full[0]?.EvalDecision, 'allowed');
  assert.equal(full[0]?.MatchedStatements?.length, 1);
});

test('a scenario needs every resource type it names', () => {
  assert.throws(() => resourceScenario('EC2-VPC-EBS', [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`]), /requires a image resource/);
  assert.throws(() => resourceScenario('EC2-Quantum', []), /Invalid ResourceHandlingOption/);
  assert.equal(resourceScenario(undefined, undefined), undefined);
});

test('an AWS managed policy is decided by the caller\'s own policies, as the authorizer decides it: no cross-account details', () => {
  const iamRead = sourced({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: 'arn:aws:iam::aws:policy/*' }] }, 'PolicyInputList.1');
  const managed = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const results = simulate(sim({ identity: [iamRead], actions: ['iam:GetPolicy', 'iam:DeletePolicy'], resources: [managed] }));
  assert.deepEqual(results.map((r) => [r.EvalActionName, r.EvalDecision, r.EvalDecisionDetails]), [
    ['iam:GetPolicy', 'allowed', {}],
    ['iam:DeletePolicy', 'implicitDeny', {}],
  ]);
  assert.deepEqual(results[0]?.MatchedStatements?.map((s) => s.SourcePolicyId), ['PolicyInputList.1']);
  // Another account's customer policy is still another account's.
  const foreign = simulate(sim({ identity: [sourced({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: '*' }] }, 'PolicyInputList.1')], actions: ['iam:GetPolicy'], resources: ['arn:aws:iam::444455556666:policy/Shared'] }));
  assert.equal(foreign[0]?.EvalDecision, 'implicitDeny');
  assert.ok(foreign[0]?.EvalDecisionDetails?.[DECISION_DETAIL_KEYS.resource] !== undefined);
});
