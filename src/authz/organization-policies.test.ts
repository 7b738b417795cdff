import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyCache, type CompiledPolicy } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import { OrganizationGuardrails, requestGuardrails, type AccountGuardrails, type OrganizationPolicySource } from './organization-policies.ts';

const cache = new PolicyCache(100);
function compiled(text: object, kind: 'scp' | 'rcp'): CompiledPolicy {
  const result = cache.compile(JSON.stringify(text), kind, kind);
  assert.ok(result.ok);
  return result.policy;
}
const FULL = compiled({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'scp');
const RCP = compiled({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }, 'rcp');

/** An organization of three accounts held in memory, with an epoch the test moves and a count of reads. */
class MemorySource implements OrganizationPolicySource {
  epochValue = 1;
  reads = 0;
  accounts = new Map<string, AccountGuardrails>([
    ['111111111111', { orgId: 'o-abcdefghij', orgPath: 'o-abcdefghij/r-ab12/', management: true, closed: false, scps: [[FULL], [FULL]], rcps: [[RCP], [RCP]] }],
    ['222222222222', { orgId: 'o-abcdefghij', orgPath: 'o-abcdefghij/r-ab12/ou-ab12-11111111/', management: false, closed: false, scps: [[FULL], [FULL], [FULL]], rcps: [[RCP], [RCP], [RCP]] }],
  ]);
  async epoch() {
    return this.epochValue;
  }
  async account(id: string) {
    this.reads++;
    return this.accounts.get(id);
  }
}

const principal = (accountId: string, kind: Principal['kind'] = 'user', roleArn?: string): Principal => ({
  kind, accountId, arn: `arn:aws:iam::${accountId}:user/u`, userId: 'AIDAEXAMPLE', tags: {}, accessKeyId: 'AKIA',
  ...(roleArn ? { session: { role: { arn: roleArn, id: 'AROAEXAMPLE', name: 'r' } } as never } : {}),
});

test('a member principal meets its SCP levels and gets the organization keys; the management account does not', async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const member = await requestGuardrails(guardrails, principal('222222222222'), [{ action: 'iam:CreateUser', resource: 'arn:aws:iam::222222222222:user/x' }]);
  assert.equal(member.checks[0]!.scps?.length, 3);
  assert.equal(member.checks[0]!.rcps, undefined, 'IAM is not a service RCPs govern');
  assert.deepEqual(member.checks[0]!.context, {
    'aws:PrincipalOrgID': 'o-abcdefghij', 'aws:PrincipalOrgPaths': ['o-abcdefghij/r-ab12/ou-ab12-11111111/'],
    'aws:ResourceOrgID': 'o-abcdefghij', 'aws:ResourceOrgPaths': ['o-abcdefghij/r-ab12/ou-ab12-11111111/'],
  });
  assert.equal(member.apply, true);
  const management = await requestGuardrails(guardrails, principal('111111111111'), [{ action: 'iam:CreateUser', resource: '*' }]);
  assert.equal(management.checks[0]!.scps, undefined);
  assert.equal(management.apply, false);
  assert.equal(management.checks[0]!.context['aws:PrincipalOrgID'], 'o-abcdefghij');
});

test("RCPs of the resource's account for STS requests on its resources, whoever calls; not the management account's", async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const outsider = await requestGuardrails(guardrails, principal('999999999999'), [
    { action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/r' },
    { action: 'sts:AssumeRole', resource: 'arn:aws:iam::111111111111:role/r' },
    { action: 'sts:GetAccessKeyInfo', resource: '*' },
  ]);
  assert.equal(outsider.checks[0]!.rcps?.length, 3);
  assert.equal(outsider.checks[0]!.scps, undefined);
  assert.equal(outsider.checks[0]!.context['aws:PrincipalOrgID'], undefined);
  assert.equal(outsider.checks[0]!.context['aws:ResourceOrgID'], 'o-abcdefghij');
  assert.equal(outsider.checks[1]!.rcps, undefined);
  assert.equal(outsider.checks[2]!.rcps, undefined);
});

test('service-linked roles are exempt from SCPs and RCPs', async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const slr = principal('222222222222', 'role-session', 'arn:aws:iam::222222222222:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps');
  const result = await requestGuardrails(guardrails, slr, [{ action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/r' }]);
  assert.equal(result.checks[0]!.scps, undefined);
  assert.equal(result.checks[0]!.rcps, undefined);
  const ordinary = principal('222222222222', 'role-session', 'arn:aws:iam::222222222222:role/app');
  assert.equal((await requestGuardrails(guardrails, ordinary, [{ action: 'iam:ListUsers', resource: '*' }])).checks[0]!.scps?.length, 3);
});

test('only a role whose path begins /aws-service-role/ is exempt, not one whose ARN merely contains it', async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const check = [{ action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/r' }];
  for (const arn of [
    // A path may hold ':' (printable ASCII): /x:role/aws-service-role/ is an ordinary path.
    'arn:aws:iam::222222222222:role/x:role/aws-service-role/fake',
    'arn:aws:iam::222222222222:role/team/aws-service-role/fake',
    // IAM paths are case sensitive.
    'arn:aws:iam::222222222222:role/AWS-Service-Role/fake',
  ]) {
    const result = await requestGuardrails(guardrails, principal('222222222222', 'role-session', arn), check);
    assert.equal(result.checks[0]!.scps?.length, 3, arn);
    assert.equal(result.checks[0]!.rcps?.length, 3, arn);
  }
});

test('accounts are read once per epoch; a new epoch reads them again', async () => {
  const source = new MemorySource();
  const guardrails = new OrganizationGuardrails(source);
  const check = [{ action: 'iam:ListUsers', resource: '*' }];
  await requestGuardrails(guardrails, principal('222222222222'), check);
  await requestGuardrails(guardrails, principal('222222222222'), check);
  assert.equal(source.reads, 1);
  source.accounts.set('222222222222', { ...source.accounts.get('222222222222')!, closed: true });
  assert.equal((await requestGuardrails(guardrails, principal('222222222222'), check)).closed, false, 'same epoch: the cached answer');
  source.epochValue++;
  assert.equal((await requestGuardrails(guardrails, principal('222222222222'), check)).closed, true);
  assert.equal(source.reads, 2);
});

test('without an organizations source, nothing is added', async () => {
  const result = await requestGuardrails(undefined, principal('222222222222'), [{ action: 'iam:ListUsers', resource: '*' }]);
  assert.deepEqual(result, { closed: false, checks: [{ context: {} }], apply: false });
});

test("RCPs reach a resource whose ARN names no account (an S3 bucket) through the owner the gateway looked up", async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const result = await requestGuardrails(guardrails, principal('999999999999'), [
    { action: 's3:ListBucket', resource: 'arn:aws:s3:::member-bucket', resourceAccount: '222222222222' },
    { action: 's3:GetObject', resource: 'arn:aws:s3:::mgmt-bucket/k', resourceAccount: '111111111111' },
    { action: 's3:ListAllMyBuckets', resource: '*', resourceAccount: '222222222222' },
  ]);
  assert.equal(result.checks[0]!.rcps?.length, 3);
  assert.equal(result.checks[0]!.context['aws:ResourceOrgID'], 'o-abcdefghij');
  assert.equal(result.checks[1]!.rcps, undefined, "the management account's resources are exempt");
  assert.equal(result.checks[2]!.rcps, undefined, 'a call on no resource meets no RCP');
});

test("an AWS-owned resource (an AWS managed policy) keeps the caller's SCPs, but no RCP and no resource organization apply", async () => {
  const guardrails = new OrganizationGuardrails(new MemorySource());
  const managed = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const result = await requestGuardrails(guardrails, principal('222222222222'), [
    { action: 'iam:GetPolicy', resource: managed, awsOwned: true },
    // Even an action of a service RCPs govern: AWS's account is in no organization.
    { action: 'sts:AssumeRole', resource: managed, awsOwned: true },
  ]);
  for (const check of result.checks) {
    assert.equal(check.scps?.length, 3);
    assert.equal(check.rcps, undefined);
    assert.deepEqual(check.context, { 'aws:PrincipalOrgID': 'o-abcdefghij', 'aws:PrincipalOrgPaths': ['o-abcdefghij/r-ab12/ou-ab12-11111111/'] });
  }
  assert.equal(result.apply, true);
});
