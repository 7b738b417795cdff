import type { CompiledPolicy, PolicySet } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import type { SessionClaims } from '../kernel/session.ts';
import type { HolderPolicies, PolicySource } from './policy-source.ts';
import type { PolicySetCache } from './policy-set-cache.ts';

/**
 * The one place that knows which policies apply to a caller's request. They are read at
 * request time, so that a change to a user's or role's policies applies to its next request —
 * live sessions included — on every node; each holder's set is cached per authorization epoch.
 *
 *   root            undefined: identity policies do not limit the root user in its account —
 *                   but a root session (sts:AssumeRoot) has its task policy as session policy
 *   anonymous,      no identity policies: only a resource (or trust) policy can allow
 *   federated IdP,
 *   AWS service
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
  /**
   * Set when the user or role behind the caller's session no longer exists: its live sessions
   * are refused everything that needs permission (stricter than reading them as having no
   * policies, which would leave a trust policy bound to the old unique ID open to them).
   */
  gone?: string;
}

export async function applicablePolicies(principal: Principal, action: string, source: PolicySource, sets: PolicySetCache): Promise<CallerPolicies> {
  const session = principal.session;
  switch (principal.kind) {
    case 'root':
      if (session?.kind === 'root-session') return { set: { identity: [], session: await taskPolicies(session, source) }, principalTags: principal.tags };
      return { set: undefined, principalTags: principal.tags };
    case 'anonymous':
    case 'web-identity':
    case 'saml':
    case 'service':
      return { set: { identity: [] }, principalTags: {} };
    case 'user': {
      const loaded = await holderPolicies(source, sets, principal.accountId, `user:${principal.userId}`, () => source.userPolicies(principal.userId));
      if (!loaded) return goneCaller(`the IAM user ${principal.arn} no longer exists`);
      const identity = [...loaded.identity];
      // The account's self-service grant is the user's own, not a session's.
      const grant = session ? undefined : await source.selfServiceGrant(principal, action);
      if (grant) identity.push(grant);
      return {
        set: withBoundary(identity, loaded),
        principalTags: session ? { ...(await source.userTags(principal.userId)), ...principal.tags } : principal.tags,
      };
    }
    case 'role-session': {
      const roleId = session!.role!.id;
      const loaded = await holderPolicies(source, sets, principal.accountId, `role:${roleId}`, () => source.rolePolicies(roleId));
      if (!loaded) return goneCaller(`the role ${session!.role!.arn} no longer exists`);
      // Read after the epoch (inside holderPolicies), as the policies are.
      const roleTags = await source.roleTags(roleId);
      return {
        set: { ...withBoundary([...loaded.identity], loaded), session: await sessionPolicies(session!, source, false) },
        principalTags: { ...roleTags, ...principal.tags },
      };
    }
    case 'federated-user': {
      const parent = session!.user!;
      const loaded: HolderPolicies | undefined = parent.root
        ? { identity: [] }
        : await holderPolicies(source, sets, principal.accountId, `user:${parent.id}`, () => source.userPolicies(parent.id));
      if (!loaded) return goneCaller(`the IAM user ${parent.arn} no longer exists`);
      return {
        set: { ...withBoundary([...loaded.identity], loaded), session: await sessionPolicies(session!, source, true) },
        principalTags: parent.root ? principal.tags : { ...(await source.userTags(parent.id)), ...principal.tags },
      };
    }
  }
}

function withBoundary(identity: CompiledPolicy[], loaded: HolderPolicies): PolicySet {
  return { identity, ...(loaded.boundary ? { boundary: loaded.boundary } : {}) };
}

function goneCaller(why: string): CallerPolicies {
  return { set: { identity: [] }, principalTags: {}, gone: why };
}

/** A user's or role's policies, cached per epoch; undefined once it no longer exists. */
async function holderPolicies(
  source: PolicySource,
  sets: PolicySetCache,
  accountId: string,
  key: string,
  load: () => Promise<HolderPolicies | undefined>,
): Promise<HolderPolicies | undefined> {
  const epoch = await source.epoch(accountId);
  const cached = sets.get(key, epoch);
  if (cached !== undefined) return cached ?? undefined;
  const loaded = await load();
  sets.set(key, epoch, loaded ?? null);
  return loaded;
}

/** A session policy that refuses everything: a root session whose task policy no longer resolves. */
const DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';

/**
 * A root session's task policy (sts:AssumeRoot), read now. The engine applies a root session's
 * session policies by their Deny statements (policy/evaluate.ts), as AWS's task policies are
 * written; one that no longer resolves refuses everything rather than nothing.
 */
async function taskPolicies(session: SessionClaims, source: PolicySource): Promise<CompiledPolicy[]> {
  const policies: CompiledPolicy[] = [];
  let unresolved = false;
  const inline = session.sessionPolicies?.inline;
  if (inline !== undefined) {
    const compiled = source.inlineSessionPolicy(inline);
    if (compiled) policies.push(compiled);
    else unresolved = true;
  }
  for (const arn of session.sessionPolicies?.arns ?? []) {
    const compiled = await source.sessionPolicy(session.accountId, arn);
    if (compiled) policies.push(compiled);
    else unresolved = true;
  }
  if (unresolved || policies.length === 0) {
    const deny = source.inlineSessionPolicy(DENY_ALL);
    if (deny) policies.push(deny);
  }
  return policies;
}

/** A session policy set that allows nothing: what a federated user without policies has. */
const NOTHING = '{"Version":"2012-10-17","Statement":[]}';

/**
 * The session's policies: its inline policy and the default versions of its managed
 * policies (read now, as AWS reads them at request time). `required` (federated users):
 * with no session policy at all, the session allows nothing.
 */
async function sessionPolicies(session: SessionClaims, source: PolicySource, required: boolean): Promise<CompiledPolicy[] | undefined> {
  const policies: CompiledPolicy[] = [];
  const inline = session.sessionPolicies?.inline;
  if (inline !== undefined) {
    const compiled = source.inlineSessionPolicy(inline);
    if (compiled) policies.push(compiled);
  }
  for (const arn of session.sessionPolicies?.arns ?? []) {
    const compiled = await source.sessionPolicy(session.accountId, arn);
    if (compiled) policies.push(compiled);
  }
  if (policies.length === 0 && (required || inline !== undefined || (session.sessionPolicies?.arns?.length ?? 0) > 0)) {
    // Asked-for policies that no longer resolve, or none where they are required: nothing.
    const nothing = source.inlineSessionPolicy(NOTHING);
    if (nothing) policies.push(nothing);
  }
  return policies.length > 0 ? policies : undefined;
}
