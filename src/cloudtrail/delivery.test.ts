import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { harness, minutes, namesIn } from '../../test/support/trail-delivery.ts';

/**
 * Hourly digests, with time moved by a FixedClock: a digest per hour of logging (an empty one
 * for an hour without log files), one chain per logging period, a final digest after
 * StopLogging covering the events up to it — and `verifyTrail` following every chain.
 */
test('a digest every hour from the start of logging — with the hour\'s log files, or none — chained, and verified', async () => {
  const h = await harness();
  try {
    await h.start();
    h.clock.advanceSeconds(minutes(1));
    await h.event('CreateUser');
    h.clock.advanceSeconds(minutes(4));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 0 }, 'log files are delivered as before; the digest waits for the hour');
    h.clock.advanceSeconds(minutes(30));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 0 });
    assert.equal((await h.trail()).data.digestPeriod?.logFiles.length, 1, 'the hour\'s log file waits for its digest');
    // Pending files are checked against the hashes kept for their digest.
    assert.deepEqual(await h.verify(), { valid: true, digests: 0, logFiles: 1, findings: [] });

    h.clock.set('2025-01-01T11:01:00Z');
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 1 });
    const [first] = await h.digests();
    const starting = await h.read(first!);
    assert.equal(starting.digestStartTime, '2025-01-01T10:00:00Z');
    assert.equal(starting.digestEndTime, '2025-01-01T11:00:00Z');
    assert.match(first!, /_CloudTrail-Digest_us-east-1_audit_us-east-1_20250101T110000Z\.json\.gz$/);
    for (const field of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature'] as const) {
      assert.equal(starting[field], null, `${field} of a starting digest`);
    }
    assert.deepEqual(starting.logFiles.map((f) => f.s3Object), await h.logFiles());

    h.clock.advanceSeconds(minutes(4));
    await h.event('CreateGroup');
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 0 });
    // Two hours pass: the second hour's digest lists the file, the third's is empty.
    h.clock.set('2025-01-01T13:05:00Z');
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 2 });
    const keys = await h.digests();
    assert.equal(keys.length, 3);
    const [, second, third] = await Promise.all(keys.map((k) => h.read(k)));
    assert.equal(second!.digestStartTime, '2025-01-01T11:00:00Z');
    assert.equal(second!.logFiles.length, 1);
    assert.equal(second!.previousDigestS3Object, first);
    assert.equal(third!.digestStartTime, '2025-01-01T12:00:00Z');
    assert.equal(third!.digestEndTime, '2025-01-01T13:00:00Z');
    assert.deepEqual(third!.logFiles, []);
    assert.equal(third!.newestEventTime, null);
    assert.equal(third!.oldestEventTime, null);
    assert.equal(third!.previousDigestS3Object, keys[1]);
    assert.deepEqual(await h.verify(), { valid: true, digests: 3, logFiles: 2, findings: [] });
    assert.equal((await h.trail()).data.latestDigestDeliveryTime, '2025-01-01T13:05:00.000Z');
  } finally {
    await h.close();
  }
});

test('an empty hour\'s digest changed, deleted or forged beside it is named by verify', async () => {
  const h = await harness();
  try {
    await h.start();
    await h.deliver();
    h.clock.set('2025-01-01T13:30:00Z');
    assert.equal((await h.deliver()).digests, 3);
    const keys = await h.digests();
    const empty = keys[1]!;
    assert.deepEqual((await h.read(empty)).logFiles, []);
    const file = join(h.root, 'bucket', empty);
    const original = await readFile(file);

    // Changed: an empty digest made to list a file.
    const altered = { ...(await h.read(empty)), logFiles: [{ s3Bucket: 'bucket', s3Object: 'AWSLogs/x.json.gz', hashValue: '00', hashAlgorithm: 'SHA-256' }] };
    await writeFile(file, gzipSync(JSON.stringify(altered)));
    let report = await h.verify();
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings.filter((f) => f.object === empty).map((f) => f.kind), ['changed']);
    await writeFile(file, original);
    assert.equal((await h.verify()).valid, true);

    // Deleted: the chain cannot be followed past it; the digest before it, and the log file that
    // digest lists, read as not in the chain.
    await unlink(file);
    report = await h.verify();
    const [startFile] = await h.logFiles();
    assert.deepEqual(report.findings.map((f) => `${f.kind} ${f.object}`), [`deleted ${empty}`, `added ${keys[0]}`, `added ${startFile}`]);
    await writeFile(file, original);

    // Added: a forged empty digest for an hour that has none.
    const forged = empty.replace('T120000Z', 'T123000Z');
    await writeFile(join(h.root, 'bucket', forged), original);
    report = await h.verify();
    assert.deepEqual(report.findings.map((f) => `${f.kind} ${f.object}`), [`added ${forged}`]);
  } finally {
    await h.close();
  }
});

test('StopLogging: the last delivery takes the events up to the StopLogging event, a final digest closes the chain; StartLogging starts a new one', async () => {
  const h = await harness();
  try {
    await h.start();
    h.clock.advanceSeconds(minutes(70));
    await h.event('CreateUser');
    await h.deliver(); // the first hour's digest, and a log file for the second hour
    h.clock.advanceSeconds(minutes(10));
    await h.event('CreateGroup');
    await h.stop();
    await h.event('DeleteUser'); // recorded while stopped: not the trail's
    h.clock.advanceSeconds(minutes(5));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const logs = await h.logFiles();
    assert.deepEqual(await namesIn(h, logs.at(-1)!), ['CreateGroup', 'StopLogging']);
    const stopped = await h.trail();
    assert.equal(stopped.data.lastDigest, undefined);
    assert.equal(stopped.data.digestPeriod, undefined);
    assert.equal(stopped.data.finalDelivery, undefined);
    assert.equal(stopped.data.closedChains?.length, 1);
    const [, final] = await h.digests();
    const finalDigest = await h.read(final!);
    assert.equal(finalDigest.digestStartTime, '2025-01-01T11:00:00Z');
    assert.equal(finalDigest.digestEndTime, '2025-01-01T11:25:00Z');
    assert.equal(finalDigest.logFiles.length, 2, 'the second hour\'s file and the final one');

    // Stopped: no hourly digests.
    h.clock.advanceSeconds(minutes(180));
    assert.deepEqual(await h.deliver(), { trails: 0, logFiles: 0, digests: 0 });

    await h.start();
    await h.event('CreateRole');
    h.clock.advanceSeconds(minutes(61));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const keys = await h.digests();
    const restarted = await h.read(keys.at(-1)!);
    assert.equal(restarted.previousDigestSignature, null, 'a new chain begins with a starting digest');
    assert.equal(restarted.digestStartTime, '2025-01-01T14:25:00Z');
    assert.deepEqual(restarted.logFiles, [], 'the file was delivered at the end of the hour: it belongs to the next');
    // Digests: the first hour's (empty: the first file came in the second hour), the final one,
    // the new chain's starting one; log files: two in the closed chain, one waiting.
    const report = await h.verify();
    assert.deepEqual(report, { valid: true, digests: 3, logFiles: 3, findings: [] });

    // The closed chain's final digest deleted: named, not lost with its chain (what it listed,
    // and the digest before it, are then in no chain verify can follow).
    await unlink(join(h.root, 'bucket', final!));
    const tampered = await h.verify();
    assert.deepEqual(tampered.findings.map((f) => `${f.kind} ${f.object}`), [`deleted ${final}`, `added ${keys[0]}`, ...finalDigest.logFiles.map((f) => `added ${f.s3Object}`)]);
  } finally {
    await h.close();
  }
});

test('a stop and a start before the delivery: the events recorded while stopped are skipped; a stop whose event is not recorded waits, then closes at its time', async () => {
  const h = await harness();
  try {
    await h.start();
    await h.event('CreateUser');
    h.clock.advanceSeconds(10);
    await h.stop();
    await h.event('DeleteUser'); // while stopped
    h.clock.advanceSeconds(10);
    await h.start();
    await h.event('CreateRole');
    h.clock.advanceSeconds(minutes(5));
    const report = await h.deliver();
    assert.equal(report.digests, 1, 'the first chain\'s final digest');
    const names = (await Promise.all((await h.logFiles()).map((k) => namesIn(h, k)))).flat();
    assert.deepEqual(names.sort(), ['CreateRole', 'CreateUser', 'StartLogging', 'StartLogging', 'StopLogging'].sort());
    assert.ok((await h.trail()).data.digestPeriod, 'the new chain is open');
    assert.equal((await h.verify()).valid, true);

    // A stop whose StopLogging event is not in the store (yet): the delivery waits for it…
    await h.event('CreateGroup');
    h.clock.advanceSeconds(5);
    await h.stop({ recordEvent: false });
    h.clock.advanceSeconds(5);
    await h.event('DeleteGroup'); // after the stop
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 0 });
    // …then closes with the events recorded up to the stop.
    h.clock.advanceSeconds(minutes(2));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const last = (await h.logFiles()).at(-1)!;
    assert.deepEqual(await namesIn(h, last), ['CreateGroup']);
    assert.equal((await h.trail()).data.finalDelivery, undefined);
    assert.deepEqual((await h.verify()).findings, []);
  } finally {
    await h.close();
  }
});

test('hours missed while the server was down are each digested on the next run; validation turned off ends the chain with its hour', async () => {
  const h = await harness();
  try {
    await h.start();
    h.clock.advanceSeconds(300 * 3600 + 60);
    const started = performance.now();
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 300 });
    assert.ok(performance.now() - started < 30_000);
    const report = await h.verify();
    assert.equal(report.valid, true, JSON.stringify(report.findings.slice(0, 3)));
    assert.equal(report.digests, 300);

    // Validation off: the open hour's digest is still delivered, then the chain ends.
    await h.update((data) => ({ ...data, logFileValidationEnabled: false }));
    await h.event('CreateUser');
    h.clock.advanceSeconds(minutes(10));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 0 });
    h.clock.advanceSeconds(minutes(60));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 1 });
    const data = (await h.trail()).data;
    assert.equal(data.digestPeriod, undefined);
    assert.equal(data.lastDigest, undefined);
    assert.equal(data.closedChains?.length, 1);
    h.clock.advanceSeconds(minutes(120));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 0, digests: 0 });
  } finally {
    await h.close();
  }
});
