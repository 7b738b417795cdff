import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachUserPolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DisableOrganizationsRootCredentialsManagementCommand,
  DisableOrganizationsRootSessionsCommand, EnableOrganizationsRootCredentialsManagementCommand, EnableOrganizationsRootSessionsCommand,
  GetAccountSummaryCommand, ListAccessKeysCommand, ListOrganizationsFeaturesCommand,
  PutRolePolicyCommand, PutUserPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand, CreateAccountCommand, CreateOrganizationCommand, CreatePolicyCommand, DeletePolicyCommand, DetachPolicyCommand,
  DisableAWSServiceAccessCommand, EnableAWSServiceAccessCommand, EnablePolicyTypeCommand, ListAWSServiceAccessForOrganizationCommand,
  ListRootsCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, AssumeRootCommand, GetCallerIdentityCommand, GetSessionTokenCommand, type AssumeRootCommandInput } from '@aws-sdk/client-sts';
import { createAccount } from '../../src/iam/accounts.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import { awsError, deniedText, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Centralized root access for member accounts, end to end through the AWS SDKs (and the aws CLI
 * where it is installed): an organization with a member account, trusted access for IAM
 * (organizations:EnableAWSServiceAccess), IAM's RootSessions and RootCredentialsManagement
 * features, and sts:AssumeRoot — its prerequisites each refused in turn, its inputs checked,
 * the root session limited by its task policy, and disabling root sessions stopping new ones.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const TASK = 'arn:aws:iam::aws:policy/root-task/';
const AUDIT = `${TASK}IAMAuditRootUserCredentials`;
const S3_UNLOCK = `${TASK}S3UnlockBucketPolicy`;
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('sts:AssumeRoot and centralized root access', () => {
  let server: TestServer;
  let management: string;
  let member: string;
  let orgId: string;
  let outsider: string;
  /** The root user of an account outside the organization. */
  let outsiderRoot: Credentials;
  /** AdministratorAccess in the management account. */
  let admin: Credentials;
  /** May call sts:AssumeRoot only with the IAMAuditRootUserCredentials task policy. */
  let auditor: Credentials;
  /** No policy at all. */
  let nobody: Credentials;
  /** AdministratorAccess in the member account (its OrganizationAccountAccessRole). */
  let memberAdmin: Credentials;
  const clients: OrganizationsClient[] = [];

  function organizations(credentials: Credentials = server.root): OrganizationsClient {
    const client = new OrganizationsClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  }

  async function userWith(name: string, setup: (iam: IAMClient) => Promise<unknown>): Promise<Credentials> {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: name }));
    await setup(iam);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  }

  const assumeRoot = (credentials: Credentials, input: Partial<AssumeRootCommandInput> = {}) =>
    server.sts(credentials).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT }, ...input }));

  /** The AccessDenied AssumeRoot answers when a rule refuses it. */
  const refusedBecause = (callerArn: string, target: string, reason: string) =>
    `User: ${callerArn} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${target}:root because ${reason}`;

  before(async () => {
    server = await startTestServer();
    management = server.accountId;
    const other = await createAccount(server.tessera.deps);
    outsider = other.accountId;
    outsiderRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
    admin = await userWith('admin', (iam) => iam.send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
    auditor = await userWith('auditor', (iam) => iam.send(new PutUserPolicyCommand({
      UserName: 'auditor', PolicyName: 'audit-only',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRoot', Resource: 'arn:aws:iam::*:root', Condition: { ArnEquals: { 'sts:TaskPolicyArn': AUDIT } } }]),
    })));
    nobody = await userWith('nobody', async () => undefined);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
  });

  test('before an organization: OrganizationNotFoundException; AssumeRoot refused', async () => {
    const err = await awsError(() => server.iam(admin).send(new ListOrganizationsFeaturesCommand({})));
    assert.deepEqual([err.name, err.status, err.message], ['OrganizationNotFoundException', 400, 'The request was rejected because no organization is associated with your account.']);
    const enable = await awsError(() => server.iam(admin).send(new EnableOrganizationsRootSessionsCommand({})));
    assert.equal(enable.name, 'OrganizationNotFoundException');
    const denied = await awsError(() => assumeRoot(admin, { TargetPrincipal: outsider }));
    assert.deepEqual([denied.name, denied.status], ['AccessDenied', 403]);
    assert.equal(deniedText(denied.message), refusedBecause(`arn:aws:iam::${management}:user/admin`, outsider, "the caller's account is not in an organization"));
  });

  test('an organization with a member account; the member\'s administrators through OrganizationAccountAccessRole', async () => {
    orgId = (await organizations().send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
    const created = await organizations().send(new CreateAccountCommand({ Email: 'member@example.com', AccountName: 'Member' }));
    member = created.CreateAccountStatus!.AccountId!;
    const role = await server.sts(admin).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'ops' }));
    memberAdmin = asCredentials(role.Credentials);
  });

  test('without trusted access for IAM: ServiceAccessNotEnabledException; AssumeRoot refused', async () => {
    for (const command of [new ListOrganizationsFeaturesCommand({}), new EnableOrganizationsRootSessionsCommand({}), new DisableOrganizationsRootCredentialsManagementCommand({})]) {
      const err = await awsError(() => server.iam(admin).send(command as never));
      assert.equal(err.name, 'ServiceAccessNotEnabledException');
      assert.match(err.message, /^The request was rejected because trusted access is not enabled for IAM in Organizations\./);
    }
    const denied = await awsError(() => assumeRoot(admin));
    assert.equal(denied.message, refusedBecause(`arn:aws:iam::${management}:user/admin`, member, 'trusted access for IAM (iam.amazonaws.com) is not enabled in the organization'));
  });

  test('trusted access: EnableAWSServiceAccess, ListAWSServiceAccessForOrganization; management account only; known principals only', async () => {
    assert.deepEqual((await organizations().send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals, []);
    const unknown = await awsError(() => organizations().send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'nothing.amazonaws.com' })));
    assert.deepEqual([unknown.name, unknown.message], ['InvalidInputException', 'You specified an unrecognized service principal.']);
    const fromMember = await awsError(() => organizations(memberAdmin).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' })));
    assert.deepEqual([fromMember.name, fromMember.message], ['AccessDeniedException', "You don't have permissions to access this resource."]);
    const fromOutsider = await awsError(() => organizations(outsiderRoot).send(new ListAWSServiceAccessForOrganizationCommand({})));
    assert.equal(fromOutsider.name, 'AWSOrganizationsNotInUseException');

    const before = Date.now();
    await organizations(admin).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await organizations(admin).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    // Enabling again changes nothing.
    await organizations(admin).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    const listed = (await organizations(admin).send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals!;
    assert.deepEqual(listed.map((s) => s.ServicePrincipal), ['iam.amazonaws.com', 'sso.amazonaws.com']);
    for (const s of listed) assert.ok(s.DateEnabled instanceof Date && Math.abs(s.DateEnabled.getTime() - before) < 60_000, String(s.DateEnabled));
    await organizations(admin).send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    // Disabling what is not enabled changes nothing either.
    await organizations(admin).send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    const paged = await organizations(admin).send(new ListAWSServiceAccessForOrganizationCommand({ MaxResults: 1 }));
    assert.deepEqual(paged.EnabledServicePrincipals!.map((s) => s.ServicePrincipal), ['iam.amazonaws.com']);
    assert.equal(paged.NextToken, undefined);
  });

  test('IAM features: management account only; Enable/Disable answer the features; ListOrganizationsFeatures lists them', async () => {
    const iam = server.iam(admin);
    assert.deepEqual(pick(await iam.send(new ListOrganizationsFeaturesCommand({}))), { OrganizationId: orgId, EnabledFeatures: [] });
    const fromMember = await awsError(() => server.iam(memberAdmin).send(new EnableOrganizationsRootSessionsCommand({})));
    assert.deepEqual([fromMember.name, fromMember.status], ['AccountNotManagementOrDelegatedAdministratorException', 400]);
    assert.equal((await awsError(() => server.iam(memberAdmin).send(new ListOrganizationsFeaturesCommand({})))).name, 'AccountNotManagementOrDelegatedAdministratorException');
    const denied = await awsError(() => server.iam(nobody).send(new EnableOrganizationsRootSessionsCommand({})));
    assert.equal(denied.name, 'AccessDenied');

    const deniedBeforeEnabled = await awsError(() => assumeRoot(admin));
    assert.equal(deniedBeforeEnabled.message, refusedBecause(`arn:aws:iam::${management}:user/admin`, member, `root sessions are not enabled for the organization ${orgId} (iam:EnableOrganizationsRootSessions)`));

    assert.deepEqual(pick(await iam.send(new EnableOrganizationsRootSessionsCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootSessions'] });
    assert.deepEqual(pick(await iam.send(new EnableOrganizationsRootCredentialsManagementCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    assert.deepEqual(pick(await iam.send(new EnableOrganizationsRootSessionsCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    assert.deepEqual(pick(await iam.send(new ListOrganizationsFeaturesCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
  });

  test('the happy path: a member\'s root session limited to IAMAuditRootUserCredentials', async () => {
    const before = Date.now();
    const out = await assumeRoot(admin);
    const credentials = out.Credentials!;
    assert.match(credentials.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
    assert.ok(credentials.SecretAccessKey && credentials.SessionToken);
    const lifetime = credentials.Expiration!.getTime() - before;
    assert.ok(lifetime > 890_000 && lifetime <= 901_000, `expires in ${lifetime} ms`);
    assert.equal(out.SourceIdentity, undefined);

    const rootSession = asCredentials(credentials);
    const identity = await server.sts(rootSession).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([identity.Account, identity.UserId, identity.Arn], [member, member, `arn:aws:iam::${member}:root`]);

    // What the task policy leaves: auditing the root user's credentials, the account summary.
    const summary = await server.iam(rootSession).send(new GetAccountSummaryCommand({}));
    assert.equal(typeof summary.SummaryMap!['Users'], 'number');
    assert.deepEqual((await server.iam(rootSession).send(new ListAccessKeysCommand({}))).AccessKeyMetadata, []);
    // Everything else is refused by the task policy's Deny, whatever root may do otherwise.
    const createUser = await awsError(() => server.iam(rootSession).send(new CreateUserCommand({ UserName: 'intruder' })));
    assert.equal(createUser.name, 'AccessDenied');
    assert.equal(deniedText(createUser.message),
      `User: arn:aws:iam::${member}:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${member}:user/intruder with an explicit deny in a session policy`);
    const listOther = await awsError(() => server.iam(rootSession).send(new ListAccessKeysCommand({ UserName: 'someone' })));
    assert.equal(listOther.name, 'AccessDenied');
    // The session cannot turn itself into other credentials.
    const chain = await awsError(() => server.sts(rootSession).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'xx' })));
    assert.deepEqual([chain.name, chain.message], ['AccessDenied', 'Roles may not be assumed by root accounts.']);
    assert.equal((await awsError(() => server.sts(rootSession).send(new GetSessionTokenCommand({}))) ).name, 'AccessDenied');
    assert.equal((await awsError(() => server.sts(rootSession).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } })))).name, 'AccessDenied');

    // Recorded in the management account as the other STS calls are.
    await server.tessera.deps.audit.flush();
    const events = await server.tessera.deps.store.auditByRequestId(out.$metadata.requestId!);
    const record = events.find((e) => e.accountId === management)?.data as { record: Record<string, any> } | undefined;
    assert.equal(record?.record['eventName'], 'AssumeRoot');
    assert.equal(record?.record['eventSource'], 'sts.amazonaws.com');
    assert.equal(record?.record['userIdentity']['arn'], `arn:aws:iam::${management}:user/admin`);
  });

  test('an AssumeRoot session carries aws:AssumedRoot = true: an SCP conditioned on it applies to it alone', async () => {
    const orgs = organizations();
    const roots = await orgs.send(new ListRootsCommand({}));
    const root = roots.Roots![0]!;
    if (!(root.PolicyTypes ?? []).some((type) => type.Type === 'SERVICE_CONTROL_POLICY' && type.Status === 'ENABLED')) {
      await orgs.send(new EnablePolicyTypeCommand({ RootId: root.Id!, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    }
    const scp = await orgs.send(new CreatePolicyCommand({
      Name: 'no-root-session-key-listing', Description: 'AssumeRoot sessions may not list access keys', Type: 'SERVICE_CONTROL_POLICY',
      Content: doc([{ Effect: 'Deny', Action: 'iam:ListAccessKeys', Resource: '*', Condition: { Bool: { 'aws:AssumedRoot': 'true' } } }]),
    }));
    const policyId = scp.Policy!.PolicySummary!.Id!;
    await orgs.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: member }));
    try {
      const rootSession = asCredentials((await assumeRoot(admin)).Credentials);
      const refused = await awsError(() => server.iam(rootSession).send(new ListAccessKeysCommand({})));
      assert.equal(refused.name, 'AccessDenied');
      assert.match(deniedText(refused.message), /iam:ListAccessKeys .*with an explicit deny in a service control policy$/);
      // The member's own principals (no AssumeRoot session) are not refused by it: authorized, then no such user.
      const notFound = await awsError(() => server.iam(memberAdmin).send(new ListAccessKeysCommand({ UserName: 'nobody-here' })));
      assert.equal(notFound.name, 'NoSuchEntityException');
    } finally {
      await orgs.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: member }));
      await orgs.send(new DeletePolicyCommand({ PolicyId: policyId }));
    }
  });

  test('another task policy limits the session to its own actions; DurationSeconds shortens it', async () => {
    const before = Date.now();
    const out = await assumeRoot(admin, { TargetPrincipal: `arn:aws:iam::${member}:root`, TaskPolicyArn: { arn: S3_UNLOCK }, DurationSeconds: 60 });
    const lifetime = out.Credentials!.Expiration!.getTime() - before;
    assert.ok(lifetime > 50_000 && lifetime <= 61_000, `expires in ${lifetime} ms`);
    const summary = await awsError(() => server.iam(asCredentials(out.Credentials)).send(new GetAccountSummaryCommand({})));
    assert.equal(summary.name, 'AccessDenied');
    assert.match(summary.message, /iam:GetAccountSummary on resource: \* with an explicit deny in a session policy$/);
  });

  test('inputs: DurationSeconds over 900, a TaskPolicyArn that is not a root task, a TargetPrincipal that names no account', async () => {
    const long = await awsError(() => assumeRoot(admin, { DurationSeconds: 901 }));
    assert.deepEqual([long.name, long.status], ['ValidationError', 400]);
    assert.equal(long.message, "1 validation error detected: Value '901' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900");
    for (const arn of ['arn:aws:iam::aws:policy/AdministratorAccess', `${TASK}NoSuchTask`, `arn:aws:iam::${management}:policy/root-task/Mine`, 'arn:aws:s3:::not-a-policy']) {
      const err = await awsError(() => assumeRoot(admin, { TaskPolicyArn: { arn } }));
      assert.deepEqual([err.name, err.status], ['InvalidParameterValue', 400], arn);
      assert.equal(err.message, `TaskPolicyArn ${arn} is not a root task policy: use one of the AWS managed policies under ${TASK} (IAMAuditRootUserCredentials, IAMCreateRootUserPassword, IAMDeleteRootUserCredentials, S3UnlockBucketPolicy, SQSUnlockQueuePolicy).`);
    }
    // Something that is not an ARN at all is the model's ValidationError.
    assert.equal((await awsError(() => assumeRoot(admin, { TaskPolicyArn: { arn: 'not-an-arn' } }))).name, 'ValidationError');
    const target = await awsError(() => assumeRoot(admin, { TargetPrincipal: `arn:aws:iam::${member}:user/bob` }));
    assert.deepEqual([target.name, target.status], ['ValidationError', 400]);
  });

  test('targets: the management account itself and an account outside the organization are refused', async () => {
    const self = await awsError(() => assumeRoot(admin, { TargetPrincipal: management }));
    assert.equal(self.message, refusedBecause(`arn:aws:iam::${management}:user/admin`, management, "the target is the organization's management account, not a member account"));
    const outside = await awsError(() => assumeRoot(admin, { TargetPrincipal: outsider }));
    assert.equal(outside.message, refusedBecause(`arn:aws:iam::${management}:user/admin`, outsider, `the account ${outsider} is not a member account of the organization ${orgId}`));
  });

  test('callers: root user credentials, a member account\'s principal, a user without permission', async () => {
    const root = await awsError(() => assumeRoot(server.root));
    assert.deepEqual([root.name, root.message], ['AccessDenied', refusedBecause(`arn:aws:iam::${management}:root`, member, 'root user credentials cannot call AssumeRoot')]);
    const fromMember = await awsError(() => assumeRoot(memberAdmin));
    assert.equal(fromMember.name, 'AccessDenied');
    assert.equal(fromMember.message, refusedBecause(`arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/ops`, member, "only principals of the organization's management account or of a delegated administrator for iam.amazonaws.com can call AssumeRoot"));
    const denied = await awsError(() => assumeRoot(nobody));
    assert.equal(deniedText(denied.message), `User: arn:aws:iam::${management}:user/nobody is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${member}:root because no identity-based policy allows the sts:AssumeRoot action`);
  });

  test('the sts:TaskPolicyArn condition key in the caller\'s policy', async () => {
    const allowed = await assumeRoot(auditor);
    assert.match(allowed.Credentials!.AccessKeyId!, /^ASIA/);
    const denied = await awsError(() => assumeRoot(auditor, { TaskPolicyArn: { arn: S3_UNLOCK } }));
    assert.equal(deniedText(denied.message), `User: arn:aws:iam::${management}:user/auditor is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${member}:root because no identity-based policy allows the sts:AssumeRoot action`);
  });

  test('a role session of the management account: its source identity passes on to the root session', async () => {
    const iam = server.iam();
    await iam.send(new CreateRoleCommand({
      RoleName: 'root-operator',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${management}:user/admin` }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }]),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'root-operator', PolicyName: 'assume-root', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRoot', Resource: `arn:aws:iam::${member}:root` }]) }));
    const role = await server.sts(admin).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${management}:role/root-operator`, RoleSessionName: 'break-glass', SourceIdentity: 'alice' }));
    const out = await assumeRoot(asCredentials(role.Credentials), { TaskPolicyArn: { arn: S3_UNLOCK } });
    assert.equal(out.SourceIdentity, 'alice');
    const identity = await server.sts(asCredentials(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:iam::${member}:root`);
    // Its policy names only this member's root user.
    const elsewhere = await awsError(() => assumeRoot(asCredentials(role.Credentials), { TargetPrincipal: outsider }));
    assert.match(deniedText(elsewhere.message), /because no identity-based policy allows the sts:AssumeRoot action$/);
  });

  test('the aws CLI: assume-root, then get-caller-identity as the member\'s root', { skip: awsCliAvailable() ? false : 'the aws CLI is not installed' }, async () => {
    const features = await awsCliAsync(server.url, admin, ['iam', 'list-organizations-features']);
    assert.equal(features.status, 0, features.stderr);
    assert.deepEqual(features.json, { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    const out = await awsCliAsync(server.url, admin, ['sts', 'assume-root', '--region', 'us-east-1', '--target-principal', member, '--task-policy-arn', `arn=${AUDIT}`, '--duration-seconds', '900']);
    assert.equal(out.status, 0, out.stderr);
    const session = asCredentials(out.json.Credentials);
    const identity = await awsCliAsync(server.url, session, ['sts', 'get-caller-identity']);
    assert.equal(identity.status, 0, identity.stderr);
    assert.deepEqual(identity.json, { UserId: member, Account: member, Arn: `arn:aws:iam::${member}:root` });
    const tooLong = await awsCliAsync(server.url, admin, ['sts', 'assume-root', '--target-principal', member, '--task-policy-arn', `arn=${AUDIT}`, '--duration-seconds', '901']);
    assert.notEqual(tooLong.status, 0);
    assert.match(tooLong.stderr, /ValidationError|less than or equal to 900/);
  });

  test('disabling RootSessions stops new AssumeRoot calls; disabling trusted access for IAM clears the features', async () => {
    const iam = server.iam(admin);
    assert.deepEqual(pick(await iam.send(new DisableOrganizationsRootSessionsCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement'] });
    const denied = await awsError(() => assumeRoot(admin));
    assert.equal(denied.message, refusedBecause(`arn:aws:iam::${management}:user/admin`, member, `root sessions are not enabled for the organization ${orgId} (iam:EnableOrganizationsRootSessions)`));
    assert.deepEqual(pick(await iam.send(new DisableOrganizationsRootSessionsCommand({}))), { OrganizationId: orgId, EnabledFeatures: ['RootCredentialsManagement'] });

    await iam.send(new EnableOrganizationsRootSessionsCommand({}));
    await organizations(admin).send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    assert.equal((await awsError(() => iam.send(new ListOrganizationsFeaturesCommand({})))).name, 'ServiceAccessNotEnabledException');
    assert.equal((await awsError(() => assumeRoot(admin))).name, 'AccessDenied');
    await organizations(admin).send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    assert.deepEqual(pick(await iam.send(new ListOrganizationsFeaturesCommand({}))), { OrganizationId: orgId, EnabledFeatures: [] });
    assert.deepEqual(pick(await iam.send(new DisableOrganizationsRootCredentialsManagementCommand({}))), { OrganizationId: orgId, EnabledFeatures: [] });
  });
});

function pick(output: { OrganizationId?: string; EnabledFeatures?: string[] }): { OrganizationId?: string; EnabledFeatures?: string[] } {
  return { OrganizationId: output.OrganizationId, EnabledFeatures: output.EnabledFeatures ?? [] };
}
