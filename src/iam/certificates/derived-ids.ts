import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Identifiers derived from what they identify. A signing certificate's ID is a digest of its
 * account and certificate, an SSH key's of its user and key: uploading the same one twice then
 * collides on the store's unique ID, so AWS's DuplicateCertificate / DuplicateSSHPublicKey
 * rules hold atomically, even for concurrent uploads, without scanning every record.
 */
export function derivedId(prefix: string, length: number, ...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  const digest = hash.digest();
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE32[digest[i]! & 31];
  return out;
}
