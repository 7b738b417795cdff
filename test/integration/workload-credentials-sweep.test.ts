// A fidelity sweep of workload credentials as the SDKs and tools use them: boto3, the aws CLI
// and the AWS SDK v3 for JavaScript each find the role's credentials at an instance metadata
// service (AWS_EC2_METADATA_SERVICE_ENDPOINT) or a container credentials endpoint
// (AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN or _FILE) and are
// the assumed-role session AWS shows; the metadata service's documents and token rules as
// EC2 documents them; the session's permissions are the role's (through the gateway too);
// refresh ahead of expiry; and what happens when the role leaves the profile or stops trusting
// the service (README "Workload credentials"). Complements workload-credentials.test.ts and
// workload-endpoints.hostile.test.ts, which cover `tessera run`, launch authorization, grants
// and hostile input.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, IAMClient, CreateRoleCommand, DeleteRoleCommand, GetInstanceProfileCommand, GetRoleCommand,
  ListUsersCommand, PutRolePolicyCommand, RemoveRoleFromInstanceProfileCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { cleanEnv, OffsetClock, run, trust, workload } from '../support/workloads.ts';
import type { RunningWorkload } from '../../src/workloads/start-workload.ts';

const REGION = 'us-east-1';
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let env: GatewayEnv;
let server: TestServer;
let acct: string;
let scratch: string;
const clock = new OffsetClock();
const roleArn = (name: string) => `arn:aws:iam::${acct}:role/${name}`;

/** A role trusting `service`, with one inline policy of `statements` (if any). */
async function role(name: string, service: string, statements: object[] = []): Promise<string> {
  const iam = server.iam();
  const created = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust(service) }));
  if (statements.length > 0) {
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  return created.Role!.RoleId!;
}

async function profile(name: string, roleName: string): Promise<void> {
  await server.iam().send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  await server.iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: roleName }));
}

function instance(name: string, extra: { allowV1?: boolean; durationSeconds?: number } = {}): Promise<RunningWorkload> {
  return workload(server, server.root, { kind: 'instance', instanceProfileName: name, allowV1: extra.allowV1 ?? false }, clock,
    extra.durationSeconds !== undefined ? { durationSeconds: extra.durationSeconds } : {});
}

function task(roleName: string, durationSeconds?: number): Promise<RunningWorkload> {
  return workload(server, server.root, { kind: 'task', taskRoleArn: roleArn(roleName) }, clock, durationSeconds !== undefined ? { durationSeconds } : {});
}

function imdsUrl(w: RunningWorkload): string {
  return w.endpoint.kind === 'imds' ? w.endpoint.url : assert.fail('an instance');
}

function container(w: RunningWorkload): { fullUri: string; authorizationToken: string } {
  return w.endpoint.kind === 'container' ? w.endpoint : assert.fail('a task');
}

async function imdsToken(w: RunningWorkload, ttl = '21600'): Promise<string> {
  const r = await fetch(`${imdsUrl(w)}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
  assert.equal(r.status, 200);
  return r.text();
}

async function imdsGet(w: RunningWorkload, path: string, token?: string): Promise<Response> {
  return fetch(`${imdsUrl(w)}${path}`, { headers: token === undefined ? {} : { 'X-aws-ec2-metadata-token': token } });
}

/** The role credentials document of an instance, fetched as the SDKs fetch it (IMDSv2). */
async function imdsCredentials(w: RunningWorkload): Promise<Record<string, string>> {
  const token = await imdsToken(w);
  const name = await (await imdsGet(w, '/latest/meta-data/iam/security-credentials/', token)).text();
  const r = await imdsGet(w, `/latest/meta-data/iam/security-credentials/${name}`, token);
  assert.equal(r.status, 200, await r.clone().text());
  return r.json() as Promise<Record<string, string>>;
}

async function containerCredentials(w: RunningWorkload): Promise<Record<string, string>> {
  const { fullUri, authorizationToken } = container(w);
  const r = await fetch(fullUri, { headers: { Authorization: authorizationToken } });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json() as Promise<Record<string, string>>;
}

/** An STS client that signs on the shared (moved) clock, as a workload on that clock would. */
function stsOnClock(credentials: Credentials): STSClient {
  return new STSClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, systemClockOffset: clock.offsetMs });
}

function iamOnClock(credentials: Credentials): IAMClient {
  return new IAMClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1, systemClockOffset: clock.offsetMs });
}

const asCredentials = (d: Record<string, string>): Credentials => ({ accessKeyId: d['AccessKeyId']!, secretAccessKey: d['SecretAccessKey']!, sessionToken: d['Token']! });

/** The environment a program on the instance or in the task has, as README documents it. */
function workloadEnv(w: RunningWorkload, extra: Record<string, string> = {}): Record<string, string> {
  const base = cleanEnv({
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL: server.url,
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_PAGER: '',
  });
  if (w.endpoint.kind === 'imds') {
    return { ...base, AWS_EC2_METADATA_SERVICE_ENDPOINT: w.endpoint.url, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv4', AWS_EC2_METADATA_V1_DISABLED: 'true', ...extra };
  }
  return { ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: w.endpoint.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: w.endpoint.authorizationToken, ...extra };
}

const PYTHON_CALLER = `
import json, boto3
session = boto3.Session()
creds = session.get_credentials()
out = session.client("sts").get_caller_identity()
print(json.dumps({"method": creds.method, "arn": out["Arn"], "userId": out["UserId"], "account": out["Account"]}))
`;

/** SDK v3: the default chain (no credentials given), or a provider of @smithy/credential-provider-imds. */
function nodeCaller(provider: 'default' | 'fromInstanceMetadata' | 'fromContainerMetadata'): string {
  return `
    import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
    import { fromInstanceMetadata, fromContainerMetadata } from '@smithy/credential-provider-imds';
    const providers = { fromInstanceMetadata, fromContainerMetadata };
    const credentials = ${JSON.stringify(provider)} === 'default' ? undefined : providers[${JSON.stringify(provider)}]({ maxRetries: 0 });
    const client = new STSClient({ maxAttempts: 1, ...(credentials ? { credentials } : {}) });
    const out = await client.send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ arn: out.Arn, userId: out.UserId, account: out.Account }));
  `;
}

async function callerOf(tool: 'boto3' | 'aws CLI' | 'SDK v3 default chain' | 'SDK v3 smithy provider', w: RunningWorkload, extra: Record<string, string> = {}) {
  const e = workloadEnv(w, extra);
  const r = tool === 'boto3'
    ? await run('python3', ['-c', PYTHON_CALLER], e)
    : tool === 'aws CLI'
      ? await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], e)
      : await run(process.execPath, ['--input-type=module', '-e', nodeCaller(tool === 'SDK v3 default chain' ? 'default' : w.endpoint.kind === 'imds' ? 'fromInstanceMetadata' : 'fromContainerMetadata')], e);
  assert.equal(r.status, 0, `${tool}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, string>;
  return { arn: out['arn'] ?? out['Arn'], userId: out['userId'] ?? out['UserId'], account: out['account'] ?? out['Account'], method: out['method'] };
}

function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

let appRoleId: string;
let taskRoleId: string;
let web: RunningWorkload;
let tsk: RunningWorkload;

describe('workload credentials sweep', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  before(async () => {
    env = await startGatewayEnv({}, { clock });
    server = env.server;
    acct = server.accountId;
    scratch = await mkdtemp(join(tmpdir(), 'tessera-workload-sweep-'));
    // The role may list buckets and read its own role; nothing else.
    appRoleId = await role('app', 'ec2.amazonaws.com', [
      { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('app') },
    ]);
    taskRoleId = await role('task', 'ecs-tasks.amazonaws.com', [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]);
    await profile('web', 'app');
    web = await instance('web');
    tsk = await task('task');
  });
  after(async () => {
    await web?.close();
    await tsk?.close();
    await env?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe('each SDK and the aws CLI get the assumed-role session AWS shows', () => {
    for (const tool of ['boto3', 'aws CLI', 'SDK v3 default chain', 'SDK v3 smithy provider'] as const) {
      test(`${tool} on the instance: arn:aws:sts::<acct>:assumed-role/app/<instance id>`, async () => {
        const id = await callerOf(tool, web);
        assert.match(web.launched.WorkloadId, /^i-[0-9a-f]{17}$/);
        assert.equal(id.arn, `arn:aws:sts::${acct}:assumed-role/app/${web.launched.WorkloadId}`);
        assert.equal(id.userId, `${appRoleId}:${web.launched.WorkloadId}`);
        assert.equal(id.account, acct);
        if (tool === 'boto3') assert.equal(id.method, 'iam-role', 'boto3 found the credentials with its instance metadata provider');
      });

      test(`${tool} in the task: arn:aws:sts::<acct>:assumed-role/task/<task id>`, async () => {
        const id = await callerOf(tool, tsk);
        assert.match(tsk.launched.WorkloadId, /^[0-9a-f]{32}$/);
        assert.equal(id.arn, `arn:aws:sts::${acct}:assumed-role/task/${tsk.launched.WorkloadId}`);
        assert.equal(id.userId, `${taskRoleId}:${tsk.launched.WorkloadId}`);
        if (tool === 'boto3') assert.equal(id.method, 'container-role', 'boto3 found the credentials with its container provider');
      });
    }

    for (const tool of ['boto3', 'aws CLI', 'SDK v3 default chain'] as const) {
      test(`${tool} reads the task's token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, async () => {
        const file = join(scratch, `token-${tool.replace(/\W/g, '')}`);
        await writeFile(file, container(tsk).authorizationToken);
        const { AWS_CONTAINER_AUTHORIZATION_TOKEN: _unused, ...withoutToken } = workloadEnv(tsk);
        const e = { ...withoutToken, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file };
        const r = tool === 'boto3'
          ? await run('python3', ['-c', PYTHON_CALLER], e)
          : tool === 'aws CLI'
            ? await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], e)
            : await run(process.execPath, ['--input-type=module', '-e', nodeCaller('default')], e);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout)[tool === 'aws CLI' ? 'Arn' : 'arn'], `arn:aws:sts::${acct}:assumed-role/task/${tsk.launched.WorkloadId}`);
      });
    }

    test('a wrong container token in the environment gets the SDKs no credentials', async () => {
      const e = workloadEnv(tsk, { AWS_CONTAINER_AUTHORIZATION_TOKEN: `${container(tsk).authorizationToken}x` });
      const py = await run('python3', ['-c', PYTHON_CALLER], e);
      assert.notEqual(py.status, 0);
      assert.match(py.stderr, /401/);
      const js = await run(process.execPath, ['--input-type=module', '-e', nodeCaller('default')], e);
      assert.notEqual(js.status, 0);
    });
  });

  describe('the instance metadata service as EC2 documents it', () => {
    test('token TTLs 1 and 21600 are the bounds; the TTL is echoed', async () => {
      for (const ttl of ['1', '21600']) {
        const r = await fetch(`${imdsUrl(web)}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
        assert.equal(r.status, 200, ttl);
        assert.equal(r.headers.get('x-aws-ec2-metadata-token-ttl-seconds'), ttl);
        assert.ok((await r.text()).length > 0);
      }
      for (const ttl of ['0', '21601']) {
        const r = await fetch(`${imdsUrl(web)}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
        assert.equal(r.status, 400, ttl);
      }
    });

    test('a token request that carries X-Forwarded-For is refused, whatever its case', async () => {
      const r = await fetch(`${imdsUrl(web)}/latest/api/token`, { method: 'PUT', headers: { 'x-forwarded-for': '127.0.0.1', 'X-AWS-EC2-METADATA-TOKEN-TTL-SECONDS': '60' } });
      assert.equal(r.status, 403);
    });

    test("one instance's token is not valid at another's metadata service", async () => {
      await profile('web2', 'app');
      const other = await instance('web2');
      try {
        const theirs = await imdsToken(other);
        assert.equal((await imdsGet(other, '/latest/meta-data/instance-id', theirs)).status, 200);
        assert.equal((await imdsGet(web, '/latest/meta-data/instance-id', theirs)).status, 401);
      } finally {
        await other.close();
      }
    });

    test('IMDSv2 required: no token → 401 on every path, including the credentials listing', async () => {
      for (const path of ['/latest/meta-data/', '/latest/meta-data/iam/security-credentials/', '/latest/meta-data/iam/info', '/latest/dynamic/instance-identity/document']) {
        assert.equal((await imdsGet(web, path)).status, 401, path);
      }
    });

    test('iam/security-credentials/ lists the role; iam/info names the instance profile as IAM knows it', async () => {
      const token = await imdsToken(web);
      const listing = await imdsGet(web, '/latest/meta-data/iam/security-credentials/', token);
      assert.equal(listing.status, 200);
      assert.equal(await listing.text(), 'app');
      const info = await (await imdsGet(web, '/latest/meta-data/iam/info', token)).json() as Record<string, string>;
      const known = (await server.iam().send(new GetInstanceProfileCommand({ InstanceProfileName: 'web' }))).InstanceProfile!;
      assert.deepEqual(Object.keys(info).sort(), ['Code', 'InstanceProfileArn', 'InstanceProfileId', 'LastUpdated']);
      assert.equal(info['Code'], 'Success');
      assert.equal(info['InstanceProfileArn'], known.Arn);
      assert.equal(info['InstanceProfileId'], known.InstanceProfileId);
      assert.match(info['LastUpdated']!, ISO_SECONDS);
    });

    test('the credentials document: Code, LastUpdated, Type AWS-HMAC, AccessKeyId ASIA…, SecretAccessKey, Token, Expiration', async () => {
      const doc = await imdsCredentials(web);
      assert.deepEqual(Object.keys(doc).sort(), ['AccessKeyId', 'Code', 'Expiration', 'LastUpdated', 'SecretAccessKey', 'Token', 'Type']);
      assert.equal(doc['Code'], 'Success');
      assert.equal(doc['Type'], 'AWS-HMAC');
      assert.match(doc['AccessKeyId']!, /^ASIA[A-Z0-9]{16}$/);
      assert.ok(doc['SecretAccessKey']!.length >= 40);
      assert.ok(doc['Token']!.length > 0);
      assert.match(doc['Expiration']!, ISO_SECONDS);
      assert.match(doc['LastUpdated']!, ISO_SECONDS);
      const left = Date.parse(doc['Expiration']!) - clock.now().getTime();
      // The default session length is an hour: comfortably more than the SDKs' five-minute window.
      assert.ok(left > 50 * 60_000 && left <= 3600_000, `${left} ms left`);
      assert.ok(Date.parse(doc['LastUpdated']!) <= clock.now().getTime());
      // The document's credentials are the instance's session.
      const id = await server.sts(asCredentials(doc)).send(new GetCallerIdentityCommand({}));
      assert.equal(id.Arn, `arn:aws:sts::${acct}:assumed-role/app/${web.launched.WorkloadId}`);
    });

    test('the instance identity document', async () => {
      const token = await imdsToken(web);
      const r = await imdsGet(web, '/latest/dynamic/instance-identity/document', token);
      assert.equal(r.status, 200);
      const doc = await r.json() as Record<string, unknown>;
      assert.equal(doc['accountId'], acct);
      assert.equal(doc['instanceId'], web.launched.WorkloadId);
      assert.equal(doc['region'], REGION);
      assert.equal(doc['availabilityZone'], `${REGION}a`);
      assert.equal(doc['instanceType'], 't3.micro');
      assert.equal(doc['privateIp'], '127.0.0.1');
      assert.equal(doc['pendingTime'], web.launched.LaunchTime.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      assert.equal(await (await imdsGet(web, '/latest/meta-data/placement/availability-zone', token)).text(), `${REGION}a`);
    });

    test('IMDSv1 allowed (HttpTokens optional): no token is served, a bad token is still 401', async () => {
      await profile('web-v1', 'app');
      const v1 = await instance('web-v1', { allowV1: true });
      try {
        const plain = await imdsGet(v1, '/latest/meta-data/iam/security-credentials/app');
        assert.equal(plain.status, 200);
        assert.equal(((await plain.json()) as Record<string, string>)['Code'], 'Success');
        assert.equal((await imdsGet(v1, '/latest/meta-data/instance-id', 'not-a-token')).status, 401);
        // boto3 with IMDSv1 allowed on the instance finds credentials too.
        const id = await callerOf('boto3', v1, { AWS_EC2_METADATA_V1_DISABLED: 'false' });
        assert.equal(id.arn, `arn:aws:sts::${acct}:assumed-role/app/${v1.launched.WorkloadId}`);
      } finally {
        await v1.close();
      }
    });
  });

  describe('the container credentials endpoint as ECS answers', () => {
    test('the document: AccessKeyId, Expiration, RoleArn, SecretAccessKey, Token, as JSON', async () => {
      const { fullUri, authorizationToken } = container(tsk);
      assert.match(fullUri, /^http:\/\/127\.0\.0\.1:\d+\/v2\/credentials\/[0-9a-f]{32}$/);
      const r = await fetch(fullUri, { headers: { Authorization: authorizationToken } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      const doc = await r.json() as Record<string, string>;
      assert.deepEqual(Object.keys(doc).sort(), ['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
      assert.equal(doc['RoleArn'], roleArn('task'));
      assert.match(doc['AccessKeyId']!, /^ASIA[A-Z0-9]{16}$/);
      assert.match(doc['Expiration']!, ISO_SECONDS);
      assert.ok(Date.parse(doc['Expiration']!) - clock.now().getTime() > 50 * 60_000);
      const id = await server.sts(asCredentials(doc)).send(new GetCallerIdentityCommand({}));
      assert.equal(id.Arn, `arn:aws:sts::${acct}:assumed-role/task/${tsk.launched.WorkloadId}`);
    });

    test('a missing or wrong Authorization is 401 and gives away no credentials', async () => {
      const { fullUri, authorizationToken } = container(tsk);
      for (const headers of [{}, { Authorization: authorizationToken.toUpperCase() === authorizationToken ? 'x' : authorizationToken.toUpperCase() }, { 'X-Authorization': authorizationToken }]) {
        const r = await fetch(fullUri, { headers });
        assert.equal(r.status, 401, JSON.stringify(headers));
        const body = await r.text();
        assert.equal((JSON.parse(body) as Record<string, string>)['code'], 'InvalidAuthorizationToken');
        assert.ok(!body.includes('ASIA'), body);
      }
    });
  });

  describe('the session has the role\'s permissions, and no others', () => {
    test('IAM: what the role allows works; anything else is refused naming the instance\'s session', async () => {
      const creds = asCredentials(await imdsCredentials(web));
      const own = await server.iam(creds).send(new GetRoleCommand({ RoleName: 'app' }));
      assert.equal(own.Role?.RoleName, 'app');
      const err = await awsError(() => server.iam(creds).send(new ListUsersCommand({})));
      assert.equal(err.name, 'AccessDenied');
      assert.ok(err.message.startsWith(`User: arn:aws:sts::${acct}:assumed-role/app/${web.launched.WorkloadId} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${acct}:user/ because no identity-based policy allows the iam:ListUsers action`), err.message);
    });

    test('the aws CLI on the instance is refused iam:ListUsers with AWS\'s text', async () => {
      const r = await run('aws', ['iam', 'list-users', '--output', 'json'], workloadEnv(web));
      assert.notEqual(r.status, 0);
      const e = cliError(r.stderr);
      assert.equal(e.code, 'AccessDenied');
      assert.ok(e.message.startsWith(`User: arn:aws:sts::${acct}:assumed-role/app/${web.launched.WorkloadId} is not authorized to perform: iam:ListUsers`), e.message);
    });

    test('through the gateway: s3:ListAllMyBuckets allowed, s3:CreateBucket refused naming the task\'s session', async () => {
      const creds = asCredentials(await containerCredentials(tsk));
      const listed = await env.s3(creds).send(new ListBucketsCommand({}));
      assert.ok(Array.isArray(listed.Buckets ?? []));
      const err = await awsError(() => env.s3(creds).send(new CreateBucketCommand({ Bucket: 'task-not-allowed' })));
      assert.equal(err.name, 'AccessDenied');
      assert.ok(err.message.includes(`User: arn:aws:sts::${acct}:assumed-role/task/${tsk.launched.WorkloadId} is not authorized to perform: s3:CreateBucket`), err.message);
      // Nothing reached moto.
      const all = await env.s3(server.root).send(new ListBucketsCommand({}));
      assert.ok(!(all.Buckets ?? []).some((b) => b.Name === 'task-not-allowed'));
    });

    test('boto3 in the task is refused through the gateway too', async () => {
      const script = `
import boto3, botocore.exceptions
try:
    boto3.client("s3").create_bucket(Bucket="boto3-task-bucket")
    print("created")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"] + " " + e.response["Error"]["Message"])
`;
      const r = await run('python3', ['-c', script], workloadEnv(tsk));
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`AccessDenied User: arn:aws:sts::${acct}:assumed-role/task/${tsk.launched.WorkloadId} is not authorized to perform: s3:CreateBucket`), r.stdout);
    });
  });

  describe('refresh ahead of expiry', () => {
    // README: the same credentials until less than a third of their lifetime, and never less
    // than six minutes, is left; EC2 makes new ones available at least five minutes ahead.
    for (const kind of ['instance', 'task'] as const) {
      test(`${kind}: same credentials with more than six minutes left, new ones after; the old still work until they expire`, async () => {
        const name = `refresh-${kind}`;
        if (kind === 'instance') {
          await role(name, 'ec2.amazonaws.com');
          await profile(name, name);
        } else {
          await role(name, 'ecs-tasks.amazonaws.com');
        }
        const w = kind === 'instance' ? await instance(name, { durationSeconds: 900 }) : await task(name, 900);
        const fetchDoc = () => (kind === 'instance' ? imdsCredentials(w) : containerCredentials(w));
        try {
          const first = await fetchDoc();
          const expires = Date.parse(first['Expiration']!);
          assert.ok(Math.abs(expires - clock.now().getTime() - 900_000) < 5_000, 'a 900-second session');
          // 6.5 minutes left: still the same.
          clock.offsetMs = expires - 390_000 - Date.now();
          assert.equal((await fetchDoc())['AccessKeyId'], first['AccessKeyId']);
          // 5.5 minutes left: new credentials, with a full lifetime ahead.
          clock.offsetMs = expires - 330_000 - Date.now();
          const second = await fetchDoc();
          assert.notEqual(second['AccessKeyId'], first['AccessKeyId']);
          assert.ok(Date.parse(second['Expiration']!) - clock.now().getTime() > 14 * 60_000);
          if (kind === 'instance') assert.ok(Date.parse(second['LastUpdated']!) > Date.parse(first['LastUpdated']!), 'LastUpdated moves with the refresh');
          // Both sessions work while they last; the old one is refused once it has expired.
          await stsOnClock(asCredentials(first)).send(new GetCallerIdentityCommand({}));
          clock.offsetMs = expires + 5_000 - Date.now();
          const expired = await awsError(() => stsOnClock(asCredentials(first)).send(new GetCallerIdentityCommand({})));
          assert.equal(expired.name, 'ExpiredToken');
          assert.equal(expired.message, 'The security token included in the request is expired');
          const still = await stsOnClock(asCredentials(second)).send(new GetCallerIdentityCommand({}));
          assert.match(still.Arn!, new RegExp(`assumed-role/${name}/${w.launched.WorkloadId}$`));
        } finally {
          clock.offsetMs = 0;
          await w.close();
        }
      });
    }
  });

  test("a session is never longer than the role's MaxSessionDuration (an hour by default), whatever the launch asked", async () => {
    await role('short', 'ecs-tasks.amazonaws.com');
    const w = await task('short', 7200);
    try {
      const doc = await containerCredentials(w);
      const left = Date.parse(doc['Expiration']!) - clock.now().getTime();
      assert.ok(left <= 3600_000 && left > 3500_000, `${left} ms left`);
    } finally {
      await w.close();
    }
  });

  describe('when the role may no longer be had', () => {
    test('role removed from the instance profile: credentials already issued live to their expiry, then none', async () => {
      await role('leaving', 'ec2.amazonaws.com');
      await profile('leaving-profile', 'leaving');
      const w = await instance('leaving-profile', { durationSeconds: 900 });
      try {
        const first = await imdsCredentials(w);
        const expires = Date.parse(first['Expiration']!);
        await server.iam().send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'leaving-profile', RoleName: 'leaving' }));
        // Issued credentials are not revoked: they are still served, and still work.
        assert.equal((await imdsCredentials(w))['AccessKeyId'], first['AccessKeyId']);
        await stsOnClock(asCredentials(first)).send(new GetCallerIdentityCommand({}));
        // In the refresh window the refresh fails: the old ones are kept while they last.
        clock.offsetMs = expires - 120_000 - Date.now();
        assert.equal((await imdsCredentials(w))['AccessKeyId'], first['AccessKeyId']);
        await stsOnClock(asCredentials(first)).send(new GetCallerIdentityCommand({}));
        // Past their expiry there are none to give.
        clock.offsetMs = expires + 5_000 - Date.now();
        const token = await imdsToken(w);
        assert.equal((await imdsGet(w, '/latest/meta-data/iam/security-credentials/leaving', token)).status, 404);
        const info = await (await imdsGet(w, '/latest/meta-data/iam/info', token)).json() as Record<string, string>;
        assert.equal(info['Code'], 'InstanceProfileNotFound');
        assert.equal(info['InstanceProfileArn'], undefined);
        // The SDKs find no credentials.
        const r = await run('aws', ['sts', 'get-caller-identity'], workloadEnv(w));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /Unable to locate credentials/);
        // Deleted as well: still none, and iam/info still does not claim success.
        await iamOnClock(server.root).send(new DeleteRoleCommand({ RoleName: 'leaving' }));
        assert.equal((await imdsGet(w, '/latest/meta-data/iam/security-credentials/leaving', token)).status, 404);
        assert.notEqual(((await (await imdsGet(w, '/latest/meta-data/iam/info', token)).json()) as Record<string, string>)['Code'], 'Success');
      } finally {
        clock.offsetMs = 0;
        await w.close();
      }
    });

    // IAM AddRoleToInstanceProfile: "You can remove the existing role and then add a different
    // role to an instance profile. You must then wait for the change to appear across all of
    // AWS because of eventual consistency." The instance's metadata then names the new role and
    // serves its credentials.
    test('another role put in the instance profile: the instance gets the new role once the old credentials expire', async () => {
      await role('first-role', 'ec2.amazonaws.com');
      const secondRoleId = await role('second-role', 'ec2.amazonaws.com');
      await profile('swapped-profile', 'first-role');
      const w = await instance('swapped-profile', { durationSeconds: 900 });
      try {
        const first = await imdsCredentials(w);
        await server.iam().send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'swapped-profile', RoleName: 'first-role' }));
        await server.iam().send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'swapped-profile', RoleName: 'second-role' }));
        clock.offsetMs = Date.parse(first['Expiration']!) + 5_000 - Date.now();
        const token = await imdsToken(w);
        assert.equal(await (await imdsGet(w, '/latest/meta-data/iam/security-credentials/', token)).text(), 'second-role');
        const r = await imdsGet(w, '/latest/meta-data/iam/security-credentials/second-role', token);
        assert.equal(r.status, 200);
        const doc = await r.json() as Record<string, string>;
        const id = await stsOnClock(asCredentials(doc)).send(new GetCallerIdentityCommand({}));
        assert.equal(id.Arn, `arn:aws:sts::${acct}:assumed-role/second-role/${w.launched.WorkloadId}`);
        assert.equal(id.UserId, `${secondRoleId}:${w.launched.WorkloadId}`);
      } finally {
        clock.offsetMs = 0;
        await w.close();
      }
    });

    test('trust policy no longer names ec2.amazonaws.com: iam/info says AssumeRoleUnauthorizedAccess once the old credentials expire', async () => {
      await role('distrusted', 'ec2.amazonaws.com');
      await profile('distrusted-profile', 'distrusted');
      const w = await instance('distrusted-profile', { durationSeconds: 900 });
      try {
        const first = await imdsCredentials(w);
        await server.iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'distrusted', PolicyDocument: trust('lambda.amazonaws.com') }));
        clock.offsetMs = Date.parse(first['Expiration']!) + 5_000 - Date.now();
        const token = await imdsToken(w);
        assert.equal((await imdsGet(w, '/latest/meta-data/iam/security-credentials/distrusted', token)).status, 404);
        const info = await (await imdsGet(w, '/latest/meta-data/iam/info', token)).json() as Record<string, string>;
        assert.equal(info['Code'], 'AssumeRoleUnauthorizedAccess');
        assert.match(info['Message']!, /EC2 cannot assume the role distrusted/);
        assert.match(info['LastUpdated']!, ISO_SECONDS);
      } finally {
        clock.offsetMs = 0;
        await w.close();
      }
    });

    test('a task whose role no longer trusts ecs-tasks.amazonaws.com: 500 with the reason once the old credentials expire', async () => {
      await role('task-distrusted', 'ecs-tasks.amazonaws.com');
      const w = await task('task-distrusted', 900);
      try {
        const first = await containerCredentials(w);
        await server.iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'task-distrusted', PolicyDocument: trust('ec2.amazonaws.com') }));
        clock.offsetMs = Date.parse(first['Expiration']!) + 5_000 - Date.now();
        const { fullUri, authorizationToken } = container(w);
        const r = await fetch(fullUri, { headers: { Authorization: authorizationToken } });
        assert.equal(r.status, 500);
        const body = await r.json() as Record<string, string>;
        assert.equal(body['code'], 'AccessDeniedException');
        assert.ok(body['message']!.includes(`ecs-tasks.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: ${roleArn('task-distrusted')}`), body['message']);
        assert.equal(body['AccessKeyId'], undefined);
      } finally {
        clock.offsetMs = 0;
        await w.close();
      }
    });
  });
});
