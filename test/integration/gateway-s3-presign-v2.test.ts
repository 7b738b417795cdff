import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsCliAvailable } from '../support/cli-process.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * URLs presigned with signature version 2 — what the aws CLI v1's `aws s3 presign` writes, and
 * boto3 with `signature_version='s3'` — through the gateway: authenticated (expiry, key,
 * HMAC-SHA1 signature; temporary credentials through their session token), then authorized
 * like any request, with `s3:signatureversion` = `AWS` and `s3:authType` = `REST-QUERY-STRING`.
 */
const cli = awsCliAvailable();
const boto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;

describe('S3 URLs presigned with signature version 2', { skip: !cli && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let root: Credentials;
  let reader: Credentials & { arn: string };
  const BUCKET = 'presigned-v2';
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: BUCKET }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/a b+c.txt', Body: 'the object' }));
    reader = await env.user('v2-reader', [allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/dir/*`)]);
  });
  after(() => env?.stop());

  const presign = async (credentials: Credentials, key: string, expiresIn = 300) => {
    // The CLI's own defaults (the test environment's config asks for s3v4).
    const out = await env.cli(['s3', 'presign', `s3://${BUCKET}/${key}`, '--expires-in', String(expiresIn)], credentials, { AWS_CONFIG_FILE: '/dev/null' });
    assert.equal(out.code, 0, out.stderr);
    const url = out.stdout.trim();
    assert.match(url, /[?&]AWSAccessKeyId=.*&Signature=/, 'the aws CLI v1 presigns with signature version 2');
    return url;
  };
  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  };

  test('a presigned GET of a caller allowed to read answers the object', async () => {
    assert.deepEqual(await get(await presign(reader, 'dir/a b+c.txt')), { status: 200, body: 'the object' });
    assert.deepEqual(await get(await presign(root, 'dir/a b+c.txt')), { status: 200, body: 'the object' });
  });

  test('authorization still applies: a key outside the policy is refused with AWS\'s text', async () => {
    await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other.txt', Body: 'x' }));
    const refused = await get(await presign(reader, 'other.txt'));
    assert.equal(refused.status, 403);
    assert.match(refused.body, /<Code>AccessDenied<\/Code><Message>User: arn:aws:iam::\d{12}:user\/v2-reader is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::presigned-v2\/other.txt" because no identity-based policy allows the s3:GetObject action<\/Message>/);
  });

  test('a tampered signature, path or expiry is SignatureDoesNotMatch; an unknown key InvalidAccessKeyId', async () => {
    const url = new URL(await presign(reader, 'dir/a b+c.txt'));
    const tampered = new URL(url);
    const signature = tampered.searchParams.get('Signature')!;
    tampered.searchParams.set('Signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    const wrongPath = new URL(url);
    wrongPath.pathname = `/${BUCKET}/dir/other.txt`;
    const longer = new URL(url);
    longer.searchParams.set('Expires', String(Number(url.searchParams.get('Expires')) + 3600));
    for (const bad of [tampered, wrongPath, longer]) {
      const res = await get(bad.toString());
      assert.equal(res.status, 403, bad.toString());
      assert.match(res.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    }
    // Malformed: a parameter missing, repeated or not a number of seconds.
    for (const edit of [(u: URL) => u.searchParams.delete('Expires'), (u: URL) => u.searchParams.append('Signature', 'again'), (u: URL) => u.searchParams.set('Expires', 'tomorrow')]) {
      const malformed = new URL(url);
      edit(malformed);
      const refused = await get(malformed.toString());
      assert.equal(refused.status, 403, malformed.toString());
      assert.match(refused.body, /<Code>AccessDenied<\/Code><Message>(Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters|Invalid date)/);
    }
    const unknown = new URL(url);
    unknown.searchParams.set('AWSAccessKeyId', 'AKIAUNKNOWNKEY000000');
    const res = await get(unknown.toString());
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>InvalidAccessKeyId<\/Code>/);
  });

  test('an expired URL is AccessDenied "Request has expired"', async () => {
    const url = await presign(reader, 'dir/a b+c.txt', 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await get(url);
    assert.equal(res.status, 403);
    assert.match(res.body, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><Expires>/);
  });

  test('temporary credentials: the session token signed in the URL', async () => {
    const iam = env.server.iam();
    const role = await iam.send(new CreateRoleCommand({
      RoleName: 'v2-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: reader.arn }, Action: 'sts:AssumeRole' }] }),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'v2-role', PolicyName: 'read', PolicyDocument: JSON.stringify(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) }));
    const assumed = await env.server.sts(reader).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'v2-session' }));
    const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    const url = await presign(session, 'dir/a b+c.txt');
    assert.match(url, /x-amz-security-token=/);
    assert.deepEqual(await get(url), { status: 200, body: 'the object' });
    const otherToken = new URL(url);
    otherToken.searchParams.set('x-amz-security-token', 'garbage');
    // S3 answers a session token it cannot open InvalidToken (400), not as an unknown key.
    const refused = await get(otherToken.toString());
    assert.equal(refused.status, 400);
    assert.match(refused.body, /<Code>InvalidToken<\/Code><Message>The provided token is malformed or otherwise invalid.<\/Message>/);
  });

  test('s3:signatureversion is AWS: a policy that asks for SigV4 refuses the URL', async () => {
    const strict = await env.user('v2-strict', [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 's3:signatureversion': 'AWS4-HMAC-SHA256' } } }],
    }]);
    assert.equal((await get(await presign(strict, 'dir/a b+c.txt'))).status, 403);
    // The same caller with SigV4 reads it.
    const out = await env.s3(strict).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/a b+c.txt' }));
    assert.equal(await out.Body!.transformToString(), 'the object');
  });

  test('a presigned PUT (boto3, signature_version s3) stores the body', { skip: !boto3 && 'python3 with boto3 is not installed' }, async () => {
    const script = [
      'import boto3, sys',
      'from botocore.config import Config',
      `c = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], config=Config(signature_version="s3", s3={"addressing_style": "path"}))`,
      `print(c.generate_presigned_url("put_object", Params={"Bucket": "${BUCKET}", "Key": "uploaded.txt"}, ExpiresIn=300))`,
    ].join('\n');
    const writer = await env.user('v2-writer', [allow(['s3:PutObject'], `arn:aws:s3:::${BUCKET}/uploaded.txt`)]);
    const made = spawnSync('python3', ['-c', script, env.server.url, writer.accessKeyId, writer.secretAccessKey], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const url = made.stdout.trim();
    assert.match(url, /AWSAccessKeyId=/);
    // No Content-Type: SigV2 signs it, and the URL was presigned without one (a string body would add text/plain).
    const res = await fetch(url, { method: 'PUT', body: Buffer.from('put through a v2 URL') });
    const text = await res.text();
    assert.equal(res.status, 200, `${url}\n${text}`);
    const stored = await env.s3(root).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploaded.txt' }));
    assert.equal(await stored.Body!.transformToString(), 'put through a v2 URL');
  });

  test('a SigV2 Authorization header is still refused as S3\'s SigV4-only regions refuse it', async () => {
    const res = await fetch(`${env.server.url}/${BUCKET}/dir/a%20b%2Bc.txt`, { headers: { Authorization: `AWS ${reader.accessKeyId}:c2lnbmF0dXJl`, Date: new Date().toUTCString() } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Please use AWS4-HMAC-SHA256/);
  });
});
