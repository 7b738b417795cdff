import type { CompiledPolicy, PolicyCache, PolicySet } from '../../policy/index.ts';
import type { Principal } from '../../kernel/principal.ts';
import type { Store } from '../../store/types.ts';
import type { SessionClaims } from '../../tokens/claims.ts';
import { Kind } from '../../iam/kinds.ts';
import type { UserData } from '../../iam/records.ts';
import type { RoleData } from '../../iam/roles/records.ts';
import { tagMap } from '../../iam/tags.ts';
import { loadRolePolicies, loadUserPolicies, type PrincipalPolicies } from '../../iam/policies/principal-policies.ts';
import { findManagedPolicy } from '../../iam/policies/lookup.ts';
import { passwordSelfServiceGrant } from '../../iam/credentials/self-service-grant.ts';
import { readEpoch } from '../../iam/authorization-epoch.ts';
import type { PolicySetCache } from './policy-set-cache.ts';

/**
 * The policies that decide a caller's requests, read at request time so that a change to a
 * user's or role's policies applies to its next request — live sessions included — on every
 * node. Policy sets are cached per authorization epoch (see iam/authorization-epoch.ts).
 *
 *   root            undefined: identity policies do not limit the root user in its account
 *   IAM user        its identity policies (own and groups') and permissions boundary
 *   role session    the role's identity policies and boundary, plus the session policies
 *   federated user  its IAM user's policies, intersected with the session policies (none
 *                   given: nothing is allowed, as AWS documents)
 *   user session    (GetSessionToken) the user's own policies
 */
export interface CallerPolicies {
  set: PolicySet | undefined;
  /** aws:PrincipalTag/… values: a role session's role tags overridden by its session tags. */
  principalTags: Readonly<Record<string, string>>;
}

/** Actions the password policy's AllowUsersToChangePassword grants every IAM user for itself. */
const SELF_SERVICE_ACTIONS: ReadonlySet<string> = new Set(['iam:changepassword', 'iam:getaccountpasswordpolicy']);

/** A session policy set that allows nothing: what a federated user without policies has. */
const NOTHING = '{"Version":"2012-10-17","Statement":[]}';

export async function policiesFor(principal: Principal, action: string, store: Store, cache: PolicyCache, sets: PolicySetCache): Promise<CallerPolicies> {
  const session = principal.session;
  switch (principal.kind) {
    case 'root':
      return { set: undefined, principalTags: principal.tags };
    case 'anonymous':
      // No identity policies: only a resource policy can allow an anonymous caller.
      return { set: { identity: [] }, principalTags: {} };
    case 'user': {
      const selfService = SELF_SERVICE_ACTIONS.has(action.toLowerCase()) && !session;
      const loaded = await cachedHolderPolicies(store, sets, principal.accountId, `user:${principal.userId}`, async () => {
        const user = await store.get<UserData>(Kind.user, principal.userId);
        return user ? loadUserPolicies(store, user, cache) : undefined;
      });
      const identity = [...loaded.identity];
      if (selfService) {
        const grant = await passwordSelfServiceGrant(store, principal);
        const compiled = grant ? cache.compile(grant.document, 'identity', grant.name) : undefined;
        if (compiled?.ok) identity.push(compiled.policy);
      }
      return { set: withBoundary(identity, loaded), principalTags: session ? await userTagsUnder(store, principal.userId, principal.tags) : principal.tags };
    }
    case 'role-session': {
      const roleId = session!.role!.id;
      let roleTags: Record<string, string> = {};
      const loaded = await cachedHolderPolicies(store, sets, principal.accountId, `role:${roleId}`, async () => {
        const role = await store.get<RoleData>(Kind.role, roleId);
        return role ? loadRolePolicies(store, role, cache) : undefined;
      });
      // Read again, after the epoch (inside cachedHolderPolicies): a role read before the
      // epoch could put a boundary older than that epoch into the cache.
      const role = await store.get<RoleData>(Kind.role, roleId);
      if (role) roleTags = tagMap(role.data.tags ?? []);
      return {
        set: { ...withBoundary([...loaded.identity], loaded), session: await sessionPolicies(session!, store, cache, false) },
        principalTags: { ...roleTags, ...principal.tags },
      };
    }
    case 'federated-user': {
      const parent = session!.user!;
      const loaded = parent.root
        ? { identity: [] as CompiledPolicy[] }
        : await cachedHolderPolicies(store, sets, principal.accountId, `user:${parent.id}`, async () => {
          const user = await store.get<UserData>(Kind.user, parent.id);
          return user ? loadUserPolicies(store, user, cache) : undefined;
        });
      return {
        set: { ...withBoundary([...loaded.identity], loaded), session: await sessionPolicies(session!, store, cache, true) },
        principalTags: parent.root ? principal.tags : await userTagsUnder(store, parent.id, principal.tags),
      };
    }
  }
}

/**
 * Principal tags of a session of an IAM user (GetSessionToken, GetFederationToken): the
 * user's own tags, read now, with the session's tags overriding them, as AWS documents.
 */
async function userTagsUnder(store: Store, userId: string, sessionTags: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const user = await store.get<UserData>(Kind.user, userId);
  return { ...tagMap(user?.data.tags ?? []), ...sessionTags };
}

function withBoundary(identity: CompiledPolicy[], loaded: PrincipalPolicies): PolicySet {
  return { identity, ...(loaded.boundary ? { boundary: loaded.boundary } : {}) };
}

async function cachedHolderPolicies(
  store: Store,
  sets: PolicySetCache,
  accountId: string,
  key: string,
  load: () => Promise<PrincipalPolicies | undefined>,
): Promise<PrincipalPolicies> {
  const epoch = await readEpoch(store, accountId);
  const cached = sets.get(key, epoch);
  if (cached) return { identity: [...(cached.identity ?? [])], ...(cached.boundary ? { boundary: cached.boundary } : {}) };
  // A deleted user or role keeps no permissions, whatever its live sessions say.
  const loaded = (await load()) ?? { identity: [] };
  sets.set(key, epoch, { identity: loaded.identity, ...(loaded.boundary ? { boundary: loaded.boundary } : {}) });
  return loaded;
}

/**
 * The session's policies: its inline policy and the default versions of its managed
 * policies (read now, as AWS reads them at request time). `required` (federated users):
 * with no session policy at all, the session allows nothing.
 */
async function sessionPolicies(session: SessionClaims, store: Store, cache: PolicyCache, required: boolean): Promise<CompiledPolicy[] | undefined> {
  const policies: CompiledPolicy[] = [];
  const inline = session.sessionPolicies?.inline;
  if (inline !== undefined) {
    const compiled = cache.compile(inline, 'session', 'session policy');
    if (compiled.ok) policies.push(compiled.policy);
  }
  for (const arn of session.sessionPolicies?.arns ?? []) {
    const managed = await findManagedPolicy(store, session.accountId, arn);
    const compiled = managed ? cache.compile(managed.document, 'session', managed.arn) : undefined;
    if (compiled?.ok) policies.push(compiled.policy);
  }
  if (policies.length === 0 && (required || inline !== undefined || (session.sessionPolicies?.arns?.length ?? 0) > 0)) {
    // Asked-for policies that no longer resolve, or none where they are required: nothing.
    const nothing = cache.compile(NOTHING, 'session', 'session policy');
    if (nothing.ok) policies.push(nothing.policy);
  }
  return policies.length > 0 ? policies : undefined;
}
