import type { SessionClaims } from '../kernel/session.ts';
import type { TokenKeyRing } from './key-ring.ts';
import { openSession, sealSession, type OpenResult } from './seal.ts';

/**
 * The two calls the server makes: seal a new session with the ring's current key (STS), and
 * open a presented token (authentication), re-reading the ring once when the token names a
 * key this node has not seen, so a key another node created a moment ago is found.
 */

/** A new session token for `claims`, sealed with the ring's current key (rotating it if due). */
export async function issueSessionToken(ring: Pick<TokenKeyRing, 'current'>, claims: SessionClaims): Promise<string> {
  return sealSession(claims, await ring.current());
}

/**
 * Opens `token` with the keys this node holds; on 'unknown-key', re-reads the ring (at most
 * once per its refresh interval) and tries again. Rejects only if that re-read fails (the
 * store is unreachable); garbage input always resolves to a reason.
 */
export async function openSessionToken(
  ring: Pick<TokenKeyRing, 'snapshot' | 'refreshForUnknownKey'>,
  token: string,
  now: Date,
): Promise<OpenResult> {
  const first = openSession(token, ring.snapshot(), now);
  if (first.ok || first.reason !== 'unknown-key') return first;
  if (!(await ring.refreshForUnknownKey())) return first;
  return openSession(token, ring.snapshot(), now);
}
