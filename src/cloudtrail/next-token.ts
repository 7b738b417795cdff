import { createHash } from 'node:crypto';
import type { SecretSealer } from '../kernel/operation.ts';
import { invalidNextToken } from './errors.ts';

/**
 * LookupEvents' NextToken: where the previous page ended (its last event's time and sequence
 * number), bound to the caller's account and to the request's filters, sealed with the
 * server's authenticated encryption — so a token cannot be read, forged, altered, used by
 * another account, or used with other filters ("a token that was previously used in a
 * request with different parameters" is refused, as CloudTrail refuses it).
 */
const SEAL_CONTEXT = 'cloudtrail:lookup-events-next-token';

/** Far below the model's limit; a longer token is refused before it is opened. */
const MAX_TOKEN_LENGTH = 1_000;

export interface PagePosition {
  time: string;
  seq: number;
}

export function filtersKey(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 22);
}

export function sealNextToken(secrets: SecretSealer, accountId: string, filters: string, position: PagePosition): string {
  return secrets.seal(JSON.stringify({ a: accountId, f: filters, t: position.time, s: position.seq }), SEAL_CONTEXT);
}

export function openNextToken(secrets: SecretSealer, token: string, accountId: string, filters: string): PagePosition {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalidNextToken();
  let value: unknown;
  try {
    value = JSON.parse(secrets.open(token, SEAL_CONTEXT));
  } catch {
    throw invalidNextToken();
  }
  const { a, f, t, s } = (value ?? {}) as { a?: unknown; f?: unknown; t?: unknown; s?: unknown };
  if (a !== accountId || f !== filters || typeof t !== 'string' || typeof s !== 'number' || !Number.isSafeInteger(s)) throw invalidNextToken();
  return { time: t, seq: s };
}
