import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';

/**
 * The aws CLI through Tessera in front of a real S3 (moto_server): the roles exercise of the
 * issue end to end, a 50 MB `aws s3 cp` with the CLI's default transfer settings (multipart,
 * signed payloads, Expect: 100-continue), `aws s3 sync`, presigned URLs.
 */
describe('the aws CLI through the gateway', () => {
  let env: GatewayEnv;
  let work: string;
  before(async () => {
    env = await startGatewayEnv();
    work = await mkdtemp(join(tmpdir(), 'tessera-gateway-files-'));
  });
  after(async () => {
    await env?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a user with no S3 rights is refused s3 ls with AWS text; through a role with AmazonS3ReadOnlyAccess it lists the buckets', async () => {
    const root = env.server.root;
    const made = await env.cli(['s3', 'mb', 's3://exercise-bucket'], root);
    assert.equal(made.code, 0, made.stderr);
    const role = await env.server.iam().send(new CreateRoleCommand({
      RoleName: 'S3Reader',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${env.server.accountId}:root` }, Action: 'sts:AssumeRole' }] }),
    }));
    await env.server.iam().send(new AttachRolePolicyCommand({ RoleName: 'S3Reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    const user = await env.user('fake_user1', [allow('sts:AssumeRole', role.Role!.Arn!)]);

    const denied = await env.cli(['s3', 'ls'], user);
    assert.notEqual(denied.code, 0);
    assert.equal(
      denied.stderr.trim(),
      `An error occurred (AccessDenied) when calling the ListBuckets operation: User: ${user.arn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
    );

    const assumed = await env.cli(['sts', 'assume-role', '--role-arn', role.Role!.Arn!, '--role-session-name', 'reader', '--output', 'json'], user);
    assert.equal(assumed.code, 0, assumed.stderr);
    const credentials = (JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }).Credentials;
    const session = { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
    const listed = await env.cli(['s3', 'ls'], session);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, / exercise-bucket\n/);
    // Read-only: writing is still refused, naming the role session.
    await writeFile(join(work, 'small.txt'), 'small');
    const write = await env.cli(['s3', 'cp', join(work, 'small.txt'), 's3://exercise-bucket/small.txt'], session);
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /AccessDenied\) when calling the PutObject operation: User: arn:aws:sts::\d{12}:assumed-role\/S3Reader\/reader is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::exercise-bucket\/small.txt" because no identity-based policy allows the s3:PutObject action/);
  });

  test('aws s3 cp of 50 MB with the default transfer settings (multipart) round-trips intact; aws s3 sync uploads a tree', async () => {
    const root = env.server.root;
    assert.equal((await env.cli(['s3', 'mb', 's3://transfers'], root)).code, 0);
    const data = randomBytes(50 * 1024 * 1024);
    await writeFile(join(work, 'big.bin'), data);
    const up = await env.cli(['s3', 'cp', join(work, 'big.bin'), 's3://transfers/big.bin', '--only-show-errors'], root);
    assert.equal(up.code, 0, up.stderr);
    // moto saw a multipart upload: its ETag is "<md5 of the part md5s>-<parts>".
    const head = await env.cli(['s3api', 'head-object', '--bucket', 'transfers', '--key', 'big.bin', '--output', 'json'], root);
    const meta = JSON.parse(head.stdout) as { ContentLength: number; ETag: string };
    assert.equal(meta.ContentLength, data.length);
    assert.match(meta.ETag, /-\d+"$/);
    const down = await env.cli(['s3', 'cp', 's3://transfers/big.bin', join(work, 'big.back'), '--only-show-errors'], root);
    assert.equal(down.code, 0, down.stderr);
    const back = await readFile(join(work, 'big.back'));
    assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(data).digest('hex'));

    await mkdir(join(work, 'tree', 'nested'), { recursive: true });
    await writeFile(join(work, 'tree', 'one.txt'), 'one');
    await writeFile(join(work, 'tree', 'nested', 'two.txt'), 'two');
    // S3's LastModified has whole seconds: a file written in the same second as its upload would
    // look newer than the object to the next sync. Date the files a minute back.
    const past = new Date(Date.now() - 60_000);
    for (const file of [join(work, 'tree', 'one.txt'), join(work, 'tree', 'nested', 'two.txt')]) await utimes(file, past, past);
    const sync = await env.cli(['s3', 'sync', join(work, 'tree'), 's3://transfers/tree/', '--only-show-errors'], root);
    assert.equal(sync.code, 0, sync.stderr);
    const listed = await env.cli(['s3', 'ls', 's3://transfers/tree/', '--recursive'], root);
    assert.deepEqual(listed.stdout.trim().split('\n').map((line) => line.split(/\s+/).at(-1)).sort(), ['tree/nested/two.txt', 'tree/one.txt']);
    // A second sync has nothing to do: the listing and HEADs it compares with went through too.
    const again = await env.cli(['s3', 'sync', join(work, 'tree'), 's3://transfers/tree/'], root);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), '');
  });

  test('a presigned GET works until it expires; a tampered one is refused', async () => {
    const root = env.server.root;
    assert.equal((await env.cli(['s3', 'mb', 's3://presigned'], root)).code, 0);
    await writeFile(join(work, 'p.txt'), 'presigned content');
    assert.equal((await env.cli(['s3', 'cp', join(work, 'p.txt'), 's3://presigned/p.txt'], root)).code, 0);
    const url = (await env.cli(['s3', 'presign', 's3://presigned/p.txt', '--expires-in', '60'], root)).stdout.trim();
    assert.match(url, /X-Amz-Algorithm=AWS4-HMAC-SHA256/);
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'presigned content');
    const tampered = await fetch(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=61'));
    assert.equal(tampered.status, 403);
    assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const short = (await env.cli(['s3', 'presign', 's3://presigned/p.txt', '--expires-in', '1'], root)).stdout.trim();
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await fetch(short);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });
});
