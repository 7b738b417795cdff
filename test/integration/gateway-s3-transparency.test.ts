import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import * as S from '@aws-sdk/client-s3';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * S3 transparency: for a principal allowed everything (an IAM user with Action * on *, and the
 * account root), each request through Tessera (→ moto A) is answered as the same request sent
 * directly to a second moto B holding the same history (same account, the same requests in the
 * same order): same status, same error code, the same body once request IDs, dates and random
 * version / upload IDs are set aside.
 *
 * Deliberate differences (docs) are left out: a bucket made through Tessera gets AWS's Block
 * Public Access and BucketOwnerEnforced defaults (docs/differences-from-aws.md) and AWS's default
 * encryption (SSE-S3, written again after a DeleteBucketEncryption) — moto B's buckets are given
 * the same encryption as they are made, so objects answer alike —, and
 * CompleteMultipartUpload's Location is the URL as addressed (docs/gateway.md).
 */
type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };
const MOTO_CREDS = { accessKeyId: 'test', secretAccessKey: 'test' };

function send(port: number, host: string, method: string, path: string, query: Record<string, string>, headers: Record<string, string>, body: string, creds: Credentials, extra: Record<string, string> = {}): Promise<Answer> {
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const buf = Buffer.from(body);
  const h: Record<string, string> = { host, 'x-amz-content-sha256': createHash('sha256').update(buf).digest('hex'), ...headers };
  if (buf.length) h['content-length'] = String(buf.length);
  const qs = Object.entries(query).map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');
  return signer.sign({ method, protocol: 'http:', hostname: host.split(':')[0]!, port, path, query, headers: h, body: buf }).then((signed) => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: path + (qs ? `?${qs}` : ''), headers: { ...signed.headers, ...extra } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(buf);
  }));
}

/** What may differ between two runs of the same request: request IDs, dates, random IDs, ports. */
function normalize(body: string): string {
  return body
    .replace(/<\?xml version="1.0" encoding="utf-8"\?>/i, '<?xml?>')
    .replace(/<(RequestId|HostId|UploadId|VersionId|NextVersionIdMarker|NextUploadIdMarker)>[^<]*</g, '<$1>X<')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, 'DATE')
    .replace(/(127\.0\.0\.1|localhost):\d+/g, 'HOST');
}
const encodeKey = (key: string) => key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

type Row = [label: string, method: string, path: string, query?: Record<string, string>, headers?: Record<string, string>, body?: string, vhost?: string, asRoot?: boolean];

describe('S3 transparency through the gateway: an allowed request is answered as moto answers it', () => {
  let env: GatewayEnv;
  let moto2: MotoServer;
  let user: Credentials;
  let home: string;

  /** AWS's default encryption, as Tessera gives its new buckets (src/server/gateway/new-bucket-defaults.ts), on moto B's bucket. */
  const encryptDirectly = async (bucket: string) => {
    const answer = await send(moto2.port, `127.0.0.1:${moto2.port}`, 'PUT', `/${bucket}`, { encryption: '' }, { 'content-type': 'application/xml' },
      '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>',
      MOTO_CREDS, { 'x-moto-account-id': env.server.accountId });
    assert.equal(answer.status, 200, answer.body);
  };
  const both = async ([label, method, path, query = {}, headers = {}, body = '', vhost, asRoot]: Row) => {
    const tport = Number(new URL(env.server.url).port);
    const t = await send(tport, vhost ? `${vhost}.localhost:${tport}` : `127.0.0.1:${tport}`, method, path, query, headers, body, asRoot ? env.server.root : user);
    const d = await send(moto2.port, vhost ? `${vhost}.localhost:${moto2.port}` : `127.0.0.1:${moto2.port}`, method, path, query, headers, body, MOTO_CREDS, { 'x-moto-account-id': env.server.accountId });
    // A bucket made (or its encryption deleted) directly gets what Tessera gives it.
    const bucket = vhost ?? (/^\/[^/]+$/.test(path) ? path.slice(1) : undefined);
    const bucketLevel = bucket !== undefined && (vhost === undefined || path === '/');
    const made = method === 'PUT' && Object.keys(query).length === 0;
    const encryptionDeleted = method === 'DELETE' && Object.keys(query).join() === 'encryption';
    if (bucketLevel && (made || encryptionDeleted) && d.status === 200) await encryptDirectly(bucket);
    return { label, t, d };
  };
  const same = ({ label, t, d }: { label: string; t: Answer; d: Answer }) => {
    assert.equal(t.status, d.status, `${label}: status through Tessera ${t.status}, direct ${d.status}\n${t.body}\n${d.body}`);
    assert.equal(normalize(t.body), normalize(d.body), `${label}: body`);
    for (const h of ['content-type', 'content-range', 'etag', 'content-disposition', 'x-amz-delete-marker', 'x-amz-checksum-crc32', 'x-amz-checksum-sha256', 'x-amz-storage-class', 'x-amz-server-side-encryption', 'x-amz-tagging-count', 'x-amz-meta-a', 'x-amz-restore', 'x-amz-object-lock-mode']) {
      // A HEAD error has no body: moto types it text/html, Tessera's own NoSuchBucket application/xml (as S3 does).
      if (h === 'content-type' && t.body === '' && d.body === '' && t.status >= 400) continue;
      assert.equal(String(t.headers[h]), String(d.headers[h]), `${label}: header ${h}`);
    }
  };

  before(async () => {
    env = await startGatewayEnv();
    // moto B: the Tessera account is its default account, for requests that cannot carry the header (the CLI).
    const previous = process.env['MOTO_ACCOUNT_ID'];
    process.env['MOTO_ACCOUNT_ID'] = env.server.accountId;
    try {
      moto2 = await startMoto();
    } finally {
      if (previous === undefined) delete process.env['MOTO_ACCOUNT_ID'];
      else process.env['MOTO_ACCOUNT_ID'] = previous;
    }
    user = await env.user('allowed-everything', [allow('*')]);
    home = await mkdtemp(join(tmpdir(), 'tessera-s3-transparency-'));
  });
  after(async () => {
    await moto2?.stop();
    await env?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('REST requests (path-style, virtual-hosted, user and root) match moto', async () => {
    const B = '/tr1';
    const until = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z/, 'Z');
    const etag = '"5eb63bbbe01eeed093cb22bb8f5acdc3"';
    const keys = ['sp ace.txt', 'plus+sign.txt', 'pct%41.txt', 'q?mark.txt', 'hash#tag.txt', 'ünï/cødé ✓.txt', 'semi;colon.txt', 'a/b//d.txt', "tilde~!*'()$.txt", 'x'.repeat(1000), 'amp&eq=.txt', ' lead', 'lt<gt>.txt'];
    const rows: Row[] = [
      ['CreateBucket', 'PUT', B],
      ['HeadBucket', 'HEAD', B],
      ['HeadBucket missing', 'HEAD', '/tr-no-such-bucket'],
      ['GetBucketLocation', 'GET', B, { location: '' }],
      ['ListBuckets', 'GET', '/'],
      ['GetBucketCors none', 'GET', B, { cors: '' }],
      ['PutBucketCors', 'PUT', B, { cors: '' }, {}, '<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>'],
      ['GetBucketCors', 'GET', B, { cors: '' }],
      ['DeleteBucketCors', 'DELETE', B, { cors: '' }],
      ['GetLifecycle none', 'GET', B, { lifecycle: '' }],
      ['PutLifecycle', 'PUT', B, { lifecycle: '' }, {}, '<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>'],
      ['GetLifecycle', 'GET', B, { lifecycle: '' }],
      ['DeleteLifecycle', 'DELETE', B, { lifecycle: '' }],
      ['PutWebsite', 'PUT', B, { website: '' }, {}, '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>'],
      ['GetWebsite', 'GET', B, { website: '' }],
      ['DeleteWebsite', 'DELETE', B, { website: '' }],
      ['GetEncryption none', 'GET', B, { encryption: '' }],
      ['PutEncryption', 'PUT', B, { encryption: '' }, {}, '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>'],
      ['GetEncryption', 'GET', B, { encryption: '' }],
      ['DeleteEncryption', 'DELETE', B, { encryption: '' }],
      ['GetLogging', 'GET', B, { logging: '' }],
      ['PutLogging off', 'PUT', B, { logging: '' }, {}, '<BucketLoggingStatus xmlns="http://doc.s3.amazonaws.com/2006-03-01"/>'],
      ['GetNotification', 'GET', B, { notification: '' }],
      ['GetReplication none', 'GET', B, { replication: '' }],
      ['PutOwnership', 'PUT', B, { ownershipControls: '' }, {}, '<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>'],
      ['GetOwnership', 'GET', B, { ownershipControls: '' }],
      ['PutPAB', 'PUT', B, { publicAccessBlock: '' }, {}, '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>'],
      ['GetPAB', 'GET', B, { publicAccessBlock: '' }],
      ['PutAccelerate', 'PUT', B, { accelerate: '' }, {}, '<AccelerateConfiguration><Status>Enabled</Status></AccelerateConfiguration>'],
      ['GetAccelerate', 'GET', B, { accelerate: '' }],
      ['PutRequestPayment', 'PUT', B, { requestPayment: '' }, {}, '<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>'],
      ['GetRequestPayment', 'GET', B, { requestPayment: '' }],
      ['GetBucketTagging none', 'GET', B, { tagging: '' }],
      ['PutBucketTagging', 'PUT', B, { tagging: '' }, {}, '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>'],
      ['GetBucketTagging', 'GET', B, { tagging: '' }],
      ['DeleteBucketTagging', 'DELETE', B, { tagging: '' }],
      ['GetObjectLockConfiguration none', 'GET', B, { 'object-lock': '' }],
      ['GetBucketPolicy none', 'GET', B, { policy: '' }],
      ['GetBucketPolicyStatus', 'GET', B, { policyStatus: '' }],
      ['GetBucketAcl', 'GET', B, { acl: '' }],
      ['PutInventory', 'PUT', B, { inventory: '', id: 'inv1' }, {}, '<InventoryConfiguration><Id>inv1</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>arn:aws:s3:::tr1</Bucket><Format>CSV</Format></S3BucketDestination></Destination><IncludedObjectVersions>All</IncludedObjectVersions><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>'],
      ['GetInventory', 'GET', B, { inventory: '', id: 'inv1' }],
      ['ListInventory', 'GET', B, { inventory: '' }],
      ['DeleteInventory', 'DELETE', B, { inventory: '', id: 'inv1' }],
      ['PutAnalytics', 'PUT', B, { analytics: '', id: 'an1' }, {}, '<AnalyticsConfiguration><Id>an1</Id><StorageClassAnalysis/></AnalyticsConfiguration>'],
      ['ListAnalytics', 'GET', B, { analytics: '' }],
      ['PutMetrics', 'PUT', B, { metrics: '', id: 'm1' }, {}, '<MetricsConfiguration><Id>m1</Id></MetricsConfiguration>'],
      ['GetMetrics', 'GET', B, { metrics: '', id: 'm1' }],
      ['PutIntelligentTiering', 'PUT', B, { 'intelligent-tiering': '', id: 'it1' }, {}, '<IntelligentTieringConfiguration><Id>it1</Id><Status>Enabled</Status><Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>'],
      ['ListIntelligentTiering', 'GET', B, { 'intelligent-tiering': '' }],
      ['PutBucketPolicy', 'PUT', B, { policy: '' }, {}, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::tr1/nothing' }] })],
      ['GetBucketPolicy', 'GET', B, { policy: '' }],
      ['DeleteBucketPolicy', 'DELETE', B, { policy: '' }],
      // objects
      ['PutObject', 'PUT', `${B}/a.txt`, {}, { 'content-type': 'text/plain', 'x-amz-meta-a': 'x' }, 'hello world'],
      ['GetObject', 'GET', `${B}/a.txt`],
      ['HeadObject', 'HEAD', `${B}/a.txt`],
      ['HeadObject missing (404, no body)', 'HEAD', `${B}/missing.txt`],
      ['GetObject missing', 'GET', `${B}/missing.txt`],
      ['Range 206', 'GET', `${B}/a.txt`, {}, { range: 'bytes=0-4' }],
      ['Range suffix 206', 'GET', `${B}/a.txt`, {}, { range: 'bytes=-3' }],
      ['Range 416', 'GET', `${B}/a.txt`, {}, { range: 'bytes=100-200' }],
      ['If-Match', 'GET', `${B}/a.txt`, {}, { 'if-match': etag }],
      ['If-Match 412', 'GET', `${B}/a.txt`, {}, { 'if-match': '"nope"' }],
      ['If-None-Match 304', 'GET', `${B}/a.txt`, {}, { 'if-none-match': etag }],
      ['HEAD If-None-Match 304', 'HEAD', `${B}/a.txt`, {}, { 'if-none-match': etag }],
      ['If-Unmodified-Since 412', 'GET', `${B}/a.txt`, {}, { 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }],
      ['PutObject If-None-Match * 412', 'PUT', `${B}/a.txt`, {}, { 'if-none-match': '*' }, 'again'],
      ['response-* overrides', 'GET', `${B}/a.txt`, { 'response-content-type': 'application/json', 'response-content-disposition': 'attachment; filename="x.json"', 'response-cache-control': 'no-cache' }],
      ['GetObject partNumber', 'GET', `${B}/a.txt`, { partNumber: '1' }],
      ...keys.flatMap((key): Row[] => [[`PutObject ${key.slice(0, 16)}`, 'PUT', `${B}/${encodeKey(key)}`, {}, {}, `data:${key}`], [`GetObject ${key.slice(0, 16)}`, 'GET', `${B}/${encodeKey(key)}`]]),
      ['ListObjectsV2', 'GET', B, { 'list-type': '2' }],
      ['ListObjectsV2 encoding-type=url', 'GET', B, { 'list-type': '2', 'encoding-type': 'url' }],
      ['ListObjectsV2 prefix/delimiter', 'GET', B, { 'list-type': '2', prefix: 'a/', delimiter: '/' }],
      ['ListObjectsV2 start-after, fetch-owner', 'GET', B, { 'list-type': '2', 'start-after': 'p', 'fetch-owner': 'true', 'max-keys': '2' }],
      ['ListObjects v1', 'GET', B],
      ['ListObjects v1 encoding-type=url', 'GET', B, { 'encoding-type': 'url' }],
      ['ListObjects v1 marker', 'GET', B, { marker: 'plus+sign.txt', 'max-keys': '3' }],
      ['ListObjects v1 unicode prefix', 'GET', B, { prefix: 'ünï/', delimiter: '/' }],
      ['PutObjectTagging', 'PUT', `${B}/a.txt`, { tagging: '' }, {}, '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>'],
      ['GetObjectTagging', 'GET', `${B}/a.txt`, { tagging: '' }],
      ['DeleteObjectTagging', 'DELETE', `${B}/a.txt`, { tagging: '' }],
      ['GetObjectAcl', 'GET', `${B}/a.txt`, { acl: '' }],
      ['PutObject x-amz-tagging', 'PUT', `${B}/t.txt`, {}, { 'x-amz-tagging': 'a=b&c=d' }, 'x'],
      ['HeadObject tag count', 'HEAD', `${B}/t.txt`],
      ['GetObjectAttributes', 'GET', `${B}/a.txt`, { attributes: '' }, { 'x-amz-object-attributes': 'ETag,ObjectSize,StorageClass' }],
      ['PutObject GLACIER', 'PUT', `${B}/g.txt`, {}, { 'x-amz-storage-class': 'GLACIER' }, 'cold'],
      ['GetObject GLACIER 403', 'GET', `${B}/g.txt`],
      ['RestoreObject', 'POST', `${B}/g.txt`, { restore: '' }, {}, '<RestoreRequest><Days>1</Days></RestoreRequest>'],
      ['SelectObjectContent', 'POST', `${B}/a.txt`, { select: '', 'select-type': '2' }, {}, '<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>'],
      ['CopyObject', 'PUT', `${B}/copy.txt`, {}, { 'x-amz-copy-source': '/tr1/a.txt' }],
      ['CopyObject unicode source', 'PUT', `${B}/copy2.txt`, {}, { 'x-amz-copy-source': `tr1/${encodeKey('ünï/cødé ✓.txt')}` }],
      ['CopyObject REPLACE', 'PUT', `${B}/copy3.txt`, {}, { 'x-amz-copy-source': 'tr1/plus%2Bsign.txt', 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-a': 'new', 'content-type': 'text/csv' }],
      ['CopyObject missing source', 'PUT', `${B}/copy4.txt`, {}, { 'x-amz-copy-source': 'tr1/nothere' }],
      ['PutObject checksum sha256', 'PUT', `${B}/cs`, {}, { 'x-amz-checksum-sha256': 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=' }, 'hello'],
      ['HeadObject checksum mode', 'HEAD', `${B}/cs`, {}, { 'x-amz-checksum-mode': 'ENABLED' }],
      ['PutObject SSE AES256', 'PUT', `${B}/sse`, {}, { 'x-amz-server-side-encryption': 'AES256' }, 'hello'],
      ['DeleteObject', 'DELETE', `${B}/copy.txt`],
      ['DeleteObject missing', 'DELETE', `${B}/never.txt`],
      ['DeleteObjects', 'POST', B, { delete: '' }, {}, '<Delete><Object><Key>copy2.txt</Key></Object><Object><Key>nonexist</Key></Object></Delete>'],
      ['CreateMultipartUpload', 'POST', `${B}/mp.bin`, { uploads: '' }],
      ['ListMultipartUploads', 'GET', B, { uploads: '', prefix: 'mp', 'max-uploads': '1' }],
      ['DeleteBucket not empty 409', 'DELETE', B],
      ['GetBucketCors of a missing bucket', 'GET', '/tr-no-such-bucket', { cors: '' }],
      // versions
      ['CreateBucket v', 'PUT', '/tr2'],
      ['PutVersioning', 'PUT', '/tr2', { versioning: '' }, {}, '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>'],
      ...['a', 'a', 'b', 'c', 'c'].map((k): Row => [`PutObject version ${k}`, 'PUT', `/tr2/${k}`, {}, {}, `v-${k}`]),
      ['DeleteObject → delete marker', 'DELETE', '/tr2/b'],
      ['ListObjectVersions', 'GET', '/tr2', { versions: '' }],
      ['ListObjectVersions max-keys', 'GET', '/tr2', { versions: '', 'max-keys': '2' }],
      ['ListObjectVersions key-marker', 'GET', '/tr2', { versions: '', 'key-marker': 'a' }],
      ['ListObjectVersions encoding-type=url', 'GET', '/tr2', { versions: '', prefix: 'c', 'encoding-type': 'url' }],
      ['GetObject behind delete marker', 'GET', '/tr2/b'],
      ['HeadObject behind delete marker', 'HEAD', '/tr2/b'],
      ['GetObject unknown version', 'GET', '/tr2/a', { versionId: 'nonexistentversion' }],
      // object lock
      ['CreateBucket object lock', 'PUT', '/tr3', {}, { 'x-amz-bucket-object-lock-enabled': 'true' }],
      ['GetObjectLockConfiguration', 'GET', '/tr3', { 'object-lock': '' }],
      ['PutObjectLockConfiguration', 'PUT', '/tr3', { 'object-lock': '' }, {}, '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>'],
      ['PutObject locked bucket', 'PUT', '/tr3/o', {}, {}, 'x'],
      ['PutObjectRetention', 'PUT', '/tr3/o', { retention: '' }, {}, `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`],
      ['GetObjectRetention', 'GET', '/tr3/o', { retention: '' }],
      ['PutObjectLegalHold', 'PUT', '/tr3/o', { 'legal-hold': '' }, {}, '<LegalHold><Status>ON</Status></LegalHold>'],
      ['GetObjectLegalHold', 'GET', '/tr3/o', { 'legal-hold': '' }],
      ['GetObjectLegalHold missing', 'GET', '/tr3/zz', { 'legal-hold': '' }],
      ['PutObjectLegalHold OFF', 'PUT', '/tr3/o', { 'legal-hold': '' }, {}, '<LegalHold><Status>OFF</Status></LegalHold>'],
      // virtual-hosted
      ['vhost CreateBucket', 'PUT', '/', {}, {}, '', 'tr4'],
      ['vhost PutObject', 'PUT', '/k%20x.txt', {}, {}, 'vh', 'tr4'],
      ['vhost GetObject', 'GET', '/k%20x.txt', {}, {}, '', 'tr4'],
      ['vhost HeadObject missing', 'HEAD', '/missing', {}, {}, '', 'tr4'],
      ['vhost ListObjectsV2', 'GET', '/', { 'list-type': '2' }, {}, '', 'tr4'],
      ['vhost ListObjects', 'GET', '/', { marker: 'a' }, {}, '', 'tr4'],
      ['vhost GetBucketTagging', 'GET', '/', { tagging: '' }, {}, '', 'tr4'],
      ['vhost nested key', 'PUT', '/d/e/f', {}, {}, 'x', 'tr4'],
      ['vhost GetObjectTagging', 'GET', '/d/e/f', { tagging: '' }, {}, '', 'tr4'],
      ['vhost DeleteObject', 'DELETE', '/d/e/f', {}, {}, '', 'tr4'],
      ['vhost missing bucket', 'GET', '/', { 'list-type': '2' }, {}, '', 'tr-no-such-bucket'],
      // the account root
      ['root PutObject', 'PUT', '/tr4/k%2B1%20%C3%BC', {}, {}, 'root data', undefined, true],
      ['root GetObject', 'GET', '/tr4/k%2B1%20%C3%BC', {}, {}, '', undefined, true],
      ['root HeadObject missing', 'HEAD', '/tr4/zzz', {}, {}, '', undefined, true],
      ['root GetObject missing', 'GET', '/tr4/zzz', {}, {}, '', undefined, true],
      ['root ListObjectVersions', 'GET', '/tr4', { versions: '' }, {}, '', undefined, true],
      ['root GetBucketAcl', 'GET', '/tr4', { acl: '' }, {}, '', undefined, true],
    ];
    const failures: string[] = [];
    for (const row of rows) {
      const answer = await both(row);
      try {
        same(answer);
      } catch (err) {
        failures.push((err as Error).message.split('\n').slice(0, 4).join('\n'));
      }
    }
    assert.deepEqual(failures, []);
  });

  test('AWS SDK v3: flexible checksums (aws-chunked trailers), multipart with checksums, virtual-hosted', async () => {
    const config = { region: 'us-east-1', maxAttempts: 1 } as const;
    const t = new S.S3Client({ ...config, endpoint: env.server.url, forcePathStyle: true, credentials: user });
    const d = new S.S3Client({ ...config, endpoint: moto2.url, forcePathStyle: true, credentials: MOTO_CREDS });
    const tv = new S.S3Client({ ...config, endpoint: env.server.url.replace('127.0.0.1', 'localhost'), credentials: user });
    const dv = new S.S3Client({ ...config, endpoint: moto2.url.replace('127.0.0.1', 'localhost'), credentials: MOTO_CREDS });
    const volatile = new Set(['$metadata', 'LastModified', 'VersionId', 'UploadId', 'Body', 'Initiated', 'Expiration', 'Location']);
    const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (volatile.has(k) ? undefined : v)));
    const outcome = async (client: S.S3Client, command: () => unknown) => {
      try {
        const r = (await client.send(command() as never)) as unknown as Record<string, unknown> & { Body?: { transformToString(): Promise<string> } };
        return { ok: strip(r), body: r.Body ? await r.Body.transformToString() : undefined };
      } catch (err) {
        return { error: (err as Error).name, status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
      }
    };
    const cases: [string, () => unknown, boolean?][] = [['CreateBucket', () => new S.CreateBucketCommand({ Bucket: 'tr-sdk' })]];
    for (const alg of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'] as const) {
      cases.push([`PutObject ${alg}`, () => new S.PutObjectCommand({ Bucket: 'tr-sdk', Key: `c-${alg}`, Body: 'hello checksum', ChecksumAlgorithm: alg })]);
      cases.push([`GetObject ChecksumMode ${alg}`, () => new S.GetObjectCommand({ Bucket: 'tr-sdk', Key: `c-${alg}`, ChecksumMode: 'ENABLED' })]);
    }
    cases.push(
      ['PutObject wrong CRC32', () => new S.PutObjectCommand({ Bucket: 'tr-sdk', Key: 'bad', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })],
      ['PutObject wrong Content-MD5', () => new S.PutObjectCommand({ Bucket: 'tr-sdk', Key: 'bad', Body: 'hello', ContentMD5: 'XUFAKrxLKna5cZ2REBfFkA==' })],
      ['PutObject empty', () => new S.PutObjectCommand({ Bucket: 'tr-sdk', Key: 'empty', Body: '' })],
      ['DeleteObjects', () => new S.DeleteObjectsCommand({ Bucket: 'tr-sdk', Delete: { Objects: [{ Key: 'empty' }, { Key: 'nothing' }] } })],
      ['PutObjectTagging', () => new S.PutObjectTaggingCommand({ Bucket: 'tr-sdk', Key: 'c-CRC32', Tagging: { TagSet: [{ Key: 'k', Value: 'v w' }] } })],
      ['PutBucketLifecycleConfiguration', () => new S.PutBucketLifecycleConfigurationCommand({ Bucket: 'tr-sdk', LifecycleConfiguration: { Rules: [{ ID: 'x', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }] } })],
      ['GetObjectAttributes', () => new S.GetObjectAttributesCommand({ Bucket: 'tr-sdk', Key: 'c-SHA256', ObjectAttributes: ['ETag', 'Checksum', 'ObjectSize'] })],
      ['ListBuckets prefix', () => new S.ListBucketsCommand({ Prefix: 'tr-sdk', MaxBuckets: 1 })],
      ['vhost CreateBucket', () => new S.CreateBucketCommand({ Bucket: 'tr-sdk-v' }), true],
      ['vhost PutObject', () => new S.PutObjectCommand({ Bucket: 'tr-sdk-v', Key: 'a b/ü+%.txt', Body: 'x', ChecksumAlgorithm: 'SHA256' }), true],
      ['vhost GetObject', () => new S.GetObjectCommand({ Bucket: 'tr-sdk-v', Key: 'a b/ü+%.txt', ResponseContentType: 'text/weird' }), true],
      ['vhost ListObjectsV2', () => new S.ListObjectsV2Command({ Bucket: 'tr-sdk-v', EncodingType: 'url' }), true],
      ['vhost DeleteObjects', () => new S.DeleteObjectsCommand({ Bucket: 'tr-sdk-v', Delete: { Objects: [{ Key: 'a b/ü+%.txt' }] } }), true],
    );
    for (const [label, command, vhost] of cases) {
      const through = await outcome(vhost ? tv : t, command);
      const direct = await outcome(vhost ? dv : d, command);
      assert.deepEqual(through, direct, label);
      const made = command();
      if (made instanceof S.CreateBucketCommand && direct.error === undefined) await encryptDirectly(made.input.Bucket!);
    }
    const multipart = async (c: S.S3Client) => {
      const u = await c.send(new S.CreateMultipartUploadCommand({ Bucket: 'tr-sdk', Key: 'mp', ChecksumAlgorithm: 'CRC32' }));
      const part = (PartNumber: number, Body: Buffer | string) => c.send(new S.UploadPartCommand({ Bucket: 'tr-sdk', Key: 'mp', UploadId: u.UploadId, PartNumber, Body, ChecksumAlgorithm: 'CRC32' }));
      const p1 = await part(1, Buffer.alloc(5 * 1024 * 1024, 'q'));
      const p2 = await part(2, 'tail');
      const parts = await c.send(new S.ListPartsCommand({ Bucket: 'tr-sdk', Key: 'mp', UploadId: u.UploadId }));
      const uploads = await c.send(new S.ListMultipartUploadsCommand({ Bucket: 'tr-sdk' }));
      const done = await c.send(new S.CompleteMultipartUploadCommand({ Bucket: 'tr-sdk', Key: 'mp', UploadId: u.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 }, { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 }] } }));
      const u2 = await c.send(new S.CreateMultipartUploadCommand({ Bucket: 'tr-sdk', Key: 'mp2' }));
      const copied = await c.send(new S.UploadPartCopyCommand({ Bucket: 'tr-sdk', Key: 'mp2', UploadId: u2.UploadId, PartNumber: 1, CopySource: 'tr-sdk/mp', CopySourceRange: 'bytes=0-99' }));
      const aborted = await c.send(new S.AbortMultipartUploadCommand({ Bucket: 'tr-sdk', Key: 'mp2', UploadId: u2.UploadId }));
      const head = await c.send(new S.HeadObjectCommand({ Bucket: 'tr-sdk', Key: 'mp', ChecksumMode: 'ENABLED', PartNumber: 1 }));
      return strip({ p1, p2, parts, uploads, done, copied: copied.CopyPartResult?.ETag, aborted, head });
    };
    assert.deepEqual(await multipart(t), await multipart(d), 'multipart upload');
  });

  test('aws CLI high-level commands (cp/mv/sync/rm/ls/mb/rb/presign) match moto', async () => {
    await writeFile(join(home, 'config'), '[default]\nregion = us-east-1\ns3 =\n  signature_version = s3v4\n');
    await mkdir(join(home, 'src', 'sub'), { recursive: true });
    await writeFile(join(home, 'src', 'a.txt'), 'A');
    await writeFile(join(home, 'src', 'b.log'), 'B');
    await writeFile(join(home, 'src', 'sub', 'c d+e.txt'), 'C');
    await writeFile(join(home, 'src', 'big.bin'), Buffer.alloc(9 * 1024 * 1024, 'z'));
    const cli = (url: string, creds: Credentials, args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn('aws', ['--endpoint-url', url, ...args], { cwd: home, env: { PATH: process.env['PATH'], HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, out, err }));
    });
    // Progress lines, output order of concurrent transfers, dates and request IDs vary from run to run.
    const norm = (s: string) => s
      .replace(/Completed [^\r\n]*?remaining/g, '')
      .replace(/\(calculating\.\.\.\)/g, '')
      .replace(/\(RequestId[^)]*\)/g, '')
      .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?/g, 'DATE')
      .replace(/"(VersionId|UploadId)": "[^"]*"/g, '"$1": "X"')
      .replace(/(127\.0\.0\.1|localhost):\d+/g, 'HOST')
      .split(/[\r\n]+/).map((l) => l.trim()).filter(Boolean).sort().join('\n');
    const commands: string[][] = [
      ['s3', 'mb', 's3://tr-cli'],
      ['s3', 'mb', 's3://tr-cli'],
      ['s3', 'cp', 'src/a.txt', 's3://tr-cli/opts.txt', '--acl', 'bucket-owner-full-control', '--sse', 'AES256', '--metadata', 'k1=v1,k2=v2', '--storage-class', 'STANDARD_IA', '--content-type', 'text/x'],
      ['s3api', 'head-object', '--bucket', 'tr-cli', '--key', 'opts.txt'],
      ['s3', 'cp', 'src/big.bin', 's3://tr-cli/big.bin'],
      ['s3', 'cp', 'src', 's3://tr-cli/inc/', '--recursive', '--exclude', '*', '--include', '*.txt'],
      ['s3', 'sync', 'src', 's3://tr-cli/sync/', '--exclude', 'big.bin'],
      ['s3', 'sync', 'src/sub', 's3://tr-cli/sync/', '--delete'],
      ['s3', 'mv', 's3://tr-cli/opts.txt', 's3://tr-cli/moved.txt'],
      ['s3', 'ls', 's3://tr-cli/', '--recursive'],
      ['s3', 'cp', 's3://tr-cli/sync/c d+e.txt', '-'],
      ['s3', 'cp', 's3://tr-cli/nothere', '-'],
      ['s3api', 'put-object', '--bucket', 'tr-cli', '--key', 'crc', '--body', 'src/a.txt', '--checksum-algorithm', 'CRC32'],
      ['s3api', 'head-object', '--bucket', 'tr-cli', '--key', 'crc', '--checksum-mode', 'ENABLED'],
      ['s3api', 'list-object-versions', '--bucket', 'tr-cli', '--prefix', 'sync/'],
      ['s3', 'rb', 's3://tr-cli'],
      ['s3', 'rb', 's3://tr-cli', '--force'],
    ];
    for (const args of commands) {
      const through = await cli(env.server.url, user, args);
      const direct = await cli(moto2.url, MOTO_CREDS, args);
      if (args[1] === 'mb' && direct.code === 0) await encryptDirectly(args[2]!.slice('s3://'.length));
      assert.deepEqual({ code: through.code, out: norm(through.out), err: norm(through.err) }, { code: direct.code, out: norm(direct.out), err: norm(direct.err) }, args.join(' '));
    }
    // presign: a GET URL signed by the user, and by the root, reads as a moto-signed URL does.
    await cli(env.server.url, user, ['s3', 'mb', 's3://tr-cli2']);
    await cli(moto2.url, MOTO_CREDS, ['s3', 'mb', 's3://tr-cli2']);
    await encryptDirectly('tr-cli2');
    for (const side of [[env.server.url, user], [moto2.url, MOTO_CREDS]] as const) await cli(side[0], side[1], ['s3', 'cp', 'src/a.txt', 's3://tr-cli2/k+ü.txt']);
    for (const [who, creds] of [['user', user], ['root', env.server.root]] as const) {
      for (const key of ['k+ü.txt', 'missing']) {
        const through = (await cli(env.server.url, creds, ['s3', 'presign', `s3://tr-cli2/${key}`])).out.trim();
        const direct = (await cli(moto2.url, MOTO_CREDS, ['s3', 'presign', `s3://tr-cli2/${key}`])).out.trim();
        for (const headers of [{}, { range: 'bytes=0-0' }]) {
          const [a, b] = [await fetch(through, { headers }), await fetch(direct, { headers })];
          assert.deepEqual({ status: a.status, body: normalize(await a.text()) }, { status: b.status, body: normalize(await b.text()) }, `presign ${who} ${key} ${JSON.stringify(headers)}`);
        }
      }
    }
  });
});
