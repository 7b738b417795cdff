/**
 * The two primitives SigV4 is built from: SHA-256 (hex) and HMAC-SHA256.
 */

import { createHash, createHmac } from 'node:crypto';

/** Lower-case hex SHA-256 of `data` (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Uint8Array, data: string): Uint8Array {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
