import type { PolicyCache, PolicySet } from '../../policy/index.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { Store } from '../../store/types.ts';
import { Kind } from '../../iam/kinds.ts';
import type { UserData } from '../../iam/records.ts';
import { loadUserPolicies } from '../../iam/policies/principal-policies.ts';
import { passwordSelfServiceGrant } from '../../iam/credentials/self-service-grant.ts';
import { readEpoch } from '../../iam/authorization-epoch.ts';
import type { PolicySetCache } from './policy-set-cache.ts';

/**
 * Actions the account password policy's AllowUsersToChangePassword grants every IAM user
 * for itself; the grant is only looked up for them, keeping other requests to one read.
 */
const SELF_SERVICE_ACTIONS: ReadonlySet<string> = new Set(['iam:changepassword', 'iam:getaccountpasswordpolicy']);

/**
 * The policies that decide a caller's requests, read at request time so that a change to a
 * user's policies applies to its next request on every node. `undefined` for the root user:
 * identity policies do not limit the root user within its own account.
 */
export async function policiesFor(principal: Principal, action: string, store: Store, cache: PolicyCache, sets: PolicySetCache): Promise<PolicySet | undefined> {
  switch (principal.kind) {
    case 'root':
      return undefined;
    case 'user': {
      const selfService = SELF_SERVICE_ACTIONS.has(action.toLowerCase());
      const epoch = await readEpoch(store, principal.accountId);
      const cached = selfService ? undefined : sets.get(principal.userId, epoch);
      if (cached) return cached;
      const user = await store.get<UserData>(Kind.user, principal.userId);
      if (!user) return { identity: [] };
      const loaded = await loadUserPolicies(store, user, cache);
      if (!selfService) {
        const set = { identity: loaded.identity, ...(loaded.boundary ? { boundary: loaded.boundary } : {}) };
        sets.set(principal.userId, epoch, set);
        return set;
      }
      const identity = [...loaded.identity];
      const grant = await passwordSelfServiceGrant(store, principal);
      if (grant) {
        const compiled = cache.compile(grant.document, 'identity', grant.name);
        if (compiled.ok) identity.push(compiled.policy);
      }
      return { identity, ...(loaded.boundary ? { boundary: loaded.boundary } : {}) };
    }
    default:
      // Sessions arrive with temporary credentials; until then no such principal exists.
      return { identity: [] };
  }
}
