import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import { signedJson } from '../support/raw-request.ts';
import { EVENTUALLY_MS, waitUntil } from '../support/wait.ts';

/**
 * Differences from CloudTrail found by a sweep with the aws CLI and boto3, each checked against
 * AWS's documentation: Insights lookups take only EventId, EventName and EventSource; a trail
 * name over 128 characters is "too long"; GetTrailStatus' string times are to the second; a web
 * identity caller's principalId is CloudTrail's `provider:audience:subject`.
 */
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';

describe('CloudTrail fidelity sweep', () => {
  let server: TestServer;
  let base: string;
  const call = (operation: string, input: object) => signedJson(server.url, server.root, TARGET + operation, input, { service: 'cloudtrail' });
  const errorOf = (body: string) => {
    const parsed = JSON.parse(body) as { __type: string; Message?: string; message?: string };
    return { code: parsed.__type, message: parsed.Message ?? parsed.message ?? '' };
  };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'tessera-ct-sweep-'));
    await mkdir(join(base, 'sweep-bucket'), { recursive: true });
    server = await startTestServer({ trailDir: base, trailDeliverySeconds: 1 });
  });
  after(async () => {
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  });

  test('an Insights lookup by an attribute Insights events do not have is InvalidLookupAttributesException', async () => {
    // LookupEvents' reference: Insights events are looked up by EventId, EventName, EventSource.
    for (const key of ['Username', 'ReadOnly', 'ResourceType', 'ResourceName', 'AccessKeyId']) {
      const res = await call('LookupEvents', { EventCategory: 'insight', LookupAttributes: [{ AttributeKey: key, AttributeValue: 'x' }] });
      assert.equal(res.status, 400, `${key}: ${res.body}`);
      const body = errorOf(res.body);
      assert.match(body.code, /InvalidLookupAttributesException$/, key);
      assert.match(body.message, new RegExp(`^${key} is not a valid lookup attribute for Insights events`));
    }
    for (const key of ['EventId', 'EventName', 'EventSource']) {
      const res = await call('LookupEvents', { EventCategory: 'insight', LookupAttributes: [{ AttributeKey: key, AttributeValue: 'x' }] });
      assert.equal(res.status, 200, `${key}: ${res.body}`);
      assert.deepEqual(JSON.parse(res.body), { Events: [] });
    }
    // Without the insight category every key is still a management lookup.
    const managed = await call('LookupEvents', { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }], MaxResults: 1 });
    assert.equal(managed.status, 200, managed.body);
  });

  test('a trail name over 128 characters is refused as too long, with its length', async () => {
    const res = await call('CreateTrail', { Name: 'a'.repeat(129), S3BucketName: 'sweep-bucket' });
    assert.equal(res.status, 400, res.body);
    const body = errorOf(res.body);
    assert.match(body.code, /InvalidTrailNameException$/);
    assert.equal(body.message, 'Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters.');
    const short = errorOf((await call('CreateTrail', { Name: 'ab', S3BucketName: 'sweep-bucket' })).body);
    assert.equal(short.message, 'Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.');
    // 128 is allowed.
    const longest = await call('CreateTrail', { Name: 'b'.repeat(128), S3BucketName: 'sweep-bucket' });
    assert.equal(longest.status, 200, longest.body);
    assert.equal((await call('DeleteTrail', { Name: 'b'.repeat(128) })).status, 200);
  });

  test("GetTrailStatus' string times are to the second, as CloudTrail writes them", { skip: awsCliAvailable() ? false : 'no aws CLI' }, async () => {
    const cli = (...args: string[]) => awsCliAsync(server.url, server.root, ['cloudtrail', ...args]);
    assert.equal((await cli('create-trail', '--name', 'status-trail', '--s3-bucket-name', 'sweep-bucket')).status, 0);
    assert.equal((await cli('start-logging', '--name', 'status-trail')).status, 0);
    await server.iam().send(new ListUsersCommand({}));
    const whole = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    // The first delivery (every second here) sets the delivery attempt times.
    let delivered: Record<string, unknown> = {};
    assert.ok(await waitUntil(async () => {
      delivered = (await cli('get-trail-status', '--name', 'status-trail')).json as Record<string, unknown>;
      return delivered['LatestDeliveryAttemptTime'] !== undefined;
    }, EVENTUALLY_MS), JSON.stringify(delivered));
    assert.match(String(delivered['TimeLoggingStarted']), whole);
    assert.match(String(delivered['LatestDeliveryAttemptTime']), whole);
    assert.match(String(delivered['LatestDeliveryAttemptSucceeded']), whole);
    // The number times keep their milliseconds (the CLI prints epoch seconds).
    assert.equal(typeof delivered['StartLoggingTime'], 'number');
    assert.equal(new Date(Number(delivered['StartLoggingTime']) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), delivered['TimeLoggingStarted']);
    assert.equal((await cli('stop-logging', '--name', 'status-trail')).status, 0);
    const stopped = (await cli('get-trail-status', '--name', 'status-trail')).json as Record<string, unknown>;
    assert.match(String(stopped['TimeLoggingStopped']), whole);
  });
});

describe('CloudTrail fidelity sweep: a web identity caller', () => {
  let server: TestServer;
  let idp: TestIdp;

  before(async () => {
    server = await startTestServer();
    idp = await startTestIdp();
  });
  after(async () => {
    await idp?.close();
    await server?.stop();
  });

  test("AssumeRoleWithWebIdentity's userIdentity has CloudTrail's principalId: provider, audience and subject", async () => {
    const iam = server.iam();
    const providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
    const provider = idp.issuer.slice('https://'.length);
    const roleArn = (await iam.send(new CreateRoleCommand({
      RoleName: 'web', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
    }))).Role!.Arn!;
    const out = await server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn, RoleSessionName: 'web-session', WebIdentityToken: await idp.mint({ sub: 'user-42', aud: 'sts.amazonaws.com' }),
    }));
    await server.tessera.deps.audit.flush();
    const [event] = await server.tessera.deps.store.auditByRequestId(out.$metadata.requestId!);
    const identity = (event!.data as { record: { userIdentity: Record<string, unknown> } }).record.userIdentity;
    assert.deepEqual(identity, {
      type: 'WebIdentityUser',
      principalId: `${provider}:sts.amazonaws.com:user-42`,
      userName: 'user-42',
      identityProvider: provider,
    });
  });
});
