import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { localTrailObjects } from './trail-objects.ts';
import { sha256Hex } from './digest.ts';
import { verifyTrail } from './verify.ts';

/** Hostile trail folders: what verify reads is data, never a path out of the bucket or a crash. */
test('a digest naming a file outside its bucket, a gzip bomb and junk are findings, never reads or crashes', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tessera-verify-'));
  try {
    await mkdir(join(root, 'bucket'), { recursive: true });
    await writeFile(join(root, 'secret.txt'), 'outside the bucket');
    const objects = localTrailObjects(root);
    assert.equal(await objects.get('bucket', '../secret.txt', 1000), undefined, 'a key cannot leave its bucket');
    assert.equal(await objects.get('..', 'secret.txt', 1000), undefined, 'nor a bucket name');
    assert.equal(await objects.bucketExists('../bucket'), false);
    await assert.rejects(objects.put('bucket', '../../escape', Buffer.from('x')));

    const key = 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T000000Z.json.gz';
    const digest = JSON.stringify({
      digestEndTime: '2024-01-01T00:00:00Z', digestS3Bucket: 'bucket', digestS3Object: key, digestPublicKeyFingerprint: 'ff',
      previousDigestSignature: null, logFiles: [{ s3Object: '../secret.txt', hashValue: sha256Hex('outside the bucket') }],
    });
    await objects.put('bucket', key, gzipSync(digest), { signature: 'ab' });
    const report = await verifyTrail(objects, { name: 't', accountId: '111122223333', data: { s3BucketName: 'bucket', lastDigest: { object: key, hash: sha256Hex(digest), signature: 'ab', endTime: '2024-01-01T00:00:00Z' } } }, []);
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings.map((f) => [f.kind, f.object]), [['changed', key], ['deleted', '../secret.txt']]);

    // A gzip bomb (a small file that inflates without end) and non-gzip junk as digests.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    await objects.put('bucket', key, bomb, { signature: 'ab' });
    const t0 = performance.now();
    const bombed = await verifyTrail(objects, { name: 't', accountId: '111122223333', data: { s3BucketName: 'bucket', lastDigest: { object: key, hash: 'x', signature: 'ab', endTime: 'x' } } }, []);
    assert.deepEqual(bombed.findings.map((f) => f.kind), ['changed']);
    assert.ok(performance.now() - t0 < 5000);
    await objects.put('bucket', key, Buffer.from('not gzip'), { signature: 'ab' });
    const junk = await verifyTrail(objects, { name: 't', accountId: '111122223333', data: { s3BucketName: 'bucket', lastDigest: { object: key, hash: 'x', signature: 'ab', endTime: 'x' } } }, []);
    assert.deepEqual(junk.findings.map((f) => f.kind), ['changed']);
    assert.equal(await readFile(join(root, 'secret.txt'), 'utf8'), 'outside the bucket');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
