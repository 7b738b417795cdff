import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IAMClient, AddUserToGroupCommand, AttachGroupPolicyCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand,
  CreateGroupCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand, DeleteAccessKeyCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DeleteUserCommand, DeleteUserPolicyCommand,
  DetachGroupPolicyCommand, DetachRolePolicyCommand, DetachUserPolicyCommand, EnableMFADeviceCommand, GetUserCommand, ListGroupsCommand,
  ListInstanceProfilesCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand, RemoveUserFromGroupCommand, SetDefaultPolicyVersionCommand, UpdateAccessKeyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetObjectCommand, ListBucketsCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AttachPolicyCommand, CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, CreatePolicyCommand as CreateScpCommand,
  DetachPolicyCommand, EnablePolicyTypeCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startServeProcess, type ServeProcess } from '../support/cli-process.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';

/**
 * The revocation sweep: every way an administrator takes access away decides the very next
 * request — IAM/STS calls and gateway-forwarded S3 calls — on every worker of `tessera serve
 * --workers 2` (each probe on a new connection, so consecutive probes land on both workers)
 * and in one process. Races: no request started after the revoking call returned succeeds.
 */

const PROBES = 6;

interface Target {
  url: string;
  root: Credentials;
  account: string;
  moto: MotoServer;
  /** A prefix for bucket names: both targets share one moto, whose bucket names are global. */
  prefix: string;
  workers: boolean;
}

type Doc = Record<string, unknown>;
const allow = (action: string | string[], resource: string | string[] = '*', extra: Doc = {}): Doc => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }] });
const denyAll = (condition: Doc): Doc => ({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition }] });

const destroyers: { destroy(): void }[] = [];
/** Every request on a new connection: the primary hands each to the next worker. */
const fresh = () => ({ region: 'us-east-1', maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: false }) } });
function keep<T extends { destroy(): void }>(client: T): T {
  destroyers.push(client);
  return client;
}
const iamOf = (t: Target, c: Credentials = t.root) => keep(new IAMClient({ ...fresh(), endpoint: t.url, credentials: c }));
const stsOf = (t: Target, c: Credentials = t.root) => keep(new STSClient({ ...fresh(), endpoint: t.url, credentials: c }));
const s3Of = (t: Target, c: Credentials = t.root) => keep(new S3Client({ ...fresh(), endpoint: t.url, forcePathStyle: true, credentials: c }));
const sqsOf = (t: Target, c: Credentials = t.root) => keep(new SQSClient({ ...fresh(), endpoint: t.url, credentials: c }));
const orgOf = (t: Target, c: Credentials = t.root) => keep(new OrganizationsClient({ ...fresh(), endpoint: t.url, credentials: c }));

/** `ok`, or the error's name (with its message after a `|` when `withMessage`). */
async function outcome(promise: Promise<unknown>, withMessage = false): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    const e = err as Error;
    return withMessage ? `${e.name}|${e.message}` : e.name;
  }
}

/** `PROBES` sequential probes, each on a new connection: every outcome must be `expected` (a string, or a pattern). */
async function expectEach(what: string, probe: () => Promise<unknown>, expected: string | RegExp): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < PROBES; i++) seen.push(await outcome(probe(), expected instanceof RegExp || expected.includes('|')));
  const bad = seen.filter((o) => (typeof expected === 'string' ? o !== expected : !expected.test(o)));
  assert.deepEqual(bad, [], `${what}: expected ${String(expected)} from every probe, got ${JSON.stringify(seen)}`);
}

const creds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials => ({
  accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, ...(c!.SessionToken ? { sessionToken: c!.SessionToken } : {}),
});

async function makeUser(t: Target, name: string, policies: Record<string, Doc>): Promise<Credentials & { arn: string }> {
  const iam = iamOf(t);
  const arn = (await iam.send(new CreateUserCommand({ UserName: name }))).User!.Arn!;
  for (const [policy, doc] of Object.entries(policies)) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policy, PolicyDocument: JSON.stringify(doc) }));
  return { ...creds((await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey), arn };
}

async function managedPolicy(t: Target, name: string, doc: Doc): Promise<string> {
  return (await iamOf(t).send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(doc) }))).Policy!.Arn!;
}

const INVALID_TOKEN = 'InvalidClientTokenId|The security token included in the request is invalid.';
const DENIED = /^AccessDenied\|/;

/**
 * Probes fired while `revoke` runs: a burst of 50 at once, then waves of 5 for a while after the
 * revocation returned. Every probe that started after it returned must have been refused.
 */
async function race(probe: () => Promise<unknown>, revoke: () => Promise<unknown>): Promise<void> {
  const results: { start: number; outcome: string }[] = [];
  let done = false;
  const one = async () => {
    const start = performance.now();
    results.push({ start, outcome: await outcome(probe(), true) });
  };
  const burst = Promise.all(Array.from({ length: 50 }, one));
  const waves = (async () => {
    while (!done) await Promise.all(Array.from({ length: 5 }, one));
  })();
  await sleep(10);
  await revoke();
  const revokedAt = performance.now();
  await sleep(400);
  done = true;
  await Promise.all([burst, waves]);
  const late = results.filter((r) => r.start > revokedAt);
  assert.ok(late.length >= 5, `probes after the revocation: ${late.length}`);
  const leaked = late.filter((r) => r.outcome === 'ok');
  assert.deepEqual(leaked.map((r) => `+${(r.start - revokedAt).toFixed(1)} ms`), [], `${leaked.length} of ${late.length} requests started after the revocation returned succeeded`);
}

function scenarios(name: string, start: () => Promise<{ target: Target; stop(): Promise<void> }>): void {
  describe(name, () => {
    let t: Target;
    let stop: () => Promise<void> = async () => {};
    before(async () => {
      const started = await start();
      t = started.target;
      stop = started.stop;
    });
    after(async () => {
      for (const made of destroyers.splice(0)) made.destroy();
      await stop();
    });

    test('UpdateAccessKey Inactive and DeleteAccessKey refuse the key at once (IAM and gateway); reactivated it works again', async () => {
      const u = await makeUser(t, 'key-user', { p: allow(['iam:GetUser', 's3:ListAllMyBuckets']) });
      const iam = iamOf(t);
      await expectEach('active key, IAM', () => iamOf(t, u).send(new GetUserCommand({})), 'ok');
      await expectEach('active key, S3', () => s3Of(t, u).send(new ListBucketsCommand({})), 'ok');
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'key-user', AccessKeyId: u.accessKeyId, Status: 'Inactive' }));
      await expectEach('inactive key, IAM', () => iamOf(t, u).send(new GetUserCommand({})), INVALID_TOKEN);
      await expectEach('inactive key, S3', () => s3Of(t, u).send(new ListBucketsCommand({})), 'InvalidAccessKeyId');
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'key-user', AccessKeyId: u.accessKeyId, Status: 'Active' }));
      await expectEach('reactivated key, IAM', () => iamOf(t, u).send(new GetUserCommand({})), 'ok');
      await expectEach('reactivated key, S3', () => s3Of(t, u).send(new ListBucketsCommand({})), 'ok');
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'key-user', AccessKeyId: u.accessKeyId }));
      await expectEach('deleted key, IAM', () => iamOf(t, u).send(new GetUserCommand({})), INVALID_TOKEN);
      await expectEach('deleted key, S3', () => s3Of(t, u).send(new ListBucketsCommand({})), 'InvalidAccessKeyId');
    });

    test('DeleteUser, then a user of the same name: the old key and the old user\'s sessions stay refused', async () => {
      const policy = allow(['iam:GetUser', 's3:ListAllMyBuckets', 'sts:GetFederationToken']);
      const u = await makeUser(t, 'gone-user', { p: policy });
      const session = creds((await stsOf(t, u).send(new GetSessionTokenCommand({}))).Credentials);
      const federated = creds((await stsOf(t, u).send(new GetFederationTokenCommand({ Name: 'gone-fed', Policy: JSON.stringify(allow('s3:ListAllMyBuckets')) }))).Credentials);
      await expectEach('session of the user', () => s3Of(t, session).send(new ListBucketsCommand({})), 'ok');
      await expectEach('federated user', () => s3Of(t, federated).send(new ListBucketsCommand({})), 'ok');
      const iam = iamOf(t);
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'gone-user', AccessKeyId: u.accessKeyId }));
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'gone-user', PolicyName: 'p' }));
      await iam.send(new DeleteUserCommand({ UserName: 'gone-user' }));
      await expectEach('session of the deleted user', () => s3Of(t, session).send(new ListBucketsCommand({})), 'AccessDenied');
      await expectEach('federated user of the deleted user', () => s3Of(t, federated).send(new ListBucketsCommand({})), 'AccessDenied');
      const again = await makeUser(t, 'gone-user', { p: policy });
      await expectEach('the new user', () => iamOf(t, again).send(new GetUserCommand({})), 'ok');
      await expectEach('the old key', () => iamOf(t, u).send(new GetUserCommand({})), INVALID_TOKEN);
      await expectEach('session of the old user, IAM', () => iamOf(t, session).send(new GetUserCommand({})), /^(AccessDenied|InvalidClientTokenId)\|/);
      await expectEach('session of the old user, S3', () => s3Of(t, session).send(new ListBucketsCommand({})), 'AccessDenied');
      await expectEach('federated user of the old user', () => s3Of(t, federated).send(new ListBucketsCommand({})), 'AccessDenied');
    });

    test('identity policies: DeleteUserPolicy, DetachUserPolicy, RemoveUserFromGroup, DetachGroupPolicy, SetDefaultPolicyVersion, PutUserPermissionsBoundary', async () => {
      const iam = iamOf(t);
      const u = await makeUser(t, 'pol-user', { inline: allow('iam:GetUser') });
      const attached = await managedPolicy(t, 'pol-attached', allow(['iam:ListUsers', 's3:ListAllMyBuckets']));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'pol-user', PolicyArn: attached }));
      await iam.send(new CreateGroupCommand({ GroupName: 'pol-group' }));
      const { PutGroupPolicyCommand } = await import('@aws-sdk/client-iam');
      await iam.send(new PutGroupPolicyCommand({ GroupName: 'pol-group', PolicyName: 'g', PolicyDocument: JSON.stringify(allow('iam:ListGroups')) }));
      const groupManaged = await managedPolicy(t, 'pol-group-attached', allow('iam:ListRoles'));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: 'pol-group', PolicyArn: groupManaged }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'pol-group', UserName: 'pol-user' }));
      const versioned = await managedPolicy(t, 'pol-versioned', allow(['iam:ListPolicies', 'iam:ListInstanceProfiles']));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'pol-user', PolicyArn: versioned }));
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: versioned, PolicyDocument: JSON.stringify(allow('iam:ListInstanceProfiles')), SetAsDefault: false }));
      const user = () => iamOf(t, u);
      for (const [what, call] of [
        ['GetUser', () => user().send(new GetUserCommand({}))], ['ListUsers', () => user().send(new ListUsersCommand({}))],
        ['ListGroups', () => user().send(new ListGroupsCommand({}))], ['ListRoles', () => user().send(new ListRolesCommand({}))],
        ['ListPolicies', () => user().send(new ListPoliciesCommand({}))], ['S3', () => s3Of(t, u).send(new ListBucketsCommand({}))],
      ] as const) await expectEach(`before: ${what}`, call, 'ok');

      await iam.send(new DeleteUserPolicyCommand({ UserName: 'pol-user', PolicyName: 'inline' }));
      await expectEach('DeleteUserPolicy', () => user().send(new GetUserCommand({})), 'AccessDenied');
      await iam.send(new DetachUserPolicyCommand({ UserName: 'pol-user', PolicyArn: attached }));
      await expectEach('DetachUserPolicy (IAM)', () => user().send(new ListUsersCommand({})), 'AccessDenied');
      await expectEach('DetachUserPolicy (S3)', () => s3Of(t, u).send(new ListBucketsCommand({})), 'AccessDenied');
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'pol-group', UserName: 'pol-user' }));
      await expectEach('RemoveUserFromGroup: group inline', () => user().send(new ListGroupsCommand({})), 'AccessDenied');
      await expectEach('RemoveUserFromGroup: group managed', () => user().send(new ListRolesCommand({})), 'AccessDenied');
      await iam.send(new AddUserToGroupCommand({ GroupName: 'pol-group', UserName: 'pol-user' }));
      await expectEach('AddUserToGroup again', () => user().send(new ListRolesCommand({})), 'ok');
      await iam.send(new DetachGroupPolicyCommand({ GroupName: 'pol-group', PolicyArn: groupManaged }));
      await expectEach('DetachGroupPolicy', () => user().send(new ListRolesCommand({})), 'AccessDenied');
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: versioned, VersionId: 'v2' }));
      await expectEach('SetDefaultPolicyVersion to a narrower version', () => user().send(new ListPoliciesCommand({})), 'AccessDenied');
      await expectEach('…what v2 still allows', () => user().send(new ListInstanceProfilesCommand({})), 'ok');
      const boundary = await managedPolicy(t, 'pol-boundary', allow('iam:ListGroups'));
      await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'pol-user', PermissionsBoundary: boundary }));
      await expectEach('PutUserPermissionsBoundary', () => user().send(new ListInstanceProfilesCommand({})), 'AccessDenied');
      await expectEach('…what the boundary allows', () => user().send(new ListGroupsCommand({})), 'ok');
    });

    test('role sessions: DetachRolePolicy, UpdateAssumeRolePolicy, revoking older sessions (aws:TokenIssueTime), a role deleted and created again', async () => {
      const iam = iamOf(t);
      const u = await makeUser(t, 'role-user', { p: allow('sts:AssumeRole') });
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: u.arn }, Action: 'sts:AssumeRole' }] });
      const createRole = async () => {
        await iam.send(new CreateRoleCommand({ RoleName: 'rev-role', AssumeRolePolicyDocument: trust }));
        await iam.send(new PutRolePolicyCommand({ RoleName: 'rev-role', PolicyName: 'inline', PolicyDocument: JSON.stringify(allow(['iam:ListRoles', 's3:ListAllMyBuckets'])) }));
      };
      await createRole();
      const attached = await managedPolicy(t, 'rev-role-attached', allow('iam:ListPolicies'));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'rev-role', PolicyArn: attached }));
      const roleArn = `arn:aws:iam::${t.account}:role/rev-role`;
      const assume = () => stsOf(t, u).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rev-session' }));
      const s1 = creds((await assume()).Credentials);
      await expectEach('session: ListPolicies', () => iamOf(t, s1).send(new ListPoliciesCommand({})), 'ok');
      await expectEach('session: S3', () => s3Of(t, s1).send(new ListBucketsCommand({})), 'ok');

      await iam.send(new DetachRolePolicyCommand({ RoleName: 'rev-role', PolicyArn: attached }));
      await expectEach('DetachRolePolicy', () => iamOf(t, s1).send(new ListPoliciesCommand({})), 'AccessDenied');

      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'rev-role', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
      await expectEach('UpdateAssumeRolePolicy: AssumeRole refused', assume, 'AccessDenied');
      await expectEach('UpdateAssumeRolePolicy: a live session keeps working (as AWS)', () => iamOf(t, s1).send(new ListRolesCommand({})), 'ok');

      // What the console's "Revoke active sessions" writes (AWSRevokeOlderSessions).
      const revokedBefore = new Date().toISOString();
      await iam.send(new PutRolePolicyCommand({ RoleName: 'rev-role', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: JSON.stringify(denyAll({ DateLessThan: { 'aws:TokenIssueTime': revokedBefore } })) }));
      await expectEach('revoked session: IAM', () => iamOf(t, s1).send(new ListRolesCommand({})), 'AccessDenied');
      await expectEach('revoked session: S3', () => s3Of(t, s1).send(new ListBucketsCommand({})), 'AccessDenied');
      // Sessions issued after the revocation time work (the token's issue time has whole seconds).
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'rev-role', PolicyDocument: trust }));
      await sleep(1100);
      const s2 = creds((await assume()).Credentials);
      await expectEach('a session issued after the revocation', () => iamOf(t, s2).send(new ListRolesCommand({})), 'ok');

      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'rev-role', PolicyName: 'AWSRevokeOlderSessions' }));
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'rev-role', PolicyName: 'inline' }));
      await iam.send(new DeleteRoleCommand({ RoleName: 'rev-role' }));
      await expectEach('session of the deleted role', () => s3Of(t, s2).send(new ListBucketsCommand({})), 'AccessDenied');
      await createRole();
      await expectEach('session of the old role, role recreated: IAM', () => iamOf(t, s2).send(new ListRolesCommand({})), 'AccessDenied');
      await expectEach('session of the old role, role recreated: S3', () => s3Of(t, s2).send(new ListBucketsCommand({})), 'AccessDenied');
      const s3new = creds((await assume()).Credentials);
      await expectEach('a session of the new role', () => iamOf(t, s3new).send(new ListRolesCommand({})), 'ok');
    });

    test('federation tokens and managed session policies follow the user\'s and the policies\' current state', async () => {
      const iam = iamOf(t);
      const u = await makeUser(t, 'fed-user', { p: allow(['sts:GetFederationToken', 's3:ListAllMyBuckets']) });
      const sessionPolicy = await managedPolicy(t, 'fed-session', allow('s3:ListAllMyBuckets'));
      const inline = creds((await stsOf(t, u).send(new GetFederationTokenCommand({ Name: 'fed-inline', Policy: JSON.stringify(allow('*')) }))).Credentials);
      const byArn = creds((await stsOf(t, u).send(new GetFederationTokenCommand({ Name: 'fed-arn', PolicyArns: [{ arn: sessionPolicy }] }))).Credentials);
      await expectEach('federated (inline session policy)', () => s3Of(t, inline).send(new ListBucketsCommand({})), 'ok');
      await expectEach('federated (managed session policy)', () => s3Of(t, byArn).send(new ListBucketsCommand({})), 'ok');
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: sessionPolicy, PolicyDocument: JSON.stringify(allow('sqs:ListQueues')), SetAsDefault: true }));
      await expectEach('managed session policy narrowed', () => s3Of(t, byArn).send(new ListBucketsCommand({})), 'AccessDenied');
      await expectEach('…the other session unaffected', () => s3Of(t, inline).send(new ListBucketsCommand({})), 'ok');
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'fed-user', PolicyName: 'p' }));
      await expectEach('the user\'s policy removed: its federated users lose it at once', () => s3Of(t, inline).send(new ListBucketsCommand({})), 'AccessDenied');
    });

    test('DeactivateMFADevice: a session made with MFA keeps aws:MultiFactorAuthPresent; a new GetSessionToken needs a valid code', async () => {
      const iam = iamOf(t);
      const mfaOnly = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
      const u = await makeUser(t, 'mfa-user', { p: allow(['iam:GetUser', 's3:ListAllMyBuckets'], '*', { Condition: mfaOnly }) });
      const device = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-user-phone' }))).VirtualMFADevice!;
      const seed = new TextDecoder().decode(device.Base32StringSeed!);
      const now = timeStepAt(new Date());
      await iam.send(new EnableMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: device.SerialNumber!, AuthenticationCode1: codeAt(seed, now - 2), AuthenticationCode2: codeAt(seed, now - 1) }));
      const session = creds((await stsOf(t, u).send(new GetSessionTokenCommand({ SerialNumber: device.SerialNumber!, TokenCode: codeAt(seed, now) }))).Credentials);
      await expectEach('MFA session', () => iamOf(t, session).send(new GetUserCommand({ UserName: 'mfa-user' })), 'ok');
      await iam.send(new DeactivateMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: device.SerialNumber! }));
      await expectEach('MFA session after DeactivateMFADevice (AWS: kept)', () => s3Of(t, session).send(new ListBucketsCommand({})), 'ok');
      const again = await outcome(stsOf(t, u).send(new GetSessionTokenCommand({ SerialNumber: device.SerialNumber!, TokenCode: codeAt(seed, timeStepAt(new Date()) + 1) })));
      assert.equal(again, 'AccessDenied', 'a code of the deactivated device');
      await expectEach('the long-term key without MFA', () => iamOf(t, u).send(new GetUserCommand({})), 'AccessDenied');
    });

    test('Organizations: a Deny SCP attached to a member account, and the account moved into a restricted OU, refuse its next request (IAM and gateway)', async () => {
      const org = orgOf(t);
      await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
      const member = (await org.send(new CreateAccountCommand({ Email: 'member@example.com', AccountName: 'Member' }))).CreateAccountStatus!.AccountId!;
      const ops = await makeUser(t, 'org-ops', { p: allow('sts:AssumeRole') });
      const admin = creds((await stsOf(t, ops).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'ops' }))).Credentials);
      const memberIam = iamOf(t, admin);
      await memberIam.send(new CreateUserCommand({ UserName: 'm-user' }));
      await memberIam.send(new PutUserPolicyCommand({ UserName: 'm-user', PolicyName: 'all', PolicyDocument: JSON.stringify(allow('*')) }));
      const m = creds((await memberIam.send(new CreateAccessKeyCommand({ UserName: 'm-user' }))).AccessKey);
      await expectEach('member user: IAM', () => iamOf(t, m).send(new ListUsersCommand({})), 'ok');
      await expectEach('member user: S3', () => s3Of(t, m).send(new ListBucketsCommand({})), 'ok');
      const scp = (await org.send(new CreateScpCommand({ Type: 'SERVICE_CONTROL_POLICY', Name: 'deny-some', Description: 'd', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['iam:ListUsers', 's3:ListAllMyBuckets'], Resource: '*' }] }) }))).Policy!.PolicySummary!.Id!;
      await org.send(new AttachPolicyCommand({ PolicyId: scp, TargetId: member }));
      await expectEach('SCP on the account: IAM', () => iamOf(t, m).send(new ListUsersCommand({})), DENIED);
      await expectEach('SCP on the account: S3', () => s3Of(t, m).send(new ListBucketsCommand({})), 'AccessDenied');
      await expectEach('SCP on the account: a role session of the member', () => iamOf(t, admin).send(new ListUsersCommand({})), DENIED);
      await org.send(new DetachPolicyCommand({ PolicyId: scp, TargetId: member }));
      await expectEach('SCP detached', () => iamOf(t, m).send(new ListUsersCommand({})), 'ok');
      const ou = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'restricted' }))).OrganizationalUnit!.Id!;
      await org.send(new AttachPolicyCommand({ PolicyId: scp, TargetId: ou }));
      await expectEach('still in the root', () => s3Of(t, m).send(new ListBucketsCommand({})), 'ok');
      await org.send(new MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: ou }));
      await expectEach('moved into the restricted OU: IAM', () => iamOf(t, m).send(new ListUsersCommand({})), DENIED);
      await expectEach('moved into the restricted OU: S3', () => s3Of(t, m).send(new ListBucketsCommand({})), 'AccessDenied');
    });

    test('gateway: a bucket policy Deny written through Tessera refuses the next request (Tessera\'s refusal, not moto\'s)', async () => {
      const bucket = `${t.prefix}-deny-bucket`;
      const admin = s3Of(t);
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret/b.txt', Body: 'b' }));
      const u = await makeUser(t, 'gw-reader', { p: allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`) });
      const read = () => s3Of(t, u).send(new GetObjectCommand({ Bucket: bucket, Key: 'secret/b.txt' }));
      await expectEach('granted by the identity policy', read, 'ok');
      await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: u.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/secret/*` }] }) }));
      await expectEach('bucket policy Deny', read, /^AccessDenied\|.*with an explicit deny in a resource-based policy$/);
      await admin.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      await expectEach('Deny removed', read, 'ok');
    });

    test('gateway: an SQS queue policy Deny set through Tessera refuses the next SendMessage; removed, it is allowed again', async () => {
      const sqs = sqsOf(t);
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${t.prefix}-revoked-queue` }))).QueueUrl!;
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
      const u = await makeUser(t, 'sqs-sender', { p: allow('sqs:SendMessage', queueArn) });
      const send = () => sqsOf(t, u).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'm' }));
      await expectEach('granted by the identity policy', send, 'ok');
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: u.arn }, Action: 'sqs:SendMessage', Resource: queueArn }] }) } }));
      await expectEach('queue policy Deny', send, /^AccessDenied.*\|.*explicit deny in a resource-based policy/);
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: '' } }));
      await expectEach('Deny removed', send, 'ok');
    });

    test('gateway: a bucket policy removed directly on moto stops deciding within --gateway-cache-ms (5 s, documented)', async () => {
      const bucket = `${t.prefix}-direct-bucket`;
      await s3Of(t).send(new CreateBucketCommand({ Bucket: bucket }));
      await s3Of(t).send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'a' }));
      const u = await makeUser(t, 'gw-direct', {});
      const direct = keep(new S3Client({ region: 'us-east-1', endpoint: t.moto.url, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
      direct.middlewareStack.add((next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = t.account;
        return next(args);
      }, { step: 'build' });
      const read = () => s3Of(t, u).send(new GetObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
      await direct.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: u.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }) }));
      // Read the grant before any entry is kept for the bucket, then on both workers.
      await expectEach('granted by a policy set on moto', read, 'ok');
      await direct.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      const removed = performance.now();
      let window = 0;
      for (;;) {
        if ((await outcome(read())) === 'AccessDenied') break;
        window = performance.now() - removed;
        assert.ok(window < 5000 + 1500, `still granted ${window.toFixed(0)} ms after the policy was removed on moto`);
        await sleep(100);
      }
      // Each worker kept its own entry, read before the removal: all have expired 5 s after it
      // (the first refusal may come from one worker while another's entry has moments left).
      await sleep(Math.max(0, 5000 + 300 - (performance.now() - removed)));
      await expectEach('then refused on every worker', read, 'AccessDenied');
    });

    test('races: revoking while 50 requests are in flight — nothing started after the revocation returned succeeds', async () => {
      const iam = iamOf(t);
      const u = await makeUser(t, 'race-user', { p: allow(['iam:GetUser', 's3:ListAllMyBuckets', 's3:GetObject']) });
      await race(() => iamOf(t, u).send(new GetUserCommand({})), () => iam.send(new DeleteUserPolicyCommand({ UserName: 'race-user', PolicyName: 'p' })));
      await iam.send(new PutUserPolicyCommand({ UserName: 'race-user', PolicyName: 'p', PolicyDocument: JSON.stringify(allow(['iam:GetUser', 's3:ListAllMyBuckets', 's3:GetObject'])) }));
      await race(() => s3Of(t, u).send(new ListBucketsCommand({})), () => iam.send(new DeleteUserPolicyCommand({ UserName: 'race-user', PolicyName: 'p' })));
      await iam.send(new PutUserPolicyCommand({ UserName: 'race-user', PolicyName: 'p', PolicyDocument: JSON.stringify(allow(['iam:GetUser', 's3:ListAllMyBuckets', 's3:GetObject'])) }));
      await race(() => iamOf(t, u).send(new GetUserCommand({})), () => iam.send(new UpdateAccessKeyCommand({ UserName: 'race-user', AccessKeyId: u.accessKeyId, Status: 'Inactive' })));
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'race-user', AccessKeyId: u.accessKeyId, Status: 'Active' }));
      // A bucket policy Deny through the gateway while reads of the bucket are in flight.
      const bucket = `${t.prefix}-race-bucket`;
      await s3Of(t).send(new CreateBucketCommand({ Bucket: bucket }));
      await s3Of(t).send(new PutObjectCommand({ Bucket: bucket, Key: 'secret/x', Body: 'x' }));
      await race(
        () => s3Of(t, u).send(new GetObjectCommand({ Bucket: bucket, Key: 'secret/x' })),
        () => s3Of(t).send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: u.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/secret/*` }] }) })),
      );
    });
  });
}

let moto: MotoServer | undefined;
const sharedMoto = async () => (moto ??= await startMoto());
after(async () => {
  await moto?.stop();
});

scenarios('tessera serve --workers 2 (SQLite)', async () => {
  const upstream = await sharedMoto();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-revocation-'));
  const server: ServeProcess = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '2', '--upstream', upstream.url, '--log-level', 'warn']);
  const file = await readFile(join(dir, 'root-credentials'), 'utf8');
  const root = { accessKeyId: /aws_access_key_id = (\S+)/.exec(file)![1]!, secretAccessKey: /aws_secret_access_key = (\S+)/.exec(file)![1]! };
  const account = /(\d{12})/.exec((await stsOf({ url: server.url, root } as Target).send(new (await import('@aws-sdk/client-sts')).GetCallerIdentityCommand({}))).Arn!)![1]!;
  return {
    target: { url: server.url, root, account, moto: upstream, prefix: 'w', workers: true },
    async stop() {
      const code = await server.stop();
      await rm(dir, { recursive: true, force: true });
      assert.equal(code, 0, server.output().slice(-2000));
    },
  };
});

scenarios('one process (startTestServer)', async () => {
  const upstream = await sharedMoto();
  const server: TestServer = await startTestServer({
    gateway: { ...parseUpstreams([upstream.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' },
  });
  return {
    target: { url: server.url, root: server.root, account: server.accountId, moto: upstream, prefix: 'p', workers: false },
    stop: () => server.stop(),
  };
});
