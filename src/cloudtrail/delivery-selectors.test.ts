import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ACCOUNT, harness, minutes, type Harness } from '../../test/support/trail-delivery.ts';
import type { AuditAfterQuery } from '../store/types.ts';
import { checkedSelectors, withSelectors } from './event-selectors.ts';
import { dataEventsOf } from './record.ts';

/**
 * Delivery with event selectors, against a real store: a trail reads the account's data events
 * beside its management events only when its selectors can select some, takes both after one
 * cursor in the order they were recorded, and matches each event against the selectors in force
 * when it was recorded.
 */
async function recordsIn(h: Harness, key: string): Promise<Array<Record<string, any>>> {
  return (JSON.parse(gunzipSync(await readFile(join(h.root, 'bucket', key))).toString('utf8')) as { Records: Array<Record<string, any>> }).Records;
}

let n = 0;
/** An S3 data event, in the account's data event stream, as the gateway records it. */
async function s3Event(h: Harness, name: string, bucket: string, key: string): Promise<void> {
  const now = h.clock.now();
  const eventID = `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`;
  const record = {
    eventVersion: '1.08', eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 's3.amazonaws.com', eventName: name, awsRegion: 'us-east-1',
    requestParameters: { bucketName: bucket, key }, responseElements: null, requestID: `d${n}`, eventID, readOnly: name.startsWith('Get'),
    resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    eventType: 'AwsApiCall', managementEvent: false, recipientAccountId: ACCOUNT, eventCategory: 'Data',
  };
  await h.store.appendAudit([{ time: now.toISOString(), requestId: `d${n}`, accountId: dataEventsOf(ACCOUNT), eventId: eventID, data: { record } }]);
}

async function putSelectors(h: Harness, input: Parameters<typeof checkedSelectors>[0]): Promise<void> {
  const newest = (await h.store.listAudit({ limit: 1 }))[0]?.seq ?? 0;
  const selectors = checkedSelectors(input);
  await h.update((data) => withSelectors(data, selectors, newest));
}

/** Every delivered record's "eventName key" (management events: the name alone), file by file in delivery order. */
async function delivered(h: Harness, before: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const key of (await h.logFiles()).filter((k) => !before.includes(k))) {
    for (const r of await recordsIn(h, key)) names.push(r['eventCategory'] === 'Data' ? `${r['eventName']} ${r['requestParameters'].bucketName}/${r['requestParameters'].key}` : r['eventName']);
  }
  return names;
}

test('selectors decide what a trail delivers; data events are read only for selectors that can select them', async () => {
  const h = await harness();
  const reads: AuditAfterQuery[] = [];
  const auditAfter = h.store.auditAfter.bind(h.store);
  h.store.auditAfter = (query) => {
    reads.push(query);
    return auditAfter(query);
  };
  try {
    await h.update((data) => ({ ...data, logFileValidationEnabled: false }));
    await h.start();
    h.clock.advanceSeconds(minutes(1));
    await h.event('CreateUser');
    await s3Event(h, 'PutObject', 'photos', 'a.jpg');
    h.clock.advanceSeconds(minutes(1));
    // No selectors: management events only, read from the management stream alone — as before.
    await h.deliver();
    let seen = await h.logFiles();
    assert.deepEqual(await delivered(h, []), ['StartLogging', 'CreateUser']);
    assert.ok(reads.length > 0 && reads.every((q) => 'accountId' in q && q.accountId === ACCOUNT), JSON.stringify(reads));

    // Selectors that ask for the photos bucket's objects: both streams, one cursor, recorded order.
    await s3Event(h, 'GetObject', 'photos', 'before-put.jpg');
    await putSelectors(h, { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::photos/'] }] }] });
    await h.event('PutEventSelectors', { eventSource: 'cloudtrail.amazonaws.com' });
    h.clock.advanceSeconds(minutes(1));
    await s3Event(h, 'PutObject', 'photos', 'b.jpg');
    await s3Event(h, 'PutObject', 'videos', 'c.mp4');
    await h.event('CreateGroup');
    await s3Event(h, 'GetObject', 'photos', 'b.jpg');
    reads.length = 0;
    await h.deliver();
    assert.deepEqual(await delivered(h, seen), ['PutEventSelectors', 'PutObject photos/b.jpg', 'CreateGroup', 'GetObject photos/b.jpg'],
      'the GetObject recorded before the selectors were put is not delivered: it was recorded under the default');
    assert.ok(reads.length > 0 && reads.every((q) => 'accountIds' in q && q.accountIds.join() === `${ACCOUNT},${dataEventsOf(ACCOUNT)}`), JSON.stringify(reads));
    assert.equal((await h.trail()).data.earlierSelectors, undefined, 'the default is forgotten once its events are delivered');
    seen = await h.logFiles();

    // IncludeManagementEvents false, write-only data events: the management events recorded after the put are dropped.
    await h.event('CreateRole');
    await putSelectors(h, { EventSelectors: [{ IncludeManagementEvents: false, ReadWriteType: 'WriteOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] });
    h.clock.advanceSeconds(minutes(1));
    await h.event('DeleteRole');
    await s3Event(h, 'PutObject', 'videos', 'd.mp4');
    await s3Event(h, 'GetObject', 'videos', 'd.mp4');
    await h.deliver();
    assert.deepEqual(await delivered(h, seen), ['CreateRole', 'PutObject videos/d.mp4']);
    seen = await h.logFiles();

    // Advanced selectors replacing basic ones: data events of one key prefix, and no management events.
    await putSelectors(h, { AdvancedEventSelectors: [{ Name: 'photos', FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::photos/2025/'] },
    ] }] });
    h.clock.advanceSeconds(minutes(1));
    await h.event('CreateUser');
    await s3Event(h, 'PutObject', 'photos', '2025/e.jpg');
    await s3Event(h, 'PutObject', 'photos', '2024/f.jpg');
    await h.deliver();
    assert.deepEqual(await delivered(h, seen), ['PutObject photos/2025/e.jpg']);
    seen = await h.logFiles();

    // Back to management events only: the data stream is no longer read.
    await putSelectors(h, { EventSelectors: [{}] });
    h.clock.advanceSeconds(minutes(1));
    await h.deliver();
    reads.length = 0;
    await h.event('CreateGroup');
    await s3Event(h, 'PutObject', 'photos', '2025/g.jpg');
    h.clock.advanceSeconds(minutes(1));
    await h.deliver();
    assert.deepEqual(await delivered(h, seen), ['CreateGroup']);
    assert.ok(reads.length > 0 && reads.every((q) => 'accountId' in q), JSON.stringify(reads));
  } finally {
    await h.close();
  }
});
