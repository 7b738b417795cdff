import type { EntityRecord, StoreTx } from '../store/types.ts';
import type { Trail } from '../protocol/generated/cloudtrail.ts';
import type { DigestLogFile } from './digest.ts';

/**
 * A trail as stored: one entity per trail (kind `cloudtrail-trail`, id its ARN), named by its
 * name, unique in its account (stricter than CloudTrail, whose single-region trails in two
 * regions may share a name). `cursor` is the sequence number of the last audit event it
 * delivered; `lastDigest` is the head of its open digest chain (absent until the chain's first
 * digest), `digestPeriod` the hour that chain is collecting, and `closedChains` the heads of
 * the chains that StopLogging (or turning validation off) ended — `tessera audit verify`
 * walks each. `finalDelivery` is what a StopLogging leaves owing (delivery.ts).
 */
export const TRAIL_KIND = 'cloudtrail-trail';

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
  tags?: Array<{ Key: string; Value?: string }>;
}

/** What the next digest chains to: the previous digest's object, hash and signature. */
export interface DigestHead {
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

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** A trail named by name or ARN (of the caller's account), if it exists and is visible from `region`. */
export async function findTrail(tx: StoreTx, accountId: string, region: string, nameOrArn: string): Promise<TrailRecord | undefined> {
  const name = nameOrArn.startsWith('arn:') ? nameFromArn(nameOrArn, accountId) : nameOrArn;
  if (name === undefined) return undefined;
  const trail = await tx.getByName<TrailData>(accountId, TRAIL_KIND, name);
  if (!trail || trail.name !== name) return undefined;
  // A single-region trail is seen only from its home region; a multi-region one from every region.
  return trail.data.homeRegion === region || trail.data.isMultiRegionTrail ? trail : undefined;
}

function nameFromArn(arn: string, accountId: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[2] !== 'cloudtrail' || parts[4] !== accountId || !parts[5]!.startsWith('trail/')) return undefined;
  return parts[5]!.slice('trail/'.length);
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
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  };
}
