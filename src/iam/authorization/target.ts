import type { StoreTx } from '../../store/types.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { ContextValue } from '../../policy/index.ts';
import type { IamOperation, IamOperations } from '../handler.ts';

/**
 * What an IAM request is authorized against, per AWS's Service Authorization Reference:
 * the action (`iam:<Operation>`), the resource ARN it names (e.g. iam:CreateUser on
 * arn:aws:iam::<acct>:user/<path><name>), the target resource's tags (for
 * aws:ResourceTag/… and iam:ResourceTag/…) and the operation's own condition keys
 * (aws:RequestTag/…, aws:TagKeys, iam:PermissionsBoundary, iam:PolicyARN, …).
 *
 * Each IAM module declares, beside its handlers, how to find the target of each of its
 * operations (`<module>/authorization.ts`); the authorize stage asks before it runs the
 * handler. A resolver reads the store (for resource tags) but never fails for a missing
 * entity: authorization is decided first, and the handler then reports NoSuchEntity, so a
 * caller without permission cannot learn which entities exist.
 */
/** A resource-based policy that takes part in the decision (for sts:AssumeRole, the role's trust policy). */
export interface TargetResourcePolicy {
  /** The document as stored. */
  text: string;
  kind: 'trust' | 'resource';
  /** Named in explanations, e.g. the role ARN. */
  name: string;
}

export interface AuthorizationTarget {
  resource: string;
  /** The resource's own policy, when it has one (a role's trust policy for sts:AssumeRole). */
  resourcePolicy?: TargetResourcePolicy;
  /** Tags of the target resource, when it exists and is taggable. */
  resourceTags?: Readonly<Record<string, string>>;
  /** Operation-specific condition keys. */
  context?: Readonly<Record<string, ContextValue>>;
  /**
   * Further authorizations the request needs, each decided like the main one (e.g.
   * iam:PassRole on the role passed to CreateInstanceProfile's AddRoleToInstanceProfile).
   */
  also?: ReadonlyArray<{ action: string; resource: string; context?: Readonly<Record<string, ContextValue>>; resourcePolicy?: TargetResourcePolicy }>;
}

export interface TargetContext {
  tx: StoreTx;
  principal: Principal;
  accountId: string;
}

export type TargetResolver<K extends IamOperation> = (input: IamOperations[K]['input'], ctx: TargetContext) => Promise<AuthorizationTarget>;
export type TargetTable = { readonly [K in IamOperation]?: TargetResolver<K> };
