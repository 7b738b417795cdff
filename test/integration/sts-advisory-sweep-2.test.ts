import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand } from '@aws-sdk/client-sts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { OffsetClock, trust, userWithPolicy, workload } from '../support/workloads.ts';
import { getWorkloadCredentials } from '../../src/workloads/tessera-client.ts';
import { signRequest } from '../../src/sigv4/index.ts';
import type { RunningWorkload } from '../../src/workloads/start-workload.ts';

/**
 * Advisory sweep 2 (STS operations, workload credentials, CloudTrail, admin endpoints): what
 * AWS refuses, Tessera refuses. The first two suites pin fixes (workload grants never in the
 * audit; admin endpoints never driven by web pages); the rest pins classes found right.
 */
let server: TestServer;
let dev: TestServer;
const clock = new OffsetClock();

async function signedJson(s: TestServer, credentials: Credentials, service: string, target: string, input: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(s.url);
  const body = JSON.stringify(input);
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body },
    credentials,
    { region: 'us-east-1', service, date: new Date() },
  );
  const response = await fetch(s.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function lookup(s: TestServer, credentials: Credentials, eventName: string): Promise<Record<string, unknown>[]> {
  const { status, body } = await signedJson(s, credentials, 'cloudtrail', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
  });
  assert.equal(status, 200);
  return ((body['Events'] as { CloudTrailEvent: string }[]) ?? []).map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, unknown>);
}

before(async () => {
  server = await startTestServer({ encodedAuthorizationMessages: true }, { clock });
  dev = await startTestServer({ dev: true });
  const iam = server.iam();
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
});

after(async () => {
  await server.stop();
  await dev.stop();
});

describe('workload grants are bearer credentials: never in an audit event', () => {
  let instance: RunningWorkload;
  before(async () => {
    instance = await workload(server, server.root, { kind: 'instance', instanceProfileName: 'web', allowV1: false }, clock);
    await getWorkloadCredentials(server.url, instance.launched.Grant, '2.0');
  });
  after(async () => instance.close());

  test("an auditor allowed only cloudtrail:LookupEvents never reads a grant (AWS: an instance's role credentials are in no event)", async () => {
    const auditor = await userWithPolicy(server.iam(), 'auditor', [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }]);
    const grant = instance.launched.Grant;
    const launches = await lookup(server, auditor, 'LaunchWorkload');
    const fetches = await lookup(server, auditor, 'GetWorkloadCredentials');
    assert.ok(launches.length > 0 && fetches.length > 0, 'both are recorded');
    for (const event of [...launches, ...fetches]) assert.equal(JSON.stringify(event).includes(grant), false, `${String(event['eventName'])} carries the grant`);
    const fetched = fetches.find((e) => (e['requestParameters'] as Record<string, unknown> | null)?.['grant'] !== undefined);
    assert.equal((fetched?.['requestParameters'] as Record<string, unknown>)['grant'], 'HIDDEN_DUE_TO_SECURITY_REASONS');
    const launched = launches[0]!['responseElements'] as Record<string, unknown>;
    assert.equal(Object.hasOwn(launched, 'grant'), false);
    assert.equal(launched['workloadId'], instance.launched.WorkloadId);
  });
});

describe('dev-mode admin endpoints are not for web pages (CSRF, DNS rebinding)', () => {
  test('a cross-site simple POST neither resets nor creates an account', async () => {
    for (const path of ['/_tessera/reset', '/_tessera/accounts']) {
      const response = await fetch(`${dev.url}${path}`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: '{}' });
      assert.equal(response.status, 403, path);
      assert.equal(((await response.json()) as Record<string, string>)['error'], 'Forbidden');
    }
  });

  test('a rebound same-origin page (Sec-Fetch-Site, a foreign Host) cannot read the account list', async () => {
    const response = await fetch(`${dev.url}/_tessera/accounts`, { headers: { 'sec-fetch-site': 'same-origin' } });
    assert.equal(response.status, 403);
  });

  test('tools still work: no Origin, no Sec-Fetch-Site', async () => {
    const response = await fetch(`${dev.url}/_tessera/accounts`);
    assert.equal(response.status, 200);
    assert.equal((await fetch(`${dev.url}/_tessera/health`, { headers: { origin: 'https://evil.example' } })).status, 200, 'health stays open');
  });
});

describe('classes found right', () => {
  test("DecodeAuthorizationMessage of another account's message: InvalidAuthorizationMessageException", async () => {
    const created = await fetch(`${server.url}/_tessera/accounts`, { method: 'POST', headers: { authorization: `Bearer ${await adminToken()}` }, body: '{}' });
    const other = (await created.json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
    const decoder = await userWithPolicy(server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey }), 'decoder', [
      { Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' },
    ]);
    const alice = await userWithPolicy(server.iam(), 'alice', []);
    const denied = await server.sts(alice).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${server.accountId}:role/app`, RoleSessionName: 'probe' })).then(
      () => assert.fail('allowed'),
      (e: Error) => e.message,
    );
    const encoded = /Encoded authorization failure message: (\S+)/.exec(denied)?.[1];
    assert.ok(encoded, denied);
    const err = await server.sts(decoder).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded })).then(
      () => assert.fail('decoded'),
      (e: Error) => e,
    );
    assert.equal(err.name, 'InvalidAuthorizationMessageException');
  });

  test('IMDS: X-Forwarded-For on a token request is 403; no token is 401', async () => {
    const instance = await workload(server, server.root, { kind: 'instance', instanceProfileName: 'web', allowV1: false }, clock);
    try {
      const base = instance.endpoint.kind === 'imds' ? instance.endpoint.url : assert.fail('an IMDS');
      const proxied = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '10.0.0.1' } });
      assert.equal(proxied.status, 403);
      assert.equal((await fetch(`${base}/latest/meta-data/iam/security-credentials/app`)).status, 401);
    } finally {
      await instance.close();
    }
  });
});

async function adminToken(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(`${server.dataDir}/admin-token`, 'utf8')).trim();
}
