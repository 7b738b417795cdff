import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketPolicyCommand, DeletePublicAccessBlockCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';

/**
 * S3 answers a read of a missing object with 404 only to a caller who may list the bucket
 * (s3:ListBucket); anyone else gets 403, so that a grant on some keys does not reveal which
 * others exist (GetObject, HeadObject, GetObjectTagging… "If you don't have the s3:ListBucket
 * permission, Amazon S3 returns an HTTP status code 403"). Driven through moto, which answers
 * 404 to everyone.
 */
describe('S3 through the gateway: a missing key is hidden from a caller who may not list the bucket', () => {
  let env: GatewayEnv;
  let root: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'hidden-keys' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'hidden-keys', Key: 'home/reader/there.txt', Body: 'here' }));
  });
  after(() => env?.stop());

  const get = (credentials: Credentials, key: string) => env.s3(credentials).send(new GetObjectCommand({ Bucket: 'hidden-keys', Key: key })).then((out) => out.Body!.transformToString());
  const head = (credentials: Credentials, key: string) => env.s3(credentials).send(new HeadObjectCommand({ Bucket: 'hidden-keys', Key: key }));

  test('GetObject alone: a present key reads, a missing one is AccessDenied naming s3:ListBucket; with s3:ListBucket it is NoSuchKey', async () => {
    const objects = allow('s3:GetObject', 'arn:aws:s3:::hidden-keys/home/${aws:username}/*');
    const reader = await env.user('reader', [objects]);
    assert.equal(await get(reader, 'home/reader/there.txt'), 'here');

    const missing = await awsError(() => get(reader, 'home/reader/missing.txt'));
    assert.deepEqual([missing.name, missing.status], ['AccessDenied', 403]);
    assert.equal(missing.message, `User: ${reader.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::hidden-keys" because no identity-based policy allows the s3:ListBucket action`);
    const headMissing = await awsError(() => head(reader, 'home/reader/missing.txt'));
    assert.equal(headMissing.status, 403);
    const tagsMissing = await awsError(() => env.s3(reader).send(new GetObjectTaggingCommand({ Bucket: 'hidden-keys', Key: 'home/reader/missing.txt' })));
    assert.equal(tagsMissing.status, 403);
    // Outside the grant the refusal is s3:GetObject's, whether or not the key exists.
    const outside = await awsError(() => get(reader, 'elsewhere.txt'));
    assert.match(outside.message, /perform: s3:GetObject on resource: "arn:aws:s3:::hidden-keys\/elsewhere.txt"/);

    const lister = await env.user('lister', [objects, allow('s3:ListBucket', 'arn:aws:s3:::hidden-keys')]);
    const listed = await awsError(() => get(lister, 'home/lister/missing.txt'));
    assert.deepEqual([listed.name, listed.status], ['NoSuchKey', 404]);
    assert.equal((await awsError(() => head(lister, 'home/lister/missing.txt'))).status, 404);
    // The account's root user may list every bucket of its account.
    assert.equal((await awsError(() => get(root, 'home/nobody/missing.txt'))).name, 'NoSuchKey');

    // The aws CLI reports the same two answers.
    const cli = await env.cli(['s3api', 'head-object', '--bucket', 'hidden-keys', '--key', 'home/reader/missing.txt'], reader);
    assert.match(cli.stderr, /\(403\) when calling the HeadObject operation: Forbidden/);
    const cliListed = await env.cli(['s3api', 'head-object', '--bucket', 'hidden-keys', '--key', 'home/lister/missing.txt'], lister);
    assert.match(cliListed.stderr, /\(404\) when calling the HeadObject operation: Not Found/);
  });

  test('a ListBucket denied by a condition hides the key too; a bucket policy may grant the listing', async () => {
    // s3:prefix is absent from an object read: a listing allowed only for a prefix does not count.
    const prefixed = await env.user('prefixed', [
      allow('s3:GetObject', 'arn:aws:s3:::hidden-keys/*'),
      allow('s3:ListBucket', 'arn:aws:s3:::hidden-keys', { Condition: { StringLike: { 's3:prefix': 'home/*' } } }),
    ]);
    assert.equal((await awsError(() => get(prefixed, 'home/x/missing.txt'))).status, 403);

    const byBucket = await env.user('by-bucket', [allow('s3:GetObject', 'arn:aws:s3:::hidden-keys/*')]);
    assert.equal((await awsError(() => get(byBucket, 'missing.txt'))).status, 403);
    await env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: 'hidden-keys',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: byBucket.arn }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::hidden-keys' }] }),
    }));
    assert.equal((await awsError(() => get(byBucket, 'missing.txt'))).name, 'NoSuchKey');
  });

  test('a bucket that does not exist is NoSuchBucket to anyone, as S3 answers (its names are global); CreateBucket is still decided', async () => {
    const nobody = await env.user('no-rights');
    const listed = await awsError(() => env.s3(nobody).send(new GetObjectCommand({ Bucket: 'never-made-bucket', Key: 'k' })));
    assert.deepEqual([listed.name, listed.status], ['NoSuchBucket', 404]);
    const anonymous = await fetch(`${env.server.url}/never-made-bucket/k`);
    assert.equal(anonymous.status, 404);
    assert.match(await anonymous.text(), /<Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>never-made-bucket<\/BucketName>/);
    const cli = await env.cli(['s3', 'ls', 's3://never-made-bucket'], nobody);
    assert.match(cli.stderr, /NoSuchBucket/);
    const create = await env.cli(['s3', 'mb', 's3://never-made-bucket'], nobody);
    assert.match(create.stderr, /AccessDenied.*s3:CreateBucket/);
  });

  test('the anonymous caller of a public-read bucket: Access Denied for a missing key unless the policy grants the listing', async () => {
    const publicRead = (actions: string[]) => env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: 'hidden-keys',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: actions, Resource: ['arn:aws:s3:::hidden-keys', 'arn:aws:s3:::hidden-keys/*'] }] }),
    }));
    // A new bucket blocks public policies (AWS's default since 2023): turned off first, as on AWS.
    await env.s3(root).send(new DeletePublicAccessBlockCommand({ Bucket: 'hidden-keys' }));
    await publicRead(['s3:GetObject']);
    const anonymous = (key: string) => fetch(`${env.server.url}/hidden-keys/${key}`);
    const present = await anonymous('home/reader/there.txt');
    assert.equal(present.status, 200);
    assert.equal(await present.text(), 'here');
    const missing = await anonymous('missing.txt');
    assert.equal(missing.status, 403);
    const body = await missing.text();
    assert.match(body, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    assert.equal(missing.headers.get('x-amz-request-id')?.length, 36);

    await publicRead(['s3:GetObject', 's3:ListBucket']);
    const listed = await anonymous('missing.txt');
    assert.equal(listed.status, 404);
    assert.match(await listed.text(), /<Code>NoSuchKey<\/Code>/);
  });
});
