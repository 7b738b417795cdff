// The plain data the engine's compiled statements read: the caller, context values, the
// policy language version and how a resource policy named the caller. Kept apart from
// types.ts (which also describes compiled policies) so that the compiled statements and the
// public types do not import each other.

/** A policy language version. Variables are only substituted under 2012-10-17. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/**
 * The kinds of caller. `web-identity` is an identity provider (SAML / OIDC) acting as the
 * caller of AssumeRoleWithSAML / AssumeRoleWithWebIdentity; it is matched by a
 * `Federated` principal.
 */
export type PrincipalKind = 'root' | 'user' | 'role-session' | 'federated-user' | 'service' | 'anonymous' | 'web-identity';

export interface EvaluationPrincipal {
  kind: PrincipalKind;
  /** The caller's own ARN (root, user, assumed-role session, federated user). */
  arn?: string;
  /** The caller's account; absent for anonymous, service and web-identity callers. */
  accountId?: string;
  /** Partition of the caller's ARNs; "aws" when absent. */
  partition?: string;
  /** user: the user name; federated-user: the federated name. */
  name?: string;
  /** role-session: the role name (without path). */
  roleName?: string;
  /** role-session: the role ARN when known (with path). */
  roleArn?: string;
  /** role-session: the session name. */
  sessionName?: string;
  /** federated-user: ARN of the IAM user that called GetFederationToken, when known. */
  parentUserArn?: string;
  /** service: the service principal, e.g. "ec2.amazonaws.com". */
  serviceName?: string;
  /** web-identity: the provider, e.g. "accounts.google.com" or a saml-provider ARN. */
  provider?: string;
  /**
   * web-identity: the name AWS gives a built-in web identity provider ("cognito-identity.amazonaws.com",
   * "accounts.google.com", …) when `provider` is the ARN of the IAM provider standing for it: a
   * `Federated` principal naming either matches.
   */
  providerName?: string;
  /** S3 canonical user ID, matched by a `CanonicalUser` principal. */
  canonicalUserId?: string;
  /** Unique ID for aws:userid (AIDA... for users, "AROA...:session" for role sessions). */
  userId?: string;
  /**
   * The unique ID of the IAM user or role the caller is or acts as: a user's AIDA…, a role
   * session's role's AROA…, a federated user's IAM user's AIDA…. A Principal element holding
   * this ID names the caller (as AWS stores a user or role a resource policy names).
   */
  uniqueId?: string;
  /** Principal tags (and session tags), for aws:PrincipalTag/<key>. */
  tags?: Readonly<Record<string, string>>;
}

/** A context value: single-valued when scalar, multi-valued when an array. */
export type ContextScalar = string | number | boolean | Date;
export type ContextValue = ContextScalar | readonly ContextScalar[];

/** How a resource-policy Allow named the caller; decides what else still limits it. */
export type ResourceGrant =
  /** The session ARN, the IAM user ARN, or "*": not limited by identity policies, boundary or session policy. */
  | 'direct'
  /** The role ARN of a role session, or the IAM user behind a federated user: still limited by boundary and session policy. */
  | 'role'
  /** The account (ID or root ARN): delegates to the account's identity-based policies. */
  | 'account';
