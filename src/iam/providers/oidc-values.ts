import { quotaExceeded } from '../errors.ts';
import { invalidThumbprint, tooManyThumbprints } from './messages.ts';

/** The checks AWS applies to an OIDC provider's thumbprints and client IDs beyond the model's. */

const MAX_THUMBPRINTS = 5;

/** Thumbprints are hex SHA-1 fingerprints, at most five, each kept once (hex compares without case). */
export function checkedThumbprints(given: readonly string[]): string[] {
  const unique: string[] = [];
  for (const thumbprint of given) {
    if (!/^[0-9a-fA-F]{40}$/.test(thumbprint)) throw invalidThumbprint(thumbprint);
    if (!unique.some((t) => t.toLowerCase() === thumbprint.toLowerCase())) unique.push(thumbprint);
  }
  if (unique.length > MAX_THUMBPRINTS) throw tooManyThumbprints();
  return unique;
}

/** Client IDs (audiences), each kept once, within the per-provider quota. */
export function checkedClientIds(given: readonly string[], limit: number): string[] {
  const unique = [...new Set(given)];
  if (unique.length > limit) throw quotaExceeded('ClientIdsPerOpenIdConnectProvider', limit);
  return unique;
}
