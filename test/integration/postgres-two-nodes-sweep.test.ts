import { AUDIT_ORDER_LOCK } from '../../src/store/postgres-store.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand as CreateOrgPolicyCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { runCli, startServeProcess, type ServeProcess } from '../support/cli-process.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { signedJson } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import type { AuditEvent } from '../../src/store/types.ts';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

/**
 * A sweep of two `tessera serve --workers 1` processes sharing one PostgreSQL (and a master
 * key, each node holding its own copy of the key file): read-your-writes across nodes, races
 * fired at both nodes at once, sessions and a master-key rotation while both serve, the event
 * history and trail delivery with both nodes writing, the gateway's cache bound, and a node
 * killed with SIGKILL mid-traffic.
 */

const ACCOUNT = '123412341234';
const ROOT: Credentials = { accessKeyId: 'AKIAROOTTWONODES0001', secretAccessKey: 'root-secret-two-nodes-00000000000000000000' };
const MASTER_KEY = Buffer.alloc(32, 11).toString('base64');
const GATEWAY_CACHE_MS = 1500;
const TRAIL_BUCKET = 'trail-bucket';
const REGION = 'us-east-1';
const CLOUDTRAIL = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource: string | string[] = '*') => ({ Effect: 'Allow', Action: action, Resource: resource });

interface Node {
  name: string;
  url: string;
  dataDir: string;
  proc: ServeProcess;
}

const skip = findPostgresBinDir() === undefined && 'PostgreSQL binaries (initdb, pg_ctl) not installed';

describe('two `tessera serve` processes on one PostgreSQL: a sweep', { skip, timeout: 240_000 }, () => {
  let cluster: PostgresCluster;
  let moto: MotoServer;
  let base: string;
  let trailDir: string;
  let a: Node;
  let b: Node;
  const clients: { destroy(): void }[] = [];

  const iam = (node: Node, credentials: Credentials = ROOT) => {
    const client = new IAMClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const sts = (node: Node, credentials: Credentials = ROOT) => {
    const client = new STSClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const orgs = (node: Node, credentials: Credentials = ROOT) => {
    const client = new OrganizationsClient({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const s3 = (node: Node, credentials: Credentials = ROOT) => {
    const client = new S3Client({ endpoint: node.url, region: REGION, credentials, maxAttempts: 1, forcePathStyle: true });
    clients.push(client);
    return client;
  };
  const cloudtrail = async (node: Node, operation: string, payload: object, credentials: Credentials = ROOT): Promise<any> => {
    const res = await signedJson(node.url, credentials, `${CLOUDTRAIL}.${operation}`, payload, { service: 'cloudtrail' });
    assert.equal(res.status, 200, `${operation} on ${node.name}: ${res.body}`);
    return res.body ? JSON.parse(res.body) : {};
  };
  /** The error name a call fails with, or 'ok'. */
  const outcome = async (call: Promise<unknown>): Promise<string> => {
    try {
      await call;
      return 'ok';
    } catch (err) {
      return (err as Error).name;
    }
  };
  const keyOf = (created: { AccessKey?: { AccessKeyId?: string; SecretAccessKey?: string } }): Credentials => ({
    accessKeyId: created.AccessKey!.AccessKeyId!,
    secretAccessKey: created.AccessKey!.SecretAccessKey!,
  });
  const other = (node: Node) => (node === a ? b : a);
  /** Every record of the log files delivered under `dir`. */
  const trailRecords = async (dir: string): Promise<any[]> => {
    const out: any[] = [];
    const walkDir = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walkDir(path);
        else if (entry.name.endsWith('.json.gz') && path.includes('/CloudTrail/')) out.push(...JSON.parse(gunzipSync(await readFile(path)).toString('utf8')).Records);
      }
    };
    await walkDir(dir);
    return out;
  };

  async function startNode(name: string, dataDir: string): Promise<Node> {
    const proc = await startServeProcess([
      '--port', '0', '--workers', '1', '--log-level', 'warn',
      '--store', cluster.url, '--data-dir', dataDir, '--account-id', ACCOUNT,
      '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey,
      '--trail-dir', trailDir, '--trail-delivery-interval', '1s',
      '--upstream', moto.url, '--gateway-cache-ms', String(GATEWAY_CACHE_MS),
    ]);
    return { name, url: proc.url, dataDir, proc };
  }

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'tessera-two-nodes-'));
    trailDir = join(base, 'trails');
    await mkdir(join(trailDir, TRAIL_BUCKET), { recursive: true });
    // Each node has its own data directory and its own copy of the key file, as two machines would.
    for (const dir of ['a', 'b']) {
      await mkdir(join(base, dir), { recursive: true });
      await writeFile(join(base, dir, 'master.key'), `${MASTER_KEY}\n`, { mode: 0o600 });
    }
    [cluster, moto] = await Promise.all([startPostgresCluster(), startMoto()]);
    // Both at once: bootstrapping one store twice must be idempotent.
    [a, b] = await Promise.all([startNode('A', join(base, 'a')), startNode('B', join(base, 'b'))]);
  });

  after(async () => {
    for (const client of clients) client.destroy();
    await a?.proc.stop();
    await b?.proc.stop();
    await moto?.stop();
    await cluster?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('read-your-writes: users, keys, inline policies written on one node decide the next request on the other', async () => {
    for (let round = 0; round < 6; round++) {
      const [w, r] = round % 2 ? [b, a] : [a, b];
      const name = `ryw-${round}`;
      await iam(w).send(new CreateUserCommand({ UserName: name }));
      assert.equal((await iam(r).send(new GetUserCommand({ UserName: name }))).User?.UserName, name);

      const key = keyOf(await iam(w).send(new CreateAccessKeyCommand({ UserName: name })));
      assert.equal((await sts(r, key).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${ACCOUNT}:user/${name}`);
      assert.equal(await outcome(iam(r, key).send(new ListUsersCommand({}))), 'AccessDenied');

      await iam(w).send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc(allow('iam:ListUsers')) }));
      assert.equal(await outcome(iam(r, key).send(new ListUsersCommand({}))), 'ok', `round ${round}: PutUserPolicy on ${w.name} not seen on ${r.name}`);
      await iam(w).send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: 'p' }));
      assert.equal(await outcome(iam(r, key).send(new ListUsersCommand({}))), 'AccessDenied', `round ${round}: DeleteUserPolicy on ${w.name} not seen on ${r.name}`);

      await iam(w).send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: key.accessKeyId, Status: 'Inactive' }));
      assert.equal(await outcome(sts(r, key).send(new GetCallerIdentityCommand({}))), 'InvalidClientTokenId', `round ${round}: Inactive key still works on ${r.name}`);
      await iam(w).send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: key.accessKeyId, Status: 'Active' }));
      assert.equal(await outcome(sts(r, key).send(new GetCallerIdentityCommand({}))), 'ok', `round ${round}: re-activated key refused on ${r.name}`);
      await iam(w).send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: key.accessKeyId }));
      assert.equal(await outcome(sts(r, key).send(new GetCallerIdentityCommand({}))), 'InvalidClientTokenId', `round ${round}: deleted key still works on ${r.name}`);
    }
  });

  test('sessions: AssumeRole on one node, used on the other; trust changes and revoked sessions decide at once', async () => {
    await iam(a).send(new CreateUserCommand({ UserName: 'assumer' }));
    await iam(a).send(new PutUserPolicyCommand({ UserName: 'assumer', PolicyName: 'p', PolicyDocument: doc(allow('sts:AssumeRole')) }));
    const assumer = keyOf(await iam(a).send(new CreateAccessKeyCommand({ UserName: 'assumer' })));
    const trust = (effect: string) => doc({ Effect: effect, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/assumer` }, Action: 'sts:AssumeRole' });
    await iam(b).send(new CreateRoleCommand({ RoleName: 'shared', AssumeRolePolicyDocument: trust('Allow') }));
    await iam(b).send(new PutRolePolicyCommand({ RoleName: 'shared', PolicyName: 'read', PolicyDocument: doc(allow('iam:ListUsers')) }));
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/shared`;

    const assume = async (node: Node) => {
      const c = (await sts(node, assumer).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `s-${node.name}` }))).Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    const fromA = await assume(a);
    const fromB = await assume(b);
    assert.equal(await outcome(iam(b, fromA).send(new ListUsersCommand({}))), 'ok', 'a session issued by A is refused by B');
    assert.equal(await outcome(iam(a, fromB).send(new ListUsersCommand({}))), 'ok', 'a session issued by B is refused by A');

    await iam(a).send(new UpdateAssumeRolePolicyCommand({ RoleName: 'shared', PolicyDocument: trust('Deny') }));
    assert.equal(await outcome(assume(b)), 'AccessDenied', 'trust changed on A, B still lets the user assume the role');
    await iam(b).send(new UpdateAssumeRolePolicyCommand({ RoleName: 'shared', PolicyDocument: trust('Allow') }));
    const fresh = await assume(a);

    // Revoke older sessions (the console's AWSRevokeOlderSessions) written on A: B refuses them.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const cutoff = new Date().toISOString();
    await iam(a).send(new PutRolePolicyCommand({
      RoleName: 'shared', PolicyName: 'AWSRevokeOlderSessions',
      PolicyDocument: doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }),
    }));
    assert.equal(await outcome(iam(b, fresh).send(new ListUsersCommand({}))), 'AccessDenied', 'revoked session still works on B');
    assert.equal(await outcome(iam(a, fromB).send(new ListUsersCommand({}))), 'AccessDenied', 'revoked session still works on A');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await assume(b);
    assert.equal(await outcome(iam(a, after).send(new ListUsersCommand({}))), 'ok', 'a session issued after the revocation is refused');
  });

  test('races: CreateUser of one name fired at both nodes, many rounds: exactly one succeeds', async () => {
    for (let round = 0; round < 15; round++) {
      const name = `race-user-${round}`;
      const results = await Promise.all([a, b, a, b].map((node) => outcome(iam(node).send(new CreateUserCommand({ UserName: name })))));
      assert.equal(results.filter((r) => r === 'ok').length, 1, `round ${round}: ${results}`);
      assert.ok(results.every((r) => r === 'ok' || r === 'EntityAlreadyExistsException'), `round ${round}: ${results}`);
    }
  });

  test('races: quotas hold across nodes (access keys 2, policy versions 5, groups per user 10, managed policies per user 10, tags 50)', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 8; round++) {
      const user = `quota-${round}`;
      await iam(a).send(new CreateUserCommand({ UserName: user }));
      // Access keys: 4 at once, two per node → at most 2.
      const keys = await Promise.all([a, b, a, b].map((n) => outcome(iam(n).send(new CreateAccessKeyCommand({ UserName: user })))));
      const listedKeys = (await iam(b).send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.length;
      if (listedKeys > 2 || keys.filter((k) => k === 'ok').length > 2) failures.push(`round ${round}: ${listedKeys} access keys (${keys})`);

      // Policy versions: a policy with 1 version, 6 CreatePolicyVersion at once → at most 5 versions.
      const policyArn = (await iam(a).send(new CreatePolicyCommand({ PolicyName: `versions-${round}`, PolicyDocument: doc(allow('iam:GetUser')) }))).Policy!.Arn!;
      const versions = await Promise.all([a, b, a, b, a, b].map((n) => outcome(iam(n).send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: doc(allow('iam:ListUsers')) })))));
      const listedVersions = (await iam(a).send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }))).Versions!.length;
      if (listedVersions > 5) failures.push(`round ${round}: ${listedVersions} policy versions (${versions})`);

      // Groups per user: 12 groups, the user added to all at once → at most 10.
      const groups = Array.from({ length: 12 }, (_, i) => `g-${round}-${i}`);
      await Promise.all(groups.map((g, i) => iam(i % 2 ? a : b).send(new CreateGroupCommand({ GroupName: g }))));
      await Promise.all(groups.map((g, i) => outcome(iam(i % 2 ? a : b).send(new AddUserToGroupCommand({ GroupName: g, UserName: user })))));
      const memberOf = (await iam(a).send(new ListGroupsForUserCommand({ UserName: user }))).Groups!.length;
      if (memberOf > 10) failures.push(`round ${round}: user in ${memberOf} groups`);

      // Managed policies per user: 12 attached at once → at most 10.
      const arns = await Promise.all(Array.from({ length: 12 }, (_, i) => iam(i % 2 ? a : b).send(new CreatePolicyCommand({ PolicyName: `att-${round}-${i}`, PolicyDocument: doc(allow('iam:GetUser')) })).then((r) => r.Policy!.Arn!)));
      await Promise.all(arns.map((arn, i) => outcome(iam(i % 2 ? a : b).send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: arn })))));
      const attached = (await iam(b).send(new ListAttachedUserPoliciesCommand({ UserName: user }))).AttachedPolicies!.length;
      if (attached > 10) failures.push(`round ${round}: ${attached} managed policies attached`);

      // Tags: 48 tags, then two different new pairs on each node at once → at most 50.
      await iam(a).send(new TagUserCommand({ UserName: user, Tags: Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
      const tags = await Promise.all([a, b].map((n) => outcome(iam(n).send(new TagUserCommand({ UserName: user, Tags: [{ Key: `${n.name}1`, Value: 'v' }, { Key: `${n.name}2`, Value: 'v' }] })))));
      const tagCount = (await iam(b).send(new ListUserTagsCommand({ UserName: user, MaxItems: 100 }))).Tags!.length;
      if (tagCount > 50) failures.push(`round ${round}: ${tagCount} tags (${tags})`);
    }
    assert.deepEqual(failures, []);
  });

  test('races: AddUserToGroup / RemoveUserFromGroup interleaved across nodes leave both views consistent', async () => {
    await iam(a).send(new CreateUserCommand({ UserName: 'flapper' }));
    const groups = ['flap-1', 'flap-2', 'flap-3'];
    for (const g of groups) await iam(b).send(new CreateGroupCommand({ GroupName: g }));
    for (let round = 0; round < 10; round++) {
      await Promise.all(groups.flatMap((g, i) => [
        outcome(iam(round % 2 ? a : b).send(new AddUserToGroupCommand({ GroupName: g, UserName: 'flapper' }))),
        outcome(iam(round % 2 ? b : a).send(new RemoveUserFromGroupCommand({ GroupName: g, UserName: 'flapper' }))),
        ...(i === round % 3 ? [outcome(iam(a).send(new AddUserToGroupCommand({ GroupName: g, UserName: 'flapper' })))] : []),
      ]));
      const byUser = new Set((await iam(a).send(new ListGroupsForUserCommand({ UserName: 'flapper' }))).Groups!.map((g) => g.GroupName));
      for (const g of groups) {
        const members = (await iam(b).send(new GetGroupCommand({ GroupName: g }))).Users!.map((u) => u.UserName);
        assert.equal(members.filter((m) => m === 'flapper').length <= 1, true, `round ${round}: duplicate membership in ${g}`);
        assert.equal(members.includes('flapper'), byUser.has(g), `round ${round}: ${g} membership disagrees between GetGroup and ListGroupsForUser`);
      }
    }
  });

  test('races: DeleteUser on one node while AttachUserPolicy on the other leaves no orphaned attachment', async () => {
    const policyArn = (await iam(a).send(new CreatePolicyCommand({ PolicyName: 'orphan-check', PolicyDocument: doc(allow('iam:GetUser')) }))).Policy!.Arn!;
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const user = `doomed-${round}`;
      await iam(b).send(new CreateUserCommand({ UserName: user }));
      const [deleter, attacher] = round % 2 ? [a, b] : [b, a];
      const [deleted, attached] = await Promise.all([
        outcome(iam(deleter).send(new DeleteUserCommand({ UserName: user }))),
        outcome(iam(attacher).send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: policyArn }))),
      ]);
      outcomes.push(`${deleted}/${attached}`);
      if (deleted === 'ok') {
        // The user is gone: nothing may still point at it.
        const entities = await iam(a).send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn }));
        assert.ok(!entities.PolicyUsers!.some((u) => u.UserName === user), `round ${round}: deleted ${user} still listed as attached (${deleted}/${attached})`);
      } else {
        assert.equal(deleted, 'DeleteConflictException', `round ${round}: DeleteUser ${deleted}`);
        assert.equal(attached, 'ok');
      }
    }
    const count = (await iam(b).send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy!.AttachmentCount!;
    const listed = (await iam(b).send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn }))).PolicyUsers!.length;
    assert.equal(count, listed, `AttachmentCount ${count} but ${listed} users listed (${outcomes})`);
    // A user recreated under a deleted name starts with nothing attached.
    for (let round = 0; round < 20; round++) {
      const user = `doomed-${round}`;
      const exists = await outcome(iam(a).send(new GetUserCommand({ UserName: user })));
      if (exists !== 'ok') {
        await iam(a).send(new CreateUserCommand({ UserName: user }));
        const attached = (await iam(b).send(new ListAttachedUserPoliciesCommand({ UserName: user }))).AttachedPolicies!;
        assert.deepEqual(attached, [], `recreated ${user} inherited an attachment`);
      }
    }
  });

  test('organizations: SCP attached on A is enforced by B at once; concurrent CreateAccount and MoveAccount stay consistent', async () => {
    await orgs(a).send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await orgs(b).send(new ListRootsCommand({}))).Roots![0]!.Id!;
    // CreateAccount fired at both nodes at once: every success a distinct account, all listed.
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => orgs(i % 2 ? a : b).send(new CreateAccountCommand({ Email: `m${i}@example.com`, AccountName: `M${i}` })).then((r) => r.CreateAccountStatus!.AccountId!)));
    assert.equal(new Set(created).size, 6);
    const listed = (await orgs(a).send(new ListAccountsCommand({}))).Accounts!.map((x) => x.Id);
    for (const id of created) assert.ok(listed.includes(id), `created account ${id} not listed`);
    assert.equal(new Set(listed).size, listed.length);

    await iam(a).send(new CreateUserCommand({ UserName: 'ops' }));
    await iam(a).send(new PutUserPolicyCommand({ UserName: 'ops', PolicyName: 'p', PolicyDocument: doc(allow('sts:AssumeRole')) }));
    const ops = keyOf(await iam(a).send(new CreateAccessKeyCommand({ UserName: 'ops' })));
    const member = created[0]!;
    const c = (await sts(b, ops).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'ops' }))).Credentials!;
    const admin = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    await iam(b, admin).send(new CreateUserCommand({ UserName: 'before-scp' }));
    await orgs(a).send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    const scp = (await orgs(a).send(new CreateOrgPolicyCommand({ Name: 'NoUsers', Type: 'SERVICE_CONTROL_POLICY', Description: '', Content: doc({ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }) }))).Policy!.PolicySummary!.Id!;
    await orgs(a).send(new AttachPolicyCommand({ PolicyId: scp, TargetId: member }));
    assert.equal(await outcome(iam(b, admin).send(new CreateUserCommand({ UserName: 'after-scp' }))), 'AccessDenied', 'SCP attached on A not enforced by B');

    // MoveAccount of one account to two OUs at once, from both nodes: it ends in exactly one parent.
    const ous = await Promise.all(['OU1', 'OU2'].map((n) => orgs(a).send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: n })).then((r) => r.OrganizationalUnit!.Id!)));
    for (const account of created.slice(1)) {
      const moves = await Promise.all([
        outcome(orgs(a).send(new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: ous[0]! }))),
        outcome(orgs(b).send(new MoveAccountCommand({ AccountId: account, SourceParentId: rootId, DestinationParentId: ous[1]! }))),
      ]);
      assert.equal(moves.filter((m) => m === 'ok').length, 1, `moves of ${account}: ${moves}`);
      const parents = (await orgs(b).send(new ListParentsCommand({ ChildId: account }))).Parents!;
      assert.equal(parents.length, 1);
      let appearances = 0;
      for (const parent of [rootId, ...ous]) {
        const children = (await orgs(a).send(new ListAccountsForParentCommand({ ParentId: parent }))).Accounts!.map((x) => x.Id);
        appearances += children.filter((id) => id === account).length;
        if (children.includes(account)) assert.equal(parent, parents[0]!.Id);
      }
      assert.equal(appearances, 1, `${account} appears under ${appearances} parents`);
    }
  });

  test('audit: events from both nodes in LookupEvents on either, ordered, no duplicates, NextToken from A works on B', async () => {
    const start = new Date(Date.now() - 1000);
    const names: string[] = [];
    for (let i = 0; i < 12; i++) {
      names.push(`lk-${i}`);
      await iam(i % 2 ? a : b).send(new CreateUserCommand({ UserName: `lk-${i}` }));
    }
    const walk = async (first: Node, alternate: boolean) => {
      const events: any[] = [];
      let token: string | undefined;
      let node = first;
      for (let page = 0; page < 100; page++) {
        const res = await cloudtrail(node, 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], StartTime: start.getTime() / 1000, MaxResults: 5, ...(token ? { NextToken: token } : {}) });
        events.push(...res.Events);
        token = res.NextToken;
        if (!token) break;
        if (alternate) node = other(node);
      }
      return events;
    };
    const viaA = await walk(a, true);
    const viaB = await walk(b, true);
    const ids = (events: any[]) => events.map((e) => e.EventId);
    assert.deepEqual(ids(viaA), ids(viaB), 'the two nodes list different histories');
    assert.equal(new Set(ids(viaA)).size, viaA.length, 'a duplicate event in LookupEvents');
    for (let i = 1; i < viaA.length; i++) assert.ok(viaA[i - 1].EventTime >= viaA[i].EventTime, 'LookupEvents not newest first');
    const users = viaA.map((e) => JSON.parse(e.CloudTrailEvent).requestParameters?.userName);
    for (const name of names) assert.equal(users.filter((u) => u === name).length, 1, `${name}'s CreateUser event`);
  });

  test('audit: a trail delivers every event of both nodes exactly once; `tessera audit verify` passes', { timeout: 120_000 }, async () => {
    await cloudtrail(a, 'CreateTrail', { Name: 'sweep', S3BucketName: TRAIL_BUCKET, EnableLogFileValidation: true });
    await cloudtrail(b, 'StartLogging', { Name: 'sweep' });
    const requestIds: string[] = [];
    const deadline = Date.now() + 12_000;
    let n = 0;
    // 32 concurrent streams, half per node, until the deadline: each node's audit writer then
    // has several INSERTs in flight, as a busy node does.
    await Promise.all(Array.from({ length: 32 }, async (_, stream) => {
      const node = stream % 2 ? a : b;
      while (Date.now() < deadline) {
        const i = n++;
        try {
          const r = i % 3 === 0
            ? await iam(node).send(new CreateUserCommand({ UserName: `trail-${i}` }))
            : await iam(node).send(new GetUserCommand({ UserName: `trail-${i - (i % 3)}` }));
          requestIds.push(r.$metadata.requestId!);
        } catch (err) {
          const id = (err as { $metadata?: { requestId?: string } }).$metadata?.requestId;
          if (id) requestIds.push(id);
        }
      }
    }));
    await cloudtrail(a, 'StopLogging', { Name: 'sweep' });

    const records = async () => {
      const out: any[] = [];
      const walkDir = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walkDir(path);
          else if (entry.name.endsWith('.json.gz') && path.includes('/CloudTrail/')) out.push(...JSON.parse(gunzipSync(await readFile(path)).toString('utf8')).Records);
        }
      };
      await walkDir(join(trailDir, TRAIL_BUCKET));
      return out;
    };
    let delivered: any[] = [];
    for (let waited = 0; waited < 30_000; waited += 500) {
      delivered = await records();
      if (delivered.some((r) => r.eventName === 'StopLogging')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(delivered.some((r) => r.eventName === 'StopLogging'), 'the final delivery (up to StopLogging) never came');
    const eventIds = delivered.map((r) => r.eventID);
    const dupes = eventIds.filter((id, i) => eventIds.indexOf(id) !== i);
    assert.deepEqual(dupes, [], 'events delivered twice');
    const byRequest = new Map<string, number>();
    for (const r of delivered) byRequest.set(r.requestID, (byRequest.get(r.requestID) ?? 0) + 1);
    const missing = requestIds.filter((id) => !byRequest.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${requestIds.length} answered requests never delivered`);
    // And the store holds each of them too (LookupEvents), so a miss is the delivery's, not the recording's.
    const verify = runCli(['audit', 'verify', '--trail', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/sweep`, '--trail-dir', trailDir, '--store', cluster.url, '--data-dir', a.dataDir, '--json']);
    assert.equal(verify.status, 0, `audit verify: ${verify.stdout}${verify.stderr}`);
  });

  test('audit: an event whose INSERT commits after a later-numbered one is still delivered by the trail', { timeout: 90_000 }, async () => {
    // A node's audit INSERT takes its sequence number when it starts and is visible when it
    // commits; another node's later INSERT can commit first. Here the slow one is held open on
    // its own connection while both nodes serve and deliver.
    await cloudtrail(b, 'CreateTrail', { Name: 'gap', S3BucketName: TRAIL_BUCKET, S3KeyPrefix: 'gap', EnableLogFileValidation: false });
    await cloudtrail(a, 'StartLogging', { Name: 'gap' });
    const held = new pg.Client({ connectionString: cluster.url });
    await held.connect();
    const heldRequest = randomUUID();
    const laterIds: string[] = [];
    try {
      const now = new Date().toISOString();
      const record = {
        eventVersion: '1.11', userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
        eventTime: now.replace(/\.\d{3}Z$/, 'Z'), eventSource: 'iam.amazonaws.com', eventName: 'GetUser', awsRegion: REGION, sourceIPAddress: '127.0.0.1',
        userAgent: 'held', requestParameters: null, responseElements: null, requestID: heldRequest, eventID: randomUUID(), readOnly: true,
        eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management',
      };
      // The held writer is a node's audit writer: it takes the audit-order lock, as every node's
      // does (postgres-store.ts), and inserts. The later requests' events, from both nodes, then
      // wait for it to commit — without that lock they committed first, and a delivery running
      // meanwhile moved the trail's cursor past the held event's number.
      await held.query('BEGIN');
      await held.query(`SELECT pg_advisory_xact_lock(${AUDIT_ORDER_LOCK})`);
      await held.query('INSERT INTO audit_events (time, request_id, account_id, event_id, data) VALUES ($1, $2, $3, $4, $5::jsonb)', [now, heldRequest, ACCOUNT, record.eventID, JSON.stringify({ record })]);
      const later = Promise.all([a, b, a, b].map(async (node) => (await iam(node).send(new ListUsersCommand({ MaxItems: 1 }))).$metadata.requestId!));
      // Deliveries run meanwhile (every second).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await held.query('COMMIT');
      laterIds.push(...(await later));
    } finally {
      await held.end();
    }
    await cloudtrail(b, 'StopLogging', { Name: 'gap' });
    let delivered: any[] = [];
    for (let waited = 0; waited < 30_000; waited += 500) {
      delivered = await trailRecords(join(trailDir, TRAIL_BUCKET, 'gap'));
      if (delivered.some((r) => r.eventName === 'StopLogging')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(delivered.some((r) => r.eventName === 'StopLogging'), 'the final delivery never came');
    assert.ok(delivered.some((r) => r.requestID === heldRequest), 'the event committed late was never delivered (the trail\'s cursor had passed its sequence number)');
    for (const id of laterIds) assert.ok(delivered.some((r) => r.requestID === id), `the later event ${id} is delivered`);
  });

  test('audit: a sequence cursor over events appended by two nodes at once misses none (what trail delivery reads)', { timeout: 60_000 }, async () => {
    const db = await cluster.createDatabase('cursor_check');
    const [n1, n2, reader] = await Promise.all([openPostgresStore(db), openPostgresStore(db), openPostgresStore(db)]);
    try {
      let stop = false;
      let k = 0;
      const writer = async (store: typeof n1, batch: number) => {
        while (!stop) {
          const events: AuditEvent[] = Array.from({ length: batch }, () => {
            const id = `e${k++}`;
            return { time: new Date().toISOString(), requestId: id, accountId: ACCOUNT, eventId: id, data: { record: { eventID: id } }, lookup: [{ attr: 'EventName', value: 'X' }] } as AuditEvent;
          });
          await store.appendAudit(events);
        }
      };
      let cursor = 0;
      const seen = new Set<number>();
      const poll = async () => {
        while (!stop) {
          for (const e of await reader.auditAfter({ accountId: ACCOUNT, afterSeq: cursor, limit: 100_000 })) {
            seen.add(e.seq);
            cursor = e.seq;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      // Each node's AuditSink keeps up to two batched INSERTs in flight.
      const running = [writer(n1, 1), writer(n1, 50), writer(n2, 1), writer(n2, 50), poll()];
      await new Promise((resolve) => setTimeout(resolve, 3000));
      stop = true;
      await Promise.all(running);
      const all = await reader.auditAfter({ accountId: ACCOUNT, afterSeq: 0, limit: 1_000_000 });
      const skipped = all.filter((e) => e.seq <= cursor && !seen.has(e.seq));
      assert.equal(skipped.length, 0, `${skipped.length} of ${all.length} events were committed after the cursor had passed their sequence number`);
    } finally {
      await Promise.all([n1.close(), n2.close(), reader.close()]);
    }
  });

  test('gateway: a bucket policy Deny written through A is enforced by B within --gateway-cache-ms', { timeout: 60_000 }, async () => {
    await s3(a).send(new CreateBucketCommand({ Bucket: 'two-nodes' }));
    await iam(a).send(new CreateUserCommand({ UserName: 'gw' }));
    await iam(a).send(new PutUserPolicyCommand({ UserName: 'gw', PolicyName: 's3', PolicyDocument: doc(allow('s3:*')) }));
    const gw = keyOf(await iam(a).send(new CreateAccessKeyCommand({ UserName: 'gw' })));
    await s3(b, gw).send(new PutObjectCommand({ Bucket: 'two-nodes', Key: 'k', Body: 'v' }));
    // B reads (and caches) the bucket's policy state.
    assert.equal(await outcome(s3(b, gw).send(new GetObjectCommand({ Bucket: 'two-nodes', Key: 'k' }))), 'ok');
    await s3(a).send(new PutBucketPolicyCommand({
      Bucket: 'two-nodes',
      Policy: doc({ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/gw` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::two-nodes/*' }),
    }));
    const written = Date.now();
    let seenAfter = -1;
    while (Date.now() - written < GATEWAY_CACHE_MS + 5_000) {
      if ((await outcome(s3(b, gw).send(new GetObjectCommand({ Bucket: 'two-nodes', Key: 'k' })))) === 'AccessDenied') {
        seenAfter = Date.now() - written;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    console.log(`gateway: B enforced the Deny written through A after ${seenAfter} ms (--gateway-cache-ms ${GATEWAY_CACHE_MS})`);
    assert.ok(seenAfter >= 0 && seenAfter <= GATEWAY_CACHE_MS + 500, `B enforced the Deny after ${seenAfter} ms`);
  });

  test('master key rotation while both nodes serve: old and new secrets and sessions work on both', { timeout: 120_000 }, async () => {
    // Made before the rotation, never used: the first use comes after the old key is retired.
    await iam(a).send(new CreateUserCommand({ UserName: 'pre-rotation' }));
    const unusedKey = keyOf(await iam(a).send(new CreateAccessKeyCommand({ UserName: 'pre-rotation' })));
    const usedKey = keyOf(await iam(b).send(new CreateAccessKeyCommand({ UserName: 'assumer' })).catch(async () => {
      // assumer may already hold two keys from an earlier test.
      await iam(b).send(new CreateUserCommand({ UserName: 'assumer-2' }));
      await iam(b).send(new PutUserPolicyCommand({ UserName: 'assumer-2', PolicyName: 'p', PolicyDocument: doc(allow('sts:AssumeRole')) }));
      return iam(b).send(new CreateAccessKeyCommand({ UserName: 'assumer-2' }));
    }));
    await iam(a).send(new UpdateAssumeRolePolicyCommand({ RoleName: 'shared', PolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }) }));
    await iam(a).send(new PutUserPolicyCommand({ UserName: (await sts(a, usedKey).send(new GetCallerIdentityCommand({}))).Arn!.split('/').pop()!, PolicyName: 'p', PolicyDocument: doc(allow('sts:AssumeRole')) }));
    await iam(a).send(new PutRolePolicyCommand({ RoleName: 'shared', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: doc({ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' }) }));
    const assume = async (node: Node, via: Credentials) => {
      const c = (await sts(node, via).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/shared`, RoleSessionName: 'rot' }))).Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    const oldSession = await assume(a, usedKey);
    const check = async (label: string) => {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        assert.equal(await outcome(sts(y, usedKey).send(new GetCallerIdentityCommand({}))), 'ok', `${label}: old key on ${y.name}`);
        assert.equal(await outcome(iam(y, oldSession).send(new ListUsersCommand({}))), 'ok', `${label}: old session on ${y.name}`);
        const session = await assume(x, usedKey);
        assert.equal(await outcome(iam(y, session).send(new ListUsersCommand({}))), 'ok', `${label}: session from ${x.name} on ${y.name}`);
        const user = `rot-${label}-${x.name}`;
        await iam(x).send(new CreateUserCommand({ UserName: user }));
        const key = keyOf(await iam(x).send(new CreateAccessKeyCommand({ UserName: user })));
        assert.equal(await outcome(sts(y, key).send(new GetCallerIdentityCommand({}))), 'ok', `${label}: key from ${x.name} on ${y.name}`);
      }
    };
    await check('before');

    const generated = runCli(['master-key', 'generate']);
    assert.equal(generated.status, 0, generated.stderr);
    const newKey = generated.stdout.trim().split('\n').pop()!.trim();
    // README, several machines: the new key second everywhere, then first everywhere, rotate on one, retire.
    for (const node of [a, b]) await writeFile(join(node.dataDir, 'master.key'), `${MASTER_KEY}\n${newKey}\n`);
    await check('opening');
    for (const node of [a, b]) await writeFile(join(node.dataDir, 'master.key'), `${newKey}\n${MASTER_KEY}\n`);
    await check('sealing');
    const rotated = runCli(['master-key', 'rotate', '--data-dir', a.dataDir, '--store', cluster.url]);
    assert.equal(rotated.status, 0, `rotate: ${rotated.stdout}${rotated.stderr}`);
    await check('rotated');
    const retired = runCli(['master-key', 'retire', '--data-dir', a.dataDir, '--store', cluster.url]);
    assert.equal(retired.status, 0, `retire: ${retired.stdout}${retired.stderr}`);
    await writeFile(join(b.dataDir, 'master.key'), `${newKey}\n`);
    await check('retired');
    assert.equal(await outcome(sts(b, unusedKey).send(new GetCallerIdentityCommand({}))), 'ok', 'a key sealed before the rotation, first used on B after retire');
    assert.equal(await outcome(sts(a, unusedKey).send(new GetCallerIdentityCommand({}))), 'ok', 'a key sealed before the rotation, first used on A after retire');
  });

  test('failure: node A killed with SIGKILL mid-traffic; B keeps serving and nothing acknowledged is lost', { timeout: 60_000 }, async () => {
    const acknowledged: string[] = [];
    const bErrors: string[] = [];
    let killed = false;
    let i = 0;
    const start = new Date(Date.now() - 1000);
    const stream = async (node: Node) => {
      for (let k = 0; k < 60; k++) {
        const name = `kill-${node.name}-${i++}`;
        try {
          await iam(node).send(new CreateUserCommand({ UserName: name }));
          acknowledged.push(name);
        } catch (err) {
          if (node === b) bErrors.push(`${name}: ${(err as Error).name}`);
          if (node === a && killed) return;
        }
      }
    };
    const killer = (async () => {
      while (acknowledged.filter((n) => n.startsWith('kill-A')).length < 15) await new Promise((resolve) => setTimeout(resolve, 5));
      killed = true;
      a.proc.child.kill('SIGKILL');
    })();
    await Promise.all([stream(a), stream(a), stream(b), stream(b), killer]);
    assert.ok(killed);
    assert.deepEqual(bErrors, [], 'B failed requests while A died');
    const missing: string[] = [];
    for (const name of acknowledged) if ((await outcome(iam(b).send(new GetUserCommand({ UserName: name })))) !== 'ok') missing.push(name);
    assert.deepEqual(missing, [], 'acknowledged CreateUser lost');
    // Their events are in the history, too (committed before the answer).
    const recorded = new Set<string>();
    let token: string | undefined;
    do {
      const res = await cloudtrail(b, 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }], StartTime: start.getTime() / 1000, MaxResults: 50, ...(token ? { NextToken: token } : {}) });
      for (const e of res.Events) recorded.add(JSON.parse(e.CloudTrailEvent).requestParameters?.userName);
      token = res.NextToken;
    } while (token);
    assert.deepEqual(acknowledged.filter((name) => !recorded.has(name)), [], 'acknowledged CreateUser without its event');
    assert.equal(await outcome(iam(b).send(new CreateUserCommand({ UserName: 'after-the-kill' }))), 'ok');
  });
});
