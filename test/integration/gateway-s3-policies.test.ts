import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutBucketPolicyCommand, DeletePublicAccessBlockCommand, PutObjectCommand,
  DeleteBucketPolicyCommand, GetBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { credentialScope, deriveSigningKey, parseSignedRequest, signRequest } from '../../src/sigv4/index.ts';
import { encodeAwsChunked } from '../../src/sigv4/testing/aws-chunked-body.ts';
import { startGatewayEnv, allow, deny, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, startTestServer, type Credentials } from '../support/tessera-server.ts';

/**
 * S3 through the gateway with the AWS SDK v3: identity and bucket policies decided together as
 * AWS decides them — in one account either may allow and an explicit deny in either wins;
 * across accounts both must allow — a home folder per user (${aws:username}), anonymous
 * access by a bucket policy, presigned PUT, bucket policies validated before they are
 * stored, and hostile requests refused in S3's format.
 */
describe('S3 through the gateway: identity and bucket policies', () => {
  let env: GatewayEnv;
  let root: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'union' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'union', Key: 'doc.txt', Body: 'the document' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'union', Key: 'secret/doc.txt', Body: 'the secret' }));
  });
  after(() => env?.stop());

  const get = (credentials: Credentials, bucket = 'union', key = 'doc.txt') => env.s3(credentials).send(new GetObjectCommand({ Bucket: bucket, Key: key })).then((out) => out.Body!.transformToString());
  const bucketPolicy = (statements: Record<string, unknown>[]) => env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'union', Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));

  test('same account: the bucket policy alone allows; a deny in either wins; neither allows → AWS text', async () => {
    const onlyBucket = await env.user('only-bucket');
    const onlyIdentity = await env.user('only-identity', [allow('s3:GetObject', 'arn:aws:s3:::union/*')]);
    const deniedByBucket = await env.user('denied-by-bucket', [allow('s3:GetObject', 'arn:aws:s3:::union/*')]);
    const deniedByIdentity = await env.user('denied-by-identity', [allow('s3:GetObject', '*'), deny('s3:GetObject', 'arn:aws:s3:::union/*')]);
    const nobody = await env.user('nobody');

    const before = await awsError(() => get(onlyBucket));
    assert.equal(before.name, 'AccessDenied');
    assert.equal(before.status, 403);
    assert.equal(before.message, `User: ${onlyBucket.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::union/doc.txt" because no identity-based policy allows the s3:GetObject action`);
    assert.equal(await get(onlyIdentity), 'the document');

    await bucketPolicy([
      { Effect: 'Allow', Principal: { AWS: [onlyBucket.arn, deniedByIdentity.arn] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::union/*' },
      // moto applies a bucket policy's Deny to every caller, whatever its Principal: the Deny
      // is kept to a prefix only the denied user reads.
      { Effect: 'Deny', Principal: { AWS: deniedByBucket.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::union/secret/*' },
    ]);
    // The policy written through Tessera applies to the very next request (its cached copy is dropped).
    assert.equal(await get(onlyBucket), 'the document');
    assert.equal(await get(onlyIdentity), 'the document');
    const bucketDeny = await awsError(() => get(deniedByBucket, 'union', 'secret/doc.txt'));
    assert.equal(bucketDeny.message, `User: ${deniedByBucket.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::union/secret/doc.txt" with an explicit deny in a resource-based policy`);
    // The Deny names that user only: its identity policy still allows it the rest.
    assert.equal(await get(deniedByBucket), 'the document');
    const identityDeny = await awsError(() => get(deniedByIdentity));
    assert.equal(identityDeny.message, `User: ${deniedByIdentity.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::union/doc.txt" with an explicit deny in an identity-based policy`);
    assert.equal((await awsError(() => get(nobody))).name, 'AccessDenied');

    await env.s3(root).send(new DeleteBucketPolicyCommand({ Bucket: 'union' }));
    assert.equal((await awsError(() => get(onlyBucket))).name, 'AccessDenied');
  });

  test('cross-account: the identity policy in the caller\'s account and the bucket policy in the owner\'s must both allow', async () => {
    const other = await env.account();
    const owner = { iam: env.server.iam, root: other };
    const withIdentity = await env.user('cross-reader', [allow('s3:GetObject', 'arn:aws:s3:::union/*')], owner);
    const withoutIdentity = await env.user('cross-nothing', [], owner);

    // S3 explains a refusal only within the bucket owner's account or organization: across
    // accounts the caller reads "Access Denied" (the reason is in the audit event).
    const noBucketPolicy = await awsError(() => get(withIdentity));
    assert.equal(noBucketPolicy.message, 'Access Denied');
    await bucketPolicy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::union/*' }]);
    assert.equal(await get(withIdentity), 'the document');
    const noIdentity = await awsError(() => get(withoutIdentity));
    assert.equal(noIdentity.message, 'Access Denied');
    // The other account's root is the owner of nothing here: the bucket policy decides for it too.
    assert.equal(await get(other), 'the document');
    assert.equal((await awsError(() => env.s3(other).send(new PutObjectCommand({ Bucket: 'union', Key: 'x', Body: 'x' })))).name, 'AccessDenied');
    // Its own bucket is its own: made through Tessera, recorded as its account's.
    await env.s3(other).send(new CreateBucketCommand({ Bucket: 'other-account-bucket' }));
    const mine = await env.s3(other).send(new ListBucketsCommand({}));
    assert.deepEqual(mine.Buckets!.map((bucket) => bucket.Name), ['other-account-bucket']);
    assert.equal((await awsError(() => env.s3(root).send(new PutObjectCommand({ Bucket: 'other-account-bucket', Key: 'x', Body: 'x' })))).name, 'AccessDenied');
    await env.s3(root).send(new DeleteBucketPolicyCommand({ Bucket: 'union' }));
  });

  test('a home folder per user: ${aws:username} in s3:prefix and in object ARNs', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'homes' }));
    const home = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::homes', Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/', 'home/${aws:username}/*'] } } },
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::homes/home/${aws:username}/*' },
      ],
    };
    const alice = await env.user('alice', [home]);
    await env.user('bob', [home]);
    await env.s3(alice).send(new PutObjectCommand({ Bucket: 'homes', Key: 'home/alice/notes.txt', Body: 'mine' }));
    assert.equal(await get(alice, 'homes', 'home/alice/notes.txt'), 'mine');
    const listed = await env.s3(alice).send(new ListObjectsV2Command({ Bucket: 'homes', Prefix: 'home/alice/' }));
    assert.deepEqual(listed.Contents!.map((object) => object.Key), ['home/alice/notes.txt']);

    const otherHome = await awsError(() => env.s3(alice).send(new PutObjectCommand({ Bucket: 'homes', Key: 'home/bob/x.txt', Body: 'x' })));
    assert.equal(otherHome.message, `User: ${alice.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::homes/home/bob/x.txt" because no identity-based policy allows the s3:PutObject action`);
    assert.equal((await awsError(() => env.s3(alice).send(new ListObjectsV2Command({ Bucket: 'homes', Prefix: 'home/bob/' })))).name, 'AccessDenied');
    assert.equal((await awsError(() => env.s3(alice).send(new ListObjectsV2Command({ Bucket: 'homes' })))).name, 'AccessDenied');
  });

  test('anonymous requests: allowed only by a policy granting "*"; path-style and virtual-hosted', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'public-site' }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'public-site', Key: 'index.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
    const before = await fetch(`${env.server.url}/public-site/index.html`);
    assert.equal(before.status, 403);
    assert.match(await before.text(), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[0-9a-f-]+<\/RequestId>/);
    const publicPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-site/*' }] });
    // A new bucket blocks public policies, as on AWS since 2023, until its owner turns that off.
    const blocked = await awsError(() => env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'public-site', Policy: publicPolicy })));
    assert.equal(blocked.name, 'AccessDenied');
    assert.match(blocked.message, /because public policies are blocked by the BlockPublicPolicy block public access setting\.$/);
    await env.s3(root).send(new DeletePublicAccessBlockCommand({ Bucket: 'public-site' }));
    await env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'public-site', Policy: publicPolicy }));
    const pathStyle = await fetch(`${env.server.url}/public-site/index.html`, { headers: { Range: 'bytes=4-5' } });
    assert.equal(pathStyle.status, 206);
    assert.equal(await pathStyle.text(), 'hi');
    // Conditional requests pass through: the upstream's 304 comes back unchanged.
    const etag = (await fetch(`${env.server.url}/public-site/index.html`)).headers.get('etag')!;
    const notModified = await fetch(`${env.server.url}/public-site/index.html`, { headers: { 'If-None-Match': etag } });
    assert.equal(notModified.status, 304);
    const hosted = await rawGet(env.server.url, '/index.html', { host: `public-site.localhost:${new URL(env.server.url).port}` });
    assert.equal(hosted.status, 200);
    assert.equal(hosted.headers['content-type'], 'text/html');
    assert.equal(hosted.body, '<h1>hi</h1>');
    // "*" was granted GetObject only.
    const put = await fetch(`${env.server.url}/public-site/index.html`, { method: 'PUT', body: 'defaced' });
    assert.equal(put.status, 403);
    assert.equal(await get(root, 'public-site', 'index.html'), '<h1>hi</h1>');
    const listing = await fetch(`${env.server.url}/public-site`);
    assert.equal(listing.status, 403);
  });

  test('presigned PUT and GET made by the SDK\'s presigner', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'presign-sdk' }));
    const s3 = env.s3(root);
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presign-sdk', Key: 'up.txt' }), { expiresIn: 60 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'uploaded by URL' });
    assert.equal(put.status, 200, await put.text());
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign-sdk', Key: 'up.txt' }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    assert.equal(await got.text(), 'uploaded by URL');
    // A URL presigned by a user without the right is refused when used.
    const reader = await env.user('presign-reader', [allow('s3:GetObject', '*')]);
    const refusedUrl = await getSignedUrl(env.s3(reader), new PutObjectCommand({ Bucket: 'presign-sdk', Key: 'up.txt' }), { expiresIn: 60 });
    const refused = await fetch(refusedUrl, { method: 'PUT', body: 'overwrite' });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessDenied<\/Code><Message>User: arn:aws:iam::\d{12}:user\/presign-reader is not authorized to perform: s3:PutObject/);
  });

  test('a bucket policy is validated before it is stored: S3\'s MalformedPolicy texts', async () => {
    const put = (policy: unknown) => awsError(() => env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'union', Policy: typeof policy === 'string' ? policy : JSON.stringify(policy) })));
    const statement = (extra: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::union/*', ...extra }] });
    const principal = await put(statement({ Principal: { AWS: 'not-an-arn' } }));
    assert.deepEqual([principal.name, principal.status, principal.message], ['MalformedPolicy', 400, 'Invalid principal in policy']);
    assert.equal((await put(statement({ Resource: 'arn:aws:s3:::another-bucket/*' }))).message, 'Policy has invalid resource');
    assert.equal((await put(statement({ Action: 'iam:CreateUser' }))).message, 'Policy has invalid action');
    assert.equal((await put('{"Version":')).message, 'This policy contains invalid Json');
    assert.equal((await put(statement({ Resource: 'x'.repeat(21 * 1024) }))).name, 'MalformedPolicy');
    // S3 checks each statement in order: Effect, Principal, Action, Resource, whether the
    // actions apply to the resources, then the Condition.
    assert.equal((await put(statement({ Effect: 'Permit' }))).message, 'Invalid effect: Permit');
    assert.equal((await put(statement({ Action: 's3:GetObjekt' }))).message, 'Policy has invalid action');
    assert.equal((await put(statement({ Action: 's3:Nothing*' }))).message, 'Policy has invalid action');
    // A hostile wildcard is matched in linear time (the engine's matcher, never a RegExp).
    const started = performance.now();
    assert.equal((await put(statement({ Action: `s3:${'*a'.repeat(4000)}b` }))).message, 'Policy has invalid action');
    assert.ok(performance.now() - started < 2000, `a pattern of 4,000 stars took ${performance.now() - started} ms`);
    assert.equal((await put(statement({ Resource: 'arn:aws:s3:::union' }))).message, 'Action does not apply to any resource(s) in statement');
    assert.equal((await put(statement({ Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::union/*' }))).message, 'Action does not apply to any resource(s) in statement');
    assert.equal((await put(statement({ Condition: { StringEqualz: { 'aws:SourceIp': '10.0.0.1' } } }))).message, 'Invalid Condition type : StringEqualz');
    assert.equal((await put(statement({ Condition: { StringEquals: { 's3:no-such-key': 'x' } } }))).message, 'Policy has an invalid condition key');
    assert.equal((await put(statement({ Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '300.1.1.1'] } } }))).message, 'Invalid IP address in Conditions');
    // A user the policy names must exist (as for a role's trust policy).
    const ghost = await put(statement({ Principal: { AWS: `arn:aws:iam::${env.server.accountId}:user/no-such-user` } }));
    assert.deepEqual([ghost.name, ghost.message], ['MalformedPolicy', 'Invalid principal in policy']);
    // Nothing was stored.
    const none = await fetch(`${env.server.url}/union/doc.txt`);
    assert.equal(none.status, 403);
    // What S3 accepts: wildcards naming S3 actions, bucket and object ARNs together, S3's tag
    // keys with any tag name, any aws: key, and an existing user.
    const reader = await env.user('policy-named-reader');
    await env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: 'union',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: reader.arn }, Action: ['s3:Get*', 's3:List*'], Resource: ['arn:aws:s3:::union', 'arn:aws:s3:::union/*'], Condition: { StringEqualsIfExists: { 's3:ExistingObjectTag/classification': 'public', 'aws:SomeFutureKey': 'x' }, IpAddress: { 'aws:SourceIp': ['127.0.0.0/8', '::1'] } } },
        ],
      }),
    }));
    await env.s3(root).send(new DeleteBucketPolicyCommand({ Bucket: 'union' }));
  });

  test('the bucket owner\'s root user keeps its bucket policy calls under a policy that denies everyone; another account is 405', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'locked-out' }));
    const admin = await env.user('bucket-admin', [allow('s3:*')]);
    const other = await env.account();
    const lockout = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::locked-out', 'arn:aws:s3:::locked-out/*'] }] };
    await env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'locked-out', Policy: JSON.stringify(lockout) }));
    // An administrator of the account is locked out, as the policy says…
    const denied = await awsError(() => env.s3(admin).send(new DeleteBucketPolicyCommand({ Bucket: 'locked-out' })));
    assert.match(denied.message, /s3:DeleteBucketPolicy on resource: "arn:aws:s3:::locked-out" with an explicit deny in a resource-based policy/);
    assert.equal((await awsError(() => env.s3(root).send(new ListObjectsV2Command({ Bucket: 'locked-out' })))).name, 'AccessDenied');
    // …but the root user of the owner's account may still read, replace and delete the policy.
    assert.equal(JSON.parse((await env.s3(root).send(new GetBucketPolicyCommand({ Bucket: 'locked-out' }))).Policy!).Statement[0].Effect, 'Deny');
    await env.s3(root).send(new DeleteBucketPolicyCommand({ Bucket: 'locked-out' }));
    await env.s3(admin).send(new ListObjectsV2Command({ Bucket: 'locked-out' }));
    // Another account's caller whom the policies allow is answered 405 for the bucket's policy.
    const grant = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: other.accountId }, Action: ['s3:GetBucketPolicy', 's3:ListBucket'], Resource: 'arn:aws:s3:::locked-out' }] };
    await env.s3(root).send(new PutBucketPolicyCommand({ Bucket: 'locked-out', Policy: JSON.stringify(grant) }));
    await env.s3(other).send(new ListObjectsV2Command({ Bucket: 'locked-out' }));
    const foreign = await awsError(() => env.s3(other).send(new GetBucketPolicyCommand({ Bucket: 'locked-out' })));
    assert.deepEqual([foreign.name, foreign.status], ['MethodNotAllowed', 405]);
    await env.s3(root).send(new DeleteBucketPolicyCommand({ Bucket: 'locked-out' }));
  });

  test('hostile: a tampered signed payload or chunk is refused and nothing is stored; a client cannot pick the upstream account', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'hostile' }));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const signed = signRequest(
      { method: 'PUT', path: '/hostile/tampered.bin', query: '', headers: { host: new URL(env.server.url).host, 'x-amz-content-sha256': 'a'.repeat(64), 'content-length': String(body.length) }, body: '' },
      root, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false },
    );
    const started = performance.now();
    const answer = await rawRequest(env.server.url, 'PUT', '/hostile/tampered.bin', signed.headers as Record<string, string>, body);
    assert.equal(answer.status, 400);
    assert.match(answer.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.ok(performance.now() - started < 5000);
    assert.equal((await awsError(() => env.s3(root).send(new HeadObjectCommand({ Bucket: 'hostile', Key: 'tampered.bin' })))).status, 404);

    // aws-chunked with chunk signatures: a good upload is stored decoded; one changed byte of a chunk stores nothing.
    const data = Buffer.alloc(200 * 1024, 3);
    const chunked = (key: string) => {
      const headers = signRequest(
        { method: 'PUT', path: `/hostile/${key}`, query: '', headers: { host: new URL(env.server.url).host, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) }, body: '' },
        root, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false },
      ).headers as Record<string, string>;
      const parsed = parseSignedRequest({ method: 'PUT', path: `/hostile/${key}`, query: '', headers, body: '' });
      assert.ok(parsed.ok);
      const auth = parsed.auth;
      const signing = { signingKey: deriveSigningKey(root.secretAccessKey, auth.credentialDate, auth.region, auth.service), amzDate: auth.amzDate, scope: credentialScope(auth.credentialDate, auth.region, auth.service), seedSignature: auth.signature };
      const body = encodeAwsChunked(data, { chunkSize: 64 * 1024, signing }).body;
      return { headers: { ...headers, 'content-length': String(body.length) }, body };
    };
    const good = chunked('chunked.bin');
    const stored = await rawRequest(env.server.url, 'PUT', '/hostile/chunked.bin', good.headers, good.body);
    assert.equal(stored.status, 200, stored.body);
    const back = await env.s3(root).send(new GetObjectCommand({ Bucket: 'hostile', Key: 'chunked.bin' }));
    assert.ok(Buffer.from(await back.Body!.transformToByteArray()).equals(data));
    const bad = chunked('bad-chunk.bin');
    bad.body[70 * 1024] = bad.body[70 * 1024]! ^ 1;
    const refusedChunk = await rawRequest(env.server.url, 'PUT', '/hostile/bad-chunk.bin', bad.headers, bad.body);
    assert.equal(refusedChunk.status, 403);
    assert.match(refusedChunk.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal((await awsError(() => env.s3(root).send(new HeadObjectCommand({ Bucket: 'hostile', Key: 'bad-chunk.bin' })))).status, 404);
    // The SDK's own streamed upload (aws-chunked with a trailing checksum) goes through.
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'hostile', Key: 'sdk-stream.bin', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    const sdkBack = await env.s3(root).send(new GetObjectCommand({ Bucket: 'hostile', Key: 'sdk-stream.bin' }));
    assert.ok(Buffer.from(await sdkBack.Body!.transformToByteArray()).equals(data));

    // x-moto-account-id from a client is dropped: the bucket is made in (and recorded as) the caller's account.
    const other = await env.account();
    const sneaky = env.s3(other);
    sneaky.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = env.server.accountId;
      return next(args);
    }, { step: 'build' });
    await sneaky.send(new CreateBucketCommand({ Bucket: 'sneaky-bucket' }));
    const rootBuckets = await env.s3(root).send(new ListBucketsCommand({}));
    assert.equal(rootBuckets.Buckets!.some((bucket) => bucket.Name === 'sneaky-bucket'), false);
    assert.equal((await awsError(() => env.s3(root).send(new PutObjectCommand({ Bucket: 'sneaky-bucket', Key: 'k', Body: 'k' })))).name, 'AccessDenied');

    // SigV2 is refused as S3's SigV4-only regions refuse it.
    const v2 = await fetch(`${env.server.url}/union/doc.txt`, { headers: { authorization: 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' } });
    assert.equal(v2.status, 400);
    assert.match(await v2.text(), /<Code>InvalidRequest<\/Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.<\/Message>/);
    // A scope of another service's key (wrong service for the signature) is refused.
    const unknownKey = await awsError(() => env.s3({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }).send(new ListBucketsCommand({})));
    assert.deepEqual([unknownKey.name, unknownKey.status], ['InvalidAccessKeyId', 403]);
  });
});

describe('a protected service without an upstream', () => {
  test('is answered in its own protocol, naming the service and the flag', async () => {
    const server = await startTestServer();
    try {
      const s3 = new (await import('@aws-sdk/client-s3')).S3Client({ endpoint: server.url, region: 'us-east-1', credentials: server.root, forcePathStyle: true, maxAttempts: 1 });
      const failure = await awsError(() => s3.send(new ListBucketsCommand({})));
      s3.destroy();
      assert.equal(failure.name, 'NotImplemented');
      assert.equal(failure.status, 501);
      assert.equal(failure.message, 'Tessera has no upstream for the service s3: start it with --upstream URL (every service it does not serve) or --upstream s3=URL (TESSERA_UPSTREAMS).');
      // An unsigned request stays Tessera's own (no S3 upstream): IAM's answer.
      const unsigned = await fetch(`${server.url}/some-bucket/key`);
      assert.equal(unsigned.status, 403);
      assert.match(await unsigned.text(), /MissingAuthenticationToken|IncompleteSignature/);
    } finally {
      await server.stop();
    }
  });
});

function rawRequest(base: string, method: string, path: string, headers: Record<string, string | string[]>, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rawGet(base: string, path: string, headers: Record<string, string>): ReturnType<typeof rawRequest> {
  return rawRequest(base, 'GET', path, headers);
}
