import type { OperationContext } from '../kernel/operation.ts';
import { isoSeconds } from '../kernel/clock.ts';
import { accessKeyId, secretAccessKey } from '../kernel/ids.ts';
import type { Credentials } from '../protocol/generated/sts.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { MAX_ISSUED_TOKEN_LENGTH, SessionTooLargeError } from '../tokens/index.ts';
import { sessionTooLarge } from './errors.ts';

/** What a session is, before it has credentials: everything but the version, keys and instants. */
export type SessionDescription = Omit<SessionClaims, 'v' | 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'>;

/**
 * New temporary credentials for a session lasting `durationSeconds` from now: an ASIA… key ID
 * of the session's account (so GetAccessKeyInfo names that account), a fresh secret, and the
 * session token that carries both with the claims, sealed by the key ring. Nothing is stored:
 * the token is the session.
 */
export async function issueTemporaryCredentials(ctx: OperationContext, durationSeconds: number, session: SessionDescription): Promise<Credentials> {
  const now = ctx.clock.now();
  const issuedAt = isoSeconds(now);
  const expiresAt = isoSeconds(new Date(now.getTime() + durationSeconds * 1000));
  const claims: SessionClaims = {
    v: 1,
    ...session,
    accessKeyId: accessKeyId(ctx.random, 'ASIA', session.accountId),
    secretAccessKey: secretAccessKey(ctx.random),
    issuedAt,
    expiresAt,
  };
  const sessionToken = await ctx.sessions.issue(claims).catch((error: unknown) => {
    throw error instanceof SessionTooLargeError ? sessionTooLarge(MAX_ISSUED_TOKEN_LENGTH) : error;
  });
  return { AccessKeyId: claims.accessKeyId, SecretAccessKey: claims.secretAccessKey, SessionToken: sessionToken, Expiration: new Date(expiresAt) };
}
