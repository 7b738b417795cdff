import { createHash } from 'node:crypto';

/**
 * CloudTrail's digest files: each lists the log files delivered since the previous digest with
 * the SHA-256 of their uncompressed content, and chains to the previous digest by its hash and
 * signature. The signature (SHA256withRSA, hex) is over CloudTrail's data signing string:
 *
 *   <digestEndTime>\n<digestS3Bucket>/<digestS3Object>\n<hex SHA-256 of the uncompressed digest>\n<previousDigestSignature>
 *
 * (the literal `null` for the first digest of a chain), and travels as the digest object's
 * `signature` metadata.
 */
export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: 'SHA-256';
  newestEventTime: string;
  oldestEventTime: string;
}

export interface DigestDocument {
  awsAccountId: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  newestEventTime: string | null;
  oldestEventTime: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogFile[];
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function signingString(digest: Pick<DigestDocument, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object' | 'previousDigestSignature'>, digestHash: string): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${digestHash}\n${digest.previousDigestSignature ?? 'null'}`;
}
