import { sameLocation, type DigestHead, type TrailData, type TrailLocation } from './trail-records.ts';

/** The locations a trail moved away from that are kept; older ones are no longer verified. */
const MAX_PAST_LOCATIONS = 100;

/**
 * A move to another bucket or prefix: the old location joins `pastLocations`, and the heads of
 * the trail's chains name the bucket their digest is in (heads recorded before moves were
 * followed name none: theirs is the bucket the trail is leaving).
 */
export function movedFrom(data: TrailData, to: TrailLocation): Partial<TrailData> {
  const from: TrailLocation = { bucket: data.s3BucketName, ...(data.s3KeyPrefix ? { prefix: data.s3KeyPrefix } : {}) };
  if (sameLocation(from, to)) return {};
  const located = (head: DigestHead): DigestHead => (head.bucket ? head : { bucket: from.bucket, ...head });
  const past = [...(data.pastLocations ?? []).filter((l) => !sameLocation(l, from) && !sameLocation(l, to)), from];
  return {
    pastLocations: past.slice(-MAX_PAST_LOCATIONS),
    ...(data.lastDigest ? { lastDigest: located(data.lastDigest) } : {}),
    ...(data.closedChains ? { closedChains: data.closedChains.map(located) } : {}),
  };
}

