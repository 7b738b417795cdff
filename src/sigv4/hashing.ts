/**
 * The two primitives SigV4 is built from: SHA-256 (hex) and HMAC-SHA256.
 */

import { createHmac, hash, type KeyObject } from 'node:crypto';

/** Lower-case hex SHA-256 of `data` (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/**
 * HMAC-SHA256. A `KeyObject` key is markedly cheaper per call than raw bytes (Node checks
 * and converts a raw key on every call), so cached signing keys are kept as KeyObjects.
 */
export function hmacSha256(key: string | Uint8Array | KeyObject, data: string): Uint8Array {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
