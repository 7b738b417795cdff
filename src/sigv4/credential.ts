/**
 * The Credential value, 'AKID/20150830/us-east-1/iam/aws4_request', split into its parts.
 * Only the shape is checked here; whether the scope is acceptable is the verifier's call.
 */

import { credentialNotFiveParts } from './errors.ts';
import type { SigV4Failure } from './types.ts';

export interface Credential {
  accessKeyId: string;
  credentialDate: string;
  region: string;
  service: string;
  terminator: string;
}

export function parseCredential(value: string): { ok: true; credential: Credential } | { ok: false; error: SigV4Failure } {
  // AWS ignores trailing slashes ('AKID/…/aws4_request/' is accepted). Trimmed by hand:
  // /\/+$/ backtracks quadratically on a long run of slashes followed by anything else.
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end--;
  const parts = value.slice(0, end).split('/');
  if (parts.length !== 5) return { ok: false, error: credentialNotFiveParts(value) };
  const [accessKeyId, credentialDate, region, service, terminator] = parts as [string, string, string, string, string];
  return { ok: true, credential: { accessKeyId, credentialDate, region, service, terminator } };
}
