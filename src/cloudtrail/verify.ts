import { gunzipSync } from 'node:zlib';
import { sha256Hex, signingString, type DigestDocument } from './digest.ts';
import { digestsPrefix, logFilesPrefix } from './object-keys.ts';
import { verifySignature, type PublicSigningKey } from './signing-keys.ts';
import type { TrailObjectStore } from './trail-objects.ts';
import type { TrailData } from './trail-records.ts';

/**
 * Log file integrity validation of one trail (`tessera audit verify`): walks the digest chain
 * back from the head the store recorded (so deleting the newest digest is caught too),
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
  data: Pick<TrailData, 's3BucketName' | 's3KeyPrefix' | 'lastDigest'>;
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

  let next = trail.data.lastDigest ? { key: trail.data.lastDigest.object, hash: trail.data.lastDigest.hash, signature: trail.data.lastDigest.signature } : undefined;
  while (next && digests < MAX_DIGESTS) {
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
      accounted.add(object);
      logFiles += 1;
      const logBody = await objects.get(bucket, object, MAX_OBJECT_BYTES);
      if (!logBody) {
        findings.push({ kind: 'deleted', object, detail: 'log file listed in a digest is missing' });
        continue;
      }
      let json: Buffer | undefined;
      try {
        json = gunzipSync(logBody, { maxOutputLength: MAX_OBJECT_BYTES });
      } catch {
        json = undefined;
      }
      if (!json || sha256Hex(json) !== file.hashValue) findings.push({ kind: 'changed', object, detail: 'log file does not match the hash in its digest' });
    }
    if (digest.previousDigestSignature !== null && typeof digest.previousDigestS3Object === 'string' && typeof digest.previousDigestHashValue === 'string') {
      next = { key: digest.previousDigestS3Object, hash: digest.previousDigestHashValue, signature: digest.previousDigestSignature };
    }
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
