import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, HeadBucketCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { allow, motoS3, outcomeName, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * The aws CLI's high-level `s3` commands (cp, sync, mv, rm, rb, presign, ls) through Tessera in
 * front of moto, for callers holding only part of the permissions a command needs — what users
 * debug. Expected outcomes follow AWS's documentation: the S3 User Guide's "Multipart upload API
 * and permissions" (Create/UploadPart/Complete need s3:PutObject, Abort s3:AbortMultipartUpload;
 * with SSE-KMS kms:GenerateDataKey to start and kms:Decrypt for UploadPart), "Using server-side
 * encryption with AWS KMS keys" (uploads need kms:GenerateDataKey, downloads kms:Decrypt), the
 * ListObjectsV2 API reference (s3:ListBucket, with s3:prefix). Every outcome is checked against
 * what moto really holds afterwards.
 */

const NO_IDENTITY = (user: string, action: string, resource: string): string =>
  `User: ${user} is not authorized to perform: ${action} on resource: "${resource}" because no identity-based policy allows the ${action} action`;
const CIPHERTEXT = 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

/** A local path as the aws CLI prints it: relative to its working directory (this process's). */
const shown = (path: string): string => relative(process.cwd(), path);
/** stderr's lines, without the CLI's progress noise. */
const lines = (stderr: string): string[] => stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

describe('the aws CLI s3 commands with partial permissions', () => {
  let env: GatewayEnv;
  let root: Credentials;
  let work: string;
  const s3root = () => env.s3(root);
  const moto = () => motoS3(env);
  const exists = async (bucket: string, key: string) => (await outcomeName(moto().send(new HeadObjectCommand({ Bucket: bucket, Key: key })))) === 'ok';
  const keys = async (bucket: string, prefix = '') => ((await moto().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((item) => item.Key!).sort();
  const bucket = async (name: string) => s3root().send(new CreateBucketCommand({ Bucket: name }));
  const put = async (name: string, key: string, body: string | Uint8Array) => s3root().send(new PutObjectCommand({ Bucket: name, Key: key, Body: body }));

  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    work = await mkdtemp(join(tmpdir(), 'tessera-s3-partial-'));
  });
  after(async () => {
    await env?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('cp', () => {
    test('a 12 MB upload (multipart: Create, UploadPart, Complete) with s3:PutObject alone works; a download with s3:GetObject alone works', async () => {
      await bucket('pp-cp');
      const writer = await env.user('pp-cp-writer', [allow('s3:PutObject', 'arn:aws:s3:::pp-cp/*')]);
      const data = randomBytes(12 * 1024 * 1024);
      const file = join(work, 'big.bin');
      await writeFile(file, data);
      const up = await env.cli(['s3', 'cp', file, 's3://pp-cp/big.bin', '--only-show-errors'], writer);
      assert.equal(up.code, 0, up.stderr);
      const head = await moto().send(new HeadObjectCommand({ Bucket: 'pp-cp', Key: 'big.bin' }));
      assert.equal(head.ContentLength, data.length);
      assert.match(head.ETag!, /-2"$/, 'moto saw a two-part multipart upload');

      // The writer may not read it back: HeadObject (the CLI's first call) needs s3:GetObject.
      const refused = await env.cli(['s3', 'cp', 's3://pp-cp/big.bin', join(work, 'refused.bin')], writer);
      assert.equal(refused.code, 1);
      assert.deepEqual(lines(refused.stderr), [
        `fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden`,
      ]);

      const reader = await env.user('pp-cp-reader', [allow('s3:GetObject', 'arn:aws:s3:::pp-cp/*')]);
      const down = await env.cli(['s3', 'cp', 's3://pp-cp/big.bin', join(work, 'back.bin'), '--only-show-errors'], reader);
      assert.equal(down.code, 0, down.stderr);
      assert.ok(data.equals(await readFile(join(work, 'back.bin'))), 'the download is the upload');

      // And the reader may not write.
      const small = join(work, 'small.txt');
      await writeFile(small, 'small');
      const write = await env.cli(['s3', 'cp', small, 's3://pp-cp/small.txt'], reader);
      assert.equal(write.code, 1);
      assert.deepEqual(lines(write.stderr), [
        `upload failed: ${shown(small)} to s3://pp-cp/small.txt An error occurred (AccessDenied) when calling the PutObject operation: ${NO_IDENTITY(reader.arn, 's3:PutObject', 'arn:aws:s3:::pp-cp/small.txt')}`,
      ]);
      assert.equal(await exists('pp-cp', 'small.txt'), false);
    });

    test('cp --recursive download with s3:GetObject on one prefix: each refused key is reported on GetObject, the others land', async () => {
      await bucket('pp-cpr');
      for (const key of ['open/1.txt', 'open/2.txt', 'closed/3.txt']) await put('pp-cpr', key, key);
      const reader = await env.user('pp-cpr-reader', [allow('s3:ListBucket', 'arn:aws:s3:::pp-cpr'), allow('s3:GetObject', 'arn:aws:s3:::pp-cpr/open/*')]);
      const into = join(work, 'cpr');
      const copied = await env.cli(['s3', 'cp', 's3://pp-cpr/', into, '--recursive', '--only-show-errors'], reader);
      assert.equal(copied.code, 1);
      assert.deepEqual(lines(copied.stderr), [
        `download failed: s3://pp-cpr/closed/3.txt to ${shown(join(into, 'closed', '3.txt'))} An error occurred (AccessDenied) when calling the GetObject operation: ${NO_IDENTITY(reader.arn, 's3:GetObject', 'arn:aws:s3:::pp-cpr/closed/3.txt')}`,
      ]);
      assert.equal(await readFile(join(into, 'open', '1.txt'), 'utf8'), 'open/1.txt');
      assert.equal(await readFile(join(into, 'open', '2.txt'), 'utf8'), 'open/2.txt');
      assert.equal(existsSync(join(into, 'closed', '3.txt')), false);
    });

    test('a multipart upload whose parts are refused is aborted only with s3:AbortMultipartUpload; without it the upload is left behind', async () => {
      await bucket('pp-abort');
      // The storage class is a header of CreateMultipartUpload only: a policy requiring it lets the
      // upload start and refuses its parts, as on AWS.
      const onlyIa = allow('s3:PutObject', 'arn:aws:s3:::pp-abort/*', { Condition: { StringEquals: { 's3:x-amz-storage-class': 'STANDARD_IA' } } });
      const file = join(work, 'abort.bin');
      await writeFile(file, randomBytes(9 * 1024 * 1024));

      const noAbort = await env.user('pp-no-abort', [onlyIa]);
      const left = await env.cli(['s3', 'cp', file, 's3://pp-abort/left.bin', '--storage-class', 'STANDARD_IA'], noAbort);
      assert.equal(left.code, 1);
      assert.deepEqual(lines(left.stderr), [
        `upload failed: ${shown(file)} to s3://pp-abort/left.bin An error occurred (AccessDenied) when calling the UploadPart operation: ${NO_IDENTITY(noAbort.arn, 's3:PutObject', 'arn:aws:s3:::pp-abort/left.bin')}`,
      ]);
      const pending = await moto().send(new ListMultipartUploadsCommand({ Bucket: 'pp-abort' }));
      assert.deepEqual((pending.Uploads ?? []).map((upload) => upload.Key), ['left.bin'], 'the abort was refused: the upload is still there');
      assert.equal(await exists('pp-abort', 'left.bin'), false);

      const aborter = await env.user('pp-aborter', [onlyIa, allow('s3:AbortMultipartUpload', 'arn:aws:s3:::pp-abort/*')]);
      const gone = await env.cli(['s3', 'cp', file, 's3://pp-abort/gone.bin', '--storage-class', 'STANDARD_IA'], aborter);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /when calling the UploadPart operation/);
      const after = await moto().send(new ListMultipartUploadsCommand({ Bucket: 'pp-abort' }));
      assert.deepEqual((after.Uploads ?? []).map((upload) => upload.Key), ['left.bin'], 'the second upload was aborted');
    });
  });

  describe('sync', () => {
    test('local → bucket with s3:PutObject but no s3:ListBucket fails on ListObjectsV2; with ListBucket limited to the prefix by s3:prefix it works', async () => {
      await bucket('pp-sync');
      await put('pp-sync', 'elsewhere/keep.txt', 'other');
      const tree = join(work, 'sync-tree');
      await mkdir(join(tree, 'sub'), { recursive: true });
      await writeFile(join(tree, 'a.txt'), 'a');
      await writeFile(join(tree, 'sub', 'b.txt'), 'b');
      const past = new Date(Date.now() - 60_000);
      for (const file of [join(tree, 'a.txt'), join(tree, 'sub', 'b.txt')]) await utimes(file, past, past);

      const putOnly = await env.user('pp-sync-put', [allow('s3:PutObject', 'arn:aws:s3:::pp-sync/site/*')]);
      const denied = await env.cli(['s3', 'sync', tree, 's3://pp-sync/site/'], putOnly);
      assert.equal(denied.code, 1);
      assert.deepEqual(lines(denied.stderr), [
        `fatal error: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: ${NO_IDENTITY(putOnly.arn, 's3:ListBucket', 'arn:aws:s3:::pp-sync')}`,
      ]);
      assert.deepEqual(await keys('pp-sync', 'site/'), [], 'nothing was uploaded');

      const scoped = await env.user('pp-sync-scoped', [
        allow('s3:PutObject', 'arn:aws:s3:::pp-sync/site/*'),
        allow('s3:ListBucket', 'arn:aws:s3:::pp-sync', { Condition: { StringLike: { 's3:prefix': ['site/*'] } } }),
      ]);
      const synced = await env.cli(['s3', 'sync', tree, 's3://pp-sync/site/', '--only-show-errors'], scoped);
      assert.equal(synced.code, 0, synced.stderr);
      assert.deepEqual(await keys('pp-sync', 'site/'), ['site/a.txt', 'site/sub/b.txt']);
      // The same user syncing to another prefix is refused on the listing, as the condition says.
      const outside = await env.cli(['s3', 'sync', tree, 's3://pp-sync/elsewhere/'], scoped);
      assert.equal(outside.code, 1);
      assert.deepEqual(lines(outside.stderr), [
        `fatal error: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: ${NO_IDENTITY(scoped.arn, 's3:ListBucket', 'arn:aws:s3:::pp-sync')}`,
      ]);
      // A second sync finds nothing to do (its listing went through).
      const again = await env.cli(['s3', 'sync', tree, 's3://pp-sync/site/'], scoped);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout.trim(), '');
    });
  });

  describe('mv', () => {
    test('with s3:GetObject and s3:PutObject but no s3:DeleteObject: the copy is made, the delete is refused and reported, the source stays', async () => {
      await bucket('pp-mv');
      await put('pp-mv', 'src.txt', 'moving');
      const mover = await env.user('pp-mover', [allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::pp-mv/*')]);
      const moved = await env.cli(['s3', 'mv', 's3://pp-mv/src.txt', 's3://pp-mv/dst.txt'], mover);
      assert.equal(moved.code, 1);
      assert.deepEqual(lines(moved.stderr), [
        `move failed: s3://pp-mv/src.txt to s3://pp-mv/dst.txt An error occurred (AccessDenied) when calling the DeleteObject operation: ${NO_IDENTITY(mover.arn, 's3:DeleteObject', 'arn:aws:s3:::pp-mv/src.txt')}`,
      ]);
      assert.equal(await exists('pp-mv', 'dst.txt'), true, 'the copy was made');
      assert.equal(await exists('pp-mv', 'src.txt'), true, 'the source remains');

      // Bucket → local: the download lands, the source stays.
      const local = join(work, 'mv-local.txt');
      const down = await env.cli(['s3', 'mv', 's3://pp-mv/src.txt', local], mover);
      assert.equal(down.code, 1);
      assert.deepEqual(lines(down.stderr), [
        `move failed: s3://pp-mv/src.txt to ${shown(local)} An error occurred (AccessDenied) when calling the DeleteObject operation: ${NO_IDENTITY(mover.arn, 's3:DeleteObject', 'arn:aws:s3:::pp-mv/src.txt')}`,
      ]);
      assert.equal(await readFile(local, 'utf8'), 'moving');
      assert.equal(await exists('pp-mv', 'src.txt'), true);

      // Local → bucket needs no DeleteObject: the local file goes.
      const up = join(work, 'mv-up.txt');
      await writeFile(up, 'up');
      const upload = await env.cli(['s3', 'mv', up, 's3://pp-mv/up.txt', '--only-show-errors'], mover);
      assert.equal(upload.code, 0, upload.stderr);
      assert.equal(existsSync(up), false);
      assert.equal(await exists('pp-mv', 'up.txt'), true);
    });
  });

  describe('rm and rb', () => {
    test('rm --recursive with s3:DeleteObject on one prefix: each refused key is reported, the allowed ones are deleted', async () => {
      await bucket('pp-rm');
      for (const key of ['tmp/1.txt', 'tmp/2.txt', 'keep/1.txt', 'keep/2.txt']) await put('pp-rm', key, key);
      const cleaner = await env.user('pp-cleaner', [allow('s3:ListBucket', 'arn:aws:s3:::pp-rm'), allow('s3:DeleteObject', 'arn:aws:s3:::pp-rm/tmp/*')]);
      const removed = await env.cli(['s3', 'rm', 's3://pp-rm/', '--recursive'], cleaner);
      assert.equal(removed.code, 1);
      assert.deepEqual(lines(removed.stderr).sort(), ['keep/1.txt', 'keep/2.txt'].map((key) =>
        `delete failed: s3://pp-rm/${key} An error occurred (AccessDenied) when calling the DeleteObject operation: ${NO_IDENTITY(cleaner.arn, 's3:DeleteObject', `arn:aws:s3:::pp-rm/${key}`)}`));
      assert.deepEqual(lines(removed.stdout).sort(), ['delete: s3://pp-rm/tmp/1.txt', 'delete: s3://pp-rm/tmp/2.txt']);
      assert.deepEqual(await keys('pp-rm'), ['keep/1.txt', 'keep/2.txt']);
    });

    test('rb --force without s3:DeleteBucket empties the bucket, then is refused on DeleteBucket; the bucket stays', async () => {
      await bucket('pp-rb');
      for (const key of ['a.txt', 'b/c.txt']) await put('pp-rb', key, key);
      const remover = await env.user('pp-remover', [allow('s3:ListBucket', 'arn:aws:s3:::pp-rb'), allow('s3:DeleteObject', 'arn:aws:s3:::pp-rb/*')]);
      const rb = await env.cli(['s3', 'rb', 's3://pp-rb', '--force'], remover);
      assert.equal(rb.code, 1);
      assert.deepEqual(lines(rb.stderr), [
        `remove_bucket failed: s3://pp-rb An error occurred (AccessDenied) when calling the DeleteBucket operation: ${NO_IDENTITY(remover.arn, 's3:DeleteBucket', 'arn:aws:s3:::pp-rb')}`,
      ]);
      assert.deepEqual(lines(rb.stdout).sort(), ['delete: s3://pp-rb/a.txt', 'delete: s3://pp-rb/b/c.txt']);
      assert.deepEqual(await keys('pp-rb'), []);
      assert.equal(await outcomeName(moto().send(new HeadBucketCommand({ Bucket: 'pp-rb' }))), 'ok', 'the bucket stays');
    });
  });

  describe('SSE-KMS', () => {
    let key: string;
    before(async () => {
      key = (await env.kms(root).send(new CreateKeyCommand({ Description: 'cli partial' }))).KeyMetadata!.Arn!;
      await bucket('pp-kms');
    });

    test('cp --sse aws:kms with s3:PutObject but no kms:GenerateDataKey is refused naming the key, and writes nothing; a download without kms:Decrypt is refused', async () => {
      const writer = await env.user('pp-kms-writer', [allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::pp-kms/*')]);
      const file = join(work, 'kms-small.txt');
      await writeFile(file, 'secret');
      const up = await env.cli(['s3', 'cp', file, 's3://pp-kms/small.txt', '--sse', 'aws:kms', '--sse-kms-key-id', key], writer);
      assert.equal(up.code, 1);
      // S3 passes KMS's refusal on: KMS names its key unquoted (the SDKs' and CLI's reports of AWS).
      assert.deepEqual(lines(up.stderr), [
        `upload failed: ${shown(file)} to s3://pp-kms/small.txt An error occurred (AccessDenied) when calling the PutObject operation: User: ${writer.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${key} because no identity-based policy allows the kms:GenerateDataKey action`,
      ]);
      assert.equal(await exists('pp-kms', 'small.txt'), false);

      // The multipart path (12 MB) is refused too and leaves no upload behind.
      const big = join(work, 'kms-big.bin');
      await writeFile(big, randomBytes(12 * 1024 * 1024));
      const multipart = await env.cli(['s3', 'cp', big, 's3://pp-kms/big.bin', '--sse', 'aws:kms', '--sse-kms-key-id', key], writer);
      assert.equal(multipart.code, 1);
      assert.match(multipart.stderr, /An error occurred \(AccessDenied\) when calling the CreateMultipartUpload operation: User: \S+ is not authorized to perform: kms:GenerateDataKey /);
      assert.equal(await exists('pp-kms', 'big.bin'), false);
      assert.deepEqual((await moto().send(new ListMultipartUploadsCommand({ Bucket: 'pp-kms' }))).Uploads ?? [], []);

      // Stored by the root user under the key: HeadObject passes, GetObject needs kms:Decrypt.
      await s3root().send(new PutObjectCommand({ Bucket: 'pp-kms', Key: 'stored.txt', Body: 'classified', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      const target = join(work, 'kms-stored.txt');
      const down = await env.cli(['s3', 'cp', 's3://pp-kms/stored.txt', target], writer);
      assert.equal(down.code, 1);
      assert.deepEqual(lines(down.stderr), [
        `download failed: s3://pp-kms/stored.txt to ${shown(target)} An error occurred (AccessDenied) when calling the GetObject operation: ${CIPHERTEXT}`,
      ]);
      assert.equal(existsSync(target), false, 'no byte of the object reached the caller');
    });

    test('with kms:GenerateDataKey and kms:Decrypt on the key, an SSE-KMS multipart upload and its download work', async () => {
      const user = await env.user('pp-kms-user', [allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::pp-kms/*'), allow(['kms:GenerateDataKey', 'kms:Decrypt'], key)]);
      const data = randomBytes(12 * 1024 * 1024);
      const file = join(work, 'kms-ok.bin');
      await writeFile(file, data);
      const up = await env.cli(['s3', 'cp', file, 's3://pp-kms/ok.bin', '--sse', 'aws:kms', '--sse-kms-key-id', key, '--only-show-errors'], user);
      assert.equal(up.code, 0, up.stderr);
      const head = await moto().send(new HeadObjectCommand({ Bucket: 'pp-kms', Key: 'ok.bin' }));
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      assert.equal(head.SSEKMSKeyId, key);
      const back = join(work, 'kms-ok.back');
      const down = await env.cli(['s3', 'cp', 's3://pp-kms/ok.bin', back, '--only-show-errors'], user);
      assert.equal(down.code, 0, down.stderr);
      assert.equal((await stat(back)).size, data.length);
      assert.ok(data.equals(await readFile(back)));
    });

    // AWS: "Permissions for the kms:Decrypt action on the UploadPart and UploadPartCopy APIs"
    // (AWS re:Post, "s3-large-file-encryption-kms-key"; S3 User Guide, "Multipart upload API and
    // permissions"). Only the upstream knows an upload's key: Tessera keeps the key of an upload
    // started through it and decides each part before forwarding it, so a caller with
    // s3:PutObject but nothing on the key gets AccessDenied naming kms:Decrypt, no ETag, and no
    // part is stored upstream.
    test('UploadPart into an SSE-KMS multipart upload needs kms:Decrypt on its key, whoever started the upload; a refused part is not stored', async () => {
      const started = await s3root().send(new CreateMultipartUploadCommand({ Bucket: 'pp-kms', Key: 'shared.bin', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      const partOnly = await env.user('pp-kms-part', [allow('s3:PutObject', 'arn:aws:s3:::pp-kms/*')]);
      const body = join(work, 'part.bin');
      await writeFile(body, randomBytes(5 * 1024 * 1024));
      const part = await env.cli(['s3api', 'upload-part', '--bucket', 'pp-kms', '--key', 'shared.bin', '--upload-id', started.UploadId!, '--part-number', '1', '--body', body], partOnly);
      assert.equal(part.code, 255, `UploadPart without kms:Decrypt went through: ${part.stdout}`);
      assert.equal(part.stderr.trim(), `An error occurred (AccessDenied) when calling the UploadPart operation: User: ${partOnly.arn} is not authorized to perform: kms:Decrypt on resource: ${key} because no identity-based policy allows the kms:Decrypt action`);
      assert.doesNotMatch(part.stdout, /ETag/, 'the refused caller learned the part\'s ETag');
      const held = await moto().send(new ListPartsCommand({ Bucket: 'pp-kms', Key: 'shared.bin', UploadId: started.UploadId! }));
      assert.deepEqual((held.Parts ?? []).map((p) => p.PartNumber), [], 'the refused part reached the upstream');
      // The upload's owner may use the key: its part is stored, and the upload completes.
      const ok = await env.cli(['s3api', 'upload-part', '--bucket', 'pp-kms', '--key', 'shared.bin', '--upload-id', started.UploadId!, '--part-number', '1', '--body', body], root);
      assert.equal(ok.code, 0, ok.stderr);
      const etag = (JSON.parse(ok.stdout) as { ETag: string }).ETag;
      await s3root().send(new CompleteMultipartUploadCommand({ Bucket: 'pp-kms', Key: 'shared.bin', UploadId: started.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } }));
      assert.equal((await moto().send(new HeadObjectCommand({ Bucket: 'pp-kms', Key: 'shared.bin' }))).SSEKMSKeyId, key);
    });

    test('a part of an SSE-KMS upload started directly upstream is still decided on its answer', async () => {
      const started = await moto().send(new CreateMultipartUploadCommand({ Bucket: 'pp-kms', Key: 'direct.bin', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      const partOnly = await env.user('pp-kms-part-direct', [allow('s3:PutObject', 'arn:aws:s3:::pp-kms/*')]);
      const body = join(work, 'part-direct.bin');
      await writeFile(body, randomBytes(1024));
      const part = await env.cli(['s3api', 'upload-part', '--bucket', 'pp-kms', '--key', 'direct.bin', '--upload-id', started.UploadId!, '--part-number', '1', '--body', body], partOnly);
      assert.equal(part.code, 255, `UploadPart without kms:Decrypt went through: ${part.stdout}`);
      assert.match(part.stderr, /is not authorized to perform: kms:Decrypt on resource: /);
      assert.doesNotMatch(part.stdout, /ETag/);
    });
  });

  describe('presign', () => {
    test('a URL presigned by a user without s3:GetObject is refused with 403 naming the user; with s3:GetObject but no s3:ListBucket a missing key is 403 naming s3:ListBucket', async () => {
      await bucket('pp-presign');
      await put('pp-presign', 'doc.txt', 'doc');
      const lister = await env.user('pp-presign-lister', [allow('s3:ListBucket', 'arn:aws:s3:::pp-presign')]);
      const url = (await env.cli(['s3', 'presign', 's3://pp-presign/doc.txt', '--expires-in', '300'], lister)).stdout.trim();
      assert.match(url, /X-Amz-Credential=/);
      const refused = await fetch(url);
      assert.equal(refused.status, 403);
      const text = (await refused.text()).replaceAll('&quot;', '"');
      assert.match(text, /<Code>AccessDenied<\/Code>/);
      assert.ok(text.includes(`<Message>${NO_IDENTITY(lister.arn, 's3:GetObject', 'arn:aws:s3:::pp-presign/doc.txt')}</Message>`), text);

      const reader = await env.user('pp-presign-reader', [allow('s3:GetObject', 'arn:aws:s3:::pp-presign/*')]);
      const ok = await fetch((await env.cli(['s3', 'presign', 's3://pp-presign/doc.txt'], reader)).stdout.trim());
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), 'doc');
      const missing = await fetch((await env.cli(['s3', 'presign', 's3://pp-presign/none.txt'], reader)).stdout.trim());
      assert.equal(missing.status, 403);
      const missingText = (await missing.text()).replaceAll('&quot;', '"');
      assert.ok(missingText.includes(`<Message>${NO_IDENTITY(reader.arn, 's3:ListBucket', 'arn:aws:s3:::pp-presign')}</Message>`), missingText);
    });
  });

  describe('ls', () => {
    test('ls --recursive with s3:ListBucket limited by s3:prefix: the prefix lists, the bucket root and a prefix without its slash are refused', async () => {
      await bucket('pp-ls');
      for (const key of ['team/a.txt', 'team/deep/b.txt', 'other/c.txt']) await put('pp-ls', key, key);
      const member = await env.user('pp-ls-member', [allow('s3:ListBucket', 'arn:aws:s3:::pp-ls', { Condition: { StringLike: { 's3:prefix': ['team/*'] } } })]);
      const listed = await env.cli(['s3', 'ls', 's3://pp-ls/team/', '--recursive'], member);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(lines(listed.stdout).map((line) => line.split(/\s+/).at(-1)).sort(), ['team/a.txt', 'team/deep/b.txt']);
      const denial = `An error occurred (AccessDenied) when calling the ListObjectsV2 operation: ${NO_IDENTITY(member.arn, 's3:ListBucket', 'arn:aws:s3:::pp-ls')}`;
      const whole = await env.cli(['s3', 'ls', 's3://pp-ls', '--recursive'], member);
      assert.equal(whole.code, 255);
      assert.deepEqual(lines(whole.stderr), [denial]);
      const bare = await env.cli(['s3', 'ls', 's3://pp-ls/team'], member);
      assert.equal(bare.code, 255);
      assert.deepEqual(lines(bare.stderr), [denial]);
      // Non-recursive under the prefix: the delimiter does not matter to the condition.
      const shallow = await env.cli(['s3', 'ls', 's3://pp-ls/team/'], member);
      assert.equal(shallow.code, 0, shallow.stderr);
      assert.deepEqual(lines(shallow.stdout).map((line) => line.split(/\s+/).at(-1)).sort(), ['a.txt', 'deep/']);
    });
  });
});
