import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddRoleToInstanceProfileCommand, AddUserToGroupCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateInstanceProfileCommand,
  CreateLoginProfileCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GenerateCredentialReportCommand, GetAccessKeyLastUsedCommand, GetAccountAuthorizationDetailsCommand, GetCredentialReportCommand,
  IAMClient, UpdateAccessKeyCommand, UpdateAccountPasswordPolicyCommand, UploadSigningCertificateCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock, isoSeconds } from '../../src/kernel/clock.ts';
import { Kind, Link } from '../../src/iam/kinds.ts';
import type { UserData } from '../../src/iam/records.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';
import type { InlinePolicyData, PolicyData, PolicyVersionData } from '../../src/iam/policies/records.ts';
import { issueCertificate } from '../support/certificates.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { EVENTUALLY_MS, waitUntil } from '../support/wait.ts';

const FOUR_HOURS = 4 * 3600;
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

/** The report as rows of named columns. */
function parseReport(content: Uint8Array): Array<Record<string, string>> {
  const [header, ...lines] = new TextDecoder().decode(content).trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i]!, value])));
}

describe('IAM credential reports through the AWS SDK', () => {
  let server: TestServer;
  let clock: FixedClock;
  let alice: Credentials;
  before(async () => {
    clock = new FixedClock(new Date());
    server = await startTestServer({}, { clock });
  });
  after(async () => server.stop());

  /**
   * Sends with a client whose signing clock agrees with the server's moved clock. One client
   * per request: the SDK re-learns its clock offset from each response's Date header, which
   * is real time.
   */
  async function sendAtServerTime<T>(send: (client: IAMClient) => Promise<T>): Promise<T> {
    const client = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: server.root, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now() });
    try {
      return await send(client);
    } finally {
      client.destroy();
    }
  }

  test('GetCredentialReport before any report: ReportNotPresent 410', async () => {
    const err = await awsError(() => server.iam().send(new GetCredentialReportCommand({})));
    assert.equal(err.name, 'CredentialReportNotPresentException');
    assert.equal(err.status, 410);
    assert.equal(err.message, 'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.');
  });

  test('the report holds the root user and every user, from what the store holds', async () => {
    const iam = server.iam();
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MaxPasswordAge: 90 }));
    await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/' }));
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Correct-Horse-9-battery' }));
    const device = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice-phone' }))).VirtualMFADevice!;
    const seed = new TextDecoder().decode(device.Base32StringSeed!);
    const step = timeStepAt(clock.now());
    await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: device.SerialNumber!, AuthenticationCode1: codeAt(seed, step - 1), AuthenticationCode2: codeAt(seed, step) }));
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    clock.advanceSeconds(60);
    const second = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: second.AccessKeyId!, Status: 'Inactive' }));
    await iam.send(new UploadSigningCertificateCommand({ UserName: 'alice', CertificateBody: issueCertificate({ keyType: 'ec' }).certificatePem }));
    alice = { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! };
    await server.sts(alice, 'eu-west-1').send(new GetCallerIdentityCommand({}));
    // Last use is recorded off the request path: wait until it is in.
    const recorded = await waitUntil(async () => (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: alice.accessKeyId }))).AccessKeyLastUsed?.LastUsedDate !== undefined, EVENTUALLY_MS);
    assert.ok(recorded, "alice's key use is recorded");

    const started = await iam.send(new GenerateCredentialReportCommand({}));
    assert.equal(started.State, 'STARTED');
    assert.equal(started.Description, 'No report exists. Starting a new report generation task');
    const again = await iam.send(new GenerateCredentialReportCommand({}));
    assert.equal(again.State, 'COMPLETE');
    assert.equal(again.Description, undefined);

    const report = await iam.send(new GetCredentialReportCommand({}));
    assert.equal(report.ReportFormat, 'text/csv');
    assert.equal(report.GeneratedTime?.getTime(), new Date(isoSeconds(clock.now())).getTime());
    const rows = parseReport(report.Content!);
    assert.deepEqual(rows.map((r) => r.user), ['<root_account>', 'alice', 'bob']);
    assert.equal(Object.keys(rows[0]!).length, 22);

    const root = rows[0]!;
    assert.equal(root.arn, `arn:aws:iam::${server.accountId}:root`);
    assert.match(root.user_creation_time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(root.password_enabled, 'not_supported');
    assert.equal(root.password_last_changed, 'not_supported');
    assert.equal(root.password_next_rotation, 'not_supported');
    assert.equal(root.mfa_active, 'false');
    assert.equal(root.access_key_1_active, 'true', 'the root user\'s access key');
    assert.equal(root.access_key_2_active, 'false');
    assert.equal(root.cert_1_active, 'false');

    const a = rows[1]!;
    const t = (s: string | Date | undefined) => new Date(s!).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    assert.equal(a.arn, `arn:aws:iam::${server.accountId}:user/eng/alice`);
    assert.equal(a.password_enabled, 'true');
    assert.equal(a.password_last_used, 'no_information');
    assert.match(a.password_last_changed!, /\+00:00$/);
    assert.equal(new Date(a.password_next_rotation!).getTime() - new Date(a.password_last_changed!).getTime(), 90 * 86_400_000);
    assert.equal(a.mfa_active, 'true');
    assert.equal(a.access_key_1_active, 'true');
    assert.equal(a.access_key_1_last_rotated, t(first.CreateDate));
    assert.equal(a.access_key_1_last_used_region, 'eu-west-1');
    assert.equal(a.access_key_1_last_used_service, 'sts');
    assert.match(a.access_key_1_last_used_date!, /\+00:00$/);
    assert.equal(a.access_key_2_active, 'false', 'the second key is inactive');
    assert.equal(a.access_key_2_last_rotated, t(second.CreateDate));
    assert.equal(a.access_key_2_last_used_date, 'N/A');
    assert.equal(a.access_key_2_last_used_region, 'N/A');
    assert.equal(a.cert_1_active, 'true');
    assert.match(a.cert_1_last_rotated!, /\+00:00$/);
    assert.equal(a.cert_2_active, 'false');
    assert.equal(a.cert_2_last_rotated, 'N/A');

    const b = rows[2]!;
    assert.deepEqual(
      [b.password_enabled, b.password_last_used, b.password_last_changed, b.password_next_rotation, b.mfa_active, b.access_key_1_active, b.access_key_1_last_rotated, b.cert_1_active],
      ['false', 'N/A', 'N/A', 'N/A', 'false', 'false', 'N/A', 'false'],
    );
  });

  test('within four hours the report stays as generated; then it expires and a new one sees the changes', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    assert.equal((await iam.send(new GenerateCredentialReportCommand({}))).State, 'COMPLETE');
    const unchanged = parseReport((await iam.send(new GetCredentialReportCommand({}))).Content!);
    assert.ok(!unchanged.some((r) => r.user === 'carol'), 'a report is a snapshot');

    clock.advanceSeconds(FOUR_HOURS + 1);
    const expired = await awsError(() => sendAtServerTime((later) => later.send(new GetCredentialReportCommand({}))));
    assert.equal(expired.name, 'CredentialReportExpiredException');
    assert.equal(expired.status, 410);
    const regenerated = await sendAtServerTime((later) => later.send(new GenerateCredentialReportCommand({})));
    assert.equal(regenerated.State, 'STARTED');
    const report = await sendAtServerTime((later) => later.send(new GetCredentialReportCommand({})));
    assert.deepEqual(parseReport(report.Content!).map((r) => r.user), ['<root_account>', 'alice', 'bob', 'carol']);
  });
});

describe('GetAccountAuthorizationDetails through the AWS SDK', () => {
  let server: TestServer;
  let policyArn: string;
  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'red' }] }));
    await iam.send(new CreateUserCommand({ UserName: 'bob', Path: '/ops/' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'admins', Path: '/org/' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'alice' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'web', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'tier', Value: 'front' }] }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-profile' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'web' }));
    policyArn = await seedPolicies(server);
  });
  after(async () => server.stop());

  /**
   * Managed and inline policies as the policies module stores them (policies/records.ts),
   * written straight to the store: its operations are not served yet.
   */
  async function seedPolicies(s: TestServer): Promise<string> {
    const store = s.tessera.deps.store;
    const accountId = s.accountId;
    const now = isoSeconds(new Date());
    return store.transaction(async (tx) => {
      const alice = await tx.getByName<UserData>(accountId, Kind.user, 'alice');
      const bob = await tx.getByName<UserData>(accountId, Kind.user, 'bob');
      const devs = await tx.getByName(accountId, Kind.group, 'devs');
      const web = await tx.getByName(accountId, Kind.role, 'web');
      const policy = await tx.insert<PolicyData>({
        accountId, kind: Kind.policy, id: 'ANPAREPORTSTESTPOLICY', name: 'ReadObjects', parentId: '', path: '/app/', createdAt: now,
        data: { description: 'Reads objects', defaultVersionId: 'v2', document: READ, lastVersionNumber: 2, updatedAt: now, tags: [] },
      });
      for (const [version, document] of [['v1', TRUST], ['v2', READ]] as const) {
        await tx.insert<PolicyVersionData>({ accountId, kind: Kind.policyVersion, id: `${policy.id}/${version}`, name: version, parentId: policy.id, path: '/', createdAt: now, data: { document } });
      }
      const arn = `arn:aws:iam::${accountId}:policy/app/ReadObjects`;
      await tx.link(Link.userPolicy, accountId, alice!.id, arn);
      await tx.link(Link.rolePolicy, accountId, web!.id, arn);
      await tx.link(Link.groupPolicy, accountId, devs!.id, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
      await tx.update({ ...bob!, data: { ...bob!.data, permissionsBoundary: arn } });
      await tx.insert<InlinePolicyData>({ accountId, kind: Kind.userInlinePolicy, id: `${alice!.id}/inline`, name: 'inline', parentId: alice!.id, path: '/', createdAt: now, data: { document: READ } });
      await tx.insert<InlinePolicyData>({ accountId, kind: Kind.roleInlinePolicy, id: `${web!.id}/logs`, name: 'logs', parentId: web!.id, path: '/', createdAt: now, data: { document: READ } });
      return arn;
    });
  }

  test('every entity type, with inline and attached policies, groups, profiles, boundaries and tags', async () => {
    const out = await server.iam().send(new GetAccountAuthorizationDetailsCommand({}));
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Marker, undefined);

    const [alice, bob] = out.UserDetailList!;
    assert.equal(alice?.UserName, 'alice');
    assert.match(alice!.UserId!, /^AIDA/);
    assert.equal(alice?.Arn, `arn:aws:iam::${server.accountId}:user/alice`);
    assert.deepEqual(alice?.GroupList, ['admins', 'devs']);
    assert.deepEqual(alice?.AttachedManagedPolicies, [{ PolicyName: 'ReadObjects', PolicyArn: policyArn }]);
    assert.equal(alice?.UserPolicyList?.length, 1);
    assert.equal(alice?.UserPolicyList?.[0]?.PolicyName, 'inline');
    // URL-encoded per RFC 3986, which also encodes '*'.
    assert.equal(alice?.UserPolicyList?.[0]?.PolicyDocument, encodeURIComponent(READ).replace('*', '%2A'));
    assert.deepEqual(alice?.Tags, [{ Key: 'team', Value: 'red' }]);
    assert.equal(bob?.Path, '/ops/');
    assert.deepEqual(bob?.GroupList, []);
    assert.equal(bob?.UserPolicyList, undefined);
    assert.deepEqual(bob?.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policyArn });

    assert.deepEqual(out.GroupDetailList!.map((g) => [g.GroupName, g.Arn]), [
      ['admins', `arn:aws:iam::${server.accountId}:group/org/admins`],
      ['devs', `arn:aws:iam::${server.accountId}:group/devs`],
    ]);
    const devs = out.GroupDetailList![1]!;
    assert.deepEqual(devs.AttachedManagedPolicies, [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }]);
    assert.deepEqual(devs.GroupPolicyList, []);

    const [web] = out.RoleDetailList!;
    assert.equal(web?.RoleName, 'web');
    assert.equal(decodeURIComponent(web!.AssumeRolePolicyDocument!), TRUST);
    assert.deepEqual(web?.InstanceProfileList?.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName)]), [['web-profile', ['web']]]);
    assert.deepEqual(web?.RolePolicyList?.map((p) => p.PolicyName), ['logs']);
    assert.deepEqual(web?.AttachedManagedPolicies, [{ PolicyName: 'ReadObjects', PolicyArn: policyArn }]);
    assert.deepEqual(web?.Tags, [{ Key: 'tier', Value: 'front' }]);
    assert.deepEqual(web?.RoleLastUsed, {});

    const [local, aws] = out.Policies!;
    assert.equal(local?.PolicyName, 'ReadObjects');
    assert.equal(local?.Arn, policyArn);
    assert.equal(local?.Path, '/app/');
    assert.equal(local?.DefaultVersionId, 'v2');
    assert.equal(local?.AttachmentCount, 2);
    assert.equal(local?.PermissionsBoundaryUsageCount, 1);
    assert.equal(local?.Description, 'Reads objects');
    assert.deepEqual(local?.PolicyVersionList?.map((v) => [v.VersionId, v.IsDefaultVersion, decodeURIComponent(v.Document!)]), [['v1', false, TRUST], ['v2', true, READ]]);
    assert.equal(aws?.Arn, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    assert.equal(aws?.AttachmentCount, 1);
    assert.match(aws!.PolicyId!, /^ANPA/);
    assert.equal(aws?.PolicyVersionList?.length, 1);
    assert.equal(aws?.PolicyVersionList?.[0]?.IsDefaultVersion, true);
    assert.match(decodeURIComponent(aws!.PolicyVersionList![0]!.Document!), /"s3:Get\*"/);
    assert.equal(out.Policies!.length, 2, 'AWS managed policies the account does not use are left out');
  });

  test('Filter picks entity types', async () => {
    const iam = server.iam();
    const roles = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    assert.deepEqual([roles.UserDetailList, roles.GroupDetailList, roles.Policies].map((l) => l?.length), [0, 0, 0]);
    assert.equal(roles.RoleDetailList?.length, 1);
    const policies = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy', 'User'] }));
    assert.deepEqual(policies.Policies?.map((p) => p.PolicyName), ['ReadObjects']);
    assert.equal(policies.UserDetailList?.length, 2);
  });

  test('MaxItems pages across entity types and the pages join up to the whole', async () => {
    const iam = server.iam();
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page: GetAccountAuthorizationDetailsCommandOutput = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 2, Marker: marker }));
      const items = [
        ...page.UserDetailList!.map((u) => `user:${u.UserName}`),
        ...page.GroupDetailList!.map((g) => `group:${g.GroupName}`),
        ...page.RoleDetailList!.map((r) => `role:${r.RoleName}`),
        ...page.Policies!.map((p) => `policy:${p.PolicyName}`),
      ];
      assert.ok(items.length <= 2);
      names.push(...items);
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
      pages++;
    } while (marker);
    assert.deepEqual(names, ['user:alice', 'user:bob', 'group:admins', 'group:devs', 'role:web', 'policy:ReadObjects', 'policy:AmazonS3ReadOnlyAccess']);
    assert.equal(pages, 4);
    // A page that ends exactly at the last entity is not truncated.
    const whole = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 7 }));
    assert.equal(whole.IsTruncated, false);
    const bad = await awsError(() => iam.send(new GetAccountAuthorizationDetailsCommand({ Marker: 'bm90LWEtbWFya2Vy' })));
    assert.equal(bad.name, 'InvalidInputException');
  });
});
