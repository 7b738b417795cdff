import { gunzipSync } from 'node:zlib';
import { sha256Hex, signingString, type DigestDocument } from './digest.ts';
import { digestsPrefix, logFilesPrefix } from './object-keys.ts';
import { verifySignature, type PublicSigningKey } from './signing-keys.ts';
import type { TrailObjectStore } from './trail-objects.ts';
import { sameLocation, trailLocations, type DigestHead, type TrailData, type TrailLocation } from './trail-records.ts';

/**
 * Log file integrity validation of one trail (`tessera audit verify`): walks each digest chain
 * — the open one and those StopLogging closed — back from the head the store recorded (so
 * deleting the newest digest is caught too) to its starting digest,
 * checking each digest's hash against the one the next digest (or the store) recorded, its
 * signature with the account's public key, and every log file it lists against its SHA-256;
 * then names every object in the trail's folders that no digest accounts for. Every finding
 * is `changed`, `deleted` or `added`, with the object's bucket and key.
 *
 * A chain is followed across the trail's moves, as AWS's validate-logs does: a digest's
 * previousDigestS3Bucket, and each log file's s3Bucket, say where to read — only ever one of
 * the locations the trail delivered to (a digest naming another bucket is `changed`), and the
 * folders of each such location are searched for objects no digest accounts for.
 *
 * Log files delivered while validation was off are in no digest, and AWS's validate-logs does
 * not count them as tampering: a log file named for a minute in which the trail delivered
 * unvalidated files to that location (`unvalidatedDeliveries`) is `not-covered` — reported,
 * but not a fault. Any other file no digest lists, in particular one named for a time in
 * which the trail's files were digested or it delivered nothing, is `added`.
 *
 * Hostile files are data: an object over MAX_OBJECT_BYTES, a file that does not gunzip or
 * parse, a key in a digest that would leave the bucket — each is a finding, never a crash.
 */
export interface VerifyFinding {
  kind: 'changed' | 'deleted' | 'added' | 'not-covered';
  bucket: string;
  object: string;
  detail: string;
}

export interface VerifyReport {
  /** No finding other than `not-covered`. */
  valid: boolean;
  digests: number;
  logFiles: number;
  findings: VerifyFinding[];
}

export interface VerifiableTrail {
  name: string;
  accountId: string;
  data: Pick<TrailData, 's3BucketName' | 's3KeyPrefix' | 'lastDigest' | 'closedChains' | 'digestPeriod' | 'pastLocations' | 'unvalidatedDeliveries'>;
}

const MAX_OBJECT_BYTES = 256 * 1024 * 1024;
const MAX_DIGESTS = 1_000_000;

function gunzipJson(body: Buffer): { json: string; value: unknown } | undefined {
  try {
    const json = gunzipSync(body, { maxOutputLength: MAX_OBJECT_BYTES }).toString('utf8');
    return { json, value: JSON.parse(json) };
  } catch {
    return undefined;
  }
}

function isDigest(value: unknown): value is DigestDocument {
  const d = value as Partial<DigestDocument> | null;
  return typeof d === 'object' && d !== null && typeof d.digestEndTime === 'string' && typeof d.digestS3Object === 'string'
    && typeof d.digestS3Bucket === 'string' && typeof d.digestPublicKeyFingerprint === 'string' && Array.isArray(d.logFiles);
}

/** What one verification run shares: the keys, the buckets it may read, what is accounted for. */
interface Walk {
  objects: TrailObjectStore;
  keyByFingerprint: ReadonlyMap<string, PublicSigningKey>;
  buckets: ReadonlySet<string>;
  accounted: Set<string>;
  findings: VerifyFinding[];
}

const where = (bucket: string, key: string) => `${bucket}/${key}`;

export async function verifyTrail(objects: TrailObjectStore, trail: VerifiableTrail, keys: readonly PublicSigningKey[]): Promise<VerifyReport> {
  const current = trail.data.s3BucketName;
  const locations = trailLocations(trail.data);
  const walk: Walk = {
    objects, keyByFingerprint: new Map(keys.map((k) => [k.fingerprint, k])), buckets: new Set(locations.map((l) => l.bucket)), accounted: new Set(), findings: [],
  };
  const findings = walk.findings;
  let digests = 0;
  let logFiles = 0;

  const heads = [...(trail.data.closedChains ?? []), ...(trail.data.lastDigest ? [trail.data.lastDigest] : [])];
  for (const head of heads) {
    if (digests >= MAX_DIGESTS) break;
    const walked = await walkChain(walk, head.bucket ?? current, head, MAX_DIGESTS - digests);
    digests += walked.digests;
    logFiles += walked.logFiles;
  }
  // Log files delivered in the hour not yet digested: checked against the hashes the store keeps for that digest.
  for (const file of trail.data.digestPeriod?.logFiles ?? []) {
    logFiles += 1;
    await checkLogFile(walk, file.s3Bucket ?? current, file.s3Object, file.hashValue, 'pending');
  }

  const digestMarker = `_CloudTrail-Digest_`;
  const ownDigest = (key: string) => key.includes(digestMarker) && key.includes(`_${trail.name}_`);
  for (const location of locations) {
    for (const key of await objects.list(location.bucket, digestsPrefix(location.prefix, trail.accountId))) {
      if (ownDigest(key) && !walk.accounted.has(where(location.bucket, key))) findings.push({ kind: 'added', bucket: location.bucket, object: key, detail: 'digest file not in the trail\'s digest chain' });
    }
    for (const key of await objects.list(location.bucket, logFilesPrefix(location.prefix, trail.accountId))) {
      if (walk.accounted.has(where(location.bucket, key))) continue;
      if (deliveredUnvalidated(trail, location, key)) findings.push({ kind: 'not-covered', bucket: location.bucket, object: key, detail: 'log file delivered while log file validation was off: no digest covers it' });
      else findings.push({ kind: 'added', bucket: location.bucket, object: key, detail: 'log file not listed in any digest' });
    }
  }
  return { valid: findings.every((f) => f.kind === 'not-covered'), digests, logFiles, findings };
}

/**
 * The name of a log file CloudTrail's layout gives: `<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz`
 * under the location's log folder. A fixed pattern with bounded parts (never built from input).
 */
const LOG_FILE_NAME = /^([a-z0-9-]{1,40})\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]{1,40})_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[0-9A-F]{16}\.json\.gz$/;

/** The minute a log file's name says it was delivered in, if the name is one delivery gives this location. */
function deliveryMinute(accountId: string, location: TrailLocation, key: string): number | undefined {
  const folder = logFilesPrefix(location.prefix, accountId);
  if (!key.startsWith(folder) || key.length > folder.length + 200) return undefined;
  const m = LOG_FILE_NAME.exec(key.slice(folder.length));
  if (!m || m[5] !== accountId || m[6] !== m[1] || m[2] !== m[7] || m[3] !== m[8] || m[4] !== m[9]) return undefined;
  const minute = Date.UTC(Number(m[7]), Number(m[8]) - 1, Number(m[9]), Number(m[10]), Number(m[11]));
  return Number.isFinite(minute) ? minute : undefined;
}

const MINUTE_MS = 60_000;
const floorMinute = (iso: string) => Math.floor(Date.parse(iso) / MINUTE_MS) * MINUTE_MS;

/** A log file named for a minute in which the trail delivered unvalidated files to this location. */
function deliveredUnvalidated(trail: VerifiableTrail, location: TrailLocation, key: string): boolean {
  const minute = deliveryMinute(trail.accountId, location, key);
  if (minute === undefined) return false;
  return (trail.data.unvalidatedDeliveries ?? []).some((s) => sameLocation(s, location) && floorMinute(s.from) <= minute && minute <= floorMinute(s.to));
}

/** One chain, from its head back to its starting digest (previous* null) or a missing digest. */
async function walkChain(walk: Walk, headBucket: string, head: DigestHead, budget: number): Promise<{ digests: number; logFiles: number }> {
  const { objects, findings } = walk;
  let digests = 0;
  let logFiles = 0;
  let next: { bucket: string; key: string; hash: string; signature: string } | undefined = { bucket: headBucket, key: head.object, hash: head.hash, signature: head.signature };
  while (next && digests < budget) {
    const { bucket, key, hash: expectedHash, signature: expectedSignature } = next;
    next = undefined;
    if (!walk.buckets.has(bucket)) {
      findings.push({ kind: 'changed', bucket, object: key, detail: 'the chain names a digest in a bucket the trail never delivered to' });
      break;
    }
    walk.accounted.add(where(bucket, key));
    const body = await objects.get(bucket, key, MAX_OBJECT_BYTES);
    if (!body) {
      findings.push({ kind: 'deleted', bucket, object: key, detail: 'digest file missing; the chain before it cannot be followed' });
      break;
    }
    digests += 1;
    const read = gunzipJson(body);
    if (!read || !isDigest(read.value)) {
      findings.push({ kind: 'changed', bucket, object: key, detail: 'digest file is not a gzip\'d digest document' });
      break;
    }
    const digest = read.value;
    const hash = sha256Hex(read.json);
    const signature = (await objects.metadata(bucket, key))?.['signature'];
    const publicKey = walk.keyByFingerprint.get(digest.digestPublicKeyFingerprint);
    if (hash !== expectedHash) findings.push({ kind: 'changed', bucket, object: key, detail: 'digest file does not match the hash recorded after it' });
    else if (signature !== expectedSignature) findings.push({ kind: 'changed', bucket, object: key, detail: 'digest signature metadata does not match the signature recorded after it' });
    else if (!publicKey) findings.push({ kind: 'changed', bucket, object: key, detail: `signed by an unknown key ${digest.digestPublicKeyFingerprint}` });
    else if (digest.digestS3Object !== key || digest.digestS3Bucket !== bucket || !verifySignature(publicKey.der, signingString(digest, hash), signature ?? '')) {
      findings.push({ kind: 'changed', bucket, object: key, detail: 'digest signature is not valid' });
    }
    for (const file of digest.logFiles) {
      const object = typeof file?.s3Object === 'string' ? file.s3Object : '';
      if (object === '' || typeof file.hashValue !== 'string') continue;
      logFiles += 1;
      await checkLogFile(walk, typeof file.s3Bucket === 'string' ? file.s3Bucket : bucket, object, file.hashValue, 'digest');
    }
    if (digest.previousDigestSignature !== null && typeof digest.previousDigestS3Object === 'string' && typeof digest.previousDigestHashValue === 'string') {
      const previousBucket: string = typeof digest.previousDigestS3Bucket === 'string' ? digest.previousDigestS3Bucket : bucket;
      next = { bucket: previousBucket, key: digest.previousDigestS3Object, hash: digest.previousDigestHashValue, signature: digest.previousDigestSignature };
    }
  }
  return { digests, logFiles };
}

async function checkLogFile(walk: Walk, bucket: string, object: string, hashValue: string, listedBy: 'digest' | 'pending'): Promise<void> {
  const { findings } = walk;
  if (!walk.buckets.has(bucket)) {
    findings.push({ kind: 'changed', bucket, object, detail: 'a digest lists a log file in a bucket the trail never delivered to' });
    return;
  }
  walk.accounted.add(where(bucket, object));
  const logBody = await walk.objects.get(bucket, object, MAX_OBJECT_BYTES);
  if (!logBody) {
    findings.push({ kind: 'deleted', bucket, object, detail: listedBy === 'digest' ? 'log file listed in a digest is missing' : 'log file delivered for the next digest is missing' });
    return;
  }
  let json: Buffer | undefined;
  try {
    json = gunzipSync(logBody, { maxOutputLength: MAX_OBJECT_BYTES });
  } catch {
    json = undefined;
  }
  if (!json || sha256Hex(json) !== hashValue) findings.push({ kind: 'changed', bucket, object, detail: listedBy === 'digest' ? 'log file does not match the hash in its digest' : 'log file does not match the hash kept for the next digest' });
}
