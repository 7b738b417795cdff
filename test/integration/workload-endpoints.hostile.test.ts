import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { OffsetClock, trust, workload } from '../support/workloads.ts';
import { getWorkloadCredentials, TesseraApiError } from '../../src/workloads/tessera-client.ts';
import type { RunningWorkload } from '../../src/workloads/start-workload.ts';
import { EVENTUALLY_MS } from '../support/wait.ts';

/**
 * Hostile input to the workload paths, each refused quickly with its answer: forged,
 * tampered, expired and other servers' grants; IMDS tokens tampered with or expired; wrong
 * TTLs, methods, paths and proxies; container credential tokens; oversized headers and bodies.
 */
let server: TestServer;
let other: TestServer;
let instance: RunningWorkload;
let task: RunningWorkload;
const clock = new OffsetClock();

async function setUp(s: TestServer): Promise<void> {
  const iam = s.iam();
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
  await iam.send(new CreateRoleCommand({ RoleName: 'task', AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com') }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
}

before(async () => {
  server = await startTestServer({}, { clock });
  other = await startTestServer({ accountId: '222233334444' });
  await setUp(server);
  await setUp(other);
  instance = await workload(server, server.root, { kind: 'instance', instanceProfileName: 'web', allowV1: false }, clock, { grantDurationSeconds: 900 });
  task = await workload(server, server.root, { kind: 'task', taskRoleArn: `arn:aws:iam::${server.accountId}:role/task` }, clock);
});

after(async () => {
  await instance.close();
  await task.close();
  await server.stop();
  await other.stop();
});

async function refusal(url: string, grant: string, delivery?: '1.0' | '2.0'): Promise<TesseraApiError> {
  const started = performance.now();
  const err = await getWorkloadCredentials(url, grant, delivery).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof TesseraApiError, 'refused');
  assert.ok(performance.now() - started < 2000, 'quickly');
  return err;
}

describe('workload grants', () => {
  test('forged, garbled, truncated and tampered grants are invalid', async () => {
    const grant = instance.launched.Grant;
    const flipped = grant.slice(0, 40) + (grant[40] === 'A' ? 'B' : 'A') + grant.slice(41);
    for (const forged of ['x', 'A'.repeat(4096), grant.slice(0, -10), flipped, `${grant}AA`]) {
      const err = await refusal(server.url, forged);
      assert.equal(err.code, 'InvalidGrantException');
      assert.equal(err.status, 403);
      assert.equal(err.message, 'The workload grant is invalid.');
    }
    // Over the model's length: refused before it is opened.
    assert.equal((await refusal(server.url, 'A'.repeat(4097))).code, 'ValidationException');
  });

  test("another server's grant (another account, another master key) is invalid here, and ours there", async () => {
    const theirs = await workload(other, other.root, { kind: 'instance', instanceProfileName: 'web', allowV1: false }, clock);
    try {
      assert.equal((await refusal(server.url, theirs.launched.Grant)).code, 'InvalidGrantException');
      assert.equal((await refusal(other.url, instance.launched.Grant)).code, 'InvalidGrantException');
    } finally {
      await theirs.close();
    }
  });

  test('an IMDSv2-only instance is never delivered 1.0 credentials; a task takes no delivery version', async () => {
    assert.equal((await refusal(server.url, instance.launched.Grant, '1.0')).code, 'InvalidParameterException');
    assert.equal((await refusal(server.url, task.launched.Grant, '2.0')).code, 'InvalidParameterException');
  });

  test('an expired grant is refused as expired', async () => {
    clock.offsetMs = 901_000;
    try {
      const err = await refusal(server.url, instance.launched.Grant);
      assert.equal(err.code, 'ExpiredGrantException');
      assert.match(err.message, /expired/);
    } finally {
      clock.offsetMs = 0;
    }
  });

  test('a grant is no signature: launching still needs one', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Tessera_20250101.LaunchWorkload' },
      body: JSON.stringify({ InstanceProfileName: 'web' }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Record<string, string>)['__type'], 'MissingAuthenticationTokenException');
  });
});

function imds(): string {
  return instance.endpoint.kind === 'imds' ? instance.endpoint.url : assert.fail('an IMDS');
}

async function token(ttl = '60'): Promise<string> {
  const response = await fetch(`${imds()}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-aws-ec2-metadata-token-ttl-seconds'), ttl);
  return response.text();
}

describe('instance metadata service', () => {
  test('IMDSv2 only: no token, a tampered token, an expired token → 401', async () => {
    const path = `${imds()}/latest/meta-data/iam/security-credentials/app`;
    assert.equal((await fetch(path)).status, 401);
    const good = await token('1');
    const ok = await fetch(path, { headers: { 'X-aws-ec2-metadata-token': good } });
    assert.equal(ok.status, 200);
    const document = await ok.json() as Record<string, string>;
    assert.equal(document['Code'], 'Success');
    assert.equal(document['Type'], 'AWS-HMAC');
    assert.match(document['AccessKeyId']!, /^ASIA/);
    for (const bad of [good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A'), `${Number(good.split('.')[0]) + 100}.${good.split('.')[1]}`, 'x'.repeat(200), '', 'a.b']) {
      assert.equal((await fetch(path, { headers: { 'X-aws-ec2-metadata-token': bad } })).status, 401, bad);
    }
    clock.offsetMs = 2000;
    try {
      assert.equal((await fetch(path, { headers: { 'X-aws-ec2-metadata-token': good } })).status, 401, 'expired');
    } finally {
      clock.offsetMs = 0;
    }
  });

  test('token requests: TTL 1–21600 only, no proxies, PUT only', async () => {
    for (const ttl of ['0', '21601', 'abc', '-1', '1e3', '']) {
      const r = await fetch(`${imds()}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
      assert.equal(r.status, 400, ttl);
    }
    assert.equal((await fetch(`${imds()}/latest/api/token`, { method: 'PUT' })).status, 400);
    assert.equal((await fetch(`${imds()}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '10.0.0.1' } })).status, 403);
    assert.equal((await fetch(`${imds()}/latest/api/token`)).status, 405);
    assert.equal((await fetch(`${imds()}/latest/meta-data/instance-id`, { method: 'POST', headers: { 'X-aws-ec2-metadata-token': await token() } })).status, 405);
  });

  test('paths as EC2 serves them; anything else is 404', async () => {
    const t = await token();
    const get = (path: string) => fetch(`${imds()}${path}`, { headers: { 'X-aws-ec2-metadata-token': t } });
    assert.equal(await (await get('/latest/meta-data/instance-id')).text(), instance.launched.WorkloadId);
    assert.equal(await (await get('/latest/meta-data/placement/region')).text(), 'us-east-1');
    assert.equal(await (await get('/latest/meta-data/iam/security-credentials/')).text(), 'app');
    const info = await (await get('/latest/meta-data/iam/info')).json() as Record<string, string>;
    assert.equal(info['Code'], 'Success');
    assert.equal(info['InstanceProfileArn'], `arn:aws:iam::${server.accountId}:instance-profile/web`);
    assert.match(info['InstanceProfileId']!, /^AIPA/);
    const identity = await (await get('/latest/dynamic/instance-identity/document')).json() as Record<string, unknown>;
    assert.equal(identity['instanceId'], instance.launched.WorkloadId);
    assert.equal(identity['accountId'], server.accountId);
    assert.equal(identity['region'], 'us-east-1');
    for (const path of ['/latest/meta-data/iam/security-credentials/other', '/latest/meta-data/nope', '/latest/meta-data/iam/security-credentials/app/x', '/../etc/passwd']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(await r.text(), /404 - Not Found/);
    }
  });

  test('oversized headers are refused (431) and bodies are not read', async () => {
    const started = performance.now();
    const r = await fetch(`${imds()}/latest/meta-data/instance-id`, { headers: { 'X-aws-ec2-metadata-token': await token(), 'X-Pad': 'a'.repeat(20_000) } });
    assert.equal(r.status, 431);
    assert.ok(performance.now() - started < 1000);
    const answer = await rawRequest(imds(), `PUT /latest/api/token HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 1000000000\r\n\r\nabc`);
    assert.match(answer, /^HTTP\/1\.1 400 /);
  });
});

describe('container credentials endpoint', () => {
  const endpoint = () => task.endpoint.kind === 'container' ? task.endpoint : assert.fail('a container endpoint');

  test('the token is checked; the path and method must be the endpoint\'s', async () => {
    const { fullUri, authorizationToken } = endpoint();
    const ok = await fetch(fullUri, { headers: { Authorization: authorizationToken } });
    assert.equal(ok.status, 200);
    const document = await ok.json() as Record<string, string>;
    assert.deepEqual(Object.keys(document), ['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    assert.equal(document['RoleArn'], `arn:aws:iam::${server.accountId}:role/task`);
    for (const bad of [undefined, '', authorizationToken.slice(0, -1), `${authorizationToken}x`, `Bearer ${authorizationToken}`, 'x'.repeat(4000)]) {
      const r = await fetch(fullUri, { headers: bad === undefined ? {} : { Authorization: bad } });
      assert.equal(r.status, 401, String(bad));
      assert.equal(((await r.json()) as Record<string, string>)['code'], 'InvalidAuthorizationToken');
    }
    const base = new URL(fullUri);
    assert.equal((await fetch(`${base.origin}/v2/credentials/other`, { headers: { Authorization: authorizationToken } })).status, 404);
    assert.equal((await fetch(fullUri, { method: 'DELETE', headers: { Authorization: authorizationToken } })).status, 405);
    assert.equal((await fetch(fullUri, { headers: { Authorization: authorizationToken, 'X-Pad': 'a'.repeat(20_000) } })).status, 431);
  });
});

/**
 * Writes a raw request and returns what came back: up to the end of the response head, or
 * whatever arrived before the connection closed, or nothing if no answer came in
 * EVENTUALLY_MS (an answer that is only slow on a loaded machine is still read).
 */
function rawRequest(base: string, request: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request));
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, EVENTUALLY_MS);
    socket.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on('error', reject);
  });
}
