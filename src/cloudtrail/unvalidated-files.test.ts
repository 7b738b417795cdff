import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ACCOUNT, harness, minutes } from '../../test/support/trail-delivery.ts';
import { startingPeriod } from './digest-chain.ts';
import type { TrailData } from './trail-records.ts';

/**
 * Log files delivered while log file validation was off are in no digest. As AWS's
 * validate-logs, verify does not count them as tampering: they are reported apart, as not
 * covered by a digest. A file named for any other time — a validated stretch in between, or a
 * time the trail delivered nothing — is still added.
 */
const validation = (on: boolean, now: Date) => (data: TrailData): TrailData => ({
  ...data,
  logFileValidationEnabled: on,
  // As UpdateTrail does: turned on while logging, a chain starts now.
  ...(on && data.isLogging && !data.digestPeriod && !data.lastDigest ? { digestPeriod: startingPeriod(now) } : {}),
});

test('files delivered without validation are not covered, not added; a file slipped into a validated stretch or an idle time is added', async () => {
  const h = await harness();
  try {
    await h.update(validation(false, h.clock.now()));
    await h.start();
    await h.event('CreateUser');
    assert.equal((await h.deliver()).logFiles, 1); // 10:00, unvalidated
    h.clock.advanceSeconds(minutes(3));
    await h.event('CreateGroup');
    assert.equal((await h.deliver()).logFiles, 1); // 10:03, unvalidated: the same stretch
    const unvalidated = await h.logFiles();
    let report = await h.verify();
    assert.equal(report.valid, true);
    assert.deepEqual(report.findings.map((f) => `${f.kind} ${f.object}`), unvalidated.map((k) => `not-covered ${k}`));
    assert.equal((await h.trail()).data.unvalidatedDeliveries?.length, 1);

    // Validation on at 10:10: the 10:20 file is in the chain.
    h.clock.advanceSeconds(minutes(7));
    await h.update(validation(true, h.clock.now()));
    h.clock.advanceSeconds(minutes(10));
    await h.event('CreateRole');
    assert.equal((await h.deliver()).logFiles, 1);
    const validated = (await h.logFiles()).find((k) => !unvalidated.includes(k))!;
    // Off again at 10:30: files at 10:40 and 11:30 (after the chain's last hour) start a second stretch.
    h.clock.advanceSeconds(minutes(10));
    await h.update(validation(false, h.clock.now()));
    h.clock.advanceSeconds(minutes(10));
    await h.event('DeleteRole');
    assert.equal((await h.deliver()).logFiles, 1);
    h.clock.advanceSeconds(minutes(50));
    await h.event('DeleteGroup');
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const stretches = (await h.trail()).data.unvalidatedDeliveries!;
    assert.deepEqual(stretches.map((s) => [s.from.slice(11, 16), s.to.slice(11, 16)]), [['10:00', '10:03'], ['10:40', '11:30']]);

    report = await h.verify();
    assert.equal(report.valid, true, JSON.stringify(report.findings));
    assert.equal(report.findings.length, 4);
    assert.ok(report.findings.every((f) => f.kind === 'not-covered'));
    assert.ok(!report.findings.some((f) => f.object === validated));

    // Slipped in: a copy named for the validated delivery's minute (10:20, between the two
    // stretches), one named for a time the trail delivered nothing (09:00), one for an
    // unvalidated minute but not in CloudTrail's layout (another account in its name).
    const at = (stamp: string, id = 'FFFFFFFFFFFFFFFF') => `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2025/01/01/${ACCOUNT}_CloudTrail_us-east-1_20250101T${stamp}Z_${id}.json.gz`;
    const forged = [at('1020'), at('0900'), at('1001').replace(`/${ACCOUNT}_`, '/999999999999_'), `${at('1001')}x`];
    for (const key of forged) {
      await mkdir(dirname(join(h.root, 'bucket', key)), { recursive: true });
      await copyFile(join(h.root, 'bucket', validated), join(h.root, 'bucket', key));
    }
    report = await h.verify();
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings.filter((f) => f.kind === 'added').map((f) => f.object).sort(), [...forged].sort());
    assert.equal(report.findings.filter((f) => f.kind === 'not-covered').length, 4);

    // Named for a minute of an unvalidated stretch: nothing tells it from the files delivered
    // then (no digest covers that time) — reported as not covered, as AWS's validate-logs would not see it at all.
    const inStretch = at('1002');
    await copyFile(join(h.root, 'bucket', validated), join(h.root, 'bucket', inStretch));
    report = await h.verify();
    assert.ok(report.findings.some((f) => f.kind === 'not-covered' && f.object === inStretch));
  } finally {
    await h.close();
  }
});

test('a hostile key under the log folder is added, quickly, never taken for an unvalidated file', async () => {
  const h = await harness();
  try {
    await h.update(validation(false, h.clock.now()));
    await h.start();
    await h.deliver();
    const long = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${'a'.repeat(200)}/${ACCOUNT}_CloudTrail_us-east-1_20250101T1000Z_FFFFFFFFFFFFFFFF.json.gz`;
    const regionless = `AWSLogs/${ACCOUNT}/CloudTrail/${'-'.repeat(40)}/2025/01/01/${ACCOUNT}_CloudTrail_us-west-2_20250101T1000Z_FFFFFFFFFFFFFFFF.json.gz`;
    for (const key of [long, regionless]) {
      await mkdir(dirname(join(h.root, 'bucket', key)), { recursive: true });
      await copyFile(join(h.root, 'bucket', (await h.logFiles())[0]!), join(h.root, 'bucket', key));
    }
    const started = performance.now();
    const report = await h.verify();
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(report.findings.filter((f) => f.kind === 'added').map((f) => f.object).sort(), [long, regionless].sort());
  } finally {
    await h.close();
  }
});
