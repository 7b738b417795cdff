import type { CompiledPolicy, PolicyCache } from '../../policy/index.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { Store } from '../../store/types.ts';
import type { PolicySource } from '../../authz/policy-source.ts';
import { Kind } from '../kinds.ts';
import type { UserData } from '../records.ts';
import type { RoleData } from '../roles/records.ts';
import { tagMap } from '../tags.ts';
import { loadRolePolicies, loadUserPolicies } from '../policies/principal-policies.ts';
import { findManagedPolicy } from '../policies/lookup.ts';
import { passwordSelfServiceGrant } from '../credentials/self-service-grant.ts';
import type { AuthorizationEpochs } from '../authorization-epoch.ts';

/** Actions the password policy's AllowUsersToChangePassword grants every IAM user for itself. */
const SELF_SERVICE_ACTIONS: ReadonlySet<string> = new Set(['iam:changepassword', 'iam:getaccountpasswordpolicy']);

/**
 * The authorizer's view of IAM's stored policies (authz/policy-source.ts): a user's or role's
 * inline, managed and group policies and boundary, their tags, managed policies used as
 * session policies, and the account's self-service password grant. Reads go to the store at
 * request time; the authorizer caches per authorization epoch (mirrored: `epochs`).
 */
export function iamPolicySource(store: Store, cache: PolicyCache, epochs: AuthorizationEpochs): PolicySource {
  return {
    epoch: (accountId) => epochs.current(accountId),
    async userPolicies(userId) {
      const user = await store.get<UserData>(Kind.user, userId);
      return user ? loadUserPolicies(store, user, cache) : undefined;
    },
    async rolePolicies(roleId) {
      const role = await store.get<RoleData>(Kind.role, roleId);
      return role ? loadRolePolicies(store, role, cache) : undefined;
    },
    async userTags(userId) {
      const user = await store.get<UserData>(Kind.user, userId);
      return tagMap(user?.data.tags ?? []);
    },
    async roleTags(roleId) {
      const role = await store.get<RoleData>(Kind.role, roleId);
      return tagMap(role?.data.tags ?? []);
    },
    async sessionPolicy(accountId, arn) {
      const managed = await findManagedPolicy(store, accountId, arn);
      const compiled = managed ? cache.compile(managed.document, 'session', managed.arn) : undefined;
      return compiled?.ok ? compiled.policy : undefined;
    },
    inlineSessionPolicy(text) {
      const compiled = cache.compile(text, 'session', 'session policy');
      return compiled.ok ? compiled.policy : undefined;
    },
    async selfServiceGrant(principal: Principal, action: string): Promise<CompiledPolicy | undefined> {
      if (!SELF_SERVICE_ACTIONS.has(action.toLowerCase())) return undefined;
      const grant = await passwordSelfServiceGrant(store, principal);
      const compiled = grant ? cache.compile(grant.document, 'identity', grant.name) : undefined;
      return compiled?.ok ? compiled.policy : undefined;
    },
  };
}
