import { gunzipSync } from 'node:zlib';
import { sha256Hex, signingString, type DigestDocument } from './digest.ts';
import { digestsPrefix, logFilesPrefix } from './object-keys.ts';
import { verifySignature, type PublicSigningKey } from './signing-keys.ts';
import type { TrailObjectStore } from './trail-objects.ts';
import type { DigestHead, TrailData } from './trail-records.ts';

/**
 * Log file integrity validation of one trail (`tessera audit verify`): walks each digest chain
 * — the open one and those StopLogging closed — back from the head the store recorded (so
 * deleting the newest digest is caught too) to its starting digest,
 * checking each digest's hash against the one the next digest (or the store) recorded, its
 * signature with the account's public key, and every log file it lists against its SHA-256;
 * then names every object in the trail's folders that no digest accounts for. Every finding
 * is `changed`, `deleted` or `added`, with the object's key.
 *
 * Hostile files are data: an object over MAX_OBJECT_BYTES, a file that does not gunzip or
 * parse, a key in a digest that would leave the bucket — each is a finding, never a crash.
 */
export interface VerifyFinding {
  kind: 'changed' | 'deleted' | 'added';
  object: string;
  detail: string;
}

export interface VerifyReport {
  valid: boolean;
  digests: number;
  logFiles: number;
  findings: VerifyFinding[];
}

export interface VerifiableTrail {
  name: string;
  accountId: string;
  data: Pick<TrailData, 's3BucketName' | 's3KeyPrefix' | 'lastDigest' | 'closedChains' | 'digestPeriod'>;
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

export async function verifyTrail(objects: TrailObjectStore, trail: VerifiableTrail, keys: readonly PublicSigningKey[]): Promise<VerifyReport> {
  const bucket = trail.data.s3BucketName;
  const findings: VerifyFinding[] = [];
  const accounted = new Set<string>();
  let digests = 0;
  let logFiles = 0;
  const keyByFingerprint = new Map(keys.map((k) => [k.fingerprint, k]));

  const heads = [...(trail.data.closedChains ?? []), ...(trail.data.lastDigest ? [trail.data.lastDigest] : [])];
  for (const head of heads) {
    if (digests >= MAX_DIGESTS) break;
    const walked = await walkChain(objects, bucket, head, keyByFingerprint, accounted, findings, MAX_DIGESTS - digests);
    digests += walked.digests;
    logFiles += walked.logFiles;
  }
  // Log files delivered in the hour not yet digested: checked against the hashes the store keeps for that digest.
  for (const file of trail.data.digestPeriod?.logFiles ?? []) {
    logFiles += 1;
    await checkLogFile(objects, bucket, file.s3Object, file.hashValue, accounted, findings, 'pending');
  }

  const digestMarker = `_CloudTrail-Digest_`;
  const ownDigest = (key: string) => key.includes(digestMarker) && key.includes(`_${trail.name}_`);
  for (const key of await objects.list(bucket, digestsPrefix(trail.data.s3KeyPrefix, trail.accountId))) {
    if (ownDigest(key) && !accounted.has(key)) findings.push({ kind: 'added', object: key, detail: 'digest file not in the trail\'s digest chain' });
  }
  for (const key of await objects.list(bucket, logFilesPrefix(trail.data.s3KeyPrefix, trail.accountId))) {
    if (!accounted.has(key)) findings.push({ kind: 'added', object: key, detail: 'log file not listed in any digest' });
  }
  return { valid: findings.length === 0, digests, logFiles, findings };
}

/** One chain, from its head back to its starting digest (previous* null) or a missing digest. */
async function walkChain(
  objects: TrailObjectStore, bucket: string, head: DigestHead, keyByFingerprint: ReadonlyMap<string, PublicSigningKey>,
  accounted: Set<string>, findings: VerifyFinding[], budget: number,
): Promise<{ digests: number; logFiles: number }> {
  let digests = 0;
  let logFiles = 0;
  let next: { key: string; hash: string; signature: string } | undefined = { key: head.object, hash: head.hash, signature: head.signature };
  while (next && digests < budget) {
    const { key, hash: expectedHash, signature: expectedSignature } = next;
    next = undefined;
    accounted.add(key);
    const body = await objects.get(bucket, key, MAX_OBJECT_BYTES);
    if (!body) {
      findings.push({ kind: 'deleted', object: key, detail: 'digest file missing; the chain before it cannot be followed' });
      break;
    }
    digests += 1;
    const read = gunzipJson(body);
    if (!read || !isDigest(read.value)) {
      findings.push({ kind: 'changed', object: key, detail: 'digest file is not a gzip\'d digest document' });
      break;
    }
    const digest = read.value;
    const hash = sha256Hex(read.json);
    const signature = (await objects.metadata(bucket, key))?.['signature'];
    const publicKey = keyByFingerprint.get(digest.digestPublicKeyFingerprint);
    if (hash !== expectedHash) findings.push({ kind: 'changed', object: key, detail: 'digest file does not match the hash recorded after it' });
    else if (signature !== expectedSignature) findings.push({ kind: 'changed', object: key, detail: 'digest signature metadata does not match the signature recorded after it' });
    else if (!publicKey) findings.push({ kind: 'changed', object: key, detail: `signed by an unknown key ${digest.digestPublicKeyFingerprint}` });
    else if (digest.digestS3Object !== key || digest.digestS3Bucket !== bucket || !verifySignature(publicKey.der, signingString(digest, hash), signature ?? '')) {
      findings.push({ kind: 'changed', object: key, detail: 'digest signature is not valid' });
    }
    for (const file of digest.logFiles) {
      const object = typeof file?.s3Object === 'string' ? file.s3Object : '';
      if (object === '' || typeof file.hashValue !== 'string') continue;
      logFiles += 1;
      await checkLogFile(objects, bucket, object, file.hashValue, accounted, findings, 'digest');
    }
    if (digest.previousDigestSignature !== null && typeof digest.previousDigestS3Object === 'string' && typeof digest.previousDigestHashValue === 'string') {
      next = { key: digest.previousDigestS3Object, hash: digest.previousDigestHashValue, signature: digest.previousDigestSignature };
    }
  }
  return { digests, logFiles };
}

async function checkLogFile(objects: TrailObjectStore, bucket: string, object: string, hashValue: string, accounted: Set<string>, findings: VerifyFinding[], listedBy: 'digest' | 'pending'): Promise<void> {
  accounted.add(object);
  const logBody = await objects.get(bucket, object, MAX_OBJECT_BYTES);
  if (!logBody) {
    findings.push({ kind: 'deleted', object, detail: listedBy === 'digest' ? 'log file listed in a digest is missing' : 'log file delivered for the next digest is missing' });
    return;
  }
  let json: Buffer | undefined;
  try {
    json = gunzipSync(logBody, { maxOutputLength: MAX_OBJECT_BYTES });
  } catch {
    json = undefined;
  }
  if (!json || sha256Hex(json) !== hashValue) findings.push({ kind: 'changed', object, detail: listedBy === 'digest' ? 'log file does not match the hash in its digest' : 'log file does not match the hash kept for the next digest' });
}
