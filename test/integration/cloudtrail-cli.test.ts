import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { awsCliAsync, awsCliAvailable, runCli } from '../support/cli-process.ts';
import { createAccount } from '../../src/iam/accounts.ts';

/**
 * CloudTrail with the real aws CLI: after a sequence of IAM, STS and federation calls,
 * `cloudtrail lookup-events` finds them by every lookup attribute, pages, honours time windows
 * and the caller's account, records the denied call as AccessDenied — and no secret the test
 * made is anywhere in the store's raw files or the trail's files. Then a trail delivers, is
 * verified, is tampered with, and every change, deletion and addition is named.
 */
const skip = awsCliAvailable() ? false : 'the aws CLI is not installed';

describe('CloudTrail with the aws CLI', { skip }, () => {
  let server: TestServer;
  let trailDir: string;
  const secrets: string[] = [];
  let aliceKey: Credentials;
  let session: Credentials;
  let deniedRequestId = '';
  let startedAt: Date;

  const cli = (credentials: Credentials, ...args: string[]) => awsCliAsync(server.url, credentials, args);
  const ok = async (pending: ReturnType<typeof cli>) => {
    const result = await pending;
    assert.equal(result.status, 0, result.stderr);
    return result.json;
  };
  const lookup = async (credentials: Credentials, ...args: string[]) => (await ok(cli(credentials, 'cloudtrail', 'lookup-events', ...args))).Events as Array<Record<string, any>>;
  const byAttribute = (key: string, value: string) => lookup(server.root, '--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`);

  before(async () => {
    const base = join(process.env['TMPDIR'] ?? '/tmp', `tessera-ct-${process.pid}-${Date.now()}`);
    trailDir = join(base, 'trails');
    await mkdir(join(trailDir, 'audit-bucket'), { recursive: true });
    await mkdir(join(base, 'data'), { recursive: true });
    // SQLite whatever TESSERA_TEST_STORE says: the secret scan reads the store's raw files.
    server = await startTestServer({ trailDir, store: `sqlite:${join(base, 'data', 'tessera.db')}` });
    startedAt = new Date(Date.now() - 2000);
    const root = server.root;
    const account = server.accountId;

    (await ok(cli(root, 'iam', 'create-user', '--user-name', 'alice')));
    const key = (await ok(cli(root, 'iam', 'create-access-key', '--user-name', 'alice'))).AccessKey;
    aliceKey = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    secrets.push(key.SecretAccessKey);
    const password = 'Pa55word-for-alice-!x9Q';
    (await ok(cli(root, 'iam', 'create-login-profile', '--user-name', 'alice', '--password', password)));
    secrets.push(password);
    (await ok(cli(root, 'iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'p', '--policy-document', JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:GetFederationToken', 'iam:GetUser', 'cloudtrail:LookupEvents'], Resource: '*' }],
    }))));
    (await ok(cli(root, 'iam', 'create-role', '--role-name', 'reader', '--assume-role-policy-document', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/alice` }, Action: 'sts:AssumeRole' }],
    }))));
    (await ok(cli(root, 'iam', 'put-role-policy', '--role-name', 'reader', '--policy-name', 'read', '--policy-document', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }],
    }))));
    // IAM keys take effect at once here; AWS's eventual consistency is not emulated.
    (await ok(cli(aliceKey, 'iam', 'get-user')));
    const assumed = (await ok(cli(aliceKey, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/reader`, '--role-session-name', 'audit-session'))).Credentials;
    session = { accessKeyId: assumed.AccessKeyId, secretAccessKey: assumed.SecretAccessKey, sessionToken: assumed.SessionToken };
    secrets.push(assumed.SecretAccessKey, assumed.SessionToken);
    (await ok(cli(session, 'iam', 'list-roles')));
    const denied = await cli(session, 'iam', 'create-user', '--user-name', 'mallory', '--debug');
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /AccessDenied/);
    deniedRequestId = /x-amzn-RequestId['"]?: ['"]?([0-9a-f-]{36})/i.exec(denied.stderr)?.[1] ?? '';
    assert.ok(deniedRequestId, 'the denied call has a request ID');
    const sessionToken = (await ok(cli(root, 'sts', 'get-session-token'))).Credentials;
    secrets.push(sessionToken.SecretAccessKey, sessionToken.SessionToken);
    const federated = (await ok(cli(aliceKey, 'sts', 'get-federation-token', '--name', 'fed-bob', '--policy', JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
    })))).Credentials;
    secrets.push(federated.SecretAccessKey, federated.SessionToken);
    // A web identity token that no provider vouches for: refused, and the token is never recorded.
    const webToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'x', aud: 'y' })).toString('base64url')}.c2lnbmF0dXJlLXNlY3JldC10b2tlbg`;
    secrets.push(webToken);
    const web = await awsCliAsync(server.url, { accessKeyId: '', secretAccessKey: '' }, ['sts', 'assume-role-with-web-identity', '--role-arn', `arn:aws:iam::${account}:role/reader`,
      '--role-session-name', 'web', '--web-identity-token', webToken, '--no-sign-request']);
    assert.notEqual(web.status, 0);
  });

  after(async () => {
    await server?.stop();
    await rm(join(trailDir, '..'), { recursive: true, force: true });
  });

  test('newest first; every lookup attribute finds its events', async () => {
    const all = (await lookup(server.root));
    assert.ok(all.length >= 12, `${all.length} events`);
    const times = all.map(timeOf);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');

    const created = (await byAttribute('EventName', 'CreateUser'));
    assert.deepEqual(created.map((e) => JSON.parse(e.CloudTrailEvent).errorCode ?? 'ok').sort(), ['AccessDenied', 'ok']);
    assert.ok((await byAttribute('Username', 'alice')).some((e) => e.EventName === 'AssumeRole'));
    assert.ok((await byAttribute('Username', 'audit-session')).some((e) => e.EventName === 'ListRoles'));
    assert.ok((await byAttribute('ReadOnly', 'false')).every((e) => e.ReadOnly === 'false'));
    assert.ok((await byAttribute('ReadOnly', 'true')).some((e) => e.EventName === 'ListRoles'));
    const users = (await byAttribute('ResourceType', 'AWS::IAM::User'));
    assert.ok(users.some((e) => e.EventName === 'CreateLoginProfile'));
    assert.ok((await byAttribute('ResourceName', 'alice')).some((e) => e.EventName === 'CreateAccessKey'));
    assert.ok((await byAttribute('ResourceName', `arn:aws:iam::${server.accountId}:role/reader`)).some((e) => e.EventName === 'AssumeRole'));
    const sts = (await byAttribute('EventSource', 'sts.amazonaws.com'));
    assert.deepEqual([...new Set(sts.map((e) => e.EventName))].sort(), ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);
    assert.ok((await byAttribute('AccessKeyId', aliceKey.accessKeyId)).every((e) => e.AccessKeyId === aliceKey.accessKeyId));
    const one = (await byAttribute('EventId', all[3]!.EventId));
    assert.deepEqual(one.map((e) => e.EventId), [all[3]!.EventId]);
    assert.deepEqual((await byAttribute('EventName', 'NoSuchCall')), []);
  });

  test('the events are CloudTrail records: identities, parameters without secrets, the denied call', async () => {
    const record = async (name: string) => JSON.parse((await byAttribute('EventName', name))[0]!.CloudTrailEvent);
    const assume = (await record('AssumeRole'));
    assert.equal(assume.userIdentity.type, 'IAMUser');
    assert.equal(assume.userIdentity.userName, 'alice');
    assert.equal(assume.eventSource, 'sts.amazonaws.com');
    assert.equal(assume.readOnly, true);
    assert.equal(assume.responseElements.credentials.accessKeyId, session.accessKeyId);
    assert.equal(assume.responseElements.credentials.sessionToken, undefined);
    assert.equal(assume.responseElements.credentials.secretAccessKey, undefined);
    assert.deepEqual(assume.resources, [{ accountId: server.accountId, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${server.accountId}:role/reader` }]);
    const key = (await record('CreateAccessKey'));
    assert.equal(key.responseElements.accessKey.accessKeyId, aliceKey.accessKeyId);
    assert.equal(key.responseElements.accessKey.secretAccessKey, undefined);
    assert.equal((await record('CreateLoginProfile')).requestParameters.password, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.equal((await record('AssumeRoleWithWebIdentity')).requestParameters.webIdentityToken, 'HIDDEN_DUE_TO_SECURITY_REASONS');
    const list = (await record('ListRoles'));
    assert.equal(list.userIdentity.type, 'AssumedRole');
    assert.equal(list.userIdentity.sessionContext.sessionIssuer.arn, `arn:aws:iam::${server.accountId}:role/reader`);
    assert.equal(list.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
    assert.equal(list.responseElements, null, 'read-only calls record no response');
    const denied = (await byAttribute('EventName', 'CreateUser')).map((e) => JSON.parse(e.CloudTrailEvent)).find((e) => e.errorCode);
    assert.equal(denied.errorCode, 'AccessDenied');
    assert.equal(denied.requestID, deniedRequestId);
    assert.match(denied.errorMessage, /^User: arn:aws:sts::\d{12}:assumed-role\/reader\/audit-session is not authorized to perform: iam:CreateUser on resource: .* because no identity-based policy allows the iam:CreateUser action$/);
    for (const field of ['eventVersion', 'eventTime', 'awsRegion', 'sourceIPAddress', 'userAgent', 'requestID', 'eventID', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory']) {
      assert.ok(field in denied, `${field} recorded`);
    }
  });

  test('tessera explain prints the decision of the denied request from the audit log', () => {
    const explained = runCli(['explain', deniedRequestId, '--store', `sqlite:${join(trailDir, '..', 'data', 'tessera.db')}`]);
    assert.equal(explained.status, 0, explained.stderr);
    const out = JSON.parse(explained.stdout);
    assert.equal(out.eventName, 'CreateUser');
    assert.equal(out.decision.decision, 'ImplicitDeny');
    assert.equal(out.decision.action, 'iam:CreateUser');
    assert.ok('aws:SourceIp' in out.decision.evidence.context, 'the condition keys the request was decided with');
    const missing = runCli(['explain', '00000000-0000-4000-8000-000000000000', '--store', `sqlite:${join(trailDir, '..', 'data', 'tessera.db')}`]);
    assert.equal(missing.status, 1);
    assert.equal(runCli(['explain', '../../etc/passwd']).status, 2);
  });

  test('pages with the CLI, and a tampered token is refused', async () => {
    // The service's own pages: --no-paginate hands NextToken through as is.
    const first = (await ok(cli(server.root, 'cloudtrail', 'lookup-events', '--max-results', '5', '--no-paginate')));
    assert.equal(first.Events.length, 5);
    assert.ok(first.NextToken, 'a next page');
    const second = (await ok(cli(server.root, 'cloudtrail', 'lookup-events', '--max-results', '5', '--no-paginate', '--next-token', first.NextToken)));
    const paged = [...first.Events, ...second.Events].map((e: { EventId: string }) => e.EventId);
    // Newer events (these lookups' own) come before the first page; the pages are the history from there on.
    const all = (await lookup(server.root)).map((e) => e.EventId);
    const from = all.indexOf(paged[0]!);
    assert.ok(from >= 0);
    assert.deepEqual(paged, all.slice(from, from + 10));
    const small = (await ok(cli(server.root, 'cloudtrail', 'lookup-events', '--page-size', '3', '--max-items', '7')));
    const again = (await lookup(server.root)).map((e) => e.EventId);
    const at = again.indexOf(small.Events[0].EventId);
    assert.deepEqual(small.Events.map((e: { EventId: string }) => e.EventId), again.slice(at, at + 7), 'pages of 3 walk the same order');

    const tampered = first.NextToken.slice(0, -4) + (first.NextToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const refused = await cli(server.root, 'cloudtrail', 'lookup-events', '--no-paginate', '--next-token', tampered);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /InvalidNextTokenException/);
    assert.match((await cli(server.root, 'cloudtrail', 'lookup-events', '--no-paginate', '--next-token', 'x'.repeat(5000))).stderr, /InvalidNextTokenException|ValidationException/);
    // A token is bound to the filters it was issued for, and to the account.
    const other = await cli(server.root, 'cloudtrail', 'lookup-events', '--no-paginate', '--next-token', first.NextToken, '--lookup-attributes', 'AttributeKey=ReadOnly,AttributeValue=true');
    assert.match(other.stderr, /InvalidNextTokenException/);
    const tooMany = await cli(server.root, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=ReadOnly,AttributeValue=true', 'AttributeKey=EventName,AttributeValue=ListRoles');
    assert.match(tooMany.stderr, /InvalidLookupAttributesException/);
    const over = await cli(server.root, 'cloudtrail', 'lookup-events', '--max-results', '51', '--no-paginate');
    assert.notEqual(over.status, 0);
  });

  test('time windows', async () => {
    const before = (await lookup(server.root, '--start-time', '2001-01-01T00:00:00Z', '--end-time', new Date(startedAt.getTime() - 60_000).toISOString()));
    assert.deepEqual(before, []);
    const during = (await lookup(server.root, '--start-time', startedAt.toISOString(), '--end-time', new Date(Date.now() + 1000).toISOString()));
    assert.ok(during.length >= 12);
    const all = (await lookup(server.root));
    const pivot = new Date(timeOf(all[5]!));
    const older = (await lookup(server.root, '--end-time', pivot.toISOString()));
    assert.ok(older.every((e) => timeOf(e) < pivot.getTime() + 1000));
    assert.ok(older.length < all.length + 2 && older.length >= all.length - 6);
    const reversed = await cli(server.root, 'cloudtrail', 'lookup-events', '--start-time', '2030-01-02T00:00:00Z', '--end-time', '2030-01-01T00:00:00Z');
    assert.match(reversed.stderr, /InvalidTimeRangeException/);
  });

  test("the caller's account only, authorized as cloudtrail:LookupEvents", async () => {
    const other = await createAccount({ store: server.tessera.deps.store, secrets: server.tessera.deps.secrets, clock: server.tessera.deps.clock, random: server.tessera.deps.random });
    secrets.push(other.secretAccessKey);
    const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
    const theirs = (await lookup(otherRoot));
    assert.deepEqual(theirs.map((e) => e.EventName), [], "no event of the other account");
    assert.ok((await lookup(aliceKey)).length > 0, 'alice may look up');
    const refused = await cli(session, 'cloudtrail', 'lookup-events');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /AccessDeniedException/);
    assert.match(refused.stderr, /cloudtrail:LookupEvents/);
  });

  test('a trail delivers signed, chained files; verify passes; a change, a deletion and an addition are each named', async () => {
    const root = server.root;
    const verify = () => runCli(['audit', 'verify', '--trail', 'audit-trail', '--account-id', server.accountId, '--trail-dir', trailDir,
      '--store', `sqlite:${join(trailDir, '..', 'data', 'tessera.db')}`]);
    const created = (await ok(cli(root, 'cloudtrail', 'create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-bucket', '--enable-log-file-validation', '--is-multi-region-trail')));
    assert.equal(created.TrailARN, `arn:aws:cloudtrail:us-east-1:${server.accountId}:trail/audit-trail`);
    assert.equal(created.LogFileValidationEnabled, true);
    const missingBucket = await cli(root, 'cloudtrail', 'create-trail', '--name', 'other', '--s3-bucket-name', 'no-such-bucket');
    assert.match(missingBucket.stderr, /S3BucketDoesNotExistException/);
    assert.match((await cli(root, 'cloudtrail', 'create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-bucket')).stderr, /TrailAlreadyExistsException/);
    assert.match((await cli(root, 'cloudtrail', 'create-trail', '--name', 'a..b', '--s3-bucket-name', 'audit-bucket')).stderr, /InvalidTrailNameException/);
    assert.equal((await ok(cli(root, 'cloudtrail', 'get-trail-status', '--name', 'audit-trail'))).IsLogging, false);
    (await ok(cli(root, 'cloudtrail', 'start-logging', '--name', 'audit-trail')));
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'delivered-1')));
    // Log files as events come; digests only hourly (delivery.test.ts moves the clock) — and
    // one final digest after StopLogging, which ends the chain.
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 0 });
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'delivered-2')));
    (await ok(cli(aliceKey, 'iam', 'get-user')));
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 0 });
    let status = (await ok(cli(root, 'cloudtrail', 'get-trail-status', '--name', 'audit-trail')));
    assert.equal(status.IsLogging, true);
    assert.equal(status.LatestDigestDeliveryTime, undefined);
    (await ok(cli(root, 'cloudtrail', 'stop-logging', '--name', 'audit-trail')));
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'after-the-stop')));
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 1 });
    status = (await ok(cli(root, 'cloudtrail', 'get-trail-status', '--name', 'audit-trail')));
    assert.equal(status.IsLogging, false);
    assert.ok(status.LatestDigestDeliveryTime);
    // Logging again: a new chain, closed by the next stop.
    (await ok(cli(root, 'cloudtrail', 'start-logging', '--name', 'audit-trail')));
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'delivered-3')));
    (await ok(cli(root, 'cloudtrail', 'stop-logging', '--name', 'audit-trail')));
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 1 });
    assert.deepEqual((await ok(cli(root, 'cloudtrail', 'describe-trails'))).trailList.map((t: { Name: string }) => t.Name), ['audit-trail']);
    assert.equal((await ok(cli(root, 'cloudtrail', 'get-trail', '--name', created.TrailARN))).Trail.S3BucketName, 'audit-bucket');
    assert.equal((await ok(cli(root, 'cloudtrail', 'list-public-keys'))).PublicKeyList.length, 1);

    const files = await filesUnder(join(trailDir, 'audit-bucket'));
    const logs = files.filter((f) => f.includes('/CloudTrail/') && f.endsWith('.json.gz')).sort();
    const digests = files.filter((f) => f.includes('/CloudTrail-Digest/') && f.endsWith('.json.gz'));
    assert.equal(logs.length, 4);
    assert.equal(digests.length, 2);
    assert.match(logs[0]!, new RegExp(`AWSLogs/${server.accountId}/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/${server.accountId}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[0-9A-F]{16}\\.json\\.gz$`));
    const delivered = logs.map((f) => JSON.parse(gunzipSync(readFileSync(f)).toString()).Records).flat();
    const groups = delivered.filter((r: { eventName: string }) => r.eventName === 'CreateGroup').map((r: { requestParameters: { groupName: string } }) => r.requestParameters.groupName);
    assert.deepEqual(groups.sort(), ['delivered-1', 'delivered-2', 'delivered-3'], 'nothing recorded while stopped');
    assert.equal(delivered.filter((r: { eventName: string }) => r.eventName === 'StartLogging').length, 2);
    assert.equal(delivered.filter((r: { eventName: string }) => r.eventName === 'StopLogging').length, 2, 'each last delivery ends with its StopLogging event');
    const chainStarts = digests.map((f) => JSON.parse(gunzipSync(readFileSync(f)).toString()).previousDigestSignature);
    assert.deepEqual(chainStarts, [null, null], 'each logging period is a chain of its own');

    let result = verify();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /2 digest file\(s\), 4 log file\(s\): valid/);

    // Changed: a log file rewritten with one event altered.
    const target = logs[0]!;
    const original = await readFile(target);
    const altered = JSON.parse(gunzipSync(original).toString());
    altered.Records[0].sourceIPAddress = '203.0.113.9';
    await writeFile(target, gzipSync(JSON.stringify(altered)));
    result = verify();
    assert.equal(result.status, 1);
    assert.ok(result.stdout.includes(`changed: ${relativeKey(target)}`), result.stdout);
    await writeFile(target, original);
    assert.equal(verify().status, 0);

    // Deleted: the oldest digest.
    const oldestDigest = [...digests].sort()[0]!;
    const digestBytes = await readFile(oldestDigest);
    await unlink(oldestDigest);
    result = verify();
    assert.equal(result.status, 1);
    assert.ok(result.stdout.includes(`deleted: ${relativeKey(oldestDigest)}`), result.stdout);
    await writeFile(oldestDigest, digestBytes);

    // Added: a forged log file no digest lists.
    const forged = target.replace(/_[0-9A-F]{16}\.json\.gz$/, '_FFFFFFFFFFFFFFFF.json.gz');
    await writeFile(forged, gzipSync(JSON.stringify({ Records: [] })));
    result = verify();
    assert.equal(result.status, 1);
    assert.ok(result.stdout.includes(`added: ${relativeKey(forged)}`), result.stdout);
    await unlink(forged);

    // A digest re-signed with another key, or its signature metadata replaced, is changed.
    const newestDigest = [...digests].sort().at(-1)!;
    const meta = `${newestDigest}.metadata.json`;
    const metaBytes = await readFile(meta);
    await writeFile(meta, JSON.stringify({ signature: 'ab'.repeat(256), 'signature-algorithm': 'SHA256withRSA' }));
    result = verify();
    assert.equal(result.status, 1);
    assert.ok(result.stdout.includes(`changed: ${relativeKey(newestDigest)}`), result.stdout);
    await writeFile(meta, metaBytes);
    assert.equal(verify().status, 0);
  });

  test('a trail moved to another bucket, then deleted: its last delivery ends with DeleteTrail, its closing digest lists both buckets, verify follows the deleted trail', async () => {
    const root = server.root;
    const verify = () => runCli(['audit', 'verify', '--trail', 'audit-trail', '--account-id', server.accountId, '--trail-dir', trailDir,
      '--store', `sqlite:${join(trailDir, '..', 'data', 'tessera.db')}`]);
    await mkdir(join(trailDir, 'moved-bucket'), { recursive: true });
    (await ok(cli(root, 'cloudtrail', 'start-logging', '--name', 'audit-trail')));
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'before-the-move')));
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 0 });
    const moved = (await ok(cli(root, 'cloudtrail', 'update-trail', '--name', 'audit-trail', '--s3-bucket-name', 'moved-bucket', '--s3-key-prefix', 'archive')));
    assert.equal(moved.S3BucketName, 'moved-bucket');
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'after-the-move')));
    (await ok(cli(root, 'cloudtrail', 'delete-trail', '--name', 'audit-trail')));
    (await ok(cli(root, 'iam', 'create-group', '--group-name', 'after-the-deletion')));
    assert.match((await cli(root, 'cloudtrail', 'get-trail-status', '--name', 'audit-trail')).stderr, /TrailNotFoundException/);
    // The name is free at once; a trail that never logged leaves nothing behind when deleted.
    (await ok(cli(root, 'cloudtrail', 'create-trail', '--name', 'audit-trail', '--s3-bucket-name', 'audit-bucket')));
    (await ok(cli(root, 'cloudtrail', 'delete-trail', '--name', 'audit-trail')));

    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 1, logFiles: 1, digests: 1 });
    assert.deepEqual(await server.tessera.deliverTrails(), { trails: 0, logFiles: 0, digests: 0 }, 'a deleted trail delivers nothing more');
    const movedFiles = await filesUnder(join(trailDir, 'moved-bucket'));
    const [movedLog] = movedFiles.filter((f) => f.includes('/archive/AWSLogs/') && f.includes('/CloudTrail/') && f.endsWith('.json.gz'));
    const records = JSON.parse(gunzipSync(readFileSync(movedLog!)).toString()).Records as Array<{ eventName: string; requestParameters: { groupName?: string; name?: string } }>;
    assert.deepEqual(records.map((r) => r.eventName), ['UpdateTrail', 'CreateGroup', 'DeleteTrail'], 'the events up to and including the DeleteTrail event');
    assert.equal(records[1]!.requestParameters.groupName, 'after-the-move');
    assert.equal(records[2]!.requestParameters.name, 'audit-trail');
    const [closingFile] = movedFiles.filter((f) => f.includes('/CloudTrail-Digest/') && f.endsWith('.json.gz'));
    const closing = JSON.parse(gunzipSync(readFileSync(closingFile!)).toString());
    assert.equal(closing.digestS3Bucket, 'moved-bucket');
    assert.deepEqual(closing.logFiles.map((f: { s3Bucket: string }) => f.s3Bucket), ['audit-bucket', 'moved-bucket']);

    let result = verify();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /\(deleted [^)]+\): 3 digest file\(s\), 6 log file\(s\): valid/);
    // A file slipped into the new location, and one into the old (named with its bucket).
    const forgedHere = movedLog!.replace(/_[0-9A-F]{16}\.json\.gz$/, '_FFFFFFFFFFFFFFFF.json.gz');
    const oldLog = (await filesUnder(join(trailDir, 'audit-bucket'))).filter((f) => f.includes('/CloudTrail/') && f.endsWith('.json.gz')).sort()[0]!;
    const forgedThere = oldLog.replace(/_[0-9A-F]{16}\.json\.gz$/, '_EEEEEEEEEEEEEEEE.json.gz');
    for (const forged of [forgedHere, forgedThere]) await writeFile(forged, gzipSync(JSON.stringify({ Records: [] })));
    result = verify();
    assert.equal(result.status, 1);
    assert.ok(result.stdout.includes(`added: archive/${relativeKey(forgedHere)}`), result.stdout);
    assert.ok(result.stdout.includes(`added: s3://audit-bucket/${relativeKey(forgedThere)}`), result.stdout);
    assert.match(result.stdout, /: 2 problem\(s\)/);
    for (const forged of [forgedHere, forgedThere]) await unlink(forged);
    assert.equal(verify().status, 0);
  });

  test('no secret the test made is anywhere: not in the raw store files, not in a delivered file', async () => {
    await server.tessera.deps.audit.flush();
    assert.ok(secrets.length >= 9);
    const dataDir = join(trailDir, '..', 'data');
    const raw = Buffer.concat(await Promise.all((await readdir(dataDir)).map((name) => readFile(join(dataDir, name)))));
    const delivered = Buffer.concat(await Promise.all((await filesUnder(join(trailDir, 'audit-bucket'))).map(async (f) => {
      const bytes = await readFile(f);
      return f.endsWith('.gz') ? gunzipSync(bytes) : bytes;
    })));
    const events = await server.tessera.deps.store.listAudit({ limit: 10_000 });
    const history = Buffer.from(JSON.stringify(events));
    assert.ok(raw.length > 10_000 && history.length > 10_000);
    for (const secret of secrets) {
      for (const [where, bytes] of [['raw store files', raw], ['trail files', delivered], ['event history', history]] as const) {
        assert.equal(bytes.indexOf(secret), -1, `a secret (${secret.slice(0, 4)}…) found in the ${where}`);
      }
    }
  });
});

/** The aws CLI prints EventTime as epoch seconds. */
function timeOf(event: Record<string, any>): number {
  return typeof event['EventTime'] === 'number' ? event['EventTime'] * 1000 : Date.parse(event['EventTime']);
}

function relativeKey(file: string): string {
  return file.slice(file.indexOf('/AWSLogs/') + 1);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}
