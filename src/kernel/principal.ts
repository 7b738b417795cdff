import type { SessionClaims } from '../tokens/claims.ts';

/**
 * The authenticated caller of a request, resolved from its credentials. Domain modules read
 * it; only the credential resolver creates it.
 */
/** `anonymous`: a request AWS accepts without credentials (AssumeRoleWithWebIdentity / SAML). */
export type PrincipalKind = 'root' | 'user' | 'role-session' | 'federated-user' | 'anonymous';

export interface Principal {
  kind: PrincipalKind;
  accountId: string;
  arn: string;
  /** AWS's `UserId`: the account ID for root, AIDA… for users, AROA…:session for role sessions. */
  userId: string;
  /** User name, role session's role name, or federated user name; undefined for root. */
  name?: string;
  /** Principal tags (user tags; later role and session tags). */
  tags: Record<string, string>;
  /** The access key the request was signed with. */
  accessKeyId: string;
  /**
   * Present when the request was signed with temporary credentials: the opened session
   * token. A role session or federated user always has one; a user or root principal has
   * one when its credentials came from sts:GetSessionToken.
   */
  session?: SessionClaims;
}

export function isRoot(principal: Principal): boolean {
  return principal.kind === 'root';
}

/** The caller of an operation AWS serves without credentials; its account is unknown. */
export const ANONYMOUS: Principal = { kind: 'anonymous', accountId: '', arn: 'anonymous', userId: 'anonymous', tags: {}, accessKeyId: '' };
