import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, PutBucketPolicyCommand, DeletePublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * S3's browser-based uploads (POST Object) through the gateway, with forms made by the AWS SDK
 * v3's createPresignedPost: the signature over the policy, the policy over the form, the
 * upload decided as s3:PutObject on the object, the file's size held to content-length-range
 * with nothing stored when it is not, and S3's answers (204, 201 PostResponse, 303).
 */
describe('S3 POST Object (presigned POST) through the gateway', () => {
  let env: GatewayEnv;
  let root: Credentials;
  const bucket = 'post-uploads';
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(() => env?.stop());

  const client = (credentials: Credentials) => new S3Client({ endpoint: env.server.url, region: 'us-east-1', credentials, forcePathStyle: true });
  const presign = (credentials: Credentials, key: string, options: { conditions?: unknown[]; fields?: Record<string, string> } = {}) =>
    createPresignedPost(client(credentials), { Bucket: bucket, Key: key, Expires: 300, ...(options.conditions ? { Conditions: options.conditions as never } : {}), ...(options.fields ? { Fields: options.fields } : {}) });
  const upload = (post: PresignedPost, content: string, extra: Record<string, string> = {}, filename = 'photo.txt') => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...post.fields, ...extra })) form.append(name, value);
    form.append('file', new Blob([content], { type: 'text/plain' }), filename);
    return fetch(post.url, { method: 'POST', body: form, redirect: 'manual' });
  };
  const stored = async (key: string) => {
    try {
      return await (await env.s3(root).send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    } catch {
      return undefined;
    }
  };

  test('a presigned POST uploads the file (204 with ETag and Location); ${filename} takes the file\'s name', async () => {
    const post = await presign(root, 'uploads/${filename}', { conditions: [['content-length-range', 1, 1024], ['starts-with', '$Content-Type', 'text/']], fields: { 'Content-Type': 'text/plain' } });
    const answer = await upload(post, 'hello from a browser');
    assert.equal(answer.status, 204, await answer.clone().text());
    assert.match(answer.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    assert.equal(answer.headers.get('location'), `${env.server.url}/${bucket}/uploads/photo.txt`);
    assert.equal(answer.headers.get('x-amz-request-id')?.length, 36);
    assert.equal(await stored('uploads/photo.txt'), 'hello from a browser');
  });

  test('the policy decides the form: size range, conditions, extra fields, expiry — nothing stored when refused', async () => {
    const post = await presign(root, 'limited.txt', { conditions: [['content-length-range', 5, 10]] });
    const large = await upload(post, 'x'.repeat(11));
    assert.equal(large.status, 400);
    assert.match(await large.text(), /<Code>EntityTooLarge<\/Code>.*<MaxSizeAllowed>10<\/MaxSizeAllowed>/s);
    const small = await upload(post, 'x');
    assert.match(await small.text(), /<Code>EntityTooSmall<\/Code>/);
    assert.equal(await stored('limited.txt'), undefined);

    const otherKey = await upload(post, 'right size', { key: 'elsewhere.txt' });
    assert.equal(otherKey.status, 403);
    assert.match(await otherKey.text(), /<Code>AccessDenied<\/Code><Message>Invalid according to Policy: Policy Condition failed: \["eq", "\$key", "limited.txt"\]<\/Message>/);
    const extra = await upload(post, 'right size', { 'x-amz-meta-owner': 'mallory' });
    assert.match(await extra.text(), /Invalid according to Policy: Extra input fields: x-amz-meta-owner/);
    assert.equal(await stored('elsewhere.txt'), undefined);

    const expired = await createPresignedPost(client(root), { Bucket: bucket, Key: 'late.txt', Expires: -10 });
    assert.match(await (await upload(expired, 'late')).text(), /Invalid according to Policy: Policy expired\./);

    const forged = await createPresignedPost(client({ accessKeyId: root.accessKeyId, secretAccessKey: 'not-the-secret' }), { Bucket: bucket, Key: 'forged.txt', Expires: 300 });
    const refused = await upload(forged, 'forged');
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(await stored('forged.txt'), undefined);

    const ok = await upload(post, 'just right');
    assert.equal(ok.status, 204);
    assert.equal(await stored('limited.txt'), 'just right');
  });

  test('the upload is decided as s3:PutObject for the signer: a user\'s grant on a prefix, a temporary key, an ACL field', async () => {
    const writer = await env.user('post-writer', [allow('s3:PutObject', `arn:aws:s3:::${bucket}/home/\${aws:username}/*`)]);
    const own = await upload(await presign(writer, 'home/post-writer/note.txt'), 'mine');
    assert.equal(own.status, 204, await own.clone().text());
    const other = await upload(await presign(writer, 'home/someone-else/note.txt'), 'theirs');
    assert.equal(other.status, 403);
    assert.ok((await other.text()).includes(`<Message>User: ${writer.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/home/someone-else/note.txt" because no identity-based policy allows the s3:PutObject action</Message>`));
    assert.equal(await stored('home/someone-else/note.txt'), undefined);
    // Temporary credentials: the SDK adds the session token as a field its policy names.
    const session = (await env.server.sts(writer).send(new GetSessionTokenCommand({}))).Credentials!;
    const temporary = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
    const viaSession = await presign(temporary, 'home/post-writer/session.txt');
    assert.ok(Object.keys(viaSession.fields).some((name) => name.toLowerCase() === 'x-amz-security-token'));
    assert.equal((await upload(viaSession, 'by session')).status, 204);
    assert.equal(await stored('home/post-writer/session.txt'), 'by session');
    assert.equal((await upload(await presign(temporary, 'home/someone-else/session.txt'), 'x')).status, 403);
    // A canned ACL in the form also needs s3:PutObjectAcl, as PutObject with x-amz-acl does.
    const acl = await upload(await presign(writer, 'home/post-writer/public.txt', { fields: { acl: 'public-read' }, conditions: [{ acl: 'public-read' }] }), 'public');
    assert.equal(acl.status, 403);
    assert.match(await acl.text(), /s3:PutObjectAcl/);

    // A tagging field (a Tagging document) tags the object, and needs s3:PutObjectTagging too.
    const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>';
    const untaggable = await upload(await presign(writer, 'home/post-writer/tagged.txt', { fields: { tagging }, conditions: [{ tagging }] }), 'tagged');
    assert.match(await untaggable.text(), /s3:PutObjectTagging/);
    assert.equal((await upload(await presign(root, 'tagged.txt', { fields: { tagging }, conditions: [{ tagging }] }), 'tagged')).status, 204);
    const tags = await env.s3(root).send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged.txt' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'team', Value: 'web' }]);

    // 201 answers S3's PostResponse; a redirect answers 303 with the object's bucket, key and ETag.
    const created = await upload(await presign(root, 'answered.txt', { fields: { success_action_status: '201' }, conditions: [{ success_action_status: '201' }] }), 'x');
    assert.equal(created.status, 201);
    assert.match(await created.text(), new RegExp(`<PostResponse><Location>${env.server.url}/${bucket}/answered.txt</Location><Bucket>${bucket}</Bucket><Key>answered.txt</Key><ETag>"[0-9a-f]{32}"</ETag></PostResponse>`));
    const redirected = await upload(await presign(root, 'redirected.txt', { fields: { success_action_redirect: 'https://app.example/done' }, conditions: [{ success_action_redirect: 'https://app.example/done' }] }), 'x');
    assert.equal(redirected.status, 303);
    const target = new URL(redirected.headers.get('location')!);
    assert.deepEqual([target.origin + target.pathname, target.searchParams.get('bucket'), target.searchParams.get('key')], ['https://app.example/done', bucket, 'redirected.txt']);
  });

  test('an unsigned form is the anonymous caller: allowed only by a bucket policy granting "*"', async () => {
    const anonymousForm = (key: string) => {
      const form = new FormData();
      form.append('key', key);
      form.append('file', new Blob(['anonymous']), 'a.txt');
      return fetch(`${env.server.url}/${bucket}`, { method: 'POST', body: form });
    };
    const refused = await anonymousForm('drop/a.txt');
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    await env.s3(root).send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/drop/*` }] }),
    }));
    assert.equal((await anonymousForm('drop/a.txt')).status, 204);
    assert.equal(await stored('drop/a.txt'), 'anonymous');
    const listed = await env.s3(root).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'drop/' }));
    assert.deepEqual(listed.Contents?.map((object) => object.Key), ['drop/a.txt']);
    // A form without a file, or with a malformed body, is refused in S3's words.
    const noFile = new FormData();
    noFile.append('key', 'drop/none.txt');
    const missing = await fetch(`${env.server.url}/${bucket}`, { method: 'POST', body: noFile });
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /POST requires exactly one file upload per request\./);
  });

  test('hostile forms are refused quickly in S3\'s words, and nothing is stored', async () => {
    const post = await presign(root, 'hostile.txt');
    const started = performance.now();
    // Fields before the file beyond S3's 20 KB.
    const flood = await upload(post, 'x', { 'x-ignore-padding': 'p'.repeat(30 * 1024) });
    assert.equal(flood.status, 400);
    assert.match(await flood.text(), /<Code>MaxPostPreDataLengthExceeded<\/Code>/);
    // A multipart type without a boundary, and a body that is not multipart at all.
    const noBoundary = await fetch(`${env.server.url}/${bucket}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; charset=utf-8' }, body: 'garbage' });
    assert.equal(noBoundary.status, 400);
    assert.match(await noBoundary.text(), /<Code>MalformedPOSTRequest<\/Code>/);
    const truncated = await fetch(`${env.server.url}/${bucket}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nhostile.txt' });
    assert.equal(truncated.status, 400);
    // A key beyond S3's 1,024 bytes once ${filename} is replaced.
    const long = await upload(post, 'x', { key: 'k/${filename}' }, 'f'.repeat(1100));
    assert.equal(long.status, 400);
    // A signature over another policy (the policy field swapped).
    const other = await presign(root, 'other.txt');
    const policyField = Object.keys(post.fields).find((name) => name.toLowerCase() === 'policy')!;
    const swapped = await upload(post, 'x', { [policyField]: other.fields[policyField]! });
    assert.equal(swapped.status, 403);
    assert.match(await swapped.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.ok(performance.now() - started < 5000);
    assert.equal(await stored('hostile.txt'), undefined);
    assert.equal(await stored('other.txt'), undefined);
  });
});
