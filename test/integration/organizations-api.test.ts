import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, ListUsersCommand, PutUserPolicyCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { signedJson } from '../support/raw-request.ts';
import { awsError, deniedText, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { bestTimeAsync } from '../support/timing.ts';

/**
 * Organizations' API over signed JSON 1.1 requests (what every SDK sends): AWS's errors with
 * their Reason members, paging, hostile input, policy validation, closing an account, the
 * organization condition keys in identity policies, and the simulator's
 * OrganizationsDecisionDetail.
 */
describe('Organizations API', () => {
  let server: TestServer;
  let member: Credentials & { accountId: string };
  let rootId: string;
  let orgId: string;

  async function call(operation: string, payload: object, credentials: Credentials = server.root): Promise<{ status: number; body: any }> {
    const res = await signedJson(server.url, credentials, `AWSOrganizationsV20161128.${operation}`, payload);
    return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
  }

  async function ok(operation: string, payload: object, credentials?: Credentials): Promise<any> {
    const res = await call(operation, payload, credentials);
    assert.equal(res.status, 200, `${operation}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function error(operation: string, payload: object, credentials?: Credentials): Promise<{ status: number; type: string; message: string; reason?: string }> {
    const res = await call(operation, payload, credentials);
    assert.notEqual(res.status, 200, `${operation} should have failed`);
    return { status: res.status, type: res.body.__type, message: res.body.Message, reason: res.body.Reason };
  }

  before(async () => {
    server = await startTestServer();
    member = await createAccount(server.tessera.deps);
  });
  after(async () => {
    await server?.stop();
  });

  test('before an organization: AWSOrganizationsNotInUseException', async () => {
    const err = await error('ListAccounts', {});
    assert.deepEqual([err.status, err.type, err.message], [400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.']);
  });

  test('CreateOrganization; a second one is refused; a consolidated-billing one is not offered', async () => {
    const org = (await ok('CreateOrganization', {})).Organization;
    orgId = org.Id;
    assert.equal(org.Arn, `arn:aws:organizations::${server.accountId}:organization/${orgId}`);
    assert.equal((await error('CreateOrganization', {})).type, 'AlreadyInOrganizationException');
    const billing = await error('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' }, member);
    assert.equal(billing.type, 'InvalidInputException');
    rootId = (await ok('ListRoots', {})).Roots[0].Id;
    assert.match(rootId, /^r-[a-z0-9]{4}$/);
  });

  test('policy types: attach before enabling is PolicyTypeNotEnabledException; enabling twice is refused', async () => {
    const policy = (await ok('CreatePolicy', { Name: 'DenyS3', Type: 'SERVICE_CONTROL_POLICY', Description: 'd',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }) })).Policy;
    assert.equal(policy.PolicySummary.Arn, `arn:aws:organizations::${server.accountId}:policy/${orgId}/service_control_policy/${policy.PolicySummary.Id}`);
    const notEnabled = await error('AttachPolicy', { PolicyId: policy.PolicySummary.Id, TargetId: rootId });
    assert.deepEqual([notEnabled.type, notEnabled.message], ['PolicyTypeNotEnabledException', 'This operation can be performed only for enabled policy types.']);
    const root = (await ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' })).Root;
    assert.deepEqual(root.PolicyTypes, [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }]);
    assert.equal((await error('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' })).type, 'PolicyTypeAlreadyEnabledException');
    assert.equal((await error('EnablePolicyType', { RootId: rootId, PolicyType: 'TAG_POLICY' })).type, 'PolicyTypeNotAvailableForOrganizationException');
    await ok('AttachPolicy', { PolicyId: policy.PolicySummary.Id, TargetId: rootId });
    const twice = await error('AttachPolicy', { PolicyId: policy.PolicySummary.Id, TargetId: rootId });
    assert.equal(twice.type, 'DuplicatePolicyAttachmentException');
    assert.equal((await error('DeletePolicy', { PolicyId: policy.PolicySummary.Id })).type, 'PolicyInUseException');
    const targets = (await ok('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' })).Targets;
    assert.deepEqual(targets.map((t: { Type: string }) => t.Type).sort(), ['ACCOUNT', 'ROOT']);
    // The last SCP of a target cannot be detached.
    const last = await error('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: server.accountId });
    assert.deepEqual([last.type, last.reason], ['ConstraintViolationException', 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED']);
    await ok('DetachPolicy', { PolicyId: policy.PolicySummary.Id, TargetId: rootId });
    assert.equal((await error('DetachPolicy', { PolicyId: policy.PolicySummary.Id, TargetId: rootId })).type, 'PolicyNotAttachedException');
    assert.equal((await error('UpdatePolicy', { PolicyId: 'p-FullAWSAccess', Name: 'Mine' })).reason, 'IMMUTABLE_POLICY');
  });

  test('policy content: SCP and RCP rules with AWS texts, oversized content refused quickly', async () => {
    const withPrincipal = await error('CreatePolicy', { Name: 'x', Type: 'SERVICE_CONTROL_POLICY', Description: '',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] }) });
    assert.equal(withPrincipal.type, 'MalformedPolicyDocumentException');
    assert.match(withPrincipal.message, /Policy document should not specify a principal\./);
    const rcpNamed = await error('CreatePolicy', { Name: 'y', Type: 'RESOURCE_CONTROL_POLICY', Description: '',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' }] }) });
    assert.match(rcpNamed.message, /Resource control policies must specify "Principal": "\*"\./);
    const rcpAllow = await error('CreatePolicy', { Name: 'z', Type: 'RESOURCE_CONTROL_POLICY', Description: '',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }) });
    assert.match(rcpAllow.message, /The effect of Allow is only supported for the RCPFullAWSAccess policy/);
    const malformed = await error('CreatePolicy', { Name: 'j', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: '{"Statement": [' });
    assert.equal(malformed.type, 'MalformedPolicyDocumentException');
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(6000)}/*` }] });
    const ms = await bestTimeAsync(async () => {
      const oversized = await error('CreatePolicy', { Name: 'big', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: big });
      assert.deepEqual([oversized.type, oversized.reason], ['ConstraintViolationException', 'POLICY_CONTENT_LIMIT_EXCEEDED']);
    }, 1000);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
    assert.equal((await error('CreatePolicy', { Name: 'DenyS3', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }) })).type, 'DuplicatePolicyException');
  });

  test('hostile input: tampered NextToken, malformed IDs, another organization\'s IDs', async () => {
    for (let i = 0; i < 3; i++) await ok('CreateOrganizationalUnit', { ParentId: rootId, Name: `ou-${i}` });
    const first = await ok('ListOrganizationalUnitsForParent', { ParentId: rootId, MaxResults: 2 });
    assert.equal(first.OrganizationalUnits.length, 2);
    const second = await ok('ListOrganizationalUnitsForParent', { ParentId: rootId, MaxResults: 2, NextToken: first.NextToken });
    assert.deepEqual(second.OrganizationalUnits.map((o: { Name: string }) => o.Name), ['ou-2']);
    assert.equal(second.NextToken, undefined);
    const tampered = await error('ListOrganizationalUnitsForParent', { ParentId: rootId, NextToken: `${first.NextToken}!` });
    assert.deepEqual([tampered.type, tampered.reason], ['InvalidInputException', 'INVALID_NEXT_TOKEN']);
    const badId = await call('DescribeOrganizationalUnit', { OrganizationalUnitId: '../../etc' });
    assert.equal(badId.status, 400);
    assert.equal((await error('DescribeOrganizationalUnit', { OrganizationalUnitId: 'ou-abcd-12345678' })).type, 'OrganizationalUnitNotFoundException');
    assert.equal((await error('CreateOrganizationalUnit', { ParentId: rootId, Name: 'OU-0' })).type, 'DuplicateOrganizationalUnitException');
    // Another organization's root is not this one's.
    const other = await createAccount(server.tessera.deps);
    await ok('CreateOrganization', {}, other);
    const otherRoot = (await ok('ListRoots', {}, other)).Roots[0].Id;
    assert.equal((await error('CreateOrganizationalUnit', { ParentId: otherRoot, Name: 'sneaky' })).type, 'ParentNotFoundException');
    assert.equal((await error('DescribeAccount', { AccountId: other.accountId })).type, 'AccountNotFoundException');
    const huge = await call('CreateOrganizationalUnit', { ParentId: rootId, Name: 'n'.repeat(10_000) });
    assert.equal(huge.status, 400);
  });

  test('a member joins by invitation; non-management callers are refused; condition keys reach identity policies', async () => {
    const handshake = (await ok('InviteAccountToOrganization', { Target: { Id: member.accountId, Type: 'ACCOUNT' }, Notes: 'welcome' })).Handshake;
    assert.equal((await error('InviteAccountToOrganization', { Target: { Id: member.accountId, Type: 'ACCOUNT' } })).type, 'DuplicateHandshakeException');
    assert.equal((await error('AcceptHandshake', { HandshakeId: handshake.Id })).type, 'AccessDeniedException');
    await ok('AcceptHandshake', { HandshakeId: handshake.Id }, member);
    const again = await error('AcceptHandshake', { HandshakeId: handshake.Id }, member);
    assert.equal(again.type, 'HandshakeAlreadyInStateException', again.message);
    const denied = await error('ListAccounts', {}, member);
    assert.deepEqual([denied.type, denied.message], ['AccessDeniedException', "You don't have permissions to access this resource."]);
    assert.equal((await error('RemoveAccountFromOrganization', { AccountId: server.accountId })).type, 'MasterCannotLeaveOrganizationException');

    // An IAM user of the member allowed only inside this organization's path.
    const iam = server.iam(member);
    await iam.send(new CreateUserCommand({ UserName: 'pathy' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'pathy', PolicyName: 'org', PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: {
        StringEquals: { 'aws:PrincipalOrgID': orgId, 'aws:ResourceOrgID': orgId },
        'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${orgId}/${rootId}/`] },
      } }],
    }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'pathy' }))).AccessKey!;
    const pathy = server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    assert.ok((await pathy.send(new ListUsersCommand({}))).Users);
    // Moved under an OU, its path no longer matches: refused on the next request.
    const ouId = (await ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'Deeper' })).OrganizationalUnit.Id;
    await ok('MoveAccount', { AccountId: member.accountId, SourceParentId: rootId, DestinationParentId: ouId });
    assert.equal((await awsError(() => pathy.send(new ListUsersCommand({})))).name, 'AccessDenied');
  });

  test("an SCP denial in AWS's words; the simulator reports OrganizationsDecisionDetail", async () => {
    const iam = server.iam(member);
    const before = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${member.accountId}:user/pathy`, ActionNames: ['iam:ListUsers', 'iam:CreateGroup'] }));
    assert.deepEqual(before.EvaluationResults!.map((r) => r.OrganizationsDecisionDetail?.AllowedByOrganizations), [true, true]);
    const policy = (await ok('CreatePolicy', { Name: 'NoGroups', Type: 'SERVICE_CONTROL_POLICY', Description: '',
      Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateGroup', Resource: '*' }] }) })).Policy.PolicySummary;
    await ok('AttachPolicy', { PolicyId: policy.Id, TargetId: member.accountId });
    const sim = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${member.accountId}:user/pathy`, ActionNames: ['iam:ListUsers', 'iam:CreateGroup'] }));
    assert.deepEqual(sim.EvaluationResults!.map((r) => [r.EvalActionName, r.OrganizationsDecisionDetail?.AllowedByOrganizations]), [['iam:ListUsers', true], ['iam:CreateGroup', false]]);
    const err = await awsError(() => iam.send(new CreateGroupCommand({ GroupName: 'g' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${member.accountId}:root is not authorized to perform: iam:CreateGroup on resource: arn:aws:iam::${member.accountId}:group/g with an explicit deny in a service control policy`);
    // The management account is exempt: its simulation reports no Organizations detail.
    await server.iam().send(new CreateUserCommand({ UserName: 'manager' }));
    const mgmt = await server.iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${server.accountId}:user/manager`, ActionNames: ['iam:ListUsers'] }));
    assert.equal(mgmt.EvaluationResults![0]!.OrganizationsDecisionDetail, undefined);
  });

  test('a closed account is refused; CloseAccount twice is AccountAlreadyClosedException', async () => {
    await ok('CloseAccount', { AccountId: member.accountId });
    assert.equal((await error('CloseAccount', { AccountId: member.accountId })).type, 'AccountAlreadyClosedException');
    const err = await awsError(() => server.iam(member).send(new ListUsersCommand({})));
    assert.equal(err.name, 'InvalidClientTokenId');
    const closed = await error('CloseAccount', { AccountId: server.accountId });
    assert.deepEqual([closed.type, closed.reason], ['ConstraintViolationException', 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT']);
  });
});
