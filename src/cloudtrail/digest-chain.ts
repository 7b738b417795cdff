import { gzipSync } from 'node:zlib';
import { eventTimeOf } from './dates.ts';
import { sha256Hex, SIGNATURE_ALGORITHM, signingString, type DigestDocument, type DigestLogFile } from './digest.ts';
import { digestKey } from './object-keys.ts';
import type { DigestSigner } from './signing-keys.ts';
import type { DigestHead, DigestPeriod } from './trail-records.ts';

/**
 * One digest of a trail's chain, as CloudTrail writes it: the log files delivered in
 * [start, end], chained to `previous` (the head of the chain; none for a chain's starting
 * digest, whose previous* fields are null), signed with the account's key. As on AWS, the
 * previous digest's bucket is the one it was written to: after an UpdateTrail that moved the
 * trail, the chain goes on in the new bucket and points back into the old one.
 */
export interface DigestTrail {
  accountId: string;
  name: string;
  homeRegion: string;
  bucket: string;
  prefix: string | undefined;
}

export interface SignedDigest {
  key: string;
  body: Buffer;
  signature: string;
  head: DigestHead;
}

/** A digest period is an hour, counted from when the chain started. */
export const DIGEST_PERIOD_MS = 3600_000;

export function signedDigest(trail: DigestTrail, signer: DigestSigner, period: { start: Date; end: Date }, previous: DigestHead | undefined, logFiles: readonly DigestLogFile[]): SignedDigest {
  const end = eventTimeOf(period.end);
  const key = digestKey(trail.prefix, trail.accountId, trail.homeRegion, trail.name, period.end);
  const times = logFiles.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
  const document: DigestDocument = {
    awsAccountId: trail.accountId,
    digestStartTime: eventTimeOf(period.start),
    digestEndTime: end,
    digestS3Bucket: trail.bucket,
    digestS3Object: key,
    digestPublicKeyFingerprint: signer.fingerprint,
    digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
    newestEventTime: times.at(-1) ?? null,
    oldestEventTime: times[0] ?? null,
    previousDigestS3Bucket: previous ? previous.bucket ?? trail.bucket : null,
    previousDigestS3Object: previous?.object ?? null,
    previousDigestHashValue: previous?.hash ?? null,
    previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
    previousDigestSignature: previous?.signature ?? null,
    logFiles: [...logFiles],
  };
  const json = JSON.stringify(document);
  const hash = sha256Hex(json);
  const signature = signer.sign(signingString(document, hash));
  return { key, body: gzipSync(json), signature, head: { bucket: trail.bucket, object: key, hash, signature, endTime: end } };
}

/**
 * The end of a digest that closes a chain early (a stop): now, but never in the same second
 * as the previous digest (digest names carry the second) nor before the period began.
 */
export function closingEnd(now: Date, periodStart: Date, previous: DigestHead | undefined): Date {
  const second = Math.floor(now.getTime() / 1000) * 1000;
  const afterPrevious = previous ? Date.parse(previous.endTime) + 1000 : 0;
  return new Date(Math.max(second, afterPrevious, Math.ceil(periodStart.getTime() / 1000) * 1000));
}

/** The first period of a new chain: from `at`, to the second (digest times carry no fraction). */
export function startingPeriod(at: Date): DigestPeriod {
  return { start: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString(), logFiles: [] };
}
