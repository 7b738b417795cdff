import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

/**
 * AWS's default encryption through the gateway, with the aws CLI against moto_server: a bucket
 * made through Tessera is encrypted with SSE-S3 as every new bucket on AWS is (moto's are not),
 * its objects say so, and DeleteBucketEncryption resets it to SSE-S3 rather than removing it
 * (src/server/gateway/new-bucket-defaults.ts).
 */
describe('S3 default encryption through the gateway', () => {
  let env: GatewayEnv;
  let dir: string;
  const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;
  async function cli(args: string[]): Promise<Record<string, unknown>> {
    const run = await env.cli(args, env.server.root);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return args[0] === 's3' || run.stdout.trim() === '' ? {} : json(run.stdout);
  }
  const algorithm = (answer: Record<string, unknown>) => {
    const rules = (answer['ServerSideEncryptionConfiguration'] as { Rules: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID?: string } }[] }).Rules;
    return rules.map((rule) => rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm);
  };

  before(async () => {
    env = await startGatewayEnv();
    dir = await mkdtemp(join(tmpdir(), 'tessera-default-encryption-'));
    await writeFile(join(dir, 'a.txt'), 'hello');
  });
  after(async () => {
    await env?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a new bucket is encrypted with SSE-S3, and an object written without encryption headers says AES256', async () => {
    await cli(['s3', 'mb', 's3://enc-default']);
    assert.deepEqual(algorithm(await cli(['s3api', 'get-bucket-encryption', '--bucket', 'enc-default'])), ['AES256']);
    const put = await cli(['s3api', 'put-object', '--bucket', 'enc-default', '--key', 'a.txt', '--body', join(dir, 'a.txt')]);
    assert.equal(put['ServerSideEncryption'], 'AES256');
    await cli(['s3', 'cp', join(dir, 'a.txt'), 's3://enc-default/copied.txt']);
    assert.equal((await cli(['s3api', 'head-object', '--bucket', 'enc-default', '--key', 'copied.txt']))['ServerSideEncryption'], 'AES256');
  });

  test('DeleteBucketEncryption resets the default to SSE-S3; a chosen configuration replaces it', async () => {
    await cli(['s3', 'mb', 's3://enc-reset']);
    const key = json((await env.cli(['kms', 'create-key'], env.server.root)).stdout) as { KeyMetadata: { Arn: string } };
    await cli(['s3api', 'put-bucket-encryption', '--bucket', 'enc-reset', '--server-side-encryption-configuration',
      JSON.stringify({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.KeyMetadata.Arn } }] })]);
    assert.deepEqual(algorithm(await cli(['s3api', 'get-bucket-encryption', '--bucket', 'enc-reset'])), ['aws:kms']);
    await cli(['s3api', 'delete-bucket-encryption', '--bucket', 'enc-reset']);
    assert.deepEqual(algorithm(await cli(['s3api', 'get-bucket-encryption', '--bucket', 'enc-reset'])), ['AES256']);
  });

  test('a bucket made directly upstream keeps the upstream\'s own settings', async () => {
    const made = await fetch(`${env.moto.url}/enc-direct`, { method: 'PUT', headers: { 'x-moto-account-id': env.server.accountId } });
    assert.equal(made.status, 200);
    const answer = await env.cli(['s3api', 'get-bucket-encryption', '--bucket', 'enc-direct'], env.server.root);
    assert.notEqual(answer.code, 0);
    assert.match(answer.stderr, /ServerSideEncryptionConfigurationNotFoundError/);
  });
});
