import type { EvaluationPrincipal } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';

/**
 * The engine's view of an authenticated caller. `tags` are the principal tags the engine
 * exposes as aws:PrincipalTag/…: for a role session, the role's tags overridden by the
 * session's (passed in, as the role is read at request time).
 */
export function evaluationPrincipal(principal: Principal, tags: Readonly<Record<string, string>> = principal.tags): EvaluationPrincipal {
  const session = principal.session;
  if (principal.federation) {
    // The subject of an identity provider is matched by a `Federated` principal naming the
    // provider; it has no account of its own in the engine's eyes.
    return { kind: 'web-identity', provider: principal.federation.providerArn, tags };
  }
  const base = { arn: principal.arn, accountId: principal.accountId, userId: principal.userId, tags };
  if (principal.kind === 'role-session' && session?.role) {
    return { ...base, kind: 'role-session', roleName: session.role.name, roleArn: session.role.arn, ...(session.sessionName !== undefined ? { sessionName: session.sessionName } : {}) };
  }
  if (principal.kind === 'federated-user') {
    return { ...base, kind: 'federated-user', ...(principal.name !== undefined ? { name: principal.name } : {}), ...(session?.user ? { parentUserArn: session.user.arn } : {}) };
  }
  return { ...base, kind: principal.kind === 'saml' || principal.kind === 'web-identity' ? 'anonymous' : principal.kind, ...(principal.name !== undefined ? { name: principal.name } : {}) };
}
