import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { motoS3As } from '../support/moto-s3.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { sha256Hex, signingString, type DigestDocument } from '../../src/cloudtrail/digest.ts';
import { publicKeysOf, verifySignature } from '../../src/cloudtrail/signing-keys.ts';
import { verifyTrail } from '../../src/cloudtrail/verify.ts';
import { TRAIL_KIND, type TrailData } from '../../src/cloudtrail/trail-records.ts';
import { s3TrailObjects } from '../../src/server/gateway/s3-trail-objects.ts';
import { upstreamFor } from '../../src/gateway/upstreams.ts';
import { runCli } from '../support/cli-process.ts';
import { join } from 'node:path';

/**
 * Trails delivering to S3 through the gateway's upstream (moto_server): the bucket is made
 * through Tessera, CreateTrail is refused until the bucket policy lets CloudTrail write (as the
 * policy engine decides CloudTrail's own PutObject and GetBucketAcl), and the delivered
 * objects — read from moto directly, as the bucket's account — hold the gzip'd Records and a
 * signed hourly digest chain in CloudTrail's layout. The server's clock is real time plus an
 * offset the test moves forward once its last request is made (a request signed at real time
 * would otherwise be too far from the server's).
 */
const BUCKET = 'trail-s3-delivery';

describe('trail delivery to S3 through the upstream', () => {
  let env: GatewayEnv;
  let account: string;
  let moto: S3Client;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  const cli = async (...args: string[]) => env.cli(args, env.server.root);
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout);
  };
  const refusedWith = async (code: string, ...args: string[]) => {
    const result = await cli(...args);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`\\(${code}\\)`));
    return result.stderr;
  };
  const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const policyOf = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const aclCheck = { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` };
  const cloudTrailWrites = (resource: string) => ({ Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: resource, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } });
  const objects = async (prefix: string) => ((await moto.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
  const read = async (key: string) => Buffer.from(await (await moto.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());

  before(async () => {
    env = await startGatewayEnv({}, { clock });
    account = env.server.accountId;
    // moto directly, as the bucket's account: not through Tessera.
    moto = motoS3As(env.moto.url, account);
    await env.s3(env.server.root).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    moto?.destroy();
    await env?.stop();
  });

  test('CreateTrail is refused until the bucket policy lets cloudtrail.amazonaws.com put the trail\'s objects', async () => {
    const create = ['cloudtrail', 'create-trail', '--name', 'audit', '--s3-bucket-name', BUCKET, '--s3-key-prefix', 'logs', '--enable-log-file-validation'];
    const noPolicy = await refusedWith('InsufficientS3BucketPolicyException', ...create);
    assert.match(noPolicy, new RegExp(`Incorrect S3 bucket policy is detected for bucket: ${BUCKET}`));
    const s3 = env.s3(env.server.root);
    // Another service, another account's folder, and everyone denied: each still refused.
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policyOf(aclCheck, { ...cloudTrailWrites(`arn:aws:s3:::${BUCKET}/logs/AWSLogs/${account}/*`), Principal: { Service: 'config.amazonaws.com' } }) }));
    await refusedWith('InsufficientS3BucketPolicyException', ...create);
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policyOf(aclCheck, cloudTrailWrites(`arn:aws:s3:::${BUCKET}/logs/AWSLogs/111111111111/*`)) }));
    await refusedWith('InsufficientS3BucketPolicyException', ...create);
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      aclCheck, cloudTrailWrites(`arn:aws:s3:::${BUCKET}/*`), { Sid: 'NoWrites', Effect: 'Deny', Principal: '*', Action: 's3:Put*', Resource: `arn:aws:s3:::${BUCKET}/*` },
    ] }) }));
    await refusedWith('InsufficientS3BucketPolicyException', ...create);
    await refusedWith('S3BucketDoesNotExistException', 'cloudtrail', 'create-trail', '--name', 'nowhere', '--s3-bucket-name', 'no-such-bucket-here');

    const writes = cloudTrailWrites(`arn:aws:s3:::${BUCKET}/logs/AWSLogs/${account}/*`);
    // Without the GetBucketAcl grant AWS's required policy has: refused.
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy(writes) }));
    await refusedWith('InsufficientS3BucketPolicyException', ...create);
    // A condition CloudTrail's request for this trail does not meet: another trail's ARN.
    const sourceArn = (name: string) => ({ ...writes, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}` } } });
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policyOf(aclCheck, sourceArn('another')) }));
    await refusedWith('InsufficientS3BucketPolicyException', ...create);

    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policyOf(aclCheck, sourceArn('audit')) }));
    const trail = await ok(...create);
    assert.equal(trail.S3BucketName, BUCKET);
    // UpdateTrail checks the new prefix against the policy too.
    await refusedWith('InsufficientS3BucketPolicyException', 'cloudtrail', 'update-trail', '--name', 'audit', '--s3-key-prefix', 'elsewhere');
  });

  test('delivery puts gzip\'d Records and a signed digest chain in the bucket, in CloudTrail\'s layout', async () => {
    await ok('cloudtrail', 'start-logging', '--name', 'audit');
    await ok('iam', 'create-user', '--user-name', 'delivered-one');
    await env.s3(env.server.root).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/a.txt', Body: 'a' }));
    const first = await env.server.tessera.deliverTrails();
    assert.ok(first.logFiles >= 1 && first.digests === 0, JSON.stringify(first));
    await ok('iam', 'create-user', '--user-name', 'delivered-two');
    // The last request made: the clock moves on an hour — the first hour's digest, and the
    // second hour's log file — then another — the second hour's digest, chained to the first.
    offsetMs = 61 * 60_000;
    const second = await env.server.tessera.deliverTrails();
    assert.ok(second.logFiles >= 1 && second.digests === 1, JSON.stringify(second));
    offsetMs = 122 * 60_000;
    const third = await env.server.tessera.deliverTrails();
    assert.deepEqual(third, { trails: 1, logFiles: 0, digests: 1 });
    // An hour without log files has its digest too, listing none.
    offsetMs = 183 * 60_000;
    assert.deepEqual(await env.server.tessera.deliverTrails(), { trails: 1, logFiles: 0, digests: 1 });

    const logKeys = await objects(`logs/AWSLogs/${account}/CloudTrail/`);
    const digestKeys = await objects(`logs/AWSLogs/${account}/CloudTrail-Digest/`);
    assert.equal(digestKeys.length, 3);
    assert.equal(logKeys.length, first.logFiles + second.logFiles);
    for (const key of logKeys) assert.match(key, new RegExp(`^logs/AWSLogs/${account}/CloudTrail/[a-z0-9-]+/\\d{4}/\\d{2}/\\d{2}/${account}_CloudTrail_[a-z0-9-]+_\\d{8}T\\d{4}Z_[0-9A-F]{16}\\.json\\.gz$`));
    for (const key of digestKeys) assert.match(key, new RegExp(`^logs/AWSLogs/${account}/CloudTrail-Digest/us-east-1/\\d{4}/\\d{2}/\\d{2}/${account}_CloudTrail-Digest_us-east-1_audit_us-east-1_\\d{8}T\\d{6}Z\\.json\\.gz$`));

    const logJson = new Map<string, string>();
    const names: string[] = [];
    for (const key of logKeys) {
      const json = gunzipSync(await read(key)).toString('utf8');
      logJson.set(key, json);
      for (const record of JSON.parse(json).Records as Array<Record<string, any>>) {
        assert.equal(record['recipientAccountId'], account);
        names.push(`${record['eventSource']} ${record['eventName']}`);
      }
    }
    assert.ok(names.includes('iam.amazonaws.com CreateUser'), names.join(', '));
    // A data event: delivered only to a trail whose event selectors ask for it, and this trail has none
    // (cloudtrail-event-selectors.test.ts delivers them).
    assert.ok(!names.includes('s3.amazonaws.com PutObject'), names.join(', '));

    const [olderKey, newerKey, emptyKey] = digestKeys as [string, string, string];
    const emptyDigest = JSON.parse(gunzipSync(await read(emptyKey)).toString('utf8')) as DigestDocument;
    assert.deepEqual(emptyDigest.logFiles, []);
    assert.equal(emptyDigest.newestEventTime, null);
    assert.equal(emptyDigest.previousDigestS3Object, newerKey);
    const older = gunzipSync(await read(olderKey)).toString('utf8');
    const newer = gunzipSync(await read(newerKey)).toString('utf8');
    const olderDigest = JSON.parse(older) as DigestDocument;
    const newerDigest = JSON.parse(newer) as DigestDocument;
    assert.equal(olderDigest.previousDigestS3Object, null);
    assert.equal(newerDigest.previousDigestS3Bucket, BUCKET);
    assert.equal(newerDigest.previousDigestS3Object, olderKey);
    assert.equal(newerDigest.previousDigestHashValue, sha256Hex(older));
    const listed = [...olderDigest.logFiles, ...newerDigest.logFiles];
    assert.deepEqual(listed.map((f) => f.s3Object).sort(), logKeys);
    for (const file of listed) assert.equal(file.hashValue, sha256Hex(logJson.get(file.s3Object)!));
    // The signature is the object's S3 metadata, checked with the account's public key.
    const keys = await publicKeysOf(env.server.tessera.deps.store, account);
    for (const [key, json, digest] of [[olderKey, older, olderDigest], [newerKey, newer, newerDigest]] as const) {
      const head = await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      assert.equal(head.Metadata?.['signature-algorithm'], 'SHA256withRSA');
      const signer = keys.find((k) => k.fingerprint === digest.digestPublicKeyFingerprint)!;
      assert.ok(verifySignature(signer.der, signingString(digest, sha256Hex(json)), head.Metadata!['signature']!));
    }
    assert.equal(newerDigest.previousDigestSignature, (await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: olderKey }))).Metadata!['signature']);
  });

  test('the integrity check reads the bucket through the upstream and names an object added behind its back', async () => {
    const deps = env.server.tessera.deps;
    const store = s3TrailObjects({ client: deps.gateway.client, upstream: upstreamFor(deps.gateway.settings, 's3')!, owners: deps.gateway.owners, defaultAccount: () => account });
    const trail = (await deps.store.getByName<TrailData>(account, TRAIL_KIND, 'audit'))!;
    const keys = await publicKeysOf(deps.store, account);
    const clean = await verifyTrail(store, { name: trail.name, accountId: account, data: trail.data }, keys);
    assert.equal(clean.valid, true, JSON.stringify(clean.findings));
    assert.equal(clean.digests, 3);
    // `tessera audit verify` with serve's --upstream: no --trail-dir needed (the SQLite store only: it reads the store's file).
    const onSqlite = process.env['TESSERA_TEST_STORE'] !== 'postgres';
    const verify = () => runCli(['audit', 'verify', '--trail', 'audit', '--account-id', account, '--upstream', env.moto.url, '--store', `sqlite:${join(env.server.dataDir, 'tessera.db')}`]);
    if (onSqlite) {
      const cli = verify();
      assert.equal(cli.status, 0, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /3 digest file\(s\), \d+ log file\(s\): valid/);
    }
    const forged = `logs/AWSLogs/${account}/CloudTrail/us-east-1/2026/01/01/${account}_CloudTrail_us-east-1_20260101T0000Z_FORGED0000000000.json.gz`;
    await moto.send(new PutObjectCommand({ Bucket: BUCKET, Key: forged, Body: 'not gzip' }));
    const tampered = await verifyTrail(store, { name: trail.name, accountId: account, data: trail.data }, keys);
    assert.equal(tampered.valid, false);
    assert.deepEqual(tampered.findings.map((f) => `${f.kind} ${f.object}`), [`added ${forged}`]);
    if (onSqlite) {
      const cli = verify();
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.ok(cli.stdout.includes(`added: ${forged}`), cli.stdout);
    }
    // The empty hour's digest rewritten to list a file: changed.
    const emptyKey = (await objects(`logs/AWSLogs/${account}/CloudTrail-Digest/`))[2]!;
    const emptyDigest = JSON.parse(gunzipSync(await read(emptyKey)).toString('utf8')) as DigestDocument;
    const metadata = (await moto.send(new HeadObjectCommand({ Bucket: BUCKET, Key: emptyKey }))).Metadata;
    const forgedListing = { ...emptyDigest, logFiles: [{ s3Bucket: BUCKET, s3Object: forged, hashValue: sha256Hex('x'), hashAlgorithm: 'SHA-256' }] };
    await moto.send(new PutObjectCommand({ Bucket: BUCKET, Key: emptyKey, Body: gzipSync(JSON.stringify(forgedListing)), Metadata: metadata }));
    const changed = await verifyTrail(store, { name: trail.name, accountId: account, data: trail.data }, keys);
    assert.ok(changed.findings.some((f) => f.kind === 'changed' && f.object === emptyKey), JSON.stringify(changed.findings));
    if (onSqlite) {
      const cli = verify();
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.ok(cli.stdout.includes(`changed: ${emptyKey}`), cli.stdout);
    }
    const usage = runCli(['audit', 'verify', '--trail', 'audit', '--account-id', account, '--upstream', 'ftp://example.com']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /must be an http:\/\/ or https:\/\/ URL/);
  });
});
