/**
 * The last line of the canonical request: the hex SHA-256 of the body, or the value the
 * client declared in x-amz-content-sha256.
 */

import { sha256Hex } from './hashing.ts';

/** SHA-256 of the empty body, the payload hash of every GET. */
export const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The x-amz-content-sha256 value that leaves the body out of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** Hex SHA-256 of a request body (a string body is UTF-8). */
export function payloadHash(body: Uint8Array | string): string {
  if (body.length === 0) return EMPTY_PAYLOAD_HASH;
  return sha256Hex(body);
}

/** Whether a declared x-amz-content-sha256 has the shape of a hex SHA-256. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}
