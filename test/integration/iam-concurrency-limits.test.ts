import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddRoleToInstanceProfileCommand, AddUserToGroupCommand, AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand,
  CreateGroupCommand, CreateInstanceProfileCommand, CreateLoginProfileCommand, CreatePolicyCommand, CreatePolicyVersionCommand,
  CreateRoleCommand, CreateServiceSpecificCredentialCommand, DetachRolePolicyCommand, RemoveRoleFromInstanceProfileCommand, ListAttachedGroupPoliciesCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, DeletePolicyCommand,
  DeleteRoleCommand, DeleteUserCommand, EnableMFADeviceCommand, GetAccessKeyLastUsedCommand, GetAccountSummaryCommand, AttachGroupPolicyCommand, DeleteGroupCommand, GetGroupCommand, GetInstanceProfileCommand,
  GetLoginProfileCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetUserCommand, IAMClient, ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand, ListEntitiesForPolicyCommand, ListGroupsCommand, ListGroupsForUserCommand,
  ListInstanceProfilesCommand, ListInstanceProfilesForRoleCommand, ListMFADevicesCommand, ListPoliciesCommand, ListPolicyVersionsCommand,
  ListRolesCommand, ListRoleTagsCommand, ListServiceSpecificCredentialsCommand, ListSigningCertificatesCommand, ListSSHPublicKeysCommand,
  ListUserPoliciesCommand, ListUsersCommand, ListUserTagsCommand, ListVirtualMFADevicesCommand, PutUserPolicyCommand, GetUserPolicyCommand,
  TagRoleCommand, TagUserCommand, UploadSigningCertificateCommand, UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startServeProcess, type ServeProcess } from '../support/cli-process.ts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { issueCertificate } from '../support/certificates.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';

/**
 * A race-condition sweep of IAM's limits and invariants: requests fired together (20–50 at
 * once) against several processes sharing one store — `tessera serve --workers 2` on one
 * SQLite file, or (TESSERA_TEST_STORE=postgres, as `npm run test:postgres` runs this file) two
 * nodes on one PostgreSQL. AWS's quotas hold exactly, a same-name create has one winner and a
 * whole entity, and a delete racing a use leaves nothing dangling.
 */

const onPostgres = process.env['TESSERA_TEST_STORE'] === 'postgres';
const ACCOUNT = '135713571357';
const ROOT = { accessKeyId: 'AKIARACETESTROOT0001', secretAccessKey: 'race-test-secret-00000000000000000000000' };
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const policyDoc = (n: number | string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `S${String(n).replace(/[^0-9A-Za-z]/g, '')}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${n}/*` }] });

type Outcome<T> = { ok: true; value: T } | { ok: false; name: string; message: string };

/** Starts every call at once and waits for all of them. */
async function race<T>(calls: (() => Promise<T>)[]): Promise<Outcome<T>[]> {
  const settled = await Promise.allSettled(calls.map((call) => call()));
  return settled.map((s) => (s.status === 'fulfilled' ? { ok: true, value: s.value } : { ok: false, name: (s.reason as Error).name, message: (s.reason as Error).message }));
}

function tally<T>(outcomes: Outcome<T>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? 'ok' : o.name;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Exactly `wins` succeeded; every other call failed with `error` (and `message`, when given). */
function assertExactly<T>(outcomes: Outcome<T>[], wins: number, error: string, message?: string | RegExp, what = ''): void {
  assert.equal(outcomes.filter((o) => o.ok).length, wins, `${what}: ${JSON.stringify(tally(outcomes))}`);
  for (const o of outcomes) {
    if (o.ok) continue;
    assert.equal(o.name, error, `${what}: ${o.name}: ${o.message}`);
    if (typeof message === 'string') assert.equal(o.message, message, what);
    else if (message) assert.match(o.message, message, what);
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * How long the uses of round `round` wait before they start, so that across rounds the delete
 * both loses and wins: at once (even rounds put the deletes first, odd rounds let `headStart`
 * uses go before them), then 5 ms and 25 ms behind the deletes.
 */
function lagged<T>(round: number, index: number, headStart: number, fn: () => Promise<T>): () => Promise<T> {
  const ms = index < headStart && round % 2 === 1 ? 0 : [0, 0, 5, 5, 25, 25][round % 6]!;
  return ms === 0 ? fn : () => new Promise<void>((resolve) => setTimeout(resolve, ms)).then(fn);
}

describe(`IAM limits and invariants under concurrent requests (${onPostgres ? 'two nodes on one PostgreSQL' : 'SQLite, two worker processes'})`, {
  skip: onPostgres && findPostgresBinDir() === undefined && 'PostgreSQL binaries (initdb, pg_ctl) not installed',
}, () => {
  let dir: string;
  let serve: ServeProcess | undefined;
  let cluster: PostgresCluster | undefined;
  let nodes: TestServer[] = [];
  let urls: string[] = [];
  const clients: { destroy(): void }[] = [];

  before(async () => {
    if (onPostgres) {
      cluster = await startPostgresCluster();
      nodes = await Promise.all([0, 1].map(() => startTestServer({
        store: cluster!.url, masterKey: MASTER_KEY, accountId: ACCOUNT, rootAccessKeyId: ROOT.accessKeyId, rootSecretAccessKey: ROOT.secretAccessKey,
      })));
      urls = nodes.map((n) => n.url);
    } else {
      dir = await mkdtemp(join(tmpdir(), 'tessera-race-'));
      serve = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '2', '--log-level', 'error', '--account-id', ACCOUNT,
        '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey]);
      // One URL; a new connection per request, so the primary's round robin spreads them over both workers.
      urls = [serve.url, serve.url];
    }
  });
  after(async () => {
    for (const c of clients) c.destroy();
    for (const n of nodes) await n.stop();
    await cluster?.stop();
    if (serve) assert.equal(await serve.stop(), 0, serve.output());
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const agent = () => new Agent({ keepAlive: false, maxSockets: 64 });
  const clientsFor = new Map<string, IAMClient[]>();
  /** The IAM client of node `i % 2`: consecutive calls alternate between the nodes. */
  function iam(i = 0, credentials = ROOT): IAMClient {
    const key = credentials.accessKeyId;
    let pair = clientsFor.get(key);
    if (!pair) {
      pair = urls.map((url) => new IAMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: { httpAgent: agent() } }));
      clients.push(...pair);
      clientsFor.set(key, pair);
    }
    return pair[i % pair.length]!;
  }
  function sts(i: number, credentials: { accessKeyId: string; secretAccessKey: string }): STSClient {
    const client = new STSClient({ endpoint: urls[i % urls.length], region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: { httpAgent: agent() } });
    clients.push(client);
    return client;
  }

  test('same-name creates: exactly one wins, the rest EntityAlreadyExists, the winner is whole', async () => {
    const spell = (name: string, i: number) => (i % 3 === 0 ? name.toUpperCase() : name);
    const tags = [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }];
    const [users, roles, policies, groups, profiles] = await Promise.all([
      race(range(30).map((i) => () => iam(i).send(new CreateUserCommand({ UserName: spell('race-user', i), Path: '/race/', Tags: tags })))),
      race(range(30).map((i) => () => iam(i).send(new CreateRoleCommand({ RoleName: spell('race-role', i), AssumeRolePolicyDocument: trust, Tags: tags, Description: `d${i}` })))),
      race(range(30).map((i) => () => iam(i).send(new CreatePolicyCommand({ PolicyName: spell('race-policy', i), PolicyDocument: policyDoc(i), Tags: tags })))),
      race(range(30).map((i) => () => iam(i).send(new CreateGroupCommand({ GroupName: spell('race-group', i), Path: '/race/' })))),
      race(range(30).map((i) => () => iam(i).send(new CreateInstanceProfileCommand({ InstanceProfileName: spell('race-profile', i), Tags: tags })))),
    ]);
    assertExactly(users, 1, 'EntityAlreadyExistsException', /^User with name race-user already exists\.$/i, 'CreateUser');
    assertExactly(roles, 1, 'EntityAlreadyExistsException', /^Role with name race-role already exists\.$/i, 'CreateRole');
    assertExactly(policies, 1, 'EntityAlreadyExistsException', /race-policy already exists/i, 'CreatePolicy');
    assertExactly(groups, 1, 'EntityAlreadyExistsException', /^Group with name race-group already exists\.$/i, 'CreateGroup');
    assertExactly(profiles, 1, 'EntityAlreadyExistsException', /race-profile already exists/i, 'CreateInstanceProfile');

    const user = (await iam(1).send(new GetUserCommand({ UserName: 'race-user' }))).User!;
    assert.equal(user.Path, '/race/');
    assert.deepEqual(user.Tags, tags);
    const role = (await iam(0).send(new GetRoleCommand({ RoleName: 'race-role' }))).Role!;
    assert.deepEqual(role.Tags, tags);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), trust);
    const winner = policies.find((o) => o.ok)!;
    const arn = (winner as { value: { Policy?: { Arn?: string } } }).value.Policy!.Arn!;
    const policy = (await iam(1).send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
    assert.equal(policy.DefaultVersionId, 'v1');
    assert.deepEqual(policy.Tags, tags);
    assert.equal((await iam(0).send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.length, 1);
    const v1 = await iam(1).send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    assert.ok(v1.PolicyVersion?.Document, 'the first version has its document');
    const profile = (await iam(0).send(new GetInstanceProfileCommand({ InstanceProfileName: 'race-profile' }))).InstanceProfile!;
    assert.deepEqual(profile.Tags, tags);

    const count = <T extends object>(items: T[] | undefined, field: keyof T, name: string) => items!.filter((x) => String(x[field]).toLowerCase() === name).length;
    assert.equal(count((await iam(0).send(new ListUsersCommand({ PathPrefix: '/race/' }))).Users, 'UserName', 'race-user'), 1);
    assert.equal(count((await iam(1).send(new ListRolesCommand({}))).Roles, 'RoleName', 'race-role'), 1);
    assert.equal(count((await iam(0).send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies, 'PolicyName', 'race-policy'), 1);
    assert.equal(count((await iam(1).send(new ListGroupsCommand({}))).Groups, 'GroupName', 'race-group'), 1);
    assert.equal(count((await iam(0).send(new ListInstanceProfilesCommand({}))).InstanceProfiles, 'InstanceProfileName', 'race-profile'), 1);
  });

  test('per-user credential quotas: access keys, signing certificates, SSH keys, service-specific credentials, MFA devices, login profile', async () => {
    await iam(0).send(new CreateUserCommand({ UserName: 'quota-user' }));
    const certificates = range(6).map((i) => issueCertificate({ keyType: 'ec', commonName: `race-${i}.test` }).certificatePem);
    const sshKeys = range(12).map(() => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const devices = await Promise.all(range(12).map(async (i) => (await iam(i).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `race-mfa-${i}` }))).VirtualMFADevice!));
    const seedOf = (d: (typeof devices)[number]) => Buffer.from(d.Base32StringSeed!).toString();
    const step = timeStepAt(new Date());

    const [keys, certs, ssh, codecommit, cassandra, mfa, login] = await Promise.all([
      race(range(30).map((i) => () => iam(i).send(new CreateAccessKeyCommand({ UserName: 'quota-user' })))),
      race(certificates.map((body, i) => () => iam(i).send(new UploadSigningCertificateCommand({ UserName: 'quota-user', CertificateBody: body })))),
      race(sshKeys.map((body, i) => () => iam(i).send(new UploadSSHPublicKeyCommand({ UserName: 'quota-user', SSHPublicKeyBody: body })))),
      race(range(10).map((i) => () => iam(i).send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota-user', ServiceName: 'codecommit.amazonaws.com' })))),
      race(range(10).map((i) => () => iam(i).send(new CreateServiceSpecificCredentialCommand({ UserName: 'quota-user', ServiceName: 'cassandra.amazonaws.com' })))),
      race(devices.map((d, i) => () => iam(i).send(new EnableMFADeviceCommand({
        UserName: 'quota-user', SerialNumber: d.SerialNumber, AuthenticationCode1: codeAt(seedOf(d), step - 1), AuthenticationCode2: codeAt(seedOf(d), step),
      })))),
      race(range(8).map((i) => () => iam(i).send(new CreateLoginProfileCommand({ UserName: 'quota-user', Password: `Race-password-${i}!` })))),
    ]);
    assertExactly(keys, 2, 'LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2', 'CreateAccessKey');
    assertExactly(certs, 2, 'LimitExceededException', 'Cannot exceed quota for CertificatesPerUser: 2', 'UploadSigningCertificate');
    assertExactly(ssh, 5, 'LimitExceededException', 'Cannot exceed quota for SSHPublicKeysPerUser: 5', 'UploadSSHPublicKey');
    assertExactly(codecommit, 2, 'LimitExceededException', 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2', 'CreateServiceSpecificCredential codecommit');
    assertExactly(cassandra, 2, 'LimitExceededException', 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2', 'CreateServiceSpecificCredential cassandra');
    assertExactly(mfa, 8, 'LimitExceededException', 'Cannot exceed quota for MFADevicesPerUser: 8', 'EnableMFADevice');
    assertExactly(login, 1, 'EntityAlreadyExistsException', /^Login Profile for user quota-user already exists\.$/, 'CreateLoginProfile');

    // What the lists show is exactly what the successes created.
    const ids = (outcomes: Outcome<any>[], pick: (v: any) => string) => outcomes.flatMap((o) => (o.ok ? [pick(o.value)] : [])).sort();
    const listedKeys = (await iam(1).send(new ListAccessKeysCommand({ UserName: 'quota-user' }))).AccessKeyMetadata!;
    assert.deepEqual(listedKeys.map((k) => k.AccessKeyId!).sort(), ids(keys, (v) => v.AccessKey.AccessKeyId));
    const listedCerts = (await iam(0).send(new ListSigningCertificatesCommand({ UserName: 'quota-user' }))).Certificates!;
    assert.deepEqual(listedCerts.map((c) => c.CertificateId!).sort(), ids(certs, (v) => v.Certificate.CertificateId));
    const listedSsh = (await iam(1).send(new ListSSHPublicKeysCommand({ UserName: 'quota-user' }))).SSHPublicKeys!;
    assert.deepEqual(listedSsh.map((k) => k.SSHPublicKeyId!).sort(), ids(ssh, (v) => v.SSHPublicKey.SSHPublicKeyId));
    const listedCreds = (await iam(0).send(new ListServiceSpecificCredentialsCommand({ UserName: 'quota-user' }))).ServiceSpecificCredentials!;
    assert.deepEqual(listedCreds.map((c) => c.ServiceSpecificCredentialId!).sort(), [...ids(codecommit, (v) => v.ServiceSpecificCredential.ServiceSpecificCredentialId), ...ids(cassandra, (v) => v.ServiceSpecificCredential.ServiceSpecificCredentialId)].sort());
    const listedMfa = (await iam(1).send(new ListMFADevicesCommand({ UserName: 'quota-user' }))).MFADevices!;
    assert.deepEqual(listedMfa.map((d) => d.SerialNumber!).sort(), devices.filter((_, i) => mfa[i]!.ok).map((d) => d.SerialNumber!).sort());
    const unassigned = (await iam(0).send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))).VirtualMFADevices!;
    assert.deepEqual(unassigned.map((d) => d.SerialNumber!).sort(), devices.filter((_, i) => !mfa[i]!.ok).map((d) => d.SerialNumber!).sort());
    assert.equal((await iam(1).send(new GetLoginProfileCommand({ UserName: 'quota-user' }))).LoginProfile?.UserName, 'quota-user');

    // Both access keys that were handed out work; no third one exists anywhere.
    for (const [i, o] of keys.entries()) {
      if (!o.ok) continue;
      const key = o.value.AccessKey!;
      const who = await sts(i, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:iam::${ACCOUNT}:user/quota-user`);
    }
  });

  test('tags: concurrent TagUser/TagRole adding distinct keys never leave more than 50', async () => {
    await Promise.all([iam(0).send(new CreateUserCommand({ UserName: 'tag-user' })), iam(1).send(new CreateRoleCommand({ RoleName: 'tag-role', AssumeRolePolicyDocument: trust }))]);
    // 20 requests of 10 distinct keys each: only 5 fit under 50.
    const batch = (i: number) => range(10).map((j) => ({ Key: `k-${i}-${j}`, Value: `${i}` }));
    const [users, roles] = await Promise.all([
      race(range(20).map((i) => () => iam(i).send(new TagUserCommand({ UserName: 'tag-user', Tags: batch(i) })))),
      race(range(20).map((i) => () => iam(i).send(new TagRoleCommand({ RoleName: 'tag-role', Tags: batch(i) })))),
    ]);
    assertExactly(users, 5, 'LimitExceededException', /Cannot exceed quota for TagsPerUser: 50/, 'TagUser');
    assertExactly(roles, 5, 'LimitExceededException', /Cannot exceed quota for TagsPerRole: 50/, 'TagRole');
    const userTags = (await iam(1).send(new ListUserTagsCommand({ UserName: 'tag-user', MaxItems: 1000 }))).Tags!;
    const roleTags = (await iam(0).send(new ListRoleTagsCommand({ RoleName: 'tag-role', MaxItems: 1000 }))).Tags!;
    assert.equal(userTags.length, 50);
    assert.equal(roleTags.length, 50);
    // Exactly the winners' tags: no request applied in part, none lost.
    const won = (outcomes: Outcome<unknown>[]) => outcomes.flatMap((o, i) => (o.ok ? batch(i) : [])).map((t) => t.Key).sort();
    assert.deepEqual(userTags.map((t) => t.Key!).sort(), won(users));
    assert.deepEqual(roleTags.map((t) => t.Key!).sort(), won(roles));
  });

  test('user inline policies: concurrent PutUserPolicy never exceeds the 2,048-character aggregate', async () => {
    await iam(0).send(new CreateUserCommand({ UserName: 'inline-user' }));
    // ~390 characters each without white space: five fit in 2,048, a sixth does not.
    const doc = (i: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `Inline${i}`, Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: range(5).map((j) => `arn:aws:s3:::bucket-number-${i}-${j}-padding-padding/*`) }] });
    const size = (text: string) => text.replace(/[ \t\r\n]/g, '').length;
    assert.ok(size(doc(10)) * 5 <= 2048 && size(doc(10)) * 6 > 2048, `document size ${size(doc(10))}`);
    const puts = await race(range(20).map((i) => () => iam(i).send(new PutUserPolicyCommand({ UserName: 'inline-user', PolicyName: `p${i}`, PolicyDocument: doc(10 + i) }))));
    assertExactly(puts, 5, 'LimitExceededException', 'Maximum policy size of 2048 bytes exceeded for user inline-user', 'PutUserPolicy');
    const names = (await iam(1).send(new ListUserPoliciesCommand({ UserName: 'inline-user' }))).PolicyNames!;
    assert.deepEqual([...names].sort(), puts.flatMap((o, i) => (o.ok ? [`p${i}`] : [])).sort());
    let total = 0;
    for (const name of names) total += size(decodeURIComponent((await iam(0).send(new GetUserPolicyCommand({ UserName: 'inline-user', PolicyName: name }))).PolicyDocument!));
    assert.ok(total <= 2048, `aggregate ${total}`);
  });

  test('policy versions (5), attached managed policies (10 per user and role), groups per user (10)', async () => {
    const arnOf = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    await Promise.all([
      iam(0).send(new CreatePolicyCommand({ PolicyName: 'versioned', PolicyDocument: policyDoc('v') })),
      iam(1).send(new CreateUserCommand({ UserName: 'attach-user' })),
      iam(0).send(new CreateRoleCommand({ RoleName: 'attach-role', AssumeRolePolicyDocument: trust })),
      ...range(15).map((i) => iam(i).send(new CreatePolicyCommand({ PolicyName: `attachable-${i}`, PolicyDocument: policyDoc(i) }))),
      ...range(15).map((i) => iam(i).send(new CreateGroupCommand({ GroupName: `member-${i}` }))),
    ]);
    const attachables = range(15).map((i) => arnOf(`attachable-${i}`));
    const twice = [...attachables, ...attachables];
    const [versions, userAttach, roleAttach, memberships] = await Promise.all([
      race(range(30).map((i) => () => iam(i).send(new CreatePolicyVersionCommand({ PolicyArn: arnOf('versioned'), PolicyDocument: policyDoc(`v${i}`), SetAsDefault: i % 2 === 0 })))),
      race(twice.map((arn, i) => () => iam(i).send(new AttachUserPolicyCommand({ UserName: 'attach-user', PolicyArn: arn })))),
      race(twice.map((arn, i) => () => iam(i).send(new AttachRolePolicyCommand({ RoleName: 'attach-role', PolicyArn: arn })))),
      race(range(30).map((i) => () => iam(i).send(new AddUserToGroupCommand({ UserName: 'attach-user', GroupName: `member-${i % 15}` })))),
    ]);
    assertExactly(versions, 4, 'LimitExceededException', /^A managed policy can have up to 5 versions\./, 'CreatePolicyVersion');
    const listedVersions = (await iam(1).send(new ListPolicyVersionsCommand({ PolicyArn: arnOf('versioned') }))).Versions!;
    assert.equal(listedVersions.length, 5);
    assert.deepEqual(listedVersions.map((v) => v.VersionId).sort(), ['v1', 'v2', 'v3', 'v4', 'v5']);
    assert.deepEqual(versions.flatMap((o) => (o.ok ? [o.value.PolicyVersion!.VersionId!] : [])).sort(), ['v2', 'v3', 'v4', 'v5']);
    assert.equal(listedVersions.filter((v) => v.IsDefaultVersion).length, 1);
    const policy = (await iam(0).send(new GetPolicyCommand({ PolicyArn: arnOf('versioned') }))).Policy!;
    assert.equal(policy.DefaultVersionId, listedVersions.find((v) => v.IsDefaultVersion)!.VersionId);

    const attachedTo = async (kind: 'user' | 'role') => (kind === 'user'
      ? (await iam(1).send(new ListAttachedUserPoliciesCommand({ UserName: 'attach-user', MaxItems: 1000 }))).AttachedPolicies!
      : (await iam(0).send(new ListAttachedRolePoliciesCommand({ RoleName: 'attach-role', MaxItems: 1000 }))).AttachedPolicies!).map((p) => p.PolicyArn!).sort();
    for (const [kind, outcomes, quota] of [['user', userAttach, 'PoliciesPerUser'], ['role', roleAttach, 'PoliciesPerRole']] as const) {
      const attached = await attachedTo(kind);
      assert.equal(attached.length, 10, `${kind}: ${JSON.stringify(tally(outcomes))}`);
      // A policy reported attached is attached; a refused one is not (a repeat of an attached one succeeds).
      const succeeded = [...new Set(twice.filter((_, i) => outcomes[i]!.ok))].sort();
      assert.deepEqual(succeeded, attached, kind);
      for (const o of outcomes) if (!o.ok) assert.equal(o.message, `Cannot exceed quota for ${quota}: 10`, kind);
    }
    const groups = (await iam(1).send(new ListGroupsForUserCommand({ UserName: 'attach-user' }))).Groups!.map((g) => g.GroupName!).sort();
    assert.equal(groups.length, 10, JSON.stringify(tally(memberships)));
    assert.deepEqual([...new Set(range(30).filter((i) => memberships[i]!.ok).map((i) => `member-${i % 15}`))].sort(), groups);
    for (const o of memberships) if (!o.ok) assert.equal(o.message, 'Cannot exceed quota for GroupsPerUser: 10');

    // Counts agree with the lists.
    for (const arn of attachables) {
      const count = (await iam(0).send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount;
      const entities = await iam(1).send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
      assert.equal(count, entities.PolicyUsers!.length + entities.PolicyRoles!.length + entities.PolicyGroups!.length, arn);
    }
  });

  test('DeleteUser racing AddUserToGroup, AttachUserPolicy and CreateAccessKey leaves nothing of the deleted user', async (t) => {
    await Promise.all([
      iam(0).send(new CreateGroupCommand({ GroupName: 'victims' })),
      iam(1).send(new CreatePolicyCommand({ PolicyName: 'victim-policy', PolicyDocument: policyDoc('victim') })),
    ]);
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/victim-policy`;
    let deletedRounds = 0;
    for (let round = 0; round < 6; round++) {
      const name = `victim-${round}`;
      await iam(round).send(new CreateUserCommand({ UserName: name }));
      // Some rounds give each use a head start, some give the deletes one.
      const uses = range(18).map((i) => lagged(round, i, 3, () => {
        const client = iam(i);
        if (i % 3 === 0) return client.send(new AddUserToGroupCommand({ GroupName: 'victims', UserName: name }));
        if (i % 3 === 1) return client.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policyArn }));
        return client.send(new CreateAccessKeyCommand({ UserName: name }));
      }));
      const deletes = range(4).map((i) => () => iam(i + round).send(new DeleteUserCommand({ UserName: name })));
      const calls: (() => Promise<unknown>)[] = round % 2 === 0 ? [...deletes, ...uses] : [...uses.slice(0, 3), ...deletes, ...uses.slice(3)];
      const outcomes = await race(calls);
      const deleteOutcomes = calls.flatMap((c, i) => (deletes.includes(c as never) ? [outcomes[i]!] : []));
      const deleted = deleteOutcomes.filter((o) => o.ok).length;
      assert.ok(deleted <= 1, `one DeleteUser at most: ${JSON.stringify(tally(deleteOutcomes))}`);
      for (const o of deleteOutcomes) if (!o.ok) assert.ok(['DeleteConflictException', 'NoSuchEntityException'].includes(o.name), `${o.name}: ${o.message}`);
      const keys = outcomes.flatMap((o) => (o.ok && (o.value as { AccessKey?: { AccessKeyId?: string; SecretAccessKey?: string } }).AccessKey ? [(o.value as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey] : []));

      const members = (await iam(round).send(new GetGroupCommand({ GroupName: 'victims', MaxItems: 1000 }))).Users!.map((u) => u.UserName);
      const entities = await iam(round + 1).send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn }));
      const attachedUsers = entities.PolicyUsers!.map((u) => u.UserName);
      const exists = await iam(round).send(new GetUserCommand({ UserName: name })).then(() => true, () => false);
      assert.equal(exists, deleted === 0, `the user exists unless a DeleteUser succeeded: ${JSON.stringify(tally(outcomes))}`);
      if (deleted) {
        deletedRounds++;
        assert.ok(!members.includes(name), `GetGroup lists no ghost: ${members}`);
        assert.ok(!attachedUsers.includes(name), `ListEntitiesForPolicy lists no ghost: ${attachedUsers}`);
        for (const key of keys) {
          const err = await sts(round, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }).send(new GetCallerIdentityCommand({})).then(() => undefined, (e: Error) => e.name);
          assert.equal(err, 'InvalidClientTokenId', `a key of the deleted user ${name} authenticates`);
          // Not kept either, owner-less: the account has no such key.
          const kept = await iam(round).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })).then(() => 'kept', (e: Error) => e.name);
          assert.equal(kept, 'AccessDenied', `the key ${key.AccessKeyId} of the deleted user ${name} outlives it`);
        }
        // A new user of the same name starts with nothing.
        await iam(round + 1).send(new CreateUserCommand({ UserName: name }));
        assert.deepEqual((await iam(round).send(new ListGroupsForUserCommand({ UserName: name }))).Groups, []);
        assert.deepEqual((await iam(round + 1).send(new ListAttachedUserPoliciesCommand({ UserName: name }))).AttachedPolicies, []);
        assert.deepEqual((await iam(round).send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata, []);
      } else {
        // Everything that succeeded is there.
        const useOutcomes = calls.map((c, i) => (deletes.includes(c as never) ? undefined : { i: uses.indexOf(c as never), o: outcomes[i]! })).filter((x) => x !== undefined);
        const joined = useOutcomes.some(({ i, o }) => i % 3 === 0 && o.ok);
        const attached = useOutcomes.some(({ i, o }) => i % 3 === 1 && o.ok);
        assert.equal(members.includes(name), joined, `membership of ${name}`);
        assert.equal(attachedUsers.includes(name), attached, `attachment of ${name}`);
        const listed = (await iam(round).send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata!.map((k) => k.AccessKeyId).sort();
        assert.deepEqual(listed, keys.map((k) => k.AccessKeyId).sort());
      }
    }
    // Not an assertion on timing: a note of how often the delete won, in case every round went one way.
    t.diagnostic(`DeleteUser won ${deletedRounds} of 6 rounds`);
  });

  test('DeletePolicy racing AttachRolePolicy never leaves an attachment to a deleted policy', async (t) => {
    let deletedRounds = 0;
    const roles = range(10).map((i) => `pol-holder-${i}`);
    await Promise.all(roles.map((r, i) => iam(i).send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: trust }))));
    for (let round = 0; round < 6; round++) {
      const name = `doomed-${round}`;
      const arn = (await iam(round).send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: policyDoc(name) }))).Policy!.Arn!;
      const attaches = roles.map((r, i) => lagged(round, i, 2, () => iam(i).send(new AttachRolePolicyCommand({ RoleName: r, PolicyArn: arn }))));
      const deletes = range(4).map((i) => () => iam(i + round).send(new DeletePolicyCommand({ PolicyArn: arn })));
      const calls = round % 2 === 0 ? [...deletes, ...attaches] : [...attaches.slice(0, 2), ...deletes, ...attaches.slice(2)];
      const outcomes = await race<unknown>(calls);
      const deleteOutcomes = calls.flatMap((c, i) => (deletes.includes(c as never) ? [outcomes[i]!] : []));
      const deleted = deleteOutcomes.filter((o) => o.ok).length;
      assert.ok(deleted <= 1, JSON.stringify(tally(deleteOutcomes)));
      for (const o of deleteOutcomes) if (!o.ok) assert.ok(['DeleteConflictException', 'NoSuchEntityException'].includes(o.name), `${o.name}: ${o.message}`);
      const attachedTo = new Set<string>();
      for (const [i, r] of roles.entries()) {
        const listed = (await iam(i).send(new ListAttachedRolePoliciesCommand({ RoleName: r }))).AttachedPolicies!;
        if (listed.some((p) => p.PolicyArn === arn)) attachedTo.add(r);
      }
      const exists = await iam(round).send(new GetPolicyCommand({ PolicyArn: arn })).then((r) => r.Policy, () => undefined);
      assert.equal(exists === undefined, deleted === 1);
      if (deleted) {
        deletedRounds++;
        assert.deepEqual([...attachedTo], [], `roles still list the deleted policy ${arn}`);
        const again = (await iam(round + 1).send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: policyDoc(name) }))).Policy!;
        assert.equal(again.AttachmentCount, 0, 'a new policy of the same name is attached to nothing');
      } else {
        const succeeded = roles.filter((_, i) => outcomes[calls.indexOf(attaches[i]!)]!.ok);
        assert.deepEqual([...attachedTo].sort(), succeeded.sort());
        assert.equal(exists!.AttachmentCount, attachedTo.size);
      }
      // Leave the roles clean for the next round.
      for (const r of attachedTo) await iam(0).send(new DetachRolePolicyCommand({ RoleName: r, PolicyArn: arn }));
    }
    t.diagnostic(`DeletePolicy won ${deletedRounds} of 6 rounds`);
  });

  test('DeleteRole racing AddRoleToInstanceProfile never leaves a deleted role in a profile', async (t) => {
    let deletedRounds = 0;
    const profiles = range(10).map((i) => `ip-${i}`);
    await Promise.all(profiles.map((p, i) => iam(i).send(new CreateInstanceProfileCommand({ InstanceProfileName: p }))));
    for (let round = 0; round < 6; round++) {
      const name = `ip-role-${round}`;
      await iam(round).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
      const adds = profiles.map((p, i) => lagged(round, i, 2, () => iam(i).send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: p, RoleName: name }))));
      const deletes = range(4).map((i) => () => iam(i + round).send(new DeleteRoleCommand({ RoleName: name })));
      const calls = round % 2 === 0 ? [...deletes, ...adds] : [...adds.slice(0, 2), ...deletes, ...adds.slice(2)];
      const outcomes = await race<unknown>(calls);
      const deleteOutcomes = calls.flatMap((c, i) => (deletes.includes(c as never) ? [outcomes[i]!] : []));
      const deleted = deleteOutcomes.filter((o) => o.ok).length;
      assert.ok(deleted <= 1, JSON.stringify(tally(deleteOutcomes)));
      for (const o of deleteOutcomes) if (!o.ok) assert.ok(['DeleteConflictException', 'NoSuchEntityException'].includes(o.name), `${o.name}: ${o.message}`);
      const holding: string[] = [];
      for (const [i, p] of profiles.entries()) {
        const roles = (await iam(i).send(new GetInstanceProfileCommand({ InstanceProfileName: p }))).InstanceProfile!.Roles!;
        if (roles.some((r) => r.RoleName === name)) holding.push(p);
      }
      if (deleted) {
        deletedRounds++;
        assert.deepEqual(holding, [], `profiles still hold the deleted role ${name}`);
        await iam(round + 1).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
        assert.deepEqual((await iam(round).send(new ListInstanceProfilesForRoleCommand({ RoleName: name }))).InstanceProfiles, []);
      } else {
        const succeeded = profiles.filter((_, i) => outcomes[calls.indexOf(adds[i]!)]!.ok);
        assert.deepEqual(holding.sort(), succeeded.sort());
        const listed = (await iam(round).send(new ListInstanceProfilesForRoleCommand({ RoleName: name }))).InstanceProfiles!.map((p) => p.InstanceProfileName!).sort();
        assert.deepEqual(listed, holding.sort());
      }
      // Free the profiles for the next round (one role per profile).
      for (const p of holding) await iam(0).send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: p, RoleName: name }));
    }
    t.diagnostic(`DeleteRole won ${deletedRounds} of 6 rounds`);
  });

  test('one virtual MFA device enabled for many users at once: one holder', async () => {
    const names = range(10).map((i) => `mfa-claimant-${i}`);
    await Promise.all(names.map((n, i) => iam(i).send(new CreateUserCommand({ UserName: n }))));
    const device = (await iam(0).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'contested' }))).VirtualMFADevice!;
    const seed = Buffer.from(device.Base32StringSeed!).toString();
    const step = timeStepAt(new Date());
    const outcomes = await race(names.map((n, i) => () => iam(i).send(new EnableMFADeviceCommand({
      UserName: n, SerialNumber: device.SerialNumber, AuthenticationCode1: codeAt(seed, step - 1), AuthenticationCode2: codeAt(seed, step),
    }))));
    assert.equal(outcomes.filter((o) => o.ok).length, 1, JSON.stringify(tally(outcomes)));
    // The losers: the device is taken, or its codes were just used (AWS answers either way).
    for (const o of outcomes) if (!o.ok) assert.ok(['EntityAlreadyExistsException', 'InvalidAuthenticationCodeException'].includes(o.name), `${o.name}: ${o.message}`);
    const holders: string[] = [];
    for (const [i, n] of names.entries()) {
      if ((await iam(i).send(new ListMFADevicesCommand({ UserName: n }))).MFADevices!.length) holders.push(n);
    }
    assert.deepEqual(holders, [names[outcomes.findIndex((o) => o.ok)]]);
  });

  test('DeleteGroup racing AddUserToGroup and AttachGroupPolicy leaves no ghost membership or attachment', async (t) => {
    const members = range(8).map((i) => `joiner-${i}`);
    await Promise.all([
      ...members.map((m, i) => iam(i).send(new CreateUserCommand({ UserName: m }))),
      iam(1).send(new CreatePolicyCommand({ PolicyName: 'group-policy', PolicyDocument: policyDoc('group') })),
    ]);
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/group-policy`;
    let deletedRounds = 0;
    for (let round = 0; round < 6; round++) {
      const name = `doomed-group-${round}`;
      await iam(round).send(new CreateGroupCommand({ GroupName: name }));
      const uses = [
        ...members.map((m, i) => lagged(round, i, 2, () => iam(i).send(new AddUserToGroupCommand({ GroupName: name, UserName: m })))),
        lagged(round, 9, 2, () => iam(round).send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: policyArn }))),
      ];
      const deletes = range(4).map((i) => () => iam(i + round).send(new DeleteGroupCommand({ GroupName: name })));
      const calls = round % 2 === 0 ? [...deletes, ...uses] : [...uses.slice(0, 2), ...deletes, ...uses.slice(2)];
      const outcomes = await race<unknown>(calls);
      const deleteOutcomes = calls.flatMap((c, i) => (deletes.includes(c as never) ? [outcomes[i]!] : []));
      const deleted = deleteOutcomes.filter((o) => o.ok).length;
      assert.ok(deleted <= 1, JSON.stringify(tally(deleteOutcomes)));
      for (const o of deleteOutcomes) if (!o.ok) assert.ok(['DeleteConflictException', 'NoSuchEntityException'].includes(o.name), `${o.name}: ${o.message}`);
      const inGroup: string[] = [];
      for (const [i, m] of members.entries()) {
        const groups = (await iam(i).send(new ListGroupsForUserCommand({ UserName: m }))).Groups!;
        if (groups.some((g) => g.GroupName === name)) inGroup.push(m);
      }
      const attachedGroups = (await iam(round).send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn }))).PolicyGroups!.map((g) => g.GroupName);
      if (deleted) {
        deletedRounds++;
        assert.deepEqual(inGroup, [], `users still list the deleted group ${name}`);
        assert.ok(!attachedGroups.includes(name), `ListEntitiesForPolicy lists the deleted group ${name}`);
        await iam(round + 1).send(new CreateGroupCommand({ GroupName: name }));
        assert.deepEqual((await iam(round).send(new GetGroupCommand({ GroupName: name }))).Users, []);
        assert.deepEqual((await iam(round + 1).send(new ListAttachedGroupPoliciesCommand({ GroupName: name }))).AttachedPolicies, []);
      } else {
        const joined = members.filter((_, i) => outcomes[calls.indexOf(uses[i]!)]!.ok);
        assert.deepEqual(inGroup.sort(), joined.sort());
        assert.deepEqual((await iam(round).send(new GetGroupCommand({ GroupName: name }))).Users!.map((u) => u.UserName!).sort(), joined.sort());
        assert.equal(attachedGroups.includes(name), outcomes[calls.indexOf(uses[members.length]!)]!.ok);
      }
    }
    t.diagnostic(`DeleteGroup won ${deletedRounds} of 6 rounds`);
  });

  test('GetAccountSummary agrees with the lists afterwards', async () => {
    const summary = (await iam(0).send(new GetAccountSummaryCommand({}))).SummaryMap!;
    const users = (await iam(1).send(new ListUsersCommand({ MaxItems: 1000 }))).Users!;
    const roles = (await iam(0).send(new ListRolesCommand({ MaxItems: 1000 }))).Roles!;
    const groups = (await iam(1).send(new ListGroupsCommand({ MaxItems: 1000 }))).Groups!;
    const policies = (await iam(0).send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 1000 }))).Policies!;
    const profiles = (await iam(1).send(new ListInstanceProfilesCommand({ MaxItems: 1000 }))).InstanceProfiles!;
    assert.equal(summary['Users'], users.length);
    assert.equal(summary['Roles'], roles.length);
    assert.equal(summary['Groups'], groups.length);
    assert.equal(summary['Policies'], policies.length);
    assert.equal(summary['InstanceProfiles'], profiles.length);
    let attachments = 0;
    for (const u of users) attachments += (await iam(0).send(new ListAttachedUserPoliciesCommand({ UserName: u.UserName!, MaxItems: 1000 }))).AttachedPolicies!.length;
    for (const r of roles) attachments += (await iam(1).send(new ListAttachedRolePoliciesCommand({ RoleName: r.RoleName!, MaxItems: 1000 }))).AttachedPolicies!.length;
    for (const g of groups) attachments += (await iam(0).send(new ListAttachedGroupPoliciesCommand({ GroupName: g.GroupName!, MaxItems: 1000 }))).AttachedPolicies!.length;
    assert.equal(summary['PolicyVersionsInUse'], attachments);
    assert.equal(policies.reduce((n, p) => n + (p.AttachmentCount ?? 0), 0), attachments, 'AttachmentCount of the policies adds up to the attachments listed');
  });
});
