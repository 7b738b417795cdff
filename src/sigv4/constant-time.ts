/**
 * Comparison of a computed signature with the one a client sent, in time that does not
 * depend on where they first differ.
 */

import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';

/**
 * True when `provided` equals `expected`. timingSafeEqual needs equal lengths, so on a
 * length mismatch `expected` is compared with itself: the same work is done, and only the
 * length (public: a SigV4 signature is always 64 hex digits) can be learned from timing.
 */
export function constantTimeEquals(expected: string, provided: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const providedBytes = Buffer.from(provided, 'utf8');
  const sameLength = expectedBytes.length === providedBytes.length;
  const equal = timingSafeEqual(expectedBytes, sameLength ? providedBytes : expectedBytes);
  return sameLength && equal;
}
