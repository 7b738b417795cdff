import type { EvaluationPrincipal } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';

/**
 * The engine's view of an authenticated caller. `tags` are the principal tags the engine
 * exposes as aws:PrincipalTag/…: for a role session, the role's tags overridden by the
 * session's (passed in, as the role is read at request time).
 *
 * `uniqueId` is the unique ID of the user or role behind the caller — an IAM user's own
 * (AIDA…), a role session's role's (AROA…), a federated user's IAM user's — which a stored
 * resource policy names instead of the ARN (iam/roles/trust-policy-principals.ts): a user
 * or role created again under an old name has a new ID, so old grants do not reach it.
 */
/**
 * AWS's built-in web identity providers, which a trust policy names without an IAM provider
 * (`"Federated": "cognito-identity.amazonaws.com"`, as Amazon Cognito writes its roles). Tessera
 * verifies their tokens with an IAM OIDC provider registered for the same URL (it holds the
 * keys); a trust policy may name that provider by its ARN or by AWS's name.
 */
const BUILT_IN_PROVIDERS: ReadonlySet<string> = new Set(['cognito-identity.amazonaws.com', 'accounts.google.com', 'graph.facebook.com', 'www.amazon.com']);

function builtInProviderName(providerArn: string): string | undefined {
  const marker = ':oidc-provider/';
  const at = providerArn.indexOf(marker);
  if (at < 0) return undefined;
  const url = providerArn.slice(at + marker.length).toLowerCase();
  return BUILT_IN_PROVIDERS.has(url) ? url : undefined;
}

export function evaluationPrincipal(principal: Principal, tags: Readonly<Record<string, string>> = principal.tags): EvaluationPrincipal {
  const session = principal.session;
  if (principal.federation) {
    // The subject of an identity provider is matched by a `Federated` principal naming the
    // provider; it has no account of its own in the engine's eyes.
    const providerName = builtInProviderName(principal.federation.providerArn);
    return { kind: 'web-identity', provider: principal.federation.providerArn, ...(providerName !== undefined ? { providerName } : {}), tags };
  }
  if (principal.kind === 'service') {
    // An AWS service principal (a workload's EC2 or ECS), matched by a `Service` principal.
    return { kind: 'service', serviceName: principal.arn, tags };
  }
  const base = { arn: principal.arn, accountId: principal.accountId, userId: principal.userId, tags };
  if (principal.kind === 'role-session' && session?.role) {
    return {
      ...base,
      kind: 'role-session',
      roleName: session.role.name,
      roleArn: session.role.arn,
      uniqueId: session.role.id,
      ...(session.sessionName !== undefined ? { sessionName: session.sessionName } : {}),
    };
  }
  if (principal.kind === 'federated-user') {
    const parent = session?.user && !session.user.root ? session.user : undefined;
    return {
      ...base,
      kind: 'federated-user',
      ...(principal.name !== undefined ? { name: principal.name } : {}),
      ...(session?.user ? { parentUserArn: session.user.arn } : {}),
      ...(parent ? { uniqueId: parent.id } : {}),
    };
  }
  // An IAM user's userId is its unique ID, with long-term keys and GetSessionToken sessions alike.
  const uniqueId = principal.kind === 'user' ? { uniqueId: principal.userId } : {};
  return { ...base, kind: principal.kind === 'saml' || principal.kind === 'web-identity' ? 'anonymous' : principal.kind, ...(principal.name !== undefined ? { name: principal.name } : {}), ...uniqueId };
}
