/**
 * What a session token carries: everything a node needs to authenticate and authorize a
 * request signed with temporary credentials, without reading the store. The token is this
 * object sealed with authenticated encryption (see seal.ts); nobody but a node holding the
 * key ring can read or forge it.
 *
 * The role's (or user's) own policies are NOT in the token: they are read at request time,
 * so a change to the role applies to live sessions, as on AWS. Session policies, session
 * tags and the source identity ARE in the token: they are fixed when the session is made.
 */
export type SessionKind =
  /** sts:AssumeRole (and, later, AssumeRoleWithWebIdentity / AssumeRoleWithSAML). */
  | 'role-session'
  /** sts:GetFederationToken: a federated user acting with the intersection of its IAM user's
   *  permissions and the session policies. */
  | 'federated-user'
  /** sts:GetSessionToken: the IAM user (or root user) itself, typically with MFA. */
  | 'user-session'
  /** sts:AssumeRoot: the root user of a member account, limited by a task policy (its
   *  session policy, `sessionPolicies.arns`), made by a principal of the management account. */
  | 'root-session';

export interface SessionClaims {
  /** Format version of the claims. */
  v: 1;
  kind: SessionKind;
  /** The account whose principal the session acts as. */
  accountId: string;
  /** The temporary access key ID (ASIA…) this token belongs to; a token presented with any
   *  other key ID is refused. */
  accessKeyId: string;
  /** The temporary secret access key (the signature is verified with it). */
  secretAccessKey: string;
  /** ISO-8601 instants. */
  issuedAt: string;
  expiresAt: string;

  /** role-session: the assumed role and the session name. */
  role?: { id: string; arn: string; name: string; path: string };
  sessionName?: string;

  /** federated-user: the federated name and the IAM user who called GetFederationToken. */
  federatedName?: string;
  /** federated-user / user-session: the IAM user behind the session ('root' for the root user). */
  user?: { id: string; arn: string; name?: string; root?: boolean };

  /** Session policies (AssumeRole / GetFederationToken `Policy` and `PolicyArns`, AssumeRoot's
   *  task policy): inline documents as written, and managed policy ARNs (their default version
   *  is read at request time). */
  sessionPolicies?: { inline?: string; arns?: string[] };
  /** Session tags (principal tags of the session) and which of them are transitive. */
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /** MFA: whether the session was made with a valid MFA code, and when. */
  mfa?: { authenticatedAt: string };
  /** role-session: made by a role session (role chaining; capped at one hour). */
  chained?: boolean;
  /**
   * role-session made by AssumeRoleWithWebIdentity / AssumeRoleWithSAML: the identity
   * provider (its IAM provider ARN) and the subject it vouched for, for aws:FederatedProvider;
   * `keys`: the provider's condition keys AWS keeps in the session (`<url>:sub`, `saml:sub`, …:
   * sts/federated-session-keys.ts), which every request the session signs carries.
   */
  federation?: { protocol: 'oidc' | 'saml'; provider: string; subject: string; keys?: Readonly<Record<string, string | readonly string[]>> };
  /**
   * role-session a service made for a workload (EC2 instance profile, ECS task role): the
   * service, the workload's ARN and — EC2 — how the credentials were delivered, for
   * ec2:SourceInstanceARN and ec2:RoleDelivery on every request the session signs.
   */
  workload?: { service: string; sourceArn: string; roleDelivery?: '1.0' | '2.0' };
}
