import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCOUNT, ARN, harness, minutes, namesIn } from '../../test/support/trail-delivery.ts';
import { DELETED_TRAIL_KIND, TRAIL_KIND, type TrailData } from './trail-records.ts';

/**
 * DeleteTrail: the deleted trail still makes its last delivery — its events up to and
 * including its own DeleteTrail event — and a closing digest, from the record kept aside; its
 * name is free at once, and verify still follows its chains.
 */
test('a deleted trail delivers up to its DeleteTrail event and closes its chain; the name is free at once; verify follows it', async () => {
  const h = await harness();
  try {
    await h.start();
    await h.event('CreateUser');
    h.clock.advanceSeconds(minutes(70));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    await h.event('CreateGroup');
    // Neither a DeleteTrail of another trail nor a refused one of this trail ends its range.
    await h.event('DeleteTrail', { eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'another' } });
    await h.event('DeleteTrail', { eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'audit' }, errorCode: 'AccessDenied' });
    await h.remove();
    await h.event('DeleteUser'); // after the deletion: not the trail's

    assert.equal(await h.store.get(TRAIL_KIND, ARN), undefined, 'the trail is gone');
    const kept = await h.trail();
    assert.equal(kept.kind, DELETED_TRAIL_KIND);
    assert.equal(kept.data.isLogging, false);
    assert.deepEqual(kept.data.finalDelivery, {});
    // The name is free: a new trail of that name can be made while the old one's delivery is owed.
    await h.store.transaction((tx) => tx.insert<TrailData>({ ...kept, kind: TRAIL_KIND, id: ARN, name: 'audit', data: { ...kept.data, deleted: undefined, isLogging: false, finalDelivery: undefined } }));
    await h.store.delete(TRAIL_KIND, ARN);

    h.clock.advanceSeconds(minutes(5));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    const last = (await h.logFiles()).at(-1)!;
    assert.deepEqual(await namesIn(h, last), ['CreateGroup', 'DeleteTrail', 'DeleteTrail', 'DeleteTrail']);
    const closing = await h.read((await h.digests()).at(-1)!);
    assert.equal(closing.digestStartTime, '2025-01-01T11:00:00Z');
    assert.equal(closing.digestEndTime, '2025-01-01T11:15:00Z');
    assert.deepEqual(closing.logFiles.map((f) => f.s3Object), await h.logFiles(), 'the file delivered after the first hour ended, and the last one');
    const done = await h.trail();
    assert.equal(done.data.finalDelivery, undefined);
    assert.equal(done.data.lastDigest, undefined);
    assert.equal(done.data.closedChains?.length, 1);
    assert.deepEqual(await h.verify(), { valid: true, digests: 2, logFiles: 2, findings: [] });

    // Nothing more, ever: no hourly digests for a deleted trail.
    h.clock.advanceSeconds(minutes(300));
    await h.event('CreateRole');
    assert.deepEqual(await h.deliver(), { trails: 0, logFiles: 0, digests: 0 });

    // Its closing digest deleted: named, as for any chain.
    const closingKey = (await h.digests()).at(-1)!;
    await unlink(join(h.root, 'bucket', closingKey));
    const report = await h.verify();
    assert.equal(report.valid, false);
    assert.deepEqual(report.findings[0], { kind: 'deleted', bucket: 'bucket', object: closingKey, detail: 'digest file missing; the chain before it cannot be followed' });
  } finally {
    await h.close();
  }
});

test('deleted after a stop still owed: the stop\'s delivery ends at StopLogging; a deletion whose event is not recorded closes at its time', async () => {
  const h = await harness();
  try {
    await h.start();
    await h.event('CreateUser');
    h.clock.advanceSeconds(10);
    await h.stop();
    await h.event('CreateGroup'); // while stopped
    await h.remove();
    h.clock.advanceSeconds(minutes(2));
    assert.deepEqual(await h.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    assert.deepEqual(await namesIn(h, (await h.logFiles())[0]!), ['StartLogging', 'CreateUser', 'StopLogging']);
    assert.equal((await h.verify()).valid, true);
  } finally {
    await h.close();
  }

  const g = await harness();
  try {
    await g.start();
    await g.event('CreateUser');
    g.clock.advanceSeconds(5);
    await g.remove({ recordEvent: false });
    g.clock.advanceSeconds(5);
    await g.event('CreateGroup'); // after the deletion
    assert.deepEqual(await g.deliver(), { trails: 1, logFiles: 0, digests: 0 }, 'waits for the DeleteTrail event');
    g.clock.advanceSeconds(minutes(2));
    assert.deepEqual(await g.deliver(), { trails: 1, logFiles: 1, digests: 1 });
    assert.deepEqual(await namesIn(g, (await g.logFiles())[0]!), ['StartLogging', 'CreateUser']);
    assert.equal((await g.trail()).data.finalDelivery, undefined);
  } finally {
    await g.close();
  }
});

test('a trail that never logged leaves no record; an account keeps its 50 newest deleted trails that owe nothing', async () => {
  const h = await harness();
  try {
    await h.remove({ recordEvent: false });
    assert.deepEqual(await h.store.list(ACCOUNT, DELETED_TRAIL_KIND, { limit: 10 }), []);
    // 55 trails that logged, each deleted and delivered.
    for (let i = 0; i < 55; i++) {
      await h.store.transaction((tx) => tx.insert<TrailData>({
        accountId: ACCOUNT, kind: TRAIL_KIND, id: ARN, name: 'audit', parentId: '', path: '/', createdAt: h.clock.now().toISOString(),
        data: { homeRegion: 'us-east-1', s3BucketName: 'bucket', includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: false, isLogging: false, cursor: 0 },
      }));
      await h.start();
      await h.remove();
      h.clock.advanceSeconds(minutes(2));
      await h.deliver();
    }
    const kept = await h.store.list<TrailData>(ACCOUNT, DELETED_TRAIL_KIND, { limit: 100 });
    assert.equal(kept.length, 50);
    assert.equal(kept.filter((t) => t.data.finalDelivery !== undefined).length, 0);
    assert.equal((await h.logFiles()).length, 55, 'every deleted trail made its last delivery');
  } finally {
    await h.close();
  }
});
