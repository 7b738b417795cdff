// Public types of the policy engine. Everything here is data: the engine reads no clock,
// does no I/O and keeps no state between calls.

import type { CompiledStatement } from './compiled-statement.ts';
import type { ContextValue, EvaluationPrincipal, PolicyVersion, PrincipalKind, ResourceGrant } from './request-types.ts';

export type { ContextScalar, ContextValue, EvaluationPrincipal, PolicyVersion, PrincipalKind, ResourceGrant } from './request-types.ts';

/** Where a policy document is used; validation rules and size limits depend on it. */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'scp' | 'rcp' | 'session';

export const POLICY_KINDS: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'scp', 'rcp', 'session'];

export interface Diagnostic {
  /** Stable machine-readable code (see messages.ts). */
  code: string;
  /** AWS's MalformedPolicyDocument wording where known. */
  message: string;
  /** JSON-pointer-like location, e.g. "Statement[1].Action[0]". */
  path?: string;
  severity: 'error' | 'warning';
}

export interface ValidateOptions {
  /** Which entity an inline policy is embedded in; selects the inline size quota. */
  inlineFor?: 'user' | 'group' | 'role';
  /** Entity name for AWS's inline-size message ("... exceeded for user alice"). */
  entityName?: string;
  /**
   * A managed policy (CreatePolicy, CreatePolicyVersion): IAM requires `"Version": "2012-10-17"`
   * and refuses one without it before any other check but syntax. Inline and trust policies
   * may omit it.
   */
  managed?: boolean;
}

/** A policy parsed, validated and prepared once; evaluation never parses. */
export interface CompiledPolicy {
  readonly kind: PolicyKind;
  /** Display name used in explanations, e.g. an ARN or "user/alice/inline/Admin". */
  readonly name: string;
  /** The original document text, unchanged. */
  readonly text: string;
  /** The effective version; documents without Version behave as 2008-10-17. */
  readonly version: PolicyVersion;
  readonly versionSpecified: boolean;
  readonly id: string | undefined;
  readonly statements: readonly CompiledStatement[];
  /** Warnings (and, for leniently compiled policies, errors) found while compiling. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Statements that may apply to an action of the given (lower-case) service prefix,
   * in document order. Computed on first use per service and kept with the policy.
   */
  statementsForService(service: string): readonly CompiledStatement[];
}

export type { CompiledStatement } from './compiled-statement.ts';

// ---------------------------------------------------------------------------------------
// Requests

export interface EvaluationRequest {
  principal: EvaluationPrincipal;
  /** "service:Action", e.g. "s3:GetObject". Compared case-insensitively. */
  action: string;
  /** Resource ARN; "*" (the default) for actions without a resource. */
  resource?: string;
  /** Account owning the resource; defaults to the ARN's account, else the caller's. */
  resourceAccount?: string;
  /**
   * The resource is AWS's own and open to every account, as AWS managed policies
   * (arn:aws:iam::aws:policy/…) are: an account's caller is decided as for its own account's
   * resources (its identity policies alone may allow; no resource policy is needed), while
   * the resource account (aws:ResourceAccount) stays AWS's — never the caller's.
   */
  awsOwned?: boolean;
  /**
   * Request context keys (names case-insensitive). aws:username, aws:userid,
   * aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalTag/*,
   * aws:PrincipalIsAWSService, aws:PrincipalServiceName and aws:ResourceAccount are
   * derived from the principal/resource when not given. Nothing is derived from a clock:
   * aws:CurrentTime / aws:EpochTime must be supplied by the caller.
   */
  context?: Readonly<Record<string, ContextValue>>;
}

/** The policies that apply to one request, already compiled. */
export interface PolicySet {
  /** Identity-based policies: user/group/role inline and managed policies. */
  identity?: readonly CompiledPolicy[];
  /** The resource's policy (a bucket policy, or a role's trust policy for sts:AssumeRole*). */
  resource?: CompiledPolicy;
  boundary?: CompiledPolicy;
  /** Session policies (inline and managed) of a role or federated-user session, or a root session's task policy (its Deny statements only limit it). */
  session?: readonly CompiledPolicy[];
  /** SCPs of the caller's account, one entry per level: root, each OU, the account. */
  scps?: readonly (readonly CompiledPolicy[])[];
  /** RCPs of the resource's account, one entry per level: root, each OU, the account. */
  rcps?: readonly (readonly CompiledPolicy[])[];
}

// ---------------------------------------------------------------------------------------
// Decisions

export type DecisionKind = 'Allowed' | 'ExplicitDeny' | 'ImplicitDeny';

/** Policy kinds as reported in explanations (a trust policy reports as "resource"). */
export type DecidingPolicyKind = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp';

export interface DecidingStatement {
  policyKind: DecidingPolicyKind;
  policy: string;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface KindResult {
  /** A policy of this kind was supplied. */
  present: boolean;
  /** This kind takes part in the decision for this caller. */
  applicable: boolean;
  /** At least one Allow statement matched (per level, for SCPs and RCPs: every level did). */
  allowed: boolean;
  explicitDeny: boolean;
  matchedAllow: DecidingStatement[];
  matchedDeny: DecidingStatement[];
}

export interface DecisionDetails {
  principalKind: PrincipalKind;
  principalAccount: string | undefined;
  resourceAccount: string | undefined;
  crossAccount: boolean;
  /** Which route granted an Allowed decision (`always`: an action no policy can refuse). */
  grantedBy: 'root' | 'identity' | 'resource' | 'identity+resource' | 'always' | null;
  /** The strongest way a matching resource-policy Allow named the caller. */
  resourceGrant: ResourceGrant | null;
  identity: KindResult;
  resource: KindResult;
  boundary: KindResult;
  session: KindResult;
  /** One entry per SCP level. */
  scp: KindResult[];
  /** One entry per RCP level. */
  rcp: KindResult[];
}

export interface Decision {
  decision: DecisionKind;
  /** AWS's AccessDenied wording after "because"/"with", or a description of the allow. */
  reason: string;
  deciding: DecidingStatement[];
  details: DecisionDetails;
  /** Context keys the matching statements referenced that the request lacked. */
  missingContextKeys: string[];
}
