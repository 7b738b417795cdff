import { isRegionName } from '../kernel/regions.ts';
import type { EntityRecord, StoreTx } from '../store/types.ts';
import type { AdvancedEventSelector, EventSelector, Trail } from '../protocol/generated/cloudtrail.ts';
import type { DigestLogFile } from './digest.ts';

/**
 * A trail as stored: one entity per trail (kind `cloudtrail-trail`, id its ARN), named by its
 * name, unique in its account (stricter than CloudTrail, whose single-region trails in two
 * regions may share a name). `cursor` is the sequence number of the last audit event it
 * delivered; `lastDigest` is the head of its open digest chain (absent until the chain's first
 * digest), `digestPeriod` the hour that chain is collecting, and `closedChains` the heads of
 * the chains that StopLogging (or turning validation off) ended — `tessera audit verify`
 * walks each. `finalDelivery` is what a StopLogging (or DeleteTrail) leaves owing (delivery.ts).
 * `pastLocations` are the buckets and prefixes an UpdateTrail moved the trail away from, and
 * `unvalidatedDeliveries` when and where it delivered log files that no digest lists — both
 * read by `tessera audit verify`. `eventSelectors` are what PutEventSelectors set (absent: the
 * default, every management event), and `earlierSelectors` those it replaced while events
 * recorded under them were still to be delivered (event-selectors.ts).
 */
export const TRAIL_KIND = 'cloudtrail-trail';

/**
 * A deleted trail: DeleteTrail moves the trail's record here (id `<arn>#<deletion time>`), out
 * of the way of a new trail of the same name, so that its last delivery and closing digest are
 * still made and `tessera audit verify` can still follow its chains. `deleted` names it.
 */
export const DELETED_TRAIL_KIND = 'cloudtrail-deleted-trail';

export interface TrailData {
  homeRegion: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  isLogging: boolean;
  startLoggingTime?: string;
  stopLoggingTime?: string;
  latestDeliveryTime?: string;
  latestDigestDeliveryTime?: string;
  latestDeliveryError?: string;
  cursor: number;
  lastDigest?: DigestHead;
  digestPeriod?: DigestPeriod;
  closedChains?: DigestHead[];
  finalDelivery?: FinalDelivery;
  pastLocations?: TrailLocation[];
  unvalidatedDeliveries?: UnvalidatedDeliveries[];
  deleted?: DeletedTrail;
  tags?: Array<{ Key: string; Value?: string }>;
  eventSelectors?: TrailSelectors;
  earlierSelectors?: EarlierSelectors[];
}

/** A trail's event selectors as PutEventSelectors set them: basic or advanced, never both (defaults filled in). */
export type TrailSelectors = { basic: EventSelector[] } | { advanced: AdvancedEventSelector[] };

/**
 * Selectors that applied to the events recorded up to sequence number `untilSeq` (and after the
 * previous entry's): CloudTrail matches an event against the selectors in force when it
 * happened, and a trail delivers later. `selectors` absent: the default.
 */
export interface EarlierSelectors {
  untilSeq: number;
  selectors?: TrailSelectors;
}

/** Where a trail delivers: its bucket and key prefix. */
export interface TrailLocation {
  bucket: string;
  prefix?: string;
}

/**
 * Log files delivered while log file validation was off (or no chain was open) to one
 * location, from `from` to `to` (delivery times; a log file's name carries the minute).
 * `open` while no log file that a digest lists was delivered since: the next unvalidated
 * delivery extends it rather than starting another.
 */
export interface UnvalidatedDeliveries extends TrailLocation {
  from: string;
  to: string;
  open?: boolean;
}

/** A deleted trail's name, ARN and deletion time. */
export interface DeletedTrail {
  arn: string;
  name: string;
  at: string;
}

/**
 * What the next digest chains to: the previous digest's bucket, object, hash and signature.
 * `bucket` is absent in heads recorded before a trail's moves were followed: the trail's bucket.
 */
export interface DigestHead {
  bucket?: string;
  object: string;
  hash: string;
  signature: string;
  endTime: string;
}

/**
 * The digest period being collected: it started at `start` (when logging with validation
 * started, or the previous digest's end) and lists the log files delivered since.
 */
export interface DigestPeriod {
  start: string;
  logFiles: DigestLogFile[];
}

/**
 * Owed by a stopped trail until delivered: its events up to and including its StopLogging
 * event, and the final digest of its chain. `resumeAfter` is set by a StartLogging that came
 * first: the cursor jumps there afterwards (the events recorded while stopped are not the
 * trail's).
 */
export interface FinalDelivery {
  resumeAfter?: number;
}

export type TrailRecord = EntityRecord<TrailData>;

/** A trail's ARN and name — a deleted trail's as they were. */
export function trailIdentity(trail: TrailRecord): { arn: string; name: string } {
  return trail.data.deleted ? { arn: trail.data.deleted.arn, name: trail.data.deleted.name } : { arn: trail.id, name: trail.name };
}

/** Every location a trail delivered to: where it delivers now, then those it moved away from. */
export function trailLocations(data: Pick<TrailData, 's3BucketName' | 's3KeyPrefix' | 'pastLocations'>): TrailLocation[] {
  const current: TrailLocation = { bucket: data.s3BucketName, ...(data.s3KeyPrefix ? { prefix: data.s3KeyPrefix } : {}) };
  return [current, ...(data.pastLocations ?? []).filter((l) => !sameLocation(l, current))];
}

export function sameLocation(a: TrailLocation, b: TrailLocation): boolean {
  return a.bucket === b.bucket && (a.prefix ?? '') === (b.prefix ?? '');
}

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/**
 * A trail named by name or ARN (of the caller's account), if it exists and is visible from
 * `region`. An ARN is read whole: it must be the trail's own — its account, and its home
 * region (a multi-region trail is named by its home region's ARN from every region). A value
 * starting `arn:` that is not a trail ARN names nothing here (the handlers answer
 * CloudTrailARNInvalidException for it: {@link isTrailArn}); this never fails, since
 * authorization targets are resolved with it (authz/target.ts).
 */
export async function findTrail(tx: StoreTx, accountId: string, region: string, nameOrArn: string): Promise<TrailRecord | undefined> {
  const name = referencedTrailName(accountId, nameOrArn);
  if (name === undefined) return undefined;
  const trail = await tx.getByName<TrailData>(accountId, TRAIL_KIND, name);
  return trail && isReferencedTrail(trail, region, nameOrArn) ? trail : undefined;
}

/** The name a trail name or ARN gives in `accountId`; undefined when it cannot name one there (a malformed ARN, another account's). */
export function referencedTrailName(accountId: string, nameOrArn: string): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const arn = parseTrailArn(nameOrArn);
  return arn !== undefined && arn.accountId === accountId ? arn.name : undefined;
}

/** Whether `trail`, found under {@link referencedTrailName}'s name, is the one `nameOrArn` names as seen from `region`. */
export function isReferencedTrail(trail: TrailRecord, region: string, nameOrArn: string): boolean {
  if (trail.name !== referencedTrailName(trail.accountId, nameOrArn)) return false;
  if (nameOrArn.startsWith('arn:') && trail.id !== nameOrArn) return false;
  // A single-region trail is seen only from its home region; a multi-region one from every region.
  return trail.data.homeRegion === region || trail.data.isMultiRegionTrail;
}

/** A trail ARN's parts: `arn:<partition>:cloudtrail:<region>:<12 digits>:trail/<name>`. */
export interface TrailArnParts {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/**
 * The parts of `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`, or undefined for
 * anything else: a partition `aws` or `aws-<word>…`, a region as kernel/regions.ts has it,
 * an account of 12 digits and a non-empty name. Checked
 * piecewise, in linear time.
 */
export function parseTrailArn(arn: string): TrailArnParts | undefined {
  if (arn.length > 2048) return undefined;
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'cloudtrail') return undefined;
  const [, partition, , region, accountId, resource] = parts as [string, string, string, string, string, string];
  if (!/^aws(-[a-z]+)*$/.test(partition) || !isRegionName(region) || !/^\d{12}$/.test(accountId)) return undefined;
  if (!resource.startsWith('trail/') || resource.length === 'trail/'.length) return undefined;
  return { partition, region, accountId, name: resource.slice('trail/'.length) };
}

/** Whether a value is a well-formed trail ARN ({@link parseTrailArn}). */
export function isTrailArn(value: string): boolean {
  return parseTrailArn(value) !== undefined;
}


export function trailOutput(trail: TrailRecord): Trail {
  const d = trail.data;
  return {
    Name: trail.name,
    S3BucketName: d.s3BucketName,
    ...(d.s3KeyPrefix !== undefined ? { S3KeyPrefix: d.s3KeyPrefix } : {}),
    ...(d.snsTopicName !== undefined ? { SnsTopicName: d.snsTopicName } : {}),
    IncludeGlobalServiceEvents: d.includeGlobalServiceEvents,
    IsMultiRegionTrail: d.isMultiRegionTrail,
    HomeRegion: d.homeRegion,
    TrailARN: trail.id,
    LogFileValidationEnabled: d.logFileValidationEnabled,
    HasCustomEventSelectors: d.eventSelectors !== undefined,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  };
}
