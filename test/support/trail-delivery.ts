import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FixedClock } from '../../src/kernel/clock.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSecretBox } from '../../src/store/secret-box.ts';
import { generateMasterKeyBase64, masterKeyFromConfig } from '../../src/store/master-key.ts';
import type { Store } from '../../src/store/types.ts';
import { deliverTrails, type DeliveryDeps } from '../../src/cloudtrail/delivery.ts';
import type { DigestDocument } from '../../src/cloudtrail/digest.ts';
import { startedLogging, stoppedLogging } from '../../src/cloudtrail/logging-state.ts';
import { publicKeysOf } from '../../src/cloudtrail/signing-keys.ts';
import { retireTrail } from '../../src/cloudtrail/trail-deletion.ts';
import { movedFrom } from '../../src/cloudtrail/trail-moves.ts';
import { localTrailObjects } from '../../src/cloudtrail/trail-objects.ts';
import { DELETED_TRAIL_KIND, TRAIL_KIND, trailIdentity, type TrailData, type TrailRecord } from '../../src/cloudtrail/trail-records.ts';
import { verifyTrail } from '../../src/cloudtrail/verify.ts';

/**
 * One trail against a real store and a local trail folder, with time moved by a FixedClock:
 * events recorded, StartLogging/StopLogging/DeleteTrail/UpdateTrail made the way the handlers
 * make them (the same state functions), deliveries run, the trail verified. Buckets `bucket`
 * (the trail's) and `other` exist.
 */
export const ACCOUNT = '111122223333';
export const NAME = 'audit';
export const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${NAME}`;
export const T0 = '2025-01-01T10:00:00.000Z';
export const minutes = (n: number) => n * 60;

export interface Harness {
  root: string;
  store: Store;
  clock: FixedClock;
  deps: DeliveryDeps;
  event(name: string, extra?: Record<string, unknown>): Promise<void>;
  start(): Promise<void>;
  stop(options?: { recordEvent?: boolean }): Promise<void>;
  /** DeleteTrail: the trail's record moved aside, then (unless told not to) its DeleteTrail event recorded. */
  remove(options?: { recordEvent?: boolean }): Promise<void>;
  /** UpdateTrail moving the trail to another bucket and prefix. */
  move(bucket: string, prefix?: string): Promise<void>;
  /** The trail, or the record its deletion kept. */
  trail(): Promise<TrailRecord>;
  update(change: (data: TrailData) => TrailData): Promise<void>;
  deliver(): ReturnType<typeof deliverTrails>;
  verify(): ReturnType<typeof verifyTrail>;
  digests(bucket?: string, prefix?: string): Promise<string[]>;
  logFiles(bucket?: string, prefix?: string): Promise<string[]>;
  read(key: string, bucket?: string): Promise<DigestDocument>;
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'tessera-delivery-'));
  await mkdir(join(root, 'bucket'));
  await mkdir(join(root, 'other'));
  const store = await openStore('sqlite::memory:');
  const clock = new FixedClock(T0);
  const objects = localTrailObjects(root);
  const deps: DeliveryDeps = { store, clock, objects, secrets: createSecretBox(masterKeyFromConfig(generateMasterKeyBase64())) };
  await store.transaction((tx) => tx.insert<TrailData>({
    accountId: ACCOUNT, kind: TRAIL_KIND, id: ARN, name: NAME, parentId: '', path: '/', createdAt: T0,
    data: { homeRegion: 'us-east-1', s3BucketName: 'bucket', includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: true, isLogging: false, cursor: 0 },
  }));
  let n = 0;
  const event = async (name: string, extra: Record<string, unknown> = {}) => {
    const now = clock.now();
    const eventID = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const record = {
      eventVersion: '1.08', eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'iam.amazonaws.com', eventName: name, awsRegion: 'us-east-1',
      requestParameters: null, responseElements: null, requestID: `r${n}`, eventID, readOnly: false, recipientAccountId: ACCOUNT, ...extra,
    };
    await store.appendAudit([{ time: now.toISOString(), requestId: `r${n}`, accountId: ACCOUNT, eventId: eventID, data: { record } }]);
  };
  const trail = async (): Promise<TrailRecord> => {
    const live = await store.get<TrailData>(TRAIL_KIND, ARN);
    if (live) return live;
    const kept = await store.list<TrailData>(ACCOUNT, DELETED_TRAIL_KIND, { limit: 100 });
    const last = kept.sort((a, b) => a.data.deleted!.at.localeCompare(b.data.deleted!.at)).at(-1);
    if (!last) throw new Error('no trail and no deleted trail');
    return last;
  };
  const update = async (change: (data: TrailData) => TrailData) => {
    await store.transaction(async (tx) => {
      const current = (await tx.get<TrailData>(TRAIL_KIND, ARN))!;
      await tx.update<TrailData>({ ...current, data: change(current.data) });
    });
  };
  const list = async (folder: string, bucket = 'bucket', prefix?: string) => objects.list(bucket, `${prefix ? `${prefix}/` : ''}AWSLogs/${ACCOUNT}/${folder}/`);
  const cloudtrailEvent = (name: string) => event(name, { eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: NAME } });
  return {
    root, store, clock, deps, event, update, trail,
    async start() {
      const newest = (await store.listAudit({ accountId: ACCOUNT, limit: 1 }))[0]?.seq ?? 0;
      await update((data) => startedLogging(data, clock.now(), newest));
      await cloudtrailEvent('StartLogging');
    },
    async stop(options = {}) {
      await update((data) => stoppedLogging(data, clock.now()));
      if (options.recordEvent ?? true) await cloudtrailEvent('StopLogging');
    },
    async remove(options = {}) {
      await store.transaction(async (tx) => retireTrail(tx, (await tx.get<TrailData>(TRAIL_KIND, ARN))!, clock.now()));
      if (options.recordEvent ?? true) await cloudtrailEvent('DeleteTrail');
    },
    async move(bucket, prefix) {
      await update((data) => {
        const { s3KeyPrefix: _old, ...rest } = data;
        return { ...rest, ...movedFrom(data, { bucket, ...(prefix ? { prefix } : {}) }), s3BucketName: bucket, ...(prefix ? { s3KeyPrefix: prefix } : {}) };
      });
    },
    deliver: () => deliverTrails(deps),
    async verify() {
      const current = await trail();
      return verifyTrail(objects, { name: trailIdentity(current).name, accountId: ACCOUNT, data: current.data }, await publicKeysOf(store, ACCOUNT));
    },
    digests: (bucket, prefix) => list('CloudTrail-Digest', bucket, prefix),
    logFiles: (bucket, prefix) => list('CloudTrail', bucket, prefix),
    read: async (key, bucket = 'bucket') => JSON.parse(gunzipSync(await readFile(join(root, bucket, key))).toString('utf8')) as DigestDocument,
    async close() {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The events a log file holds, by name. */
export async function namesIn(h: Harness, key: string, bucket = 'bucket'): Promise<string[]> {
  const json = JSON.parse(gunzipSync(await readFile(join(h.root, bucket, key))).toString('utf8')) as { Records: Array<{ eventName: string }> };
  return json.Records.map((r) => r.eventName);
}
