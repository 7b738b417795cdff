import type { Principal } from '../kernel/principal.ts';
import { SESSION_LIMITS, type SessionLimit } from './service-rules.ts';

/** The limit of the caller's session that refuses `action`, if any (see service-rules.ts). */
export function sessionLimitFor(principal: Principal, action: string): SessionLimit | undefined {
  const session = principal.session;
  if (!session || (session.kind !== 'federated-user' && session.kind !== 'user-session')) return undefined;
  const service = action.slice(0, action.indexOf(':')).toLowerCase();
  return SESSION_LIMITS.find((limit) =>
    limit.session === session.kind
    && limit.services.includes(service)
    && !(limit.except ?? []).includes(action)
    && !(limit.withoutMfaOnly && session.mfa));
}
