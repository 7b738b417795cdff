import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  AttachPolicyCommand, CreateGovCloudAccountCommand, CreateOrganizationalUnitCommand,
  CreatePolicyCommand, DeleteResourcePolicyCommand, DescribeResourcePolicyCommand, DescribeResponsibilityTransferCommand,
  DetachPolicyCommand, EnableAllFeaturesCommand, EnableAWSServiceAccessCommand, EnablePolicyTypeCommand, InviteOrganizationToTransferResponsibilityCommand,
  ListAccountsCommand, ListAccountsWithInvalidEffectivePolicyCommand, ListChildrenCommand, ListEffectivePolicyValidationErrorsCommand,
  ListInboundResponsibilityTransfersCommand, ListOutboundResponsibilityTransfersCommand, ListPoliciesCommand, ListRootsCommand,
  ListTagsForResourceCommand, MoveAccountCommand, PutResourcePolicyCommand, RegisterDelegatedAdministratorCommand,
  TerminateResponsibilityTransferCommand, UpdateResponsibilityTransferCommand,
} from '@aws-sdk/client-organizations';
import { CreateAccessKeyCommand, CreateUserCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { memberAdmin, organizationsClients, twoMemberOrganization } from '../support/organizations.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { UNSUPPORTED_ORGANIZATIONS_OPERATIONS } from '../../src/organizations/unsupported.ts';

/**
 * A second sweep of Organizations against AWS: the operations the first sweeps left answering
 * NotImplemented (the resource-based delegation policy, EnableAllFeatures, the effective
 * policy validation lists, and the AWS-only ones now refused with a reason), who besides the
 * management account may call management operations (a delegated administrator's reads, a
 * member named by the delegation policy), and SCPs on nested OUs.
 */
describe('Organizations fidelity sweep 2', () => {
  let server: TestServer;
  let rootId: string;
  let delegate: string;
  let other: string;
  let delegateAdmin: Credentials;
  let otherAdmin: Credentials;
  /** A user of the management account that may assume the members' OrganizationAccountAccessRole. */
  let ops: Credentials;
  const clients = organizationsClients(() => server);
  const organizations = clients.client;
  async function orgError(fn: () => Promise<unknown>): Promise<{ name: string; message: string; reason?: string; status?: number }> {
    try {
      await fn();
    } catch (err) {
      const e = err as { name: string; message: string; Reason?: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, message: e.message, ...(e.Reason !== undefined ? { reason: e.Reason } : {}), status: e.$metadata?.httpStatusCode };
    }
    throw new Error('expected the call to fail, but it succeeded');
  }
  const denied = { name: 'AccessDeniedException', message: "You don't have permissions to access this resource." };
  const delegation = (account: string, actions: string[], extra: Record<string, unknown> = {}) => JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Delegate', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: actions, Resource: '*', ...extra }],
  });

  before(async () => {
    server = await startTestServer();
    ({ delegate, other, ops, delegateAdmin, otherAdmin } = await twoMemberOrganization(server, organizations()));
    rootId = (await organizations().send(new ListRootsCommand({}))).Roots![0]!.Id!;
  });
  after(async () => {
    clients.destroy();
    await server?.stop();
  });

  test('EnableAllFeatures: the organization has all features already (AWS\'s HandshakeConstraintViolationException); members and outsiders get AWS\'s refusals', async () => {
    const already = await orgError(() => organizations().send(new EnableAllFeaturesCommand({})));
    assert.deepEqual(already, {
      name: 'HandshakeConstraintViolationException',
      message: 'The handshake request is invalid because the organization has already enabled all features.',
      reason: 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES',
      status: 400,
    });
    const fromMember = await orgError(() => organizations(otherAdmin).send(new EnableAllFeaturesCommand({})));
    assert.deepEqual([fromMember.name, fromMember.message], [denied.name, denied.message]);
    const outsider = await createAccount(server.tessera.deps);
    const notInUse = await orgError(() => organizations(outsider).send(new EnableAllFeaturesCommand({})));
    assert.deepEqual([notInUse.name, notInUse.message], ['AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.']);
  });

  test('the delegation policy: Put, Describe and Delete with AWS\'s shapes and ResourcePolicyNotFoundException', async () => {
    const management = organizations();
    const notFound = { name: 'ResourcePolicyNotFoundException', message: "We can't find a resource policy request with the parameter that you specified." };
    const none = await orgError(() => management.send(new DescribeResourcePolicyCommand({})));
    assert.deepEqual([none.name, none.message], [notFound.name, notFound.message]);
    const deleteNone = await orgError(() => management.send(new DeleteResourcePolicyCommand({})));
    assert.deepEqual([deleteNone.name, deleteNone.message], [notFound.name, notFound.message]);

    const content = delegation(other, ['organizations:ListAccounts']);
    const put = (await management.send(new PutResourcePolicyCommand({ Content: content, Tags: [{ Key: 'team', Value: 'platform' }] }))).ResourcePolicy!;
    const id = put.ResourcePolicySummary!.Id!;
    assert.match(id, /^rp-[0-9a-z]{8}$/);
    const orgId = (await management.send(new ListRootsCommand({}))).Roots![0]!.Arn!.split('/')[1];
    assert.equal(put.ResourcePolicySummary!.Arn, `arn:aws:organizations::${server.accountId}:resourcepolicy/${orgId}/${id}`);
    assert.equal(put.Content, content);
    assert.deepEqual((await management.send(new DescribeResourcePolicyCommand({}))).ResourcePolicy, put);
    assert.deepEqual((await management.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags, [{ Key: 'team', Value: 'platform' }]);

    // Putting again replaces the content and keeps the policy.
    const replaced = delegation(other, ['organizations:ListAccounts', 'organizations:ListRoots']);
    const again = (await management.send(new PutResourcePolicyCommand({ Content: replaced }))).ResourcePolicy!;
    assert.deepEqual([again.ResourcePolicySummary, again.Content], [put.ResourcePolicySummary, replaced]);

    // Only the management account writes it.
    for (const call of [() => organizations(otherAdmin).send(new PutResourcePolicyCommand({ Content: content })), () => organizations(otherAdmin).send(new DeleteResourcePolicyCommand({}))]) {
      const refused = await orgError(call);
      assert.deepEqual([refused.name, refused.message], [denied.name, denied.message]);
    }

    await management.send(new DeleteResourcePolicyCommand({}));
    assert.equal((await orgError(() => management.send(new DescribeResourcePolicyCommand({})))).name, notFound.name);
  });

  test('the delegation policy\'s content: a resource policy with a principal, naming Organizations actions a delegation policy supports', async () => {
    const put = (content: string) => orgError(() => organizations().send(new PutResourcePolicyCommand({ Content: content })));
    const noPrincipal = await put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }] }));
    assert.deepEqual([noPrincipal.name, noPrincipal.reason], ['InvalidInputException', 'INVALID_PRINCIPAL']);
    const notJson = await put('{"Version": "2012-10-17", "Statement": [');
    assert.deepEqual([notJson.name, notJson.reason], ['InvalidInputException', 'INVALID_RESOURCE_POLICY_JSON']);
    const s3 = await put(delegation(other, ['organizations:ListAccounts', 's3:GetObject']));
    assert.deepEqual([s3.name, s3.reason], ['InvalidInputException', 'UNSUPPORTED_ACTION_IN_RESOURCE_POLICY']);
    assert.match(s3.message, /s3:GetObject/);
    const managementOnly = await put(delegation(other, ['organizations:CloseAccount']));
    assert.deepEqual([managementOnly.name, managementOnly.reason], ['InvalidInputException', 'UNSUPPORTED_ACTION_IN_RESOURCE_POLICY']);
    assert.equal((await orgError(() => organizations().send(new DescribeResourcePolicyCommand({})))).name, 'ResourcePolicyNotFoundException', 'nothing was written');
  });

  test('a member named by the delegation policy may call what it delegates — decided by the policy and the member\'s own policies — and nothing else', async () => {
    const member = organizations(otherAdmin);
    const before = await orgError(() => member.send(new ListAccountsCommand({})));
    assert.deepEqual([before.name, before.message], [denied.name, denied.message]);

    await organizations().send(new PutResourcePolicyCommand({
      Content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: other }, Action: ['organizations:ListAccounts', 'organizations:DescribeResourcePolicy'], Resource: '*' },
          { Effect: 'Allow', Principal: { AWS: other }, Action: 'organizations:CreatePolicy', Resource: '*', Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } } },
        ],
      }),
    }));
    const accounts = (await member.send(new ListAccountsCommand({}))).Accounts!.map((a) => a.Id).sort();
    assert.deepEqual(accounts, [server.accountId, delegate, other].sort());
    assert.ok((await member.send(new DescribeResourcePolicyCommand({}))).ResourcePolicy?.ResourcePolicySummary?.Id);
    const created = await member.send(new CreatePolicyCommand({ Name: 'from-member', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] }) }));
    assert.match(created.Policy!.PolicySummary!.Arn!, new RegExp(`^arn:aws:organizations::${server.accountId}:policy/o-`), 'the policy belongs to the organization');

    // Not delegated: another action, another policy type, another member, a management-only operation.
    const notDelegated = await orgError(() => member.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' })));
    assert.equal(notDelegated.name, 'AccessDeniedException');
    assert.match(notDelegated.message, /is not authorized to perform: organizations:ListPolicies/);
    const rcp = await orgError(() => member.send(new CreatePolicyCommand({ Name: 'r', Description: 'd', Type: 'RESOURCE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] }) })));
    assert.equal(rcp.name, 'AccessDeniedException');
    assert.equal((await orgError(() => organizations(delegateAdmin).send(new ListAccountsCommand({})))).name, 'AccessDeniedException');
    assert.equal((await orgError(() => member.send(new PutResourcePolicyCommand({ Content: delegation(other, ['organizations:ListAccounts']) })))).message, denied.message);

    // The member's own policies must allow it too: a user of the member account without any is refused.
    const memberIam = server.iam(otherAdmin);
    await memberIam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const key = (await memberIam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    const nobody = await orgError(() => organizations({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new ListAccountsCommand({})));
    assert.equal(nobody.name, 'AccessDeniedException');
    assert.match(nobody.message, new RegExp(`user/nobody is not authorized to perform: organizations:ListAccounts`));

    // Deleting the policy takes the delegation away.
    await organizations().send(new DeleteResourcePolicyCommand({}));
    assert.deepEqual((await orgError(() => member.send(new ListAccountsCommand({})))).message, denied.message);
  });

  test('a delegated administrator of a service reads the organization (ListAccounts, ListRoots, ListChildren) but manages nothing without a delegation policy', async () => {
    await organizations().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    await organizations().send(new RegisterDelegatedAdministratorCommand({ AccountId: delegate, ServicePrincipal: 'sso.amazonaws.com' }));
    const admin = organizations(delegateAdmin);
    assert.equal((await admin.send(new ListAccountsCommand({}))).Accounts!.length, 3);
    assert.deepEqual((await admin.send(new ListRootsCommand({}))).Roots!.map((r) => r.Id), [rootId]);
    assert.ok((await admin.send(new ListChildrenCommand({ ParentId: rootId, ChildType: 'ACCOUNT' }))).Children!.some((c) => c.Id === delegate));
    const write = await orgError(() => admin.send(new CreatePolicyCommand({ Name: 'x', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] }) })));
    assert.deepEqual([write.name, write.message], [denied.name, denied.message]);
    assert.equal((await orgError(() => admin.send(new DescribeResourcePolicyCommand({})))).name, 'ResourcePolicyNotFoundException', 'it may read the delegation policy, and there is none');
  });

  test('effective policy validation: no management policy type can be enabled, so no account has an invalid effective policy', async () => {
    const listed = await organizations().send(new ListAccountsWithInvalidEffectivePolicyCommand({ PolicyType: 'TAG_POLICY' }));
    assert.deepEqual([listed.Accounts, listed.PolicyType], [[], 'TAG_POLICY']);
    const errors = await orgError(() => organizations().send(new ListEffectivePolicyValidationErrorsCommand({ AccountId: other, PolicyType: 'BACKUP_POLICY' })));
    assert.deepEqual([errors.name, errors.message], ['EffectivePolicyNotFoundException', "We can't find an effective policy of the specified type for the target."]);
    const unknown = await orgError(() => organizations().send(new ListEffectivePolicyValidationErrorsCommand({ AccountId: '999999999999', PolicyType: 'BACKUP_POLICY' })));
    assert.equal(unknown.name, 'AccountNotFoundException');
    assert.equal((await orgError(() => organizations(otherAdmin).send(new ListAccountsWithInvalidEffectivePolicyCommand({ PolicyType: 'TAG_POLICY' })))).message, denied.message);
  });

  test('operations that only exist inside AWS: UnsupportedAPIEndpointException saying why, never NotImplemented; the docs list them', async () => {
    const org = organizations();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['CreateGovCloudAccount', () => org.send(new CreateGovCloudAccountCommand({ Email: 'gov@example.com', AccountName: 'Gov' }))],
      ['InviteOrganizationToTransferResponsibility', () => org.send(new InviteOrganizationToTransferResponsibilityCommand({ Type: 'BILLING', Target: { Type: 'ACCOUNT', Id: '123456789012' }, StartTimestamp: new Date('2027-01-01T00:00:00Z'), SourceName: 'billing' }))],
      ['DescribeResponsibilityTransfer', () => org.send(new DescribeResponsibilityTransferCommand({ Id: 'rt-0123456789' }))],
      ['UpdateResponsibilityTransfer', () => org.send(new UpdateResponsibilityTransferCommand({ Id: 'rt-0123456789', Name: 'n' }))],
      ['TerminateResponsibilityTransfer', () => org.send(new TerminateResponsibilityTransferCommand({ Id: 'rt-0123456789' }))],
      ['ListInboundResponsibilityTransfers', () => org.send(new ListInboundResponsibilityTransfersCommand({ Type: 'BILLING' }))],
      ['ListOutboundResponsibilityTransfers', () => org.send(new ListOutboundResponsibilityTransfersCommand({ Type: 'BILLING' }))],
    ];
    assert.deepEqual(calls.map(([name]) => name).sort(), Object.keys(UNSUPPORTED_ORGANIZATIONS_OPERATIONS).sort());
    for (const [operation, call] of calls) {
      const err = await orgError(call);
      assert.equal(err.name, 'UnsupportedAPIEndpointException', operation);
      assert.equal(err.status, 400, operation);
      assert.match(err.message, new RegExp(`^Tessera does not support ${operation}: .+ \\(see README\\)$`));
    }
    const doc = await readFile(new URL('../../docs/unsupported-operations.md', import.meta.url), 'utf8');
    assert.deepEqual(Object.keys(UNSUPPORTED_ORGANIZATIONS_OPERATIONS).filter((op) => !doc.includes(`\`${op}\``)), []);
  });

  test('SCPs on nested OUs: every level from the root down must allow', async () => {
    const org = organizations();
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const outer = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'outer' }))).OrganizationalUnit!.Id!;
    const inner = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: outer, Name: 'inner' }))).OrganizationalUnit!.Id!;
    await org.send(new MoveAccountCommand({ AccountId: other, SourceParentId: rootId, DestinationParentId: inner }));
    const narrow = (await org.send(new CreatePolicyCommand({ Name: 'roles-only', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 'sts:*'], Resource: '*' }] }) }))).Policy!.PolicySummary!.Id!;
    const admin = await memberAdmin(server, other, ops);
    assert.ok((await server.iam(admin).send(new ListUsersCommand({}))).Users, 'FullAWSAccess at every level');
    // The outer OU now allows only iam:ListRoles (and STS); the inner OU and the account still have FullAWSAccess.
    await org.send(new AttachPolicyCommand({ PolicyId: narrow, TargetId: outer }));
    await org.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: outer }));
    assert.ok((await server.iam(admin).send(new ListRolesCommand({}))).Roles, 'allowed at every level');
    const err = await orgError(() => server.iam(admin).send(new ListUsersCommand({})));
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /is not authorized to perform: iam:ListUsers on resource: .* because no service control policy allows the iam:ListUsers action/);
  });
});
