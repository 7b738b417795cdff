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
import { startMoto } from '../support/moto-server.ts';

/**
 * `tessera serve --workers 2` in front of an upstream: each worker keeps the gateway's lookups
 * (here, a bucket policy) for a few seconds, and a bucket policy written through one worker
 * must decide the next request to the other. Before, the other worker decided on the policy
 * it had read until its entry expired (5 s): a removed grant still let requests through.
 * The grant is the bucket policy alone (the user has no identity policy) and moto enforces no
 * bucket policy itself, so every answer below is Tessera's decision.
 */

function rootFrom(file: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: /aws_access_key_id = (\S+)/.exec(file)![1]!, secretAccessKey: /aws_secret_access_key = (\S+)/.exec(file)![1]! };
}

/** Every request on a new connection: round robin sends consecutive ones to different workers. */
const fresh = { requestHandler: { httpAgent: new Agent({ keepAlive: false }) }, maxAttempts: 1, region: 'us-east-1' };

test('two workers: a bucket policy written through one decides the next request to the other', async () => {
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-workers-gateway-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '2', '--upstream', moto.url]);
  const clients: { destroy(): void }[] = [];
  const client = <T extends { destroy(): void }>(made: T): T => {
    clients.push(made);
    return made;
  };
  try {
    const root = rootFrom(await readFile(join(dir, 'root-credentials'), 'utf8'));
    const account = (await client(new STSClient({ ...fresh, endpoint: server.url, credentials: root })).send(new GetCallerIdentityCommand({}))).Account!;
    const iam = client(new IAMClient({ ...fresh, endpoint: server.url, credentials: root }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const s3 = client(new S3Client({ ...fresh, endpoint: server.url, forcePathStyle: true, credentials: root }));
    await s3.send(new CreateBucketCommand({ Bucket: 'shared-docs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'shared-docs', Key: 'report.txt', Body: 'quarterly' }));
    const reader = client(new S3Client({ ...fresh, endpoint: server.url, forcePathStyle: true, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } }));
    const read = async () => {
      try {
        return await (await reader.send(new GetObjectCommand({ Bucket: 'shared-docs', Key: 'report.txt' }))).Body!.transformToString();
      } catch (err) {
        return (err as Error).name;
      }
    };
    const grant = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/reader` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-docs/*' }] });

    for (let round = 0; round < 3; round++) {
      // Both workers read (and keep) "no bucket policy".
      for (let i = 0; i < 4; i++) assert.equal(await read(), 'AccessDenied', `round ${round}: no grant yet`);
      await s3.send(new PutBucketPolicyCommand({ Bucket: 'shared-docs', Policy: grant }));
      for (let i = 0; i < 4; i++) assert.equal(await read(), 'quarterly', `round ${round}, request ${i}: granted at once on every worker`);
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'shared-docs' }));
      for (let i = 0; i < 4; i++) assert.equal(await read(), 'AccessDenied', `round ${round}, request ${i}: the grant removed at once on every worker`);
    }
  } finally {
    for (const made of clients) made.destroy();
    const code = await server.stop();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0);
  }
});

test('--gateway-cache-ms 0: a bucket policy set on the upstream directly decides the next request', async () => {
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-cache-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '1', '--upstream', moto.url, '--gateway-cache-ms', '0']);
  const clients: { destroy(): void }[] = [];
  try {
    const root = rootFrom(await readFile(join(dir, 'root-credentials'), 'utf8'));
    const sts = new STSClient({ ...fresh, endpoint: server.url, credentials: root });
    const iam = new IAMClient({ ...fresh, endpoint: server.url, credentials: root });
    const account = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    // Fixtures made on moto itself, in the account Tessera forwards to.
    const direct = new S3Client({ ...fresh, endpoint: moto.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    direct.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    }, { step: 'build' });
    await direct.send(new CreateBucketCommand({ Bucket: 'fixture-docs' }));
    await direct.send(new PutObjectCommand({ Bucket: 'fixture-docs', Key: 'a.txt', Body: 'A' }));
    const reader = new S3Client({ ...fresh, endpoint: server.url, forcePathStyle: true, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    clients.push(sts, iam, direct, reader);
    const read = async () => {
      try {
        return await (await reader.send(new GetObjectCommand({ Bucket: 'fixture-docs', Key: 'a.txt' }))).Body!.transformToString();
      } catch (err) {
        return (err as Error).name;
      }
    };
    assert.equal(await read(), 'AccessDenied');
    await direct.send(new PutBucketPolicyCommand({ Bucket: 'fixture-docs', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/reader` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::fixture-docs/*' }] }) }));
    assert.equal(await read(), 'A', 'the grant set on moto a moment ago');
    await direct.send(new DeleteBucketPolicyCommand({ Bucket: 'fixture-docs' }));
    assert.equal(await read(), 'AccessDenied', 'and its removal');
  } finally {
    for (const made of clients) made.destroy();
    const code = await server.stop();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0);
  }
});
