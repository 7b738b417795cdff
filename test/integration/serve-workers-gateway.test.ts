import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startServeProcess } from '../support/cli-process.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';

/**
 * `tessera serve` (a file store) in front of moto, and what the gateway keeps of what it read
 * upstream (here, a bucket policy) for a few seconds in each worker process:
 * - with two workers, a bucket policy written through one worker must decide the next request
 *   to the other. Before, the other worker decided on the policy it had read until its entry
 *   expired (5 s): a removed grant still let requests through;
 * - with `--gateway-cache-ms 0`, a policy set on moto directly decides the next request.
 * The grant is the bucket policy alone (the user has no identity policy) and moto enforces no
 * bucket policy itself, so every answer below is Tessera's decision.
 */

/** Every request on a new connection: round robin sends consecutive ones to different workers. */
const fresh = { requestHandler: { httpAgent: new Agent({ keepAlive: false }) }, maxAttempts: 1, region: 'us-east-1' };

interface Scene {
  moto: MotoServer;
  url: string;
  account: string;
  root: { accessKeyId: string; secretAccessKey: string };
  /** The user `reader` (no identity policy): GetObject of `bucket`/`key`, its content or the error's name. */
  read(bucket: string, key: string): Promise<string>;
  s3(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): S3Client;
  grant(bucket: string): string;
}

/** moto, a server started with `args` in front of it, the user `reader`; all stopped after `body`. */
async function withServer(args: string[], body: (scene: Scene) => Promise<void>): Promise<void> {
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-workers-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--upstream', moto.url, ...args]);
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(made: T): T => {
    clients.push(made);
    return made;
  };
  try {
    const file = await readFile(join(dir, 'root-credentials'), 'utf8');
    const root = { accessKeyId: /aws_access_key_id = (\S+)/.exec(file)![1]!, secretAccessKey: /aws_secret_access_key = (\S+)/.exec(file)![1]! };
    const account = (await client(new STSClient({ ...fresh, endpoint: server.url, credentials: root })).send(new GetCallerIdentityCommand({}))).Account!;
    const iam = client(new IAMClient({ ...fresh, endpoint: server.url, credentials: root }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const s3 = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => client(new S3Client({ ...fresh, endpoint, forcePathStyle: true, credentials }));
    const reader = s3(server.url, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await body({
      moto, url: server.url, account, root, s3,
      async read(bucket, objectKey) {
        try {
          return await (await reader.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }))).Body!.transformToString();
        } catch (err) {
          return (err as Error).name;
        }
      },
      grant: (bucket) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/reader` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] }),
    });
  } finally {
    for (const made of clients) made.destroy();
    const code = await server.stop();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0);
  }
}

test('two workers: a bucket policy written through one decides the next request to the other', () => withServer(['--workers', '2'], async ({ url, root, s3, read, grant }) => {
  const admin = s3(url, root);
  await admin.send(new CreateBucketCommand({ Bucket: 'shared-docs' }));
  await admin.send(new PutObjectCommand({ Bucket: 'shared-docs', Key: 'report.txt', Body: 'quarterly' }));
  for (let round = 0; round < 3; round++) {
    // Both workers read (and keep) "no bucket policy".
    for (let i = 0; i < 4; i++) assert.equal(await read('shared-docs', 'report.txt'), 'AccessDenied', `round ${round}: no grant yet`);
    await admin.send(new PutBucketPolicyCommand({ Bucket: 'shared-docs', Policy: grant('shared-docs') }));
    for (let i = 0; i < 4; i++) assert.equal(await read('shared-docs', 'report.txt'), 'quarterly', `round ${round}, request ${i}: granted at once on every worker`);
    await admin.send(new DeleteBucketPolicyCommand({ Bucket: 'shared-docs' }));
    for (let i = 0; i < 4; i++) assert.equal(await read('shared-docs', 'report.txt'), 'AccessDenied', `round ${round}, request ${i}: the grant removed at once on every worker`);
  }
}));

test('--gateway-cache-ms 0: a bucket policy set on the upstream directly decides the next request', () => withServer(['--workers', '1', '--gateway-cache-ms', '0'], async ({ moto, account, s3, read, grant }) => {
  // Fixtures made on moto itself, in the account Tessera forwards to.
  const direct = s3(moto.url, { accessKeyId: 'test', secretAccessKey: 'test' });
  direct.middlewareStack.add((next) => (args) => {
    (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
    return next(args);
  }, { step: 'build' });
  await direct.send(new CreateBucketCommand({ Bucket: 'fixture-docs' }));
  await direct.send(new PutObjectCommand({ Bucket: 'fixture-docs', Key: 'a.txt', Body: 'A' }));
  assert.equal(await read('fixture-docs', 'a.txt'), 'AccessDenied');
  await direct.send(new PutBucketPolicyCommand({ Bucket: 'fixture-docs', Policy: grant('fixture-docs') }));
  assert.equal(await read('fixture-docs', 'a.txt'), 'A', 'the grant set on moto a moment ago');
  await direct.send(new DeleteBucketPolicyCommand({ Bucket: 'fixture-docs' }));
  assert.equal(await read('fixture-docs', 'a.txt'), 'AccessDenied', 'and its removal');
}));
