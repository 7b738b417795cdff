/**
 * Task 3 of SigV4: the signing key, derived from the secret by a chain of HMACs over the
 * credential scope, and the signature it makes of the string to sign.
 */

import { createHmac, type KeyObject } from 'node:crypto';
import { hmacSha256 } from './hashing.ts';
import { SCOPE_TERMINATOR } from './string-to-sign.ts';

/** kSigning = HMAC(HMAC(HMAC(HMAC('AWS4' + secret, date), region), service), 'aws4_request'). */
export function deriveSigningKey(secretAccessKey: string, credentialDate: string, region: string, service: string): Uint8Array {
  const kDate = hmacSha256(`AWS4${secretAccessKey}`, credentialDate);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, SCOPE_TERMINATOR);
}

/** Lower-case hex HMAC-SHA256 of the string to sign under the signing key. */
export function signature(signingKey: Uint8Array | KeyObject, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}
