import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { runDevCertCommand } from '../../src/cli/dev-cert-command.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { runAwsCli } from '../support/aws-cli-run.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * The fidelity sweep of S3's bucket configuration sub-resources and grant headers with the aws
 * CLI (`aws s3api …`) through Tessera in front of moto: each configuration call is decided as
 * the action the S3 API Reference names, on the bucket (a grant on the bucket's objects does not
 * do), refused in S3's XML with AWS's wording, and answered as moto answers when allowed.
 * PutBucketReplication needs iam:PassRole on its role; PutBucketInventoryConfiguration is
 * decided on s3:InventoryAccessibleOptionalFields; ACL, storage-class, KMS-key and copy headers
 * are the condition keys of their name.
 */
describe('S3 bucket configurations through the gateway (aws s3api)', () => {
  let env: GatewayEnv;
  let root: Credentials;
  let work: string;
  const BUCKET = 'config-sweep';
  const LOCKED = 'config-sweep-locked';
  const bucket = (name = BUCKET) => `arn:aws:s3:::${name}`;
  const objects = (name = BUCKET) => `arn:aws:s3:::${name}/*`;

  const s3api = async (args: string[], credentials: Credentials) => {
    const run = await env.cli(['s3api', ...args, '--output', 'json'], credentials);
    return { ...run, json: run.code === 0 && run.stdout.trim() !== '' ? (JSON.parse(run.stdout) as Record<string, unknown>) : undefined };
  };
  const ok = async (args: string[], credentials: Credentials) => {
    const run = await s3api(args, credentials);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return run.json ?? {};
  };
  const refused = async (args: string[], credentials: Credentials & { arn: string }, operation: string, action: string, resource: string) => {
    const run = await s3api(args, credentials);
    assert.notEqual(run.code, 0, `expected a refusal of ${args.join(' ')}`);
    assert.equal(
      run.stderr.trim(),
      // S3 quotes its resources; iam:PassRole's refusal names the role as IAM does, unquoted.
      `An error occurred (AccessDenied) when calling the ${operation} operation: User: ${credentials.arn} is not authorized to perform: ${action} on resource: ${action.startsWith('iam:') ? resource : `"${resource}"`} because no identity-based policy allows the ${action} action`,
    );
  };
  /** The same read sent to moto directly: what the gateway must pass back unchanged. */
  const direct = (args: string[]) => new Promise<string>((resolve, reject) => {
    const child = spawn('aws', ['--endpoint-url', env.moto.url, 's3api', ...args, '--output', 'json'], {
      env: { PATH: process.env['PATH'], HOME: work, AWS_ACCESS_KEY_ID: 'direct', AWS_SECRET_ACCESS_KEY: 'direct', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr))));
  });

  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    work = await mkdtemp(join(tmpdir(), 'tessera-config-sweep-'));
    await ok(['create-bucket', '--bucket', BUCKET], root);
    await ok(['put-bucket-versioning', '--bucket', BUCKET, '--versioning-configuration', 'Status=Enabled'], root);
    await ok(['create-bucket', '--bucket', LOCKED, '--object-lock-enabled-for-bucket'], root);
  });
  after(async () => {
    await env?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // Each configuration: its write (and the delete that is authorized as the write), its read, the
  // CLI operation names, and the actions. Deletes of inventory/analytics/metrics/intelligent-tiering
  // configurations are left out of the forwarded calls: moto reads those DELETEs as DeleteBucket.
  const CONFIGURATIONS: { name: string; put: string[]; putOp: string; putAction: string; get: string[]; getOp: string; getAction: string; del?: string[]; delOp?: string; delAction?: string }[] = [
    {
      name: 'lifecycle',
      put: ['put-bucket-lifecycle-configuration', '--lifecycle-configuration', JSON.stringify({ Rules: [{ ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }] })],
      putOp: 'PutBucketLifecycleConfiguration', putAction: 's3:PutLifecycleConfiguration',
      get: ['get-bucket-lifecycle-configuration'], getOp: 'GetBucketLifecycleConfiguration', getAction: 's3:GetLifecycleConfiguration',
      del: ['delete-bucket-lifecycle'], delOp: 'DeleteBucketLifecycle', delAction: 's3:PutLifecycleConfiguration',
    },
    {
      name: 'CORS',
      put: ['put-bucket-cors', '--cors-configuration', JSON.stringify({ CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['https://example.com'] }] })],
      putOp: 'PutBucketCors', putAction: 's3:PutBucketCORS',
      get: ['get-bucket-cors'], getOp: 'GetBucketCors', getAction: 's3:GetBucketCORS',
      del: ['delete-bucket-cors'], delOp: 'DeleteBucketCors', delAction: 's3:PutBucketCORS',
    },
    {
      name: 'website',
      put: ['put-bucket-website', '--website-configuration', JSON.stringify({ IndexDocument: { Suffix: 'index.html' } })],
      putOp: 'PutBucketWebsite', putAction: 's3:PutBucketWebsite',
      get: ['get-bucket-website'], getOp: 'GetBucketWebsite', getAction: 's3:GetBucketWebsite',
      del: ['delete-bucket-website'], delOp: 'DeleteBucketWebsite', delAction: 's3:DeleteBucketWebsite',
    },
    {
      name: 'default encryption',
      put: ['put-bucket-encryption', '--server-side-encryption-configuration', JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] })],
      putOp: 'PutBucketEncryption', putAction: 's3:PutEncryptionConfiguration',
      get: ['get-bucket-encryption'], getOp: 'GetBucketEncryption', getAction: 's3:GetEncryptionConfiguration',
      del: ['delete-bucket-encryption'], delOp: 'DeleteBucketEncryption', delAction: 's3:PutEncryptionConfiguration',
    },
    {
      name: 'ownership controls',
      put: ['put-bucket-ownership-controls', '--ownership-controls', JSON.stringify({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] })],
      putOp: 'PutBucketOwnershipControls', putAction: 's3:PutBucketOwnershipControls',
      get: ['get-bucket-ownership-controls'], getOp: 'GetBucketOwnershipControls', getAction: 's3:GetBucketOwnershipControls',
      del: ['delete-bucket-ownership-controls'], delOp: 'DeleteBucketOwnershipControls', delAction: 's3:PutBucketOwnershipControls',
    },
    {
      name: 'accelerate',
      put: ['put-bucket-accelerate-configuration', '--accelerate-configuration', 'Status=Enabled'],
      putOp: 'PutBucketAccelerateConfiguration', putAction: 's3:PutAccelerateConfiguration',
      get: ['get-bucket-accelerate-configuration'], getOp: 'GetBucketAccelerateConfiguration', getAction: 's3:GetAccelerateConfiguration',
    },
    {
      name: 'request payment',
      put: ['put-bucket-request-payment', '--request-payment-configuration', 'Payer=BucketOwner'],
      putOp: 'PutBucketRequestPayment', putAction: 's3:PutBucketRequestPayment',
      get: ['get-bucket-request-payment'], getOp: 'GetBucketRequestPayment', getAction: 's3:GetBucketRequestPayment',
    },
    {
      name: 'notification',
      put: ['put-bucket-notification-configuration', '--notification-configuration', '{}'],
      putOp: 'PutBucketNotificationConfiguration', putAction: 's3:PutBucketNotification',
      get: ['get-bucket-notification-configuration'], getOp: 'GetBucketNotificationConfiguration', getAction: 's3:GetBucketNotification',
    },
    {
      name: 'metrics',
      put: ['put-bucket-metrics-configuration', '--id', 'm1', '--metrics-configuration', JSON.stringify({ Id: 'm1' })],
      putOp: 'PutBucketMetricsConfiguration', putAction: 's3:PutMetricsConfiguration',
      get: ['list-bucket-metrics-configurations'], getOp: 'ListBucketMetricsConfigurations', getAction: 's3:GetMetricsConfiguration',
    },
    {
      name: 'analytics',
      put: ['put-bucket-analytics-configuration', '--id', 'a1', '--analytics-configuration', JSON.stringify({ Id: 'a1', StorageClassAnalysis: {} })],
      putOp: 'PutBucketAnalyticsConfiguration', putAction: 's3:PutAnalyticsConfiguration',
      get: ['get-bucket-analytics-configuration', '--id', 'a1'], getOp: 'GetBucketAnalyticsConfiguration', getAction: 's3:GetAnalyticsConfiguration',
    },
    {
      name: 'intelligent tiering',
      put: ['put-bucket-intelligent-tiering-configuration', '--id', 't1', '--intelligent-tiering-configuration', JSON.stringify({ Id: 't1', Status: 'Enabled', Tierings: [{ Days: 90, AccessTier: 'ARCHIVE_ACCESS' }] })],
      putOp: 'PutBucketIntelligentTieringConfiguration', putAction: 's3:PutIntelligentTieringConfiguration',
      get: ['list-bucket-intelligent-tiering-configurations'], getOp: 'ListBucketIntelligentTieringConfigurations', getAction: 's3:GetIntelligentTieringConfiguration',
    },
  ];

  test('each configuration is decided as its action on the bucket — a grant on the objects does not do — and answered as moto answers', async () => {
    const actions = [...new Set(CONFIGURATIONS.flatMap((entry) => [entry.putAction, entry.getAction, ...(entry.delAction ? [entry.delAction] : [])]))];
    const onObjects = await env.user('config-on-objects', [allow(actions, objects())]);
    const onBucket = await env.user('config-on-bucket', [allow(actions, bucket())]);
    for (const entry of CONFIGURATIONS) {
      const on = (args: string[]) => [args[0]!, '--bucket', BUCKET, ...args.slice(1)];
      await refused(on(entry.put), onObjects, entry.putOp, entry.putAction, bucket());
      await refused(on(entry.get), onObjects, entry.getOp, entry.getAction, bucket());
      await ok(on(entry.put), onBucket);
      const read = await s3api(on(entry.get), onBucket);
      assert.equal(read.code, 0, `${entry.name}: ${read.stderr}`);
      assert.equal(read.stdout, await direct(on(entry.get)), `${entry.name}: the answer is moto's`);
      if (entry.del) {
        await refused(on(entry.del), onObjects, entry.delOp!, entry.delAction!, bucket());
        await ok(on(entry.del), onBucket);
      }
    }
    // Each delete took effect upstream.
    const cors = await s3api(['get-bucket-cors', '--bucket', BUCKET], root);
    assert.match(cors.stderr, /NoSuchCORSConfiguration/);
  });

  test('GetBucketLocation, GetBucketPolicyStatus and the object lock configuration are bucket actions', async () => {
    const onObjects = await env.user('location-on-objects', [allow(['s3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:PutBucketObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'], [objects(), objects(LOCKED)])]);
    const onBucket = await env.user('location-on-bucket', [allow(['s3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:PutBucketObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'], [bucket(), bucket(LOCKED)])]);
    await refused(['get-bucket-location', '--bucket', BUCKET], onObjects, 'GetBucketLocation', 's3:GetBucketLocation', bucket());
    await refused(['get-bucket-policy-status', '--bucket', BUCKET], onObjects, 'GetBucketPolicyStatus', 's3:GetBucketPolicyStatus', bucket());
    const lock = ['--bucket', LOCKED, '--object-lock-configuration', JSON.stringify({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } })];
    await refused(['put-object-lock-configuration', ...lock], onObjects, 'PutObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', bucket(LOCKED));
    await refused(['get-object-lock-configuration', '--bucket', LOCKED], onObjects, 'GetObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration', bucket(LOCKED));

    const location = await s3api(['get-bucket-location', '--bucket', BUCKET], onBucket);
    assert.equal(location.stdout, await direct(['get-bucket-location', '--bucket', BUCKET]));
    const status = await s3api(['get-bucket-policy-status', '--bucket', BUCKET], onBucket);
    assert.equal(status.stdout, await direct(['get-bucket-policy-status', '--bucket', BUCKET]));
    await ok(['put-object-lock-configuration', ...lock], onBucket);
    const read = await ok(['get-object-lock-configuration', '--bucket', LOCKED], onBucket);
    assert.deepEqual((read['ObjectLockConfiguration'] as { Rule: { DefaultRetention: { Mode: string; Days: number } } }).Rule.DefaultRetention.Mode, 'GOVERNANCE');
  });

  test('RestoreObject and SelectObjectContent are decided on the object (s3:RestoreObject, s3:GetObject)', async () => {
    await ok(['put-object', '--bucket', BUCKET, '--key', 'cold/archive.txt', '--storage-class', 'GLACIER'], root);
    const csv = join(work, 'data.csv');
    await writeFile(csv, 'name,size\na,1\nb,2\n');
    await ok(['put-object', '--bucket', BUCKET, '--key', 'data/table.csv', '--body', csv], root);
    const onBucket = await env.user('restore-on-bucket', [allow(['s3:RestoreObject', 's3:GetObject'], bucket())]);
    const restore = ['restore-object', '--bucket', BUCKET, '--key', 'cold/archive.txt', '--restore-request', 'Days=1'];
    const select = (out: string) => ['select-object-content', '--bucket', BUCKET, '--key', 'data/table.csv', '--expression', 'select * from s3object', '--expression-type', 'SQL',
      '--input-serialization', JSON.stringify({ CSV: { FileHeaderInfo: 'USE' } }), '--output-serialization', JSON.stringify({ CSV: {} }), out];
    await refused(restore, onBucket, 'RestoreObject', 's3:RestoreObject', `${bucket()}/cold/archive.txt`);
    await refused(select(join(work, 'denied.csv')), onBucket, 'SelectObjectContent', 's3:GetObject', `${bucket()}/data/table.csv`);

    const onObjects = await env.user('restore-on-objects', [allow(['s3:RestoreObject', 's3:GetObject'], objects())]);
    await ok(restore, onObjects);
    const head = await ok(['head-object', '--bucket', BUCKET, '--key', 'cold/archive.txt'], root);
    assert.match(String(head['Restore']), /ongoing-request="false"/);
    const out = join(work, 'selected.csv');
    await ok(select(out), onObjects);
    const fromMoto = join(work, 'selected-directly.csv');
    await direct(select(fromMoto));
    assert.match(await readFile(out, 'utf8'), /^a,1\nb,2\n/);
    assert.equal(await readFile(out, 'utf8'), await readFile(fromMoto, 'utf8'));
  });

  test('PutBucketReplication needs iam:PassRole on its role, passed to s3.amazonaws.com', async () => {
    const role = await env.server.iam().send(new CreateRoleCommand({
      RoleName: 's3-replication',
      Path: '/service-role/',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    const roleArn = role.Role!.Arn!;
    await ok(['create-bucket', '--bucket', 'config-sweep-replica'], root);
    await ok(['put-bucket-versioning', '--bucket', 'config-sweep-replica', '--versioning-configuration', 'Status=Enabled'], root);
    const configuration = ['put-bucket-replication', '--bucket', BUCKET, '--replication-configuration', JSON.stringify({
      Role: roleArn,
      Rules: [{ ID: 'all', Status: 'Enabled', Priority: 1, DeleteMarkerReplication: { Status: 'Disabled' }, Filter: { Prefix: '' }, Destination: { Bucket: bucket('config-sweep-replica') } }],
    })];

    const configOnly = await env.user('replication-config-only', [allow('s3:PutReplicationConfiguration', bucket())]);
    await refused(configuration, configOnly, 'PutBucketReplication', 'iam:PassRole', roleArn);
    const toLambda = await env.user('replication-pass-to-lambda', [
      allow('s3:PutReplicationConfiguration', bucket()),
      allow('iam:PassRole', roleArn, { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }),
    ]);
    await refused(configuration, toLambda, 'PutBucketReplication', 'iam:PassRole', roleArn);
    // Nothing was written.
    const none = await s3api(['get-bucket-replication', '--bucket', BUCKET], root);
    assert.match(none.stderr, /ReplicationConfigurationNotFoundError/);

    const replicator = await env.user('replication-writer', [
      allow(['s3:PutReplicationConfiguration', 's3:GetReplicationConfiguration'], bucket()),
      allow('iam:PassRole', roleArn, { Condition: { StringEquals: { 'iam:PassedToService': 's3.amazonaws.com' } } }),
    ]);
    await ok(configuration, replicator);
    const read = await s3api(['get-bucket-replication', '--bucket', BUCKET], replicator);
    assert.equal(read.stdout, await direct(['get-bucket-replication', '--bucket', BUCKET]));
    assert.equal((read.json!['ReplicationConfiguration'] as { Role: string }).Role, roleArn);
    // Deleting it passes no role: the write's action alone.
    const deleter = await env.user('replication-deleter', [allow('s3:PutReplicationConfiguration', bucket())]);
    await ok(['delete-bucket-replication', '--bucket', BUCKET], deleter);
  });

  test('PutBucketInventoryConfiguration is decided on s3:InventoryAccessibleOptionalFields (the User Guide\'s deny of ObjectOwner)', async () => {
    const inventory = (id: string, fields: string[]) => ['put-bucket-inventory-configuration', '--bucket', BUCKET, '--id', id, '--inventory-configuration', JSON.stringify({
      Id: id, IsEnabled: true, IncludedObjectVersions: 'Current', Schedule: { Frequency: 'Daily' },
      Destination: { S3BucketDestination: { Bucket: bucket('config-sweep-replica'), Format: 'CSV' } },
      ...(fields.length > 0 ? { OptionalFields: fields } : {}),
    })];
    const user = await env.user('inventory-no-owner', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutInventoryConfiguration', 's3:GetInventoryConfiguration'], Resource: bucket() },
        { Effect: 'Deny', Action: 's3:PutInventoryConfiguration', Resource: bucket(), Condition: { 'ForAnyValue:StringEquals': { 's3:InventoryAccessibleOptionalFields': ['ObjectOwner'] } } },
      ],
    }]);
    const denied = await s3api(inventory('with-owner', ['Size', 'ObjectOwner']), user);
    assert.equal(
      denied.stderr.trim(),
      `An error occurred (AccessDenied) when calling the PutBucketInventoryConfiguration operation: User: ${user.arn} is not authorized to perform: s3:PutInventoryConfiguration on resource: "${bucket()}" with an explicit deny in an identity-based policy`,
    );
    const missing = await s3api(['get-bucket-inventory-configuration', '--bucket', BUCKET, '--id', 'with-owner'], root);
    assert.notEqual(missing.code, 0);

    await ok(inventory('sizes', ['Size', 'ETag']), user);
    await ok(inventory('plain', []), user);
    const read = await s3api(['get-bucket-inventory-configuration', '--bucket', BUCKET, '--id', 'sizes'], user);
    assert.equal(read.stdout, await direct(['get-bucket-inventory-configuration', '--bucket', BUCKET, '--id', 'sizes']));
    assert.deepEqual((read.json!['InventoryConfiguration'] as { OptionalFields: string[] }).OptionalFields, ['Size', 'ETag']);
  });

  test('ACL grant headers are s3:x-amz-grant-… keys: a public grant is refused, a grant to an account allowed', async () => {
    await ok(['put-object', '--bucket', BUCKET, '--key', 'acl/k.txt'], root);
    const ALL_USERS = 'uri=http://acs.amazonaws.com/groups/global/AllUsers';
    const noPublicGrants = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObjectAcl', 's3:PutBucketAcl', 's3:PutObject'], Resource: [bucket(), objects()] },
        {
          Effect: 'Deny', Action: ['s3:PutObjectAcl', 's3:PutBucketAcl'], Resource: [bucket(), objects()],
          Condition: { StringLike: { 's3:x-amz-grant-read': '*AllUsers*' } },
        },
        { Effect: 'Deny', Action: ['s3:PutObjectAcl', 's3:PutBucketAcl'], Resource: [bucket(), objects()], Condition: { StringLike: { 's3:x-amz-grant-full-control': '*AllUsers*' } } },
        { Effect: 'Deny', Action: ['s3:PutObjectAcl', 's3:PutBucketAcl'], Resource: [bucket(), objects()], Condition: { StringLike: { 's3:x-amz-grant-write-acp': '*AllUsers*' } } },
        { Effect: 'Deny', Action: ['s3:PutObjectAcl', 's3:PutBucketAcl'], Resource: [bucket(), objects()], Condition: { StringEquals: { 's3:x-amz-acl': 'public-read' } } },
      ],
    };
    const user = await env.user('acl-no-public', [noPublicGrants]);
    const explicitDeny = async (args: string[], operation: string, action: string, resource: string) => {
      const run = await s3api(args, user);
      assert.equal(run.stderr.trim(), `An error occurred (AccessDenied) when calling the ${operation} operation: User: ${user.arn} is not authorized to perform: ${action} on resource: "${resource}" with an explicit deny in an identity-based policy`);
    };
    await explicitDeny(['put-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt', '--grant-read', ALL_USERS], 'PutObjectAcl', 's3:PutObjectAcl', `${bucket()}/acl/k.txt`);
    await explicitDeny(['put-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt', '--grant-full-control', ALL_USERS], 'PutObjectAcl', 's3:PutObjectAcl', `${bucket()}/acl/k.txt`);
    await explicitDeny(['put-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt', '--acl', 'public-read'], 'PutObjectAcl', 's3:PutObjectAcl', `${bucket()}/acl/k.txt`);
    await explicitDeny(['put-bucket-acl', '--bucket', BUCKET, '--grant-write-acp', ALL_USERS], 'PutBucketAcl', 's3:PutBucketAcl', bucket());
    // An upload with a public grant header needs s3:PutObjectAcl, decided on the same key.
    await explicitDeny(['put-object', '--bucket', BUCKET, '--key', 'acl/new.txt', '--grant-read', ALL_USERS], 'PutObject', 's3:PutObjectAcl', `${bucket()}/acl/new.txt`);
    const acl = await ok(['get-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt'], root);
    assert.equal(JSON.stringify(acl).includes('AllUsers'), false);

    await ok(['put-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt', '--grant-read', 'id=79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'], user);
    const granted = await ok(['get-object-acl', '--bucket', BUCKET, '--key', 'acl/k.txt'], root);
    assert.ok(JSON.stringify(granted['Grants']).includes('79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'), JSON.stringify(granted));
    await ok(['put-bucket-acl', '--bucket', BUCKET, '--acl', 'private'], user);
  });

  test('uploads are decided on s3:x-amz-storage-class and s3:x-amz-server-side-encryption-aws-kms-key-id; copies on s3:x-amz-copy-source and s3:x-amz-metadata-directive', async () => {
    // Real keys of the KMS upstream: an SSE-KMS upload also needs kms:GenerateDataKey on its key
    // (granted below on every key), and a key KMS does not know is refused (docs/gateway.md, "Keys behind services").
    const KEY = (await env.kms(root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const otherKey = (await env.kms(root).send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const user = await env.user('upload-conditions', [allow('kms:GenerateDataKey', '*'), {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket()}/uploads/*`, Condition: { StringEquals: { 's3:x-amz-storage-class': 'STANDARD_IA' } } },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket()}/secret/*`, Condition: { StringEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY } } },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket()}/copies/*`, Condition: { StringLike: { 's3:x-amz-copy-source': `${BUCKET}/public/*` }, StringEquals: { 's3:x-amz-metadata-directive': 'REPLACE' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: objects() },
      ],
    }]);
    const denied = (key: string) => `An error occurred (AccessDenied) when calling the ${key.startsWith('copies/') ? 'CopyObject' : 'PutObject'} operation: User: ${user.arn} is not authorized to perform: s3:PutObject on resource: "${bucket()}/${key}" because no identity-based policy allows the s3:PutObject action`;
    const put = (key: string, ...extra: string[]) => s3api(['put-object', '--bucket', BUCKET, '--key', key, ...extra], user);

    assert.equal((await put('uploads/a.txt')).stderr.trim(), denied('uploads/a.txt'));
    assert.equal((await put('uploads/a.txt', '--storage-class', 'GLACIER')).stderr.trim(), denied('uploads/a.txt'));
    assert.equal((await put('uploads/a.txt', '--storage-class', 'STANDARD_IA')).code, 0);
    const head = await ok(['head-object', '--bucket', BUCKET, '--key', 'uploads/a.txt'], root);
    assert.equal(head['StorageClass'], 'STANDARD_IA');

    assert.equal((await put('secret/s.txt', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', otherKey)).stderr.trim(), denied('secret/s.txt'));
    const encrypted = await put('secret/s.txt', '--server-side-encryption', 'aws:kms', '--ssekms-key-id', KEY);
    assert.equal(encrypted.code, 0, encrypted.stderr);
    assert.equal(encrypted.json!['SSEKMSKeyId'], KEY);

    await ok(['put-object', '--bucket', BUCKET, '--key', 'public/p.txt'], root);
    await ok(['put-object', '--bucket', BUCKET, '--key', 'private/p.txt'], root);
    const copy = (source: string, directive: string) => s3api(['copy-object', '--bucket', BUCKET, '--key', 'copies/c.txt', '--copy-source', `${BUCKET}/${source}`, '--metadata-directive', directive], user);
    assert.equal((await copy('private/p.txt', 'REPLACE')).stderr.trim(), denied('copies/c.txt'));
    assert.equal((await copy('public/p.txt', 'COPY')).stderr.trim(), denied('copies/c.txt'));
    const copied = await copy('public/p.txt', 'REPLACE');
    assert.equal(copied.code, 0, copied.stderr);
  });
});

/**
 * s3:TlsVersion is the TLS version of the client's connection (`1.2`, `1.3`), absent over plain
 * HTTP: a policy allowing only TLS 1.2 and later allows the request over HTTPS and refuses it
 * over HTTP.
 */
describe('s3:TlsVersion through the gateway', () => {
  let moto: MotoServer;
  let https: TestServer;
  let plain: GatewayEnv;
  let dir: string;
  let ca: string;
  const BUCKET = 'tls-sweep';
  const tlsOnly = allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`, { Condition: { NumericGreaterThanEquals: { 's3:TlsVersion': '1.2' } } });

  const cli = (endpoint: string, credentials: Credentials, args: string[]) => runAwsCli(endpoint, dir, ['--ca-bundle', ca, ...args, '--output', 'json'], credentials);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-tls-sweep-'));
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), readFile: (path: string) => readFile(path, 'utf8'), env: {} };
    assert.equal(await runDevCertCommand(['--out', join(dir, 'tls')], io), 0, out.join(''));
    ca = join(dir, 'tls', 'ca.pem');
    moto = await startMoto();
    https = await startTestServer({
      tlsCert: join(dir, 'tls', 'cert.pem'), tlsKey: join(dir, 'tls', 'key.pem'),
      gateway: { ...parseUpstreams([moto.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' },
    });
    plain = await startGatewayEnv();
  });
  after(async () => {
    await https?.stop();
    await moto?.stop();
    await plain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a policy requiring TLS 1.2 or later allows the listing over HTTPS and refuses it over HTTP', async () => {
    assert.match(https.url, /^https:/);
    const made = await cli(https.url, https.root, ['s3api', 'create-bucket', '--bucket', BUCKET]);
    assert.equal(made.code, 0, made.stderr);
    // IAM over the same HTTPS endpoint, with the CLI (it is given the CA).
    assert.equal((await cli(https.url, https.root, ['iam', 'create-user', '--user-name', 'tls-only'])).code, 0);
    assert.equal((await cli(https.url, https.root, ['iam', 'put-user-policy', '--user-name', 'tls-only', '--policy-name', 'tls', '--policy-document', JSON.stringify(tlsOnly)])).code, 0);
    const created = await cli(https.url, https.root, ['iam', 'create-access-key', '--user-name', 'tls-only']);
    const key = (JSON.parse(created.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } }).AccessKey;
    const listed = await cli(https.url, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }, ['s3api', 'list-objects-v2', '--bucket', BUCKET]);
    assert.equal(listed.code, 0, listed.stderr);

    const root = plain.server.root;
    assert.equal((await plain.cli(['s3api', 'create-bucket', '--bucket', BUCKET], root)).code, 0);
    const user = await plain.user('tls-only', [tlsOnly]);
    const refused = await plain.cli(['s3api', 'list-objects-v2', '--bucket', BUCKET], user);
    assert.equal(
      refused.stderr.trim(),
      `An error occurred (AccessDenied) when calling the ListObjectsV2 operation: User: ${user.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}" because no identity-based policy allows the s3:ListBucket action`,
    );
  });
});
