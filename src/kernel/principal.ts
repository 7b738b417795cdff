import type { ContextValue } from '../policy/index.ts';
import type { SessionClaims } from './session.ts';
import type { WorkloadCaller } from './workload.ts';

/**
 * The authenticated caller of a request, resolved from its credentials — or, for
 * AssumeRoleWithWebIdentity and AssumeRoleWithSAML, from a verified identity provider token or
 * assertion. Domain modules read it; only authentication creates it.
 *
 * `anonymous`: a request without credentials. `web-identity` / `saml`: the subject of a
 * verified OIDC token / SAML assertion, known only through its provider. `service`: an AWS service
 * principal (ec2.amazonaws.com, ecs-tasks.amazonaws.com) acting for a workload whose sealed grant
 * it presented; its `arn` is the service name.
 */
export type PrincipalKind = 'root' | 'user' | 'role-session' | 'federated-user' | 'anonymous' | 'web-identity' | 'saml' | 'service';

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
  /** The access key the request was signed with ('' when unsigned). */
  accessKeyId: string;
  /**
   * Present when the request was signed with temporary credentials: the opened session
   * token. A role session or federated user always has one; a user or root principal has
   * one when its credentials came from sts:GetSessionToken.
   */
  session?: SessionClaims;
  /** web-identity / saml: what the identity provider vouched for. */
  federation?: VerifiedFederation;
  /** service: the workload the service acts for, from its verified grant. */
  workload?: WorkloadCaller;
}

/**
 * A verified OIDC token or SAML assertion: the provider (an IAM OIDC or SAML provider of the
 * role's account), the subject, the provider's condition keys for the role's trust policy
 * (`<provider url>:aud/sub/amr/oaud`, `saml:*`, sts:RoleSessionName, aws:FederatedProvider,
 * aws:RequestTag/… for the session tags it passes), and what the session it asks for carries.
 */
export interface VerifiedFederation {
  protocol: 'oidc' | 'saml';
  providerArn: string;
  subject: string;
  context: Readonly<Record<string, ContextValue>>;
  /** Session tags the token/assertion passes, as given (STS checks them as AssumeRole's), and which are transitive. */
  tags: ReadonlyArray<{ Key: string; Value: string }>;
  transitiveTagKeys: readonly string[];
  sourceIdentity?: string;
  /** The role session name the assertion sets (SAML: RoleSessionName attribute). */
  sessionName?: string;
  /** The session length the provider asks for (SAML SessionDuration), seconds. */
  sessionDuration?: number;
  /** The latest instant the provider allows the session to last to (SAML SessionNotOnOrAfter). */
  sessionNotOnOrAfter?: Date;
  /** Members of the response that describe the provider's answer (Provider, Audience, Issuer, …). */
  response: Readonly<Record<string, string>>;
  /** SAML: the assertion, accepted once — its ID is recorded when the session is issued. */
  replay?: { assertionId: string; notOnOrAfter: Date };
}

export function isRoot(principal: Principal): boolean {
  return principal.kind === 'root';
}

/** The caller of an operation AWS serves without credentials; its account is unknown. */
export const ANONYMOUS: Principal = { kind: 'anonymous', accountId: '', arn: 'anonymous', userId: 'anonymous', tags: {}, accessKeyId: '' };
