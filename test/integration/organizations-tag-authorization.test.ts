import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand, CreateAccountCommand, CreateGovCloudAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand,
  CreatePolicyCommand, DeregisterDelegatedAdministratorCommand, DescribeAccountCommand, EnableAWSServiceAccessCommand, EnablePolicyTypeCommand,
  InviteAccountToOrganizationCommand, ListDelegatedServicesForAccountCommand, ListRootsCommand, ListTagsForResourceCommand, MoveAccountCommand,
  PutResourcePolicyCommand, RegisterDelegatedAdministratorCommand, TagResourceCommand, UntagResourceCommand, type Tag,
} from '@aws-sdk/client-organizations';
import { organizationsClients } from '../support/organizations.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * How Organizations authorizes tags, as AWS documents it:
 *  - tag on create: CreateAccount, CreateOrganizationalUnit, CreatePolicy, CreateGovCloudAccount,
 *    InviteAccountToOrganization and PutResourcePolicy with Tags also need
 *    organizations:TagResource ("If the request includes tags, then the requester must have the
 *    organizations:TagResource permission", Organizations API Reference), decided on the same
 *    aws:RequestTag/… and aws:TagKeys as the create (and organizations:PolicyType for a policy);
 *  - aws:ResourceTag/… of every resource an action acts on (MoveAccount's account and both
 *    parents; Register/DeregisterDelegatedAdministrator's account), organizations:PolicyType on
 *    every check of AttachPolicy and on TagResource/UntagResource of a policy;
 *  - TagResource/UntagResource decided on aws:RequestTag/… and aws:TagKeys.
 * Each step is run as an IAM user of the management account whose one inline policy is replaced.
 */
describe('Organizations: authorization of tags', () => {
  let server: TestServer;
  let user: Credentials;
  let management: string;
  let orgId: string;
  let rootId: string;
  const clients = organizationsClients(() => server);
  const asRoot = () => clients.client();
  const asUser = () => clients.client(user);

  async function allow(...statements: object[]): Promise<void> {
    await server.iam().send(new PutUserPolicyCommand({ UserName: 'tagger', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  async function denied(fn: () => Promise<unknown>, action: string): Promise<void> {
    const error = await awsError(fn);
    assert.equal(error.name, 'AccessDeniedException', error.message);
    assert.match(error.message, new RegExp(`not authorized to perform: ${action}\\b`), error.message);
  }
  const blue: Tag[] = [{ Key: 'team', Value: 'blue' }];
  const SCP = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }] });
  const tagStatement = (resource = '*') => ({
    Effect: 'Allow', Action: 'organizations:TagResource', Resource: resource,
    Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
  });

  before(async () => {
    server = await startTestServer();
    management = server.accountId;
    orgId = (await asRoot().send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
    rootId = (await asRoot().send(new ListRootsCommand({}))).Roots![0]!.Id!;
    await asRoot().send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'tagger' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tagger' }))).AccessKey!;
    user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  after(async () => {
    clients.destroy();
    await server?.stop();
  });

  test('a create with Tags needs organizations:TagResource too, on the same request tags', async () => {
    const creates = {
      'organizations:CreateAccount': (tags?: Tag[]) => asUser().send(new CreateAccountCommand({ Email: `a${Math.random().toString(36).slice(2, 8)}@example.com`, AccountName: 'Tagged', Tags: tags })),
      'organizations:CreateOrganizationalUnit': (tags?: Tag[]) => asUser().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: `ou${Math.random().toString(36).slice(2, 8)}`, Tags: tags })),
      'organizations:CreatePolicy': (tags?: Tag[]) => asUser().send(new CreatePolicyCommand({ Name: `p${Math.random().toString(36).slice(2, 8)}`, Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: SCP, Tags: tags })),
    };
    await allow({ Effect: 'Allow', Action: Object.keys(creates), Resource: '*' });
    for (const create of Object.values(creates)) {
      await create(); // no tags: the create action alone
      await denied(() => create(blue), 'organizations:TagResource');
    }
    await denied(() => asUser().send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: '111122223333' }, Tags: blue })), 'organizations:InviteAccountToOrganization');

    // TagResource allowed for team=blue only: the same tags decide the tagging half.
    await allow({ Effect: 'Allow', Action: [...Object.keys(creates), 'organizations:InviteAccountToOrganization', 'organizations:CreateGovCloudAccount', 'organizations:PutResourcePolicy'], Resource: '*' }, tagStatement());
    for (const create of Object.values(creates)) {
      await create(blue);
      await denied(() => create([{ Key: 'team', Value: 'red' }]), 'organizations:TagResource');
      await denied(() => create([...blue, { Key: 'cost', Value: '1' }]), 'organizations:TagResource');
    }
    // The one that refuses anyway is authorized first, tags included.
    const gov = await awsError(() => asUser().send(new CreateGovCloudAccountCommand({ Email: 'gov@example.com', AccountName: 'Gov', Tags: blue })));
    assert.equal(gov.name, 'UnsupportedAPIEndpointException');
    await denied(() => asUser().send(new CreateGovCloudAccountCommand({ Email: 'gov@example.com', AccountName: 'Gov', Tags: [{ Key: 'team', Value: 'red' }] })), 'organizations:TagResource');
    await denied(() => asUser().send(new InviteAccountToOrganizationCommand({ Target: { Type: 'ACCOUNT', Id: '111122223333' }, Tags: [{ Key: 'team', Value: 'red' }] })), 'organizations:TagResource');
    await denied(() => asUser().send(new PutResourcePolicyCommand({ Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${management}:root` }, Action: 'organizations:DescribeOrganization', Resource: '*' }] }), Tags: [{ Key: 'team', Value: 'red' }] })), 'organizations:TagResource');
  });

  test('the tagging half of a create names every new entity of its type, not another one', async () => {
    const accounts = `arn:aws:organizations::${management}:account/${orgId}/*`;
    await allow({ Effect: 'Allow', Action: ['organizations:CreateAccount', 'organizations:CreatePolicy', 'organizations:CreateOrganizationalUnit'], Resource: '*' },
      { Effect: 'Allow', Action: 'organizations:TagResource', Resource: [accounts, `arn:aws:organizations::${management}:ou/${orgId}/ou-*`] },
      { Effect: 'Allow', Action: 'organizations:TagResource', Resource: `arn:aws:organizations::${management}:policy/${orgId}/*`, Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } } });
    const created = await asUser().send(new CreateAccountCommand({ Email: 'typed@example.com', AccountName: 'Typed', Tags: blue }));
    assert.deepEqual((await asRoot().send(new ListTagsForResourceCommand({ ResourceId: created.CreateAccountStatus!.AccountId! }))).Tags, blue);
    await asUser().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'TypedOu', Tags: blue }));
    await asUser().send(new CreatePolicyCommand({ Name: 'TypedScp', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: SCP, Tags: blue }));

    // A grant naming one existing account does not reach a new one.
    await allow({ Effect: 'Allow', Action: 'organizations:CreateAccount', Resource: '*' },
      { Effect: 'Allow', Action: 'organizations:TagResource', Resource: `arn:aws:organizations::${management}:account/${orgId}/${created.CreateAccountStatus!.AccountId!}` });
    await denied(() => asUser().send(new CreateAccountCommand({ Email: 'other-typed@example.com', AccountName: 'Other', Tags: blue })), 'organizations:TagResource');
  });

  test('MoveAccount is decided on the tags of the account and of both parents', async () => {
    const account = (await asRoot().send(new CreateAccountCommand({ Email: 'mover@example.com', AccountName: 'Mover', Tags: [{ Key: 'movable', Value: 'yes' }] }))).CreateAccountStatus!.AccountId!;
    const open = (await asRoot().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Open', Tags: [{ Key: 'movable', Value: 'yes' }] }))).OrganizationalUnit!.Id!;
    const closed = (await asRoot().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Closed' }))).OrganizationalUnit!.Id!;
    await asRoot().send(new TagResourceCommand({ ResourceId: rootId, Tags: [{ Key: 'movable', Value: 'yes' }] }));
    await allow({ Effect: 'Allow', Action: 'organizations:MoveAccount', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/movable': 'yes' } } });

    await denied(() => asUser().send(new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: closed })), 'organizations:MoveAccount');
    await asUser().send(new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: open }));
    // The source parent's tags count too: out of Open (tagged) into the root (tagged) works, once Open loses its tag it does not.
    await asRoot().send(new UntagResourceCommand({ ResourceId: open, TagKeys: ['movable'] }));
    await denied(() => asUser().send(new MoveAccountCommand({ AccountId: account, SourceParentId: open, DestinationParentId: rootId })), 'organizations:MoveAccount');
    await asRoot().send(new TagResourceCommand({ ResourceId: open, Tags: [{ Key: 'movable', Value: 'yes' }] }));
    await asUser().send(new MoveAccountCommand({ AccountId: account, SourceParentId: open, DestinationParentId: rootId }));

    // DescribeAccount reads the account's tags.
    await allow({ Effect: 'Allow', Action: 'organizations:DescribeAccount', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/movable': 'yes' } } });
    await asUser().send(new DescribeAccountCommand({ AccountId: account }));
    await denied(() => asUser().send(new DescribeAccountCommand({ AccountId: management })), 'organizations:DescribeAccount');
  });

  test('AttachPolicy: organizations:PolicyType holds for the policy and for the target', async () => {
    const policy = (await asRoot().send(new CreatePolicyCommand({ Name: 'AttachMe', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: SCP }))).Policy!.PolicySummary!.Id!;
    const ou = (await asRoot().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'AttachHere' }))).OrganizationalUnit!.Id!;
    await allow({ Effect: 'Allow', Action: 'organizations:AttachPolicy', Resource: '*', Condition: { StringEquals: { 'organizations:PolicyType': 'RESOURCE_CONTROL_POLICY' } } });
    await denied(() => asUser().send(new AttachPolicyCommand({ PolicyId: policy, TargetId: ou })), 'organizations:AttachPolicy');
    await allow({ Effect: 'Allow', Action: 'organizations:AttachPolicy', Resource: '*', Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } } });
    await asUser().send(new AttachPolicyCommand({ PolicyId: policy, TargetId: ou }));
  });

  test('TagResource and UntagResource: aws:RequestTag, aws:TagKeys, aws:ResourceTag and organizations:PolicyType', async () => {
    const ou = (await asRoot().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Tagging', Tags: [{ Key: 'owner', Value: 'tagger' }] }))).OrganizationalUnit!.Id!;
    const other = (await asRoot().send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'NotMine', Tags: [{ Key: 'owner', Value: 'someone' }] }))).OrganizationalUnit!.Id!;
    await allow(
      { ...tagStatement(), Condition: { ...tagStatement().Condition, StringEquals: { 'aws:RequestTag/team': 'blue', 'aws:ResourceTag/owner': 'tagger' } } },
      { Effect: 'Allow', Action: 'organizations:UntagResource', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
    );
    await asUser().send(new TagResourceCommand({ ResourceId: ou, Tags: blue }));
    await denied(() => asUser().send(new TagResourceCommand({ ResourceId: ou, Tags: [{ Key: 'team', Value: 'red' }] })), 'organizations:TagResource');
    await denied(() => asUser().send(new TagResourceCommand({ ResourceId: ou, Tags: [{ Key: 'owner', Value: 'me' }] })), 'organizations:TagResource');
    await denied(() => asUser().send(new TagResourceCommand({ ResourceId: other, Tags: blue })), 'organizations:TagResource');
    await denied(() => asUser().send(new UntagResourceCommand({ ResourceId: ou, TagKeys: ['owner'] })), 'organizations:UntagResource');
    await asUser().send(new UntagResourceCommand({ ResourceId: ou, TagKeys: ['team'] }));
    assert.deepEqual((await asRoot().send(new ListTagsForResourceCommand({ ResourceId: ou }))).Tags, [{ Key: 'owner', Value: 'tagger' }]);

    // On a policy, organizations:PolicyType is there beside the tag keys.
    const policy = (await asRoot().send(new CreatePolicyCommand({ Name: 'TagMe', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: SCP }))).Policy!.PolicySummary!.Id!;
    await allow(
      { ...tagStatement(), Condition: { ...tagStatement().Condition, StringEquals: { 'aws:RequestTag/team': 'blue', 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } } },
      { Effect: 'Allow', Action: 'organizations:UntagResource', Resource: '*', Condition: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } } },
    );
    await asUser().send(new TagResourceCommand({ ResourceId: policy, Tags: blue }));
    await asUser().send(new UntagResourceCommand({ ResourceId: policy, TagKeys: ['team'] }));
    await denied(() => asUser().send(new TagResourceCommand({ ResourceId: ou, Tags: blue })), 'organizations:TagResource');
  });

  test('delegated administrators are registered on the account: its ARN and its tags', async () => {
    const member = (await asRoot().send(new CreateAccountCommand({ Email: 'delegable@example.com', AccountName: 'Delegable', Tags: [{ Key: 'delegable', Value: 'yes' }] }))).CreateAccountStatus!.AccountId!;
    const plain = (await asRoot().send(new CreateAccountCommand({ Email: 'plain@example.com', AccountName: 'Plain' }))).CreateAccountStatus!.AccountId!;
    await allow({
      Effect: 'Allow', Action: ['organizations:RegisterDelegatedAdministrator', 'organizations:DeregisterDelegatedAdministrator'], Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/delegable': 'yes', 'organizations:ServicePrincipal': 'iam.amazonaws.com' } },
    }, { Effect: 'Allow', Action: 'organizations:ListDelegatedServicesForAccount', Resource: `arn:aws:organizations::${management}:account/${orgId}/${member}` });
    await asRoot().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await denied(() => asUser().send(new RegisterDelegatedAdministratorCommand({ AccountId: plain, ServicePrincipal: 'iam.amazonaws.com' })), 'organizations:RegisterDelegatedAdministrator');
    await asUser().send(new RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: 'iam.amazonaws.com' }));
    assert.deepEqual((await asUser().send(new ListDelegatedServicesForAccountCommand({ AccountId: member }))).DelegatedServices?.map((s) => s.ServicePrincipal), ['iam.amazonaws.com']);
    await denied(() => asUser().send(new ListDelegatedServicesForAccountCommand({ AccountId: plain })), 'organizations:ListDelegatedServicesForAccount');
    await asUser().send(new DeregisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: 'iam.amazonaws.com' }));
  });
});
