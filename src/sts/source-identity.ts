import type { SessionClaims } from '../kernel/session.ts';
import { sourceIdentityImmutable } from './errors.ts';

/**
 * The source identity of a new role session: once a session has one, it is fixed for the
 * whole role chain (AWS: "The value that is set cannot be changed during the role session"),
 * so a chained session inherits it, and asking for a different one is refused. Asking for the
 * same one again is harmless.
 */
export function effectiveSourceIdentity(requested: string | undefined, caller: SessionClaims | undefined): string | undefined {
  const current = caller?.sourceIdentity;
  if (current === undefined) return requested;
  if (requested !== undefined && requested !== current) throw sourceIdentityImmutable(current);
  return current;
}
