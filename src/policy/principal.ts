// The Principal / NotPrincipal elements of resource-based policies.
//
// A principal value names the caller at one of several levels: the whole account
// ("123456789012" or "arn:aws:iam::123456789012:root"), an IAM user, an IAM role (which
// covers every session of that role), one role session, one federated-user session, a
// service, an identity provider, or everyone ("*"). The level matters after matching:
// within one account, a grant naming the session or user directly is not limited by that
// caller's identity policies, boundary or session policy; one naming the role is still
// limited by the boundary and session policy; one naming the account delegates to the
// account's identity policies (see evaluate.ts).
//
// Users and roles are compared by account and name, not by full ARN, because an
// assumed-role session ARN does not carry the role's path, and names are unique per
// account regardless of path.
//
// A unique ID (AIDA… for a user, AROA… for a role) names the one entity it was issued to,
// as AWS stores a user or role named in a resource policy: IAM replaces the ARN by the
// entity's unique ID when the policy is saved, so a user or role deleted and created again
// under the same name (a new unique ID) is no longer named. A unique-ID principal matches
// the caller whose `uniqueId` it is: the user itself, every session of the role, and a
// federated user whose IAM user it is — with the same strength as the user's or role's ARN.

import { parseArn } from './arn.ts';
import type { EvaluationPrincipal, ResourceGrant } from './request-types.ts';

export interface CompiledPrincipals {
  readonly any: boolean;
  readonly accounts: ReadonlySet<string>;
  /** "account/userName" */
  readonly users: ReadonlySet<string>;
  /** "account/roleName" */
  readonly roles: ReadonlySet<string>;
  /** "account/roleName/sessionName" */
  readonly roleSessions: ReadonlySet<string>;
  /** "account/federatedName" */
  readonly federatedUsers: ReadonlySet<string>;
  /** lower-case service principal names */
  readonly services: ReadonlySet<string>;
  readonly providers: ReadonlySet<string>;
  readonly canonicalUsers: ReadonlySet<string>;
  /** Unique IDs of users (AIDA…) and roles (AROA…), as written. */
  readonly uniqueIds: ReadonlySet<string>;
}

export interface PrincipalProblem {
  readonly path: string;
  /** The principal type ("AWS", "Service", ...) and value, when the problem is one value. */
  readonly type?: string;
  readonly value?: string;
}

const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const ACCOUNT_ID = /^\d{12}$/;
// Unique IDs (AIDA… users, AROA… roles): how AWS stores a user or role a resource policy
// names; they match only the caller with that unique ID (see the module comment).
const UNIQUE_ID = /^A[A-Z]{3}[A-Z0-9]{12,}$/;

/**
 * Compiles a Principal / NotPrincipal value. Values that cannot be understood are
 * reported through `problems` (the validator turns them into "Invalid principal in
 * policy") and otherwise ignored: they match nobody.
 */
export function compilePrincipals(value: unknown, path: string, problems: PrincipalProblem[]): CompiledPrincipals {
  const out = {
    any: false,
    accounts: new Set<string>(),
    users: new Set<string>(),
    roles: new Set<string>(),
    roleSessions: new Set<string>(),
    federatedUsers: new Set<string>(),
    services: new Set<string>(),
    providers: new Set<string>(),
    canonicalUsers: new Set<string>(),
    uniqueIds: new Set<string>(),
  };
  if (value === '*') {
    out.any = true;
    return out;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ path });
    return out;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) problems.push({ path });
  for (const [type, raw] of entries) {
    const typePath = `${path}.${type}`;
    if (!PRINCIPAL_TYPES.has(type)) {
      problems.push({ path: typePath, type, value: typeof raw === 'string' ? raw : describe(raw) });
      continue;
    }
    const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : null;
    if (values === null || values.length === 0) {
      problems.push({ path: typePath, type, value: '' });
      continue;
    }
    values.forEach((v, i) => {
      const valuePath = typeof raw === 'string' ? typePath : `${typePath}[${i}]`;
      if (typeof v !== 'string' || v === '') {
        problems.push({ path: valuePath, type, value: typeof v === 'string' ? v : describe(v) });
        return;
      }
      if (!addPrincipalValue(out, type, v)) problems.push({ path: valuePath, type, value: v });
    });
  }
  return out;
}

function addPrincipalValue(
  out: {
    any: boolean;
    accounts: Set<string>;
    users: Set<string>;
    roles: Set<string>;
    roleSessions: Set<string>;
    federatedUsers: Set<string>;
    services: Set<string>;
    providers: Set<string>;
    canonicalUsers: Set<string>;
    uniqueIds: Set<string>;
  },
  type: string,
  value: string,
): boolean {
  switch (type) {
    case 'AWS': {
      if (value === '*') {
        out.any = true;
        return true;
      }
      if (ACCOUNT_ID.test(value)) {
        out.accounts.add(value);
        return true;
      }
      if (UNIQUE_ID.test(value)) {
        out.uniqueIds.add(value);
        return true;
      }
      const arn = parseArn(value);
      if (arn === null || !ACCOUNT_ID.test(arn.account) || arn.region !== '' || /[*?]/.test(value)) return false;
      if (arn.service === 'iam') {
        if (arn.resource === 'root') {
          out.accounts.add(arn.account);
          return true;
        }
        const name = lastPathSegment(arn.resource, 'user/') ?? undefined;
        if (name !== undefined) {
          out.users.add(`${arn.account}/${name}`);
          return true;
        }
        const role = lastPathSegment(arn.resource, 'role/');
        if (role !== undefined) {
          out.roles.add(`${arn.account}/${role}`);
          return true;
        }
        return false;
      }
      if (arn.service === 'sts') {
        const session = /^assumed-role\/([^/]+)\/([^/]+)$/.exec(arn.resource);
        if (session) {
          out.roleSessions.add(`${arn.account}/${session[1]}/${session[2]}`);
          return true;
        }
        const federated = /^federated-user\/([^/]+)$/.exec(arn.resource);
        if (federated) {
          out.federatedUsers.add(`${arn.account}/${federated[1]}`);
          return true;
        }
      }
      return false;
    }
    case 'Service':
      // A service's name under amazonaws.com — never the bare domain (AWS: Invalid principal).
      if (value.includes('*') || !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/i.test(value) || /^amazonaws\.com(\.cn)?$/i.test(value)) return false;
      out.services.add(value.toLowerCase());
      return true;
    case 'Federated':
      // An identity provider's domain name (accounts.google.com, cognito-identity.amazonaws.com)
      // or an IAM SAML or OIDC provider's ARN — nothing else names one (AWS: "Federated
      // principals must be valid domain names or SAML metadata ARNs").
      if (value.includes('*') || !(FEDERATED_PROVIDER_ARN.test(value) || DOMAIN_NAME.test(value))) return false;
      out.providers.add(value);
      return true;
    case 'CanonicalUser':
      if (value.includes('*')) return false;
      out.canonicalUsers.add(value);
      return true;
    default:
      return false;
  }
}

const FEDERATED_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)\/\S+$/;
/** Labels of letters, digits and inner hyphens, at least two of them, separated by dots. */
const DOMAIN_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** A web identity caller is named by its provider, or by the AWS name of a built-in one. */
function providerListed(p: CompiledPrincipals, principal: EvaluationPrincipal): boolean {
  return (principal.provider !== undefined && p.providers.has(principal.provider))
    || (principal.providerName !== undefined && p.providers.has(principal.providerName));
}

/** "user/path/alice" with prefix "user/" → "alice". */
function lastPathSegment(resource: string, prefix: string): string | undefined {
  if (!resource.startsWith(prefix)) return undefined;
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  return name === '' ? undefined : name;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------
// Matching

/** The account and name keys of a caller, computed once per request. */
export interface PrincipalKeys {
  readonly principal: EvaluationPrincipal;
  readonly account: string | undefined;
  readonly userKey: string | undefined;
  readonly roleKey: string | undefined;
  readonly roleSessionKey: string | undefined;
  readonly federatedKey: string | undefined;
  /** The IAM user behind a federated-user session, when known. */
  readonly parentUserKey: string | undefined;
  readonly serviceLower: string | undefined;
  /** The unique ID of the user or role behind a user, role session or federated user. */
  readonly uniqueId: string | undefined;
}

/** Callers that are, or act as, an IAM user or role with a unique ID. */
const IDENTIFIED_KINDS: ReadonlySet<string> = new Set(['user', 'role-session', 'federated-user']);

export function principalKeys(principal: EvaluationPrincipal): PrincipalKeys {
  const account = principal.accountId;
  let parentUserKey: string | undefined;
  if (principal.kind === 'federated-user' && principal.parentUserArn) {
    const parent = parseArn(principal.parentUserArn);
    const name = parent ? lastPathSegment(parent.resource, 'user/') : undefined;
    if (parent && name) parentUserKey = `${parent.account}/${name}`;
  }
  return {
    principal,
    account,
    userKey: principal.kind === 'user' && account && principal.name ? `${account}/${principal.name}` : undefined,
    roleKey: principal.kind === 'role-session' && account && principal.roleName ? `${account}/${principal.roleName}` : undefined,
    roleSessionKey:
      principal.kind === 'role-session' && account && principal.roleName && principal.sessionName
        ? `${account}/${principal.roleName}/${principal.sessionName}`
        : undefined,
    federatedKey: principal.kind === 'federated-user' && account && principal.name ? `${account}/${principal.name}` : undefined,
    parentUserKey,
    serviceLower: principal.kind === 'service' ? principal.serviceName?.toLowerCase() : undefined,
    uniqueId: IDENTIFIED_KINDS.has(principal.kind) && principal.uniqueId ? principal.uniqueId : undefined,
  };
}

/** How strongly a Principal element names the caller; null when it does not. */
export function matchPrincipals(p: CompiledPrincipals, keys: PrincipalKeys): ResourceGrant | null {
  if (p.any) return 'direct';
  const principal = keys.principal;
  switch (principal.kind) {
    case 'service':
      return keys.serviceLower !== undefined && p.services.has(keys.serviceLower) ? 'direct' : null;
    case 'web-identity':
      return providerListed(p, principal) ? 'direct' : null;
    case 'anonymous':
      return principal.canonicalUserId !== undefined && p.canonicalUsers.has(principal.canonicalUserId) ? 'direct' : null;
    default:
      break;
  }
  if (principal.canonicalUserId !== undefined && p.canonicalUsers.has(principal.canonicalUserId)) return 'direct';
  if (keys.roleSessionKey !== undefined && p.roleSessions.has(keys.roleSessionKey)) return 'direct';
  if (keys.federatedKey !== undefined && p.federatedUsers.has(keys.federatedKey)) return 'direct';
  if (keys.userKey !== undefined && p.users.has(keys.userKey)) return 'direct';
  // The unique ID of a user names the user itself; that of a role (or of a federated user's
  // IAM user) names it as the role's ARN (the IAM user's ARN) would.
  if (keys.uniqueId !== undefined && p.uniqueIds.has(keys.uniqueId)) return principal.kind === 'user' ? 'direct' : 'role';
  if (keys.roleKey !== undefined && p.roles.has(keys.roleKey)) return 'role';
  if (keys.parentUserKey !== undefined && p.users.has(keys.parentUserKey)) return 'role';
  if (keys.account !== undefined && p.accounts.has(keys.account)) return 'account';
  return null;
}

/**
 * NotPrincipal, read so that it always fails closed:
 *  - with Deny, the statement applies unless EVERY identity in the caller's chain is
 *    listed. AWS documents that exempting a role session from a Deny needs the account,
 *    the role and the session all named (a user: the account and the user), because the
 *    request is checked at each of those levels.
 *  - with Allow ("allows all principals except the one named"), the statement does not
 *    apply to a caller when ANY identity of its chain is listed. AWS documents the
 *    chain caveat for Deny only; reading it the same way for Allow would widen the grant.
 */
export function notPrincipalApplies(p: CompiledPrincipals, keys: PrincipalKeys, effect: 'Allow' | 'Deny'): boolean {
  if (p.any) return false;
  const listed = chainListing(p, keys);
  if (listed.length === 0) return true;
  return effect === 'Deny' ? !listed.every(Boolean) : !listed.some(Boolean);
}

/** For each identity in the caller's chain, whether NotPrincipal lists it. */
function chainListing(p: CompiledPrincipals, keys: PrincipalKeys): boolean[] {
  const principal = keys.principal;
  const has = (set: ReadonlySet<string>, key: string | undefined) => key !== undefined && set.has(key);
  const account = has(p.accounts, keys.account);
  // The user or role behind the caller is listed by its ARN or by its unique ID.
  const byId = has(p.uniqueIds, keys.uniqueId);
  switch (principal.kind) {
    case 'root':
      return [account];
    case 'user':
      return [account, has(p.users, keys.userKey) || byId];
    case 'role-session':
      return [account, has(p.roles, keys.roleKey) || byId, has(p.roleSessions, keys.roleSessionKey)];
    case 'federated-user':
      return keys.parentUserKey === undefined && keys.uniqueId === undefined
        ? [account, has(p.federatedUsers, keys.federatedKey)]
        : [account, has(p.users, keys.parentUserKey) || byId, has(p.federatedUsers, keys.federatedKey)];
    case 'service':
      return [has(p.services, keys.serviceLower)];
    case 'web-identity':
      return [providerListed(p, principal)];
    case 'anonymous':
      return [has(p.canonicalUsers, principal.canonicalUserId)];
  }
}
