import type { CompiledPolicy } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';

/**
 * What the authorizer needs to know of the stored policies — and nothing of how they are
 * stored. The IAM module implements it over its records (iam/authorization/policy-source.ts);
 * the server hands that implementation to the authorizer, so authz/ decides without knowing
 * IAM's records, and a test can decide over any source.
 */
export interface HolderPolicies {
  /** Identity policies: the holder's own inline and managed ones and (users) its groups'. */
  identity: readonly CompiledPolicy[];
  /** The permissions boundary, if one is set. */
  boundary?: CompiledPolicy;
}

export interface PolicySource {
  /**
   * The account's authorization epoch: it moves with every write of the account's IAM state,
   * in the same transaction, so anything computed from that state stays valid while it holds.
   */
  epoch(accountId: string): number | Promise<number>;
  /** An IAM user's policies; undefined when the user no longer exists. */
  userPolicies(userId: string): Promise<HolderPolicies | undefined>;
  /** A role's policies; undefined when the role no longer exists. */
  rolePolicies(roleId: string): Promise<HolderPolicies | undefined>;
  /** A user's tags now (empty when it no longer exists). */
  userTags(userId: string): Promise<Readonly<Record<string, string>>>;
  /** A role's tags now (empty when it no longer exists). */
  roleTags(roleId: string): Promise<Readonly<Record<string, string>>>;
  /** A managed policy's default version as a session policy (policy ARNs of a session). */
  sessionPolicy(accountId: string, arn: string): Promise<CompiledPolicy | undefined>;
  /** A session's inline policy, compiled. */
  inlineSessionPolicy(text: string): CompiledPolicy | undefined;
  /**
   * Permissions the account grants every IAM user for itself without a policy (the password
   * policy's AllowUsersToChangePassword), for the given action; undefined when none.
   */
  selfServiceGrant(principal: Principal, action: string): Promise<CompiledPolicy | undefined>;
}
