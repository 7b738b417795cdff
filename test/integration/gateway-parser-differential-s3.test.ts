import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { signRequest } from '../../src/sigv4/index.ts';
import { decodePath } from '../../src/gateway/upstream-http.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * S3 parser differentials between the gateway and its upstream (moto_server): requests the
 * gateway decided as one operation, object or condition-key value while moto performed another
 * — a raw `;` or `#` in the URL, a form body's fields read before the URL's, a percent-encoded
 * bucket routed decoded, an x-amz-copy-source read by Python's urlparse, a tag key given twice
 * in x-amz-tagging, and XML elements read by qualified name. Each was a bypass before the gateway refused it
 * (src/gateway/parser-differential-s3.ts); each test checks the effect in moto itself.
 */
describe('S3 parser differentials between the gateway and the upstream', () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  interface Raw { method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string | Buffer }

  /** An S3 request signed as S3 signs it (the path decoded once, never normalized), sent to `base`. */
  async function call(base: string, credentials: Credentials, raw: Raw): Promise<RawResponse> {
    const host = new URL(base).host;
    const path = raw.path ?? '/';
    const body = raw.body ?? '';
    const headers: Record<string, string> = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...raw.headers };
    // (Node sends a GET's or DELETE's body only with a length.)
    if (body.length > 0) headers['content-length'] = String(Buffer.byteLength(body));
    const signed = signRequest({ method: raw.method ?? 'GET', path: decodePath(path), query: raw.query ?? '', headers, body }, credentials, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false });
    return sendRaw(base, { method: raw.method ?? 'GET', path, query: raw.query ?? '', headers: signed.headers as Record<string, string>, body: body as string });
  }
  const tessera = (credentials: Credentials, raw: Raw) => call(env.server.url, credentials, raw);
  /** moto itself, in the default account: what really happened. */
  const moto = (raw: Raw) => call(env.moto.url, upstreamCredentials, { ...raw, headers: { ...raw.headers, 'x-moto-account-id': account } });
  const put = (path: string, body: string, headers: Record<string, string> = {}) => tessera(root, { method: 'PUT', path, headers, body });
  const md5 = (text: string) => createHash('md5').update(text).digest('base64');
  const xml = (method: string, path: string, query: string, body: string): Raw => ({ method, path, query, headers: { 'content-md5': md5(body) }, body });
  const refused = (answer: RawResponse, pattern: RegExp) => {
    assert.equal(answer.status, 400, answer.body);
    assert.match(answer.body, /<Code>InvalidRequest<\/Code>/);
    assert.match(answer.body, pattern);
  };
  const versions = async (bucket: string) => [...(await moto({ path: `/${bucket}`, query: 'versions' })).body.matchAll(/<VersionId>([^<]+)<\/VersionId>/g)].map((match) => match[1]).sort();
  /** A versioned bucket with `doc` written twice: [old version, current version]. */
  async function versionedDoc(bucket: string): Promise<[string, string]> {
    assert.equal((await put(`/${bucket}`, '')).status, 200);
    assert.equal((await tessera(root, { method: 'PUT', path: `/${bucket}`, query: 'versioning', body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' })).status, 200);
    const old = (await put(`/${bucket}/doc`, 'OLD-SECRET')).headers['x-amz-version-id'] as string;
    const current = (await put(`/${bucket}/doc`, 'CURRENT')).headers['x-amz-version-id'] as string;
    assert.ok(old && current && old !== current);
    return [old, current];
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
  });
  after(() => env?.stop());

  test('a form body is refused (moto read its versionId over the URL: an old version read, a version deleted for good)', async () => {
    const [old, current] = await versionedDoc('form-body');
    const user = await env.user('s3-form-body', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::form-body/*' },
        { Effect: 'Deny', Action: ['s3:GetObjectVersion', 's3:DeleteObjectVersion'], Resource: '*' },
      ],
    }]);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const read = await tessera(user, { path: '/form-body/doc', headers: form, body: `versionId=${old}` });
    refused(read, /form body/);
    assert.doesNotMatch(read.body, /OLD-SECRET/);
    refused(await tessera(user, { method: 'DELETE', path: '/form-body/doc', headers: form, body: `versionId=${old}` }), /form body/);
    refused(await tessera(user, { method: 'DELETE', path: '/form-body/doc', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: `--x\r\nContent-Disposition: form-data; name="versionId"\r\n\r\n${old}\r\n--x--\r\n` }), /form body/);
    assert.deepEqual(await versions('form-body'), [old, current].sort());
    // The same requests without a body, or with another Content-Type, are what they say.
    assert.equal((await tessera(user, { path: '/form-body/doc', headers: form })).body, 'CURRENT');
    assert.equal((await tessera(user, { path: '/form-body/doc', headers: { 'content-type': 'text/plain' }, body: `versionId=${old}` })).body, 'CURRENT');
  });

  test('a raw ; or # in the request line is refused (moto read and overwrote another key, read an object for GetObjectTagging, deleted one for DeleteObjectTagging)', async () => {
    assert.equal((await put('/raw-chars', '')).status, 200);
    await put('/raw-chars/secret.bin', 'SECRET');
    await put('/raw-chars/victim.bin', 'VICTIM');
    const user = await env.user('s3-raw-chars', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::raw-chars/*.txt' },
        { Effect: 'Allow', Action: ['s3:GetObjectTagging', 's3:DeleteObjectTagging'], Resource: 'arn:aws:s3:::raw-chars/*' },
      ],
    }]);
    // urlparse drops the last segment's `;…`: the key was secret.bin.
    const read = await tessera(user, { path: '/raw-chars/secret.bin;.txt' });
    refused(read, /raw ;/);
    assert.doesNotMatch(read.body, /SECRET/);
    refused(await tessera(user, { method: 'PUT', path: '/raw-chars/secret.bin;.txt', body: 'OVERWRITTEN' }), /raw ;/);
    // moto's HTTP server ends the URL at `#`: the key was secret.bin, the operation GetObject / DeleteObject.
    for (const [method, path, query] of [['GET', '/raw-chars/secret.bin#.txt', ''], ['GET', '/raw-chars/secret.bin', 'x-id=GetObject#&tagging'], ['GET', '/raw-chars/secret.bin#', 'tagging'], ['DELETE', '/raw-chars/victim.bin', 'x-id=DeleteObject#&tagging']] as const) {
      const answer = await tessera(user, { method, path, query });
      refused(answer, /raw #/);
      assert.doesNotMatch(answer.body, /SECRET/);
    }
    assert.equal((await moto({ path: '/raw-chars/secret.bin' })).body, 'SECRET');
    assert.equal((await moto({ path: '/raw-chars/victim.bin' })).body, 'VICTIM');
    // Percent-encoded, they are a key's characters to both readers.
    assert.equal((await tessera(user, { method: 'PUT', path: '/raw-chars/a%3Bb%23c.txt', body: 'ENCODED' })).status, 200);
    assert.equal((await moto({ path: '/raw-chars/a%3Bb%23c.txt' })).body, 'ENCODED');
    assert.equal((await tessera(user, { path: '/raw-chars/victim.bin', query: 'tagging' })).status, 200);
  });

  test('a percent-encoded bucket is refused (CreateBucket of `bucket/key` to the gateway was PutObject on bucket/key to moto)', async () => {
    assert.equal((await put('/encoded-bucket', '')).status, 200);
    const creator = await env.user('s3-bucket-creator', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }] }]);
    // (A key that exists is refused before this: its HEAD answers, so the "bucket" has no known owner.)
    for (const path of ['/encoded-bucket%2Fnew', '/encoded-bucket%2fnew', '/encoded-bucket%2Fdir%2Fnew']) {
      refused(await tessera(creator, { method: 'PUT', path, body: 'PLANTED' }), /percent-encoded/);
    }
    assert.equal((await moto({ path: '/encoded-bucket/new' })).status, 404);
    assert.equal((await moto({ path: '/encoded-bucket/dir/new' })).status, 404);
    // A key's %2F stays a key's (virtual-hosted or path-style): only the bucket's segment is checked.
    const writer = await env.user('s3-encoded-key-writer', [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::encoded-bucket/public/*' }] }]);
    assert.equal((await tessera(writer, { method: 'PUT', path: '/encoded-bucket/public%2Fa', body: 'A' })).status, 200);
    assert.equal((await moto({ path: '/encoded-bucket/public/a' })).body, 'A');
  });

  test('an x-amz-copy-source urlparse reads otherwise is refused (moto copied another bucket\'s, a denied key\'s, a denied version\'s object)', async () => {
    const [old] = await versionedDoc('copy-target');
    for (const bucket of ['pub-data', 'secret-data']) assert.equal((await put(`/${bucket}`, '')).status, 200);
    await put('/secret-data/key', 'OTHER-BUCKET');
    await put('/pub-data/secret', 'DENIED-KEY');
    await put('/pub-data/public', 'PUBLIC');
    const copier = await env.user('s3-copy-source', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'], Resource: ['arn:aws:s3:::copy-target/*', 'arn:aws:s3:::pub*/*'] },
        { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub-data/secret*' },
        { Effect: 'Deny', Action: 's3:GetObjectVersion', Resource: '*', Condition: { StringEquals: { 's3:VersionId': old } } },
      ],
    }]);
    const sources: [string, RegExp][] = [
      // urlparse takes `pub:` for a scheme: the bucket was secret-data.
      ['pub:secret-data/key', /scheme/],
      // urlparse drops a tab: the key was `secret`.
      ['pub-data/sec\tret', /control characters/],
      // parse_qs skips an empty value: the version was the denied one (s3:VersionId unset to the gateway).
      [`copy-target/doc?versionId=&versionId=${old}`, /one query parameter/],
      // urlparse ends the query at `#`: the version was the denied one (s3:VersionId `<old>#x` to the gateway).
      [`copy-target/doc?versionId=${old}#x`, /percent-encode #/],
    ];
    for (const [index, [source, message]] of sources.entries()) {
      refused(await tessera(copier, { method: 'PUT', path: `/copy-target/copy-${index}`, headers: { 'x-amz-copy-source': source } }), message);
      assert.equal((await moto({ path: `/copy-target/copy-${index}` })).status, 404, source);
    }
    // The SDKs' forms are read the same by both: copied, and the right object.
    assert.equal((await tessera(copier, { method: 'PUT', path: '/copy-target/copy-ok', headers: { 'x-amz-copy-source': '/pub-data/public' } })).status, 200);
    assert.equal((await moto({ path: '/copy-target/copy-ok' })).body, 'PUBLIC');
    const current = (await tessera(root, { path: '/copy-target/doc' })).headers['x-amz-version-id'] as string;
    assert.equal((await tessera(copier, { method: 'PUT', path: '/copy-target/copy-version', headers: { 'x-amz-copy-source': `copy-target/doc?versionId=${current}` } })).status, 200);
    assert.equal((await moto({ path: '/copy-target/copy-version' })).body, 'CURRENT');
  });

  test('x-amz-tagging naming a tag key twice is refused (the gateway decided on the last value, moto stored the first)', async () => {
    assert.equal((await put('/tag-header', '')).status, 200);
    const writer = await env.user('s3-tag-header', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectTagging'], Resource: 'arn:aws:s3:::tag-header/*' },
        { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/classification': 'secret' } } },
      ],
    }]);
    const twice = await tessera(writer, { method: 'PUT', path: '/tag-header/object', headers: { 'x-amz-tagging': 'classification=secret&classification=public' }, body: 'x' });
    refused(twice, /classification more than once/);
    assert.equal((await moto({ path: '/tag-header/object' })).status, 404);
    assert.equal((await tessera(writer, { method: 'PUT', path: '/tag-header/object', headers: { 'x-amz-tagging': 'classification=public&team=blue' }, body: 'x' })).status, 200);
    assert.match((await moto({ path: '/tag-header/object', query: 'tagging' })).body, /<Key>classification<\/Key><Value>public<\/Value>/);
  });

  test('DeleteObjects: a prefixed or repeated Key/VersionId, or a Latin-1 document, is refused (moto deleted the Key the gateway did not read)', async () => {
    const [old, current] = await versionedDoc('delete-doc');
    await put('/delete-doc/secret', 'SECRET');
    await put('/delete-doc/secr%C3%A9t', 'SECRET-E');
    await put('/delete-doc/public/a', 'A');
    const deleter = await env.user('s3-delete-doc', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: 'arn:aws:s3:::delete-doc/*' },
        { Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: ['arn:aws:s3:::delete-doc/secret', 'arn:aws:s3:::delete-doc/secrét'] },
        { Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: 'arn:aws:s3:::delete-doc/doc' },
      ],
    }]);
    const documents: [string, RegExp][] = [
      ['<Delete><Object><x:Key xmlns:x="urn:x">public/a</x:Key><Key>secret</Key></Object></Delete>', /namespace prefix/],
      [`<Delete><Object><Key>doc</Key><x:VersionId xmlns:x="urn:x"></x:VersionId><VersionId>${old}</VersionId></Object></Delete>`, /namespace prefix/],
      ['<Delete><Object><Key>public/a</Key><Key>secret</Key></Object></Delete>', /more than one Key/],
      [`<Delete><Object><Key>doc</Key><VersionId></VersionId><VersionId>${old}</VersionId></Object></Delete>`, /more than one VersionId/],
    ];
    for (const [document, message] of documents) refused(await tessera(deleter, xml('POST', '/delete-doc', 'delete', document)), message);
    // Declared Latin-1: `secr\xe9t` was `secr\uFFFDt` to the gateway's UTF-8, `secrét` to moto's expat.
    const latin = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><Delete><Object><Key>secr'), Buffer.from([0xe9]), Buffer.from('t</Key></Object></Delete>')]);
    refused(await tessera(deleter, { ...xml('POST', '/delete-doc', 'delete', ''), headers: { 'content-md5': createHash('md5').update(latin).digest('base64') }, body: latin }), /declares the encoding ISO-8859-1/);
    assert.equal((await moto({ path: '/delete-doc/secr%C3%A9t' })).body, 'SECRET-E');
    assert.equal((await moto({ path: '/delete-doc/secret' })).body, 'SECRET');
    assert.equal((await moto({ path: '/delete-doc/public/a' })).body, 'A');
    assert.ok((await versions('delete-doc')).includes(old));
    // The plain document still deletes what it lists (a default namespace is fine).
    const plain = await tessera(deleter, xml('POST', '/delete-doc', 'delete', '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>public/a</Key></Object></Delete>'));
    assert.equal(plain.status, 200, plain.body);
    assert.equal((await moto({ path: '/delete-doc/public/a' })).status, 404);
    assert.ok((await versions('delete-doc')).includes(current));
  });

  test('an upload ID of another key is refused as S3 refuses it (moto wrote, completed, listed and aborted the other key\'s upload)', async () => {
    assert.equal((await put('/upload-keys', '')).status, 200);
    const created = await tessera(root, { method: 'POST', path: '/upload-keys/secret/target', query: 'uploads' });
    const victim = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)?.[1];
    assert.ok(victim, created.body);
    const user = await env.user('s3-upload-keys', [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: 'arn:aws:s3:::upload-keys/public/*' }],
    }]);
    const part = await tessera(user, { method: 'PUT', path: '/upload-keys/public/x', query: `partNumber=1&uploadId=${victim}`, body: 'INJECTED' });
    assert.equal(part.status, 404, part.body);
    assert.match(part.body, /<Code>NoSuchUpload<\/Code>/);
    const complete = '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>';
    for (const raw of [
      { method: 'POST', path: '/upload-keys/public/x', query: `uploadId=${victim}`, body: complete },
      { method: 'GET', path: '/upload-keys/public/x', query: `uploadId=${victim}` },
      { method: 'DELETE', path: '/upload-keys/public/x', query: `uploadId=${victim}` },
      { method: 'PUT', path: '/upload-keys/public/x', query: `partNumber=1&uploadId=${victim}`, headers: { 'x-amz-copy-source': 'upload-keys/public/none' } },
    ]) {
      const answer = await tessera(user, raw);
      assert.equal(answer.status, 404, `${raw.method} ${answer.body}`);
      assert.match(answer.body, /<Code>NoSuchUpload<\/Code>/);
    }
    // moto: the upload is still there, with no part, and no secret/target written.
    assert.doesNotMatch((await moto({ path: '/upload-keys/secret/target', query: `uploadId=${victim}` })).body, /<Part>/);
    assert.match((await moto({ path: '/upload-keys', query: 'uploads' })).body, new RegExp(victim));
    assert.equal((await moto({ path: '/upload-keys/secret/target' })).status, 404);
    // The caller's own upload goes through: part, list, complete.
    const own = /<UploadId>([^<]+)<\/UploadId>/.exec((await tessera(user, { method: 'POST', path: '/upload-keys/public/y', query: 'uploads' })).body)?.[1];
    assert.ok(own);
    const uploaded = await tessera(user, { method: 'PUT', path: '/upload-keys/public/y', query: `partNumber=1&uploadId=${own}`, body: 'OWN' });
    assert.equal(uploaded.status, 200, uploaded.body);
    assert.equal((await tessera(user, { path: '/upload-keys/public/y', query: `uploadId=${own}` })).status, 200);
    const done = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${uploaded.headers['etag'] as string}</ETag></Part></CompleteMultipartUpload>`;
    assert.equal((await tessera(user, { method: 'POST', path: '/upload-keys/public/y', query: `uploadId=${own}`, body: done })).status, 200);
    assert.equal((await moto({ path: '/upload-keys/public/y' })).body, 'OWN');
  });

  test('PutObjectTagging: a prefixed Key or a second TagSet is refused (moto applied the tag the gateway did not read)', async () => {
    assert.equal((await put('/tag-doc', '')).status, 200);
    await put('/tag-doc/object', 'x');
    const tagger = await env.user('s3-tag-doc', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: 'arn:aws:s3:::tag-doc/*' },
        { Effect: 'Deny', Action: 's3:PutObjectTagging', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['classification'] } } },
      ],
    }]);
    const documents: [string, RegExp][] = [
      ['<Tagging><TagSet><Tag><x:Key xmlns:x="urn:x">team</x:Key><Key>classification</Key><Value>public</Value></Tag></TagSet></Tagging>', /namespace prefix/],
      ['<Tagging><x:TagSet xmlns:x="urn:x"><Tag><Key>team</Key><Value>blue</Value></Tag></x:TagSet><TagSet><Tag><Key>classification</Key><Value>public</Value></Tag></TagSet></Tagging>', /namespace prefix/],
    ];
    for (const [document, message] of documents) refused(await tessera(tagger, xml('PUT', '/tag-doc/object', 'tagging', document)), message);
    assert.doesNotMatch((await moto({ path: '/tag-doc/object', query: 'tagging' })).body, /classification/);
    const plain = await tessera(tagger, xml('PUT', '/tag-doc/object', 'tagging', '<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>'));
    assert.equal(plain.status, 200, plain.body);
    assert.match((await moto({ path: '/tag-doc/object', query: 'tagging' })).body, /<Key>team<\/Key>/);
  });
});
