import { gzipSync } from 'node:zlib';
import type { SecretSealer } from '../kernel/operation.ts';
import type { Clock } from '../kernel/clock.ts';
import type { StoredAuditEvent, Store } from '../store/types.ts';
import { eventTimeOf } from './dates.ts';
import { sha256Hex, SIGNATURE_ALGORITHM, signingString, type DigestDocument, type DigestLogFile } from './digest.ts';
import { digestKey, logFileKey } from './object-keys.ts';
import type { AuditData, CloudTrailRecord } from './record.ts';
import { signerFor } from './signing-keys.ts';
import type { TrailObjectStore } from './trail-objects.ts';
import { TRAIL_KIND, type TrailData, type TrailRecord } from './trail-records.ts';

/**
 * Trail delivery: every logging trail receives, as gzip'd {"Records":[…]} files in CloudTrail's
 * layout, the events its account recorded since its last delivery — its home region's (every
 * region's for a multi-region trail), and IAM's and Organizations' global events unless
 * IncludeGlobalServiceEvents is false — one file per region per delivery. With log file
 * validation, each delivery that writes files also writes a signed digest chained to the
 * previous one.
 *
 * The range is claimed before the files are written: the trail's cursor and digest head move
 * in one transaction, guarded by the trail's version, so two nodes never deliver the same
 * events. A crash between the claim and the writes leaves those files missing — which
 * `tessera audit verify` reports (the events stay in the event history).
 */
export interface DeliveryDeps {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  objects: TrailObjectStore;
}

export interface DeliveryReport {
  trails: number;
  logFiles: number;
  digests: number;
}

const GLOBAL_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com']);
const READ_BATCH = 1_000;
/** Events per delivery of one trail; the rest go in the next. */
const MAX_EVENTS_PER_DELIVERY = 20_000;

export async function deliverTrails(deps: DeliveryDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { trails: 0, logFiles: 0, digests: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.scan<TrailData>(TRAIL_KIND, { limit: 500, ...(after ? { after } : {}) });
    for (const trail of page) {
      if (!trail.data.isLogging) continue;
      const delivered = await deliverTrail(deps, trail);
      report.trails += 1;
      report.logFiles += delivered.logFiles;
      report.digests += delivered.digests;
    }
    if (page.length < 500) return report;
    after = page.at(-1)!.id;
  }
}

function wanted(trail: TrailData, record: CloudTrailRecord): boolean {
  const region = String(record['awsRegion'] ?? '');
  if (GLOBAL_SOURCES.has(record.eventSource)) return trail.includeGlobalServiceEvents;
  return trail.isMultiRegionTrail || region === trail.homeRegion;
}

export async function deliverTrail(deps: DeliveryDeps, trail: TrailRecord): Promise<{ logFiles: number; digests: number }> {
  const d = trail.data;
  const accountId = trail.accountId;
  const events: StoredAuditEvent[] = [];
  let cursor = d.cursor;
  for (;;) {
    const batch = await deps.store.auditAfter({ accountId, afterSeq: cursor, limit: READ_BATCH });
    events.push(...batch);
    if (batch.length > 0) cursor = batch.at(-1)!.seq;
    if (batch.length < READ_BATCH || events.length >= MAX_EVENTS_PER_DELIVERY) break;
  }
  if (cursor === d.cursor) return { logFiles: 0, digests: 0 };
  const records = events.map((e) => (e.data as unknown as Partial<AuditData>).record).filter((r): r is CloudTrailRecord => r !== undefined && wanted(d, r));
  const now = deps.clock.now();

  const byRegion = new Map<string, CloudTrailRecord[]>();
  for (const record of records) {
    const region = String(record['awsRegion'] ?? d.homeRegion);
    byRegion.set(region, [...(byRegion.get(region) ?? []), record]);
  }
  const files: Array<{ key: string; body: Buffer; entry: DigestLogFile }> = [];
  for (const [region, regionRecords] of byRegion) {
    const json = JSON.stringify({ Records: regionRecords });
    const times = regionRecords.map((r) => r.eventTime).sort();
    const id = sha256Hex(`${trail.id}\n${d.cursor}\n${cursor}\n${region}`).slice(0, 16).toUpperCase();
    const key = logFileKey(d.s3KeyPrefix, accountId, region, now, id);
    files.push({
      key,
      body: gzipSync(json),
      entry: { s3Bucket: d.s3BucketName, s3Object: key, hashValue: sha256Hex(json), hashAlgorithm: 'SHA-256', newestEventTime: times.at(-1)!, oldestEventTime: times[0]! },
    });
  }

  let digest: { key: string; body: Buffer; signature: string; head: NonNullable<TrailData['lastDigest']> } | undefined;
  if (d.logFileValidationEnabled && files.length > 0) {
    const signer = await signerFor(deps.store, deps.secrets, accountId, now);
    const previous = d.lastDigest;
    // Digest names carry the second: never two digests of a trail in one second.
    const endDate = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, previous ? new Date(previous.endTime).getTime() + 1000 : 0));
    const end = eventTimeOf(endDate);
    const key = digestKey(d.s3KeyPrefix, accountId, d.homeRegion, trail.name, endDate);
    const times = files.flatMap((f) => [f.entry.oldestEventTime, f.entry.newestEventTime]).sort();
    const document: DigestDocument = {
      awsAccountId: accountId,
      digestStartTime: previous?.endTime ?? eventTimeOf(new Date(d.startLoggingTime ?? now.toISOString())),
      digestEndTime: end,
      digestS3Bucket: d.s3BucketName,
      digestS3Object: key,
      digestPublicKeyFingerprint: signer.fingerprint,
      digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
      newestEventTime: times.at(-1) ?? null,
      oldestEventTime: times[0] ?? null,
      previousDigestS3Bucket: previous ? d.s3BucketName : null,
      previousDigestS3Object: previous?.object ?? null,
      previousDigestHashValue: previous?.hash ?? null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: files.map((f) => f.entry),
    };
    const json = JSON.stringify(document);
    const hash = sha256Hex(json);
    const signature = signer.sign(signingString(document, hash));
    digest = { key, body: gzipSync(json), signature, head: { object: key, hash, signature, endTime: end } };
  }

  // Claim: only the node whose update lands delivers this range.
  const claimed = await deps.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, trail.id);
    if (!current || current.version !== trail.version || !current.data.isLogging) return false;
    const { latestDeliveryError: _cleared, ...rest } = current.data;
    await tx.update<TrailData>({
      ...current,
      data: {
        ...rest,
        cursor,
        ...(files.length > 0 ? { latestDeliveryTime: now.toISOString() } : {}),
        ...(digest ? { lastDigest: digest.head, latestDigestDeliveryTime: now.toISOString() } : {}),
      },
    });
    return true;
  });
  if (!claimed) return { logFiles: 0, digests: 0 };
  try {
    for (const file of files) await deps.objects.put(d.s3BucketName, file.key, file.body);
    if (digest) await deps.objects.put(d.s3BucketName, digest.key, digest.body, { signature: digest.signature, 'signature-algorithm': SIGNATURE_ALGORITHM });
  } catch (err) {
    await recordDeliveryError(deps.store, trail.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
  return { logFiles: files.length, digests: digest ? 1 : 0 };
}

async function recordDeliveryError(store: Store, id: string, message: string): Promise<void> {
  await store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(TRAIL_KIND, id);
    if (current) await tx.update<TrailData>({ ...current, data: { ...current.data, latestDeliveryError: message.slice(0, 500) } });
  });
}
