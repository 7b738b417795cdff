/**
 * Task 2 of SigV4: the string to sign.
 *
 *   AWS4-HMAC-SHA256 \n RequestDateTime \n CredentialScope \n hex(SHA256(CanonicalRequest))
 */

import { sha256Hex } from './hashing.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The only terminator SigV4 defines for the credential scope. */
export const SCOPE_TERMINATOR = 'aws4_request';

/** 'YYYYMMDD/region/service/aws4_request'. */
export function credentialScope(credentialDate: string, region: string, service: string): string {
  return `${credentialDate}/${region}/${service}/${SCOPE_TERMINATOR}`;
}

/** `amzDate` is the request time in ISO-8601 basic format, e.g. '20150830T123600Z'. */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}
