import { gzipSync } from 'node:zlib';
import type { SecretSealer, TrailDestinations } from '../kernel/operation.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Store } from '../store/types.ts';
import { closingEnd, DIGEST_PERIOD_MS, signedDigest, startingPeriod, type DigestTrail, type SignedDigest } from './digest-chain.ts';
import { sha256Hex, SIGNATURE_ALGORITHM, type DigestLogFile } from './digest.ts';
import { deliveryErrorCode, DeliveryRefused } from './delivery-errors.ts';
import { deliveryRange, recordOf } from './delivery-range.ts';
import { earlierAfter, hasCustomSelectors, selects, selectorsAt } from './event-selectors.ts';
import { logFileKey } from './object-keys.ts';
import type { CloudTrailRecord } from './record.ts';
import { signerFor, type DigestSigner } from './signing-keys.ts';
import type { TrailObjectStore } from './trail-objects.ts';
import { DELETED_TRAIL_KIND, sameLocation, trailIdentity, TRAIL_KIND, type DigestHead, type TrailData, type TrailRecord, type UnvalidatedDeliveries } from './trail-records.ts';

/**
 * Trail delivery: every logging trail receives, as gzip'd {"Records":[…]} files in CloudTrail's
 * layout, the events its account recorded since its last delivery — its home region's (every
 * region's for a multi-region trail), and IAM's and Organizations' global events unless
 * IncludeGlobalServiceEvents is false — one file per region per delivery — of those its event
 * selectors select (event-selectors.ts: by default every management event and no data event;
 * each event against the selectors in force when it was recorded).
 *
 * With log file validation, as CloudTrail does, a digest is delivered every hour (counted from
 * when logging with validation started), listing the log files delivered during that hour —
 * none, for an hour without any (`logFiles: []`) — and chained to the previous digest. The
 * chain's first (starting) digest has null previous* fields. StopLogging ends the chain: the
 * trail's last delivery takes its events up to and including its StopLogging event and is
 * followed by a final digest; a later StartLogging begins a new chain. Turning validation off
 * ends the chain with the hour it was in; log files delivered while it is off are in no digest,
 * and the trail records when and where it delivered them (`unvalidatedDeliveries`), so that
 * `tessera audit verify` reports them apart from files slipped in. DeleteTrail stops the trail
 * as StopLogging does — its last delivery takes its events up to and including its DeleteTrail
 * event, and a final digest closes its chain — from the record DeleteTrail moved it to.
 * Hours missed while the server was down are delivered when it runs again, one digest each
 * (the empty ones included), up to MAX_DIGESTS_PER_STEP per step.
 *
 * The range is claimed before the files are written: the trail's cursor and digest chain move
 * in one transaction, guarded by the trail's version, so two nodes never deliver the same
 * events or digests. A crash between the claim and the writes leaves those files missing —
 * which `tessera audit verify` reports (the events stay in the event history).
 */
export interface DeliveryDeps {
  store: Store;
  secrets: SecretSealer;
  clock: Clock;
  /** With allowsDelivery, each delivery is first checked against the destination's bucket policy. */
  objects: TrailObjectStore & Partial<Pick<TrailDestinations, 'allowsDelivery'>>;
  /** Where a failed delivery's own text goes (its trail's status keeps only S3's error code). */
  logFailure?: (trailArn: string, err: unknown) => void;
}

export interface DeliveryReport {
  trails: number;
  logFiles: number;
  digests: number;
}

interface StepResult {
  logFiles: number;
  digests: number;
  /** The trail has more to deliver right away (a backlog, or a final delivery that led to more). */
  more: boolean;
}

const GLOBAL_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com']);
const MAX_DIGESTS_PER_STEP = 200;
const MAX_STEPS_PER_RUN = 20;
/** The heads of earlier chains kept for `tessera audit verify`; older chains' digests then read as added. */
const MAX_CLOSED_CHAINS = 500;
/** The stretches of unvalidated delivery kept; older ones' log files then read as added. */
const MAX_UNVALIDATED = 500;
const NOTHING: StepResult = { logFiles: 0, digests: 0, more: false };

export async function deliverTrails(deps: DeliveryDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { trails: 0, logFiles: 0, digests: 0 };
  for (const kind of [TRAIL_KIND, DELETED_TRAIL_KIND]) await deliverKind(deps, kind, report);
  return report;
}

async function deliverKind(deps: DeliveryDeps, kind: string, report: DeliveryReport): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.scan<TrailData>(kind, { limit: 500, ...(after ? { after } : {}) });
    for (const trail of page) {
      if (!hasWork(trail.data)) continue;
      report.trails += 1;
      let current: TrailRecord | undefined = trail;
      for (let step = 0; current && step < MAX_STEPS_PER_RUN; step++) {
        let delivered: StepResult;
        try {
          delivered = await deliverTrail(deps, current);
        } catch (err) {
          // Its status has the error; the other trails, of every account, still deliver.
          deps.logFailure?.(trailIdentity(current).arn, err);
          break;
        }
        report.logFiles += delivered.logFiles;
        report.digests += delivered.digests;
        if (!delivered.more) break;
        current = await deps.store.get<TrailData>(kind, trail.id);
      }
    }
    if (page.length < 500) return;
    after = page.at(-1)!.id;
  }
}

function hasWork(d: TrailData): boolean {
  return d.isLogging || d.finalDelivery !== undefined || d.digestPeriod !== undefined || d.lastDigest !== undefined;
}

function wanted(trail: TrailData, record: CloudTrailRecord): boolean {
  const region = String(record['awsRegion'] ?? '');
  if (GLOBAL_SOURCES.has(record.eventSource)) return trail.includeGlobalServiceEvents;
  return trail.isMultiRegionTrail || region === trail.homeRegion;
}

interface LogFile {
  key: string;
  body: Buffer;
  entry: DigestLogFile;
}

function logFilesOf(trail: TrailRecord, records: readonly CloudTrailRecord[], fromCursor: number, toCursor: number, now: Date): LogFile[] {
  const d = trail.data;
  const byRegion = new Map<string, CloudTrailRecord[]>();
  for (const record of records) {
    const region = String(record['awsRegion'] ?? d.homeRegion);
    byRegion.set(region, [...(byRegion.get(region) ?? []), record]);
  }
  const files: LogFile[] = [];
  for (const [region, regionRecords] of byRegion) {
    const json = JSON.stringify({ Records: regionRecords });
    const times = regionRecords.map((r) => r.eventTime).sort();
    const id = sha256Hex(`${trail.id}\n${fromCursor}\n${toCursor}\n${region}`).slice(0, 16).toUpperCase();
    const key = logFileKey(d.s3KeyPrefix, trail.accountId, region, now, id);
    files.push({
      key,
      body: gzipSync(json),
      entry: { s3Bucket: d.s3BucketName, s3Object: key, hashValue: sha256Hex(json), hashAlgorithm: 'SHA-256', newestEventTime: times.at(-1)!, oldestEventTime: times[0]! },
    });
  }
  return files;
}

/** The trail's digest chain as one step moves it. */
interface Chain {
  period: { start: Date; logFiles: DigestLogFile[] } | undefined;
  head: DigestHead | undefined;
  closed: DigestHead[];
  digests: SignedDigest[];
}

function closeChain(chain: Chain): void {
  if (chain.head) chain.closed.push(chain.head);
  chain.head = undefined;
  chain.period = undefined;
}

export async function deliverTrail(deps: DeliveryDeps, trail: TrailRecord): Promise<StepResult> {
  const d = trail.data;
  const now = deps.clock.now();
  const owed = d.finalDelivery;
  if (!hasWork(d)) return NOTHING;
  const chain: Chain = {
    period: d.digestPeriod ? { start: new Date(d.digestPeriod.start), logFiles: [...d.digestPeriod.logFiles] } : undefined,
    head: d.lastDigest,
    closed: [...(d.closedChains ?? [])],
    digests: [],
  };
  const chainTrail: DigestTrail = { accountId: trail.accountId, name: trailIdentity(trail).name, homeRegion: d.homeRegion, bucket: d.s3BucketName, prefix: d.s3KeyPrefix };
  let signer: DigestSigner | undefined;
  const sign = async () => (signer ??= await signerFor(deps.store, deps.secrets, trail.accountId, now));
  let more = false;

  if (!d.isLogging && owed === undefined) {
    // A stopped trail with nothing owed whose chain was left open (written before chains were
    // closed at StopLogging): its chain ends where it is.
    closeChain(chain);
  } else {
    // A chain left open without its period (written before hourly digests) goes on from its head;
    // a logging trail with validation on and no chain starts one.
    if (!chain.period && chain.head) chain.period = { start: new Date(chain.head.endTime), logFiles: [] };
    if (!chain.period && d.isLogging && owed === undefined && d.logFileValidationEnabled) chain.period = { start: new Date(startingPeriod(now).start), logFiles: [] };
  }

  // The digest of every hour that has ended.
  while (chain.period && chain.period.start.getTime() + DIGEST_PERIOD_MS <= now.getTime()) {
    if (chain.digests.length >= MAX_DIGESTS_PER_STEP) {
      more = true;
      break;
    }
    const end = new Date(chain.period.start.getTime() + DIGEST_PERIOD_MS);
    const digest = signedDigest(chainTrail, await sign(), { start: chain.period.start, end }, chain.head, chain.period.logFiles);
    chain.digests.push(digest);
    chain.head = digest.head;
    chain.period = { start: end, logFiles: [] };
    // Validation turned off: the chain ends with the hour it was in.
    if (!d.logFileValidationEnabled) closeChain(chain);
  }

  // This step's log files — none while a backlog of hours is still being digested, so that a
  // file is never listed in a digest whose hour ended before it was delivered.
  const range = (d.isLogging || owed !== undefined) && !more ? await deliveryRange(deps.store, trail, now) : { events: [], cursor: d.cursor, finished: false, more: false };
  more ||= range.more;
  const filtered = hasCustomSelectors(d);
  const records = range.events.flatMap((event) => {
    const record = recordOf(event);
    return record !== undefined && wanted(d, record) && (!filtered || selects(selectorsAt(d, event.seq), record)) ? [record] : [];
  });
  const files = logFilesOf(trail, records, d.cursor, range.cursor, now);
  const validated = chain.period !== undefined && d.logFileValidationEnabled;
  if (validated) chain.period!.logFiles.push(...files.map((f) => f.entry));
  const unvalidated = files.length > 0 ? unvalidatedAfter(d, validated, now) : d.unvalidatedDeliveries;

  let cursor = range.cursor;
  let finalDelivery = owed;
  if (owed !== undefined && range.finished) {
    // The stop's final digest, then the chain is closed.
    if (chain.period) {
      const end = closingEnd(now, chain.period.start, chain.head);
      const digest = signedDigest(chainTrail, await sign(), { start: chain.period.start, end }, chain.head, chain.period.logFiles);
      chain.digests.push(digest);
      chain.head = digest.head;
    }
    closeChain(chain);
    finalDelivery = undefined;
    if (owed.resumeAfter !== undefined) {
      // Logging was started again before this delivery: what was recorded while stopped is skipped.
      cursor = Math.max(cursor, owed.resumeAfter);
      if (d.logFileValidationEnabled) chain.period = { start: new Date(startingPeriod(new Date(d.startLoggingTime ?? now.toISOString())).start), logFiles: [] };
      // …and stopped again: that stop is owed too.
      if (!d.isLogging) finalDelivery = {};
      more = true;
    }
  }

  const unchanged = cursor === d.cursor && chain.digests.length === 0 && unvalidated === d.unvalidatedDeliveries && finalDelivery === owed && chain.closed.length === (d.closedChains?.length ?? 0)
    && chain.period?.start.getTime() === (d.digestPeriod ? Date.parse(d.digestPeriod.start) : undefined) && chain.head === d.lastDigest;
  if (unchanged) return { logFiles: 0, digests: 0, more };

  // S3 decides each of CloudTrail's writes by the bucket policy in force: a bucket whose owner
  // no longer lets this trail in (or a folder of another account's) receives nothing, and the
  // events wait in the history for a delivery that is allowed.
  if ((files.length > 0 || chain.digests.length > 0) && deps.objects.allowsDelivery !== undefined) {
    const probe = { trailArn: trailIdentity(trail).arn, accountId: trail.accountId, objectKeys: [...files.map((f) => f.key), ...chain.digests.map((g) => g.key)], now };
    if (!(await deps.objects.allowsDelivery(d.s3BucketName, probe))) {
      const refused = new DeliveryRefused('AccessDenied', `the bucket ${d.s3BucketName} does not let CloudTrail deliver this trail`);
      await recordDeliveryError(deps.store, trail.kind, trail.id, trail.version, refused);
      throw refused;
    }
  }

  // Claim: only the node whose update lands delivers this range and these digests.
  const claimed = await deps.store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(trail.kind, trail.id);
    if (!current || current.version !== trail.version) return false;
    const { latestDeliveryError: _cleared, lastDigest: _head, digestPeriod: _period, closedChains: _closed, finalDelivery: _owed, unvalidatedDeliveries: _unvalidated, earlierSelectors, ...rest } = current.data;
    const earlier = earlierAfter(earlierSelectors, cursor);
    await tx.update<TrailData>({
      ...current,
      data: {
        ...rest,
        cursor,
        ...(earlier ? { earlierSelectors: earlier } : {}),
        ...(chain.head ? { lastDigest: chain.head } : {}),
        ...(chain.period ? { digestPeriod: { start: chain.period.start.toISOString(), logFiles: chain.period.logFiles } } : {}),
        ...(chain.closed.length > 0 ? { closedChains: chain.closed.slice(-MAX_CLOSED_CHAINS) } : {}),
        ...(finalDelivery ? { finalDelivery } : {}),
        ...(unvalidated && unvalidated.length > 0 ? { unvalidatedDeliveries: unvalidated } : {}),
        ...(files.length > 0 ? { latestDeliveryTime: now.toISOString() } : {}),
        ...(chain.digests.length > 0 ? { latestDigestDeliveryTime: now.toISOString() } : {}),
      },
    });
    return true;
  });
  if (!claimed) return NOTHING;
  try {
    for (const file of files) await deps.objects.put(d.s3BucketName, file.key, file.body);
    for (const digest of chain.digests) await deps.objects.put(d.s3BucketName, digest.key, digest.body, { signature: digest.signature, 'signature-algorithm': SIGNATURE_ALGORITHM });
  } catch (err) {
    // The claim is undone (unless another node has moved the trail since): the range and the
    // digests are delivered again by a later run, instead of being lost with this write.
    await recordDeliveryError(deps.store, trail.kind, trail.id, trail.version + 1, err, trail.data);
    throw err;
  }
  return { logFiles: files.length, digests: chain.digests.length, more };
}

/**
 * The trail's stretches of unvalidated delivery after a delivery of log files: one that no
 * digest lists extends the open stretch at the same location (or opens one); one that a digest
 * lists closes it, so that a later stretch never spans a validated delivery.
 */
function unvalidatedAfter(d: TrailData, validated: boolean, now: Date): UnvalidatedDeliveries[] | undefined {
  const stretches = d.unvalidatedDeliveries ?? [];
  const last = stretches.at(-1);
  const here = { bucket: d.s3BucketName, ...(d.s3KeyPrefix ? { prefix: d.s3KeyPrefix } : {}) };
  if (!validated && last?.open && sameLocation(last, here)) return [...stretches.slice(0, -1), { ...last, to: now.toISOString() }];
  const closed = last?.open ? [...stretches.slice(0, -1), closedStretch(last)] : stretches;
  if (validated) return last?.open ? closed : d.unvalidatedDeliveries;
  return [...closed, { ...here, from: now.toISOString(), to: now.toISOString(), open: true }].slice(-MAX_UNVALIDATED);
}

function closedStretch(stretch: UnvalidatedDeliveries): UnvalidatedDeliveries {
  const { open: _open, ...closed } = stretch;
  return closed;
}

/**
 * The trail's status after a failed delivery: S3's error code (delivery-errors.ts). With
 * `restore`, the trail's state from before the claim of version `version` is put back — only if
 * the trail is still at that version.
 */
async function recordDeliveryError(store: Store, kind: string, id: string, version: number, err: unknown, restore?: TrailData): Promise<void> {
  const latestDeliveryError = deliveryErrorCode(err);
  await store.transaction(async (tx) => {
    const current = await tx.get<TrailData>(kind, id);
    if (!current) return;
    const data = restore !== undefined && current.version === version ? restore : current.data;
    await tx.update<TrailData>({ ...current, data: { ...data, latestDeliveryError } });
  });
}
