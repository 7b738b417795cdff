import type { ContextValue } from '../policy/index.ts';
import type { StoreTx } from '../store/types.ts';
import type { Principal } from '../kernel/principal.ts';
import type { SecretSealer } from '../kernel/operation.ts';

/**
 * What a request is authorized against, per AWS's Service Authorization Reference: the action
 * (by default `<service>:<Operation>`), the resource ARN it names (e.g. iam:CreateUser on
 * arn:aws:iam::<acct>:user/<path><name>), the resource's own policy and its owner when it has
 * one (a role's trust policy for sts:AssumeRole*), the target's tags (for aws:ResourceTag/… and
 * iam:ResourceTag/…) and the operation's own condition keys (aws:RequestTag/…, aws:TagKeys,
 * iam:PermissionsBoundary, sts:ExternalId, …).
 *
 * Every operation declares a resolver for its target beside its handler (see
 * operations/declaration.ts); the authorize stage asks it before the handler runs and hands
 * the answer to the one decision point (authorizer.ts). A resolver reads the store but never
 * fails for a missing entity: authorization is decided first, and the handler then reports
 * NoSuchEntity, so a caller without permission cannot learn which entities exist.
 */
export interface TargetResourcePolicy {
  /** The document as stored. */
  text: string;
  kind: 'trust' | 'resource';
  /** Named in explanations, e.g. the role ARN. */
  name: string;
}

/** One authorization a request needs: an action on a resource, decided by the engine. */
export interface AuthorizationCheck {
  action: string;
  resource: string;
  context?: Readonly<Record<string, ContextValue>>;
  resourcePolicy?: TargetResourcePolicy;
  /** Tags of the resource (aws:ResourceTag/…, iam:ResourceTag/…), when it exists and is taggable. */
  resourceTags?: Readonly<Record<string, string>>;
  /**
   * The account that owns the resource, when it is not the ARN's: Organizations' entities
   * carry the management account in their ARNs, but a member calling AcceptHandshake or
   * DescribeOrganization is decided by its own policies, not as a cross-account request.
   */
  resourceAccount?: string;
  /**
   * The resource is AWS's own and open to every account: an AWS managed policy
   * (arn:aws:iam::aws:policy/…). AWS's IAM lets any principal whose own policies allow it read
   * one — its identity policies alone decide, as for its own account's resources — though the
   * policy belongs to none of the customer's accounts. The ARN is not rewritten (denials, audit
   * events and conditions on it name the real ARN), nor is the resource account set to the
   * caller's: AWS documents that "a service-owned account outside of AWS Organizations owns the
   * AWS managed IAM policy", so aws:ResourceAccount is not the caller's, no aws:ResourceOrgID
   * is set and no RCP applies; the caller's SCPs do. Changes are still refused whatever the
   * policies allow (service-rules.ts, PROTECTED_RESOURCES).
   */
  awsOwned?: true;
  /**
   * How a refusal names the resource when the service names it as the request gave it rather
   * than by `resource` (Secrets Manager: a secret's name, never the ARN it resolved to).
   */
  shownAs?: string;
}

export interface AuthorizationTarget {
  /**
   * A rule of the service that is not a policy (data, not handler code): `no-permission` for
   * calls AWS answers for every authenticated caller whatever its policies say
   * (sts:GetCallerIdentity, sts:GetSessionToken).
   */
  rule?: 'no-permission';
  /** The main check's action when it is not `<service>:<Operation>`. */
  action?: string;
  resource: string;
  /** The resource's own policy, when it has one (a role's trust policy for sts:AssumeRole). */
  resourcePolicy?: TargetResourcePolicy;
  /** Tags of the target resource, when it exists and is taggable. */
  resourceTags?: Readonly<Record<string, string>>;
  /** The account owning the resource when it is not the ARN's (see AuthorizationCheck). */
  resourceAccount?: string;
  /** The resource is AWS's own and open to every account (see AuthorizationCheck). */
  awsOwned?: true;
  /** Operation-specific condition keys. */
  context?: Readonly<Record<string, ContextValue>>;
  /**
   * Further authorizations the request needs, each decided like the main one (e.g.
   * iam:PassRole on the role passed to AddRoleToInstanceProfile, sts:TagSession for tags).
   */
  also?: ReadonlyArray<AuthorizationCheck>;
}

/**
 * What a resolver may read: the store and the caller, and — to check an MFA code without
 * consuming it (AssumeRole's aws:MultiFactorAuthPresent) — the secret sealer (device seeds are
 * sealed) and the request's time.
 */
export interface TargetContext {
  tx: StoreTx;
  principal: Principal;
  accountId: string;
  secrets?: SecretSealer;
  now?: Date;
  /** The region the request was signed for (regional resources' ARNs, e.g. a CloudTrail trail's). */
  region?: string;
}

export type TargetResolver<I> = (input: I, ctx: TargetContext) => Promise<AuthorizationTarget>;
