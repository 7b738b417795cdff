import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { harness, minutes } from '../../test/support/trail-delivery.ts';

/**
 * UpdateTrail moving a trail to another bucket and prefix while its digest chain is open: as on
 * AWS, the chain goes on in the new location and its next digest names the previous one's
 * bucket and object in the old; verify follows it there, and searches both locations.
 */
test('a chain moved to another bucket and prefix goes on: the next digest points back into the old bucket, and verify follows it', async () => {
  const h = await harness();
  try {
    await h.start();
    await h.event('CreateUser');
    h.clock.advanceSeconds(minutes(61));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const [first] = await h.digests();
    await h.event('CreateGroup');
    h.clock.advanceSeconds(minutes(5));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 0 });

    await h.move('other', 'moved');
    await h.event('CreateRole');
    h.clock.advanceSeconds(minutes(5));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 0 });
    const [moved] = await h.logFiles('other', 'moved');
    assert.ok(moved!.startsWith('moved/AWSLogs/'), moved);
    h.clock.set('2025-01-01T12:00:30Z');
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 1 });
    assert.deepEqual(await h.digests(), [first], 'no new digest in the old location');
    const [second] = await h.digests('other', 'moved');
    const digest = await h.read(second!, 'other');
    assert.equal(digest.digestS3Bucket, 'other');
    assert.equal(digest.previousDigestS3Bucket, 'bucket');
    assert.equal(digest.previousDigestS3Object, first);
    assert.deepEqual(digest.logFiles.map((f) => [f.s3Bucket, f.s3Object]), [
      ...(await h.logFiles()).map((key) => ['bucket', key]), ['other', moved],
    ], 'the hour\'s files (the first hour had none), each in the bucket it was delivered to');
    assert.deepEqual(await h.verify(), { valid: true, digests: 2, logFiles: 3, findings: [] });

    // The old location is still searched: a file slipped in there is added.
    const [oldFile] = await h.logFiles();
    const forged = oldFile!.replace(/_[0-9A-F]{16}\.json\.gz$/, '_FFFFFFFFFFFFFFFF.json.gz');
    await copyFile(join(h.root, 'bucket', oldFile!), join(h.root, 'bucket', forged));
    assert.deepEqual((await h.verify()).findings.map((f) => `${f.kind} ${f.bucket} ${f.object}`), [`added bucket ${forged}`]);
    await unlink(join(h.root, 'bucket', forged));

    // The old bucket's digest deleted: named there, where the chain leads.
    const firstBytes = await readFile(join(h.root, 'bucket', first!));
    await unlink(join(h.root, 'bucket', first!));
    const broken = await h.verify();
    assert.equal(broken.valid, false);
    assert.deepEqual(broken.findings.map((f) => `${f.kind} ${f.bucket} ${f.object}`), [`deleted bucket ${first}`]);
    await writeFile(join(h.root, 'bucket', first!), firstBytes);

    // The stop's closing digest is written in the new location; the whole chain still verifies.
    await h.stop();
    h.clock.advanceSeconds(minutes(2));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    assert.deepEqual(await h.verify(), { valid: true, digests: 3, logFiles: 4, findings: [] });
  } finally {
    await h.close();
  }
});

test('a digest made to point into a bucket the trail never used is changed, and that bucket is never read', async () => {
  const h = await harness();
  try {
    await h.start();
    h.clock.advanceSeconds(minutes(61));
    await h.deliver();
    await h.move('other');
    h.clock.advanceSeconds(minutes(60));
    assert.equal((await h.deliver()).digests, 1);
    const [first] = await h.digests();
    const [second] = await h.digests('other');
    // A copy of the first digest in a bucket of the attacker's: the tampered chain leads there.
    await mkdir(dirname(join(h.root, 'elsewhere', first!)), { recursive: true });
    await copyFile(join(h.root, 'bucket', first!), join(h.root, 'elsewhere', first!));
    const secondFile = join(h.root, 'other', second!);
    const tampered = { ...JSON.parse(gunzipSync(await readFile(secondFile)).toString('utf8')), previousDigestS3Bucket: 'elsewhere' };
    await writeFile(secondFile, gzipSync(JSON.stringify(tampered)));
    const report = await h.verify();
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings.map((f) => `${f.kind} ${f.bucket} ${f.object}`), [
      `changed other ${second}`, `changed elsewhere ${first}`, `added bucket ${first}`,
    ]);
    assert.equal(report.digests, 1, 'the copy in the unknown bucket was not read');
    await rm(join(h.root, 'elsewhere'), { recursive: true });
  } finally {
    await h.close();
  }
});
