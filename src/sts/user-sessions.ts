import type { Principal } from '../kernel/principal.ts';
import type { SessionClaims } from '../kernel/session.ts';

/**
 * The IAM user (or root user) behind a user session or a federated user, as the token names
 * it. Only long-term credentials reach here: STS refuses GetSessionToken and
 * GetFederationToken to temporary ones.
 */
export function sessionUser(caller: Principal): NonNullable<SessionClaims['user']> {
  if (caller.kind === 'root') return { id: caller.accountId, arn: caller.arn, root: true };
  return { id: caller.userId, arn: caller.arn, ...(caller.name !== undefined ? { name: caller.name } : {}) };
}
