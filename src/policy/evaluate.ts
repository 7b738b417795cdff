// AWS's policy evaluation logic over an already-compiled PolicySet.
//
// Order, from IAM's "Policy evaluation logic" pages:
//   1. An explicit Deny in any applicable policy decides (ExplicitDeny).
//   2. RCPs (of the resource's account), for every caller: every level must have an Allow.
//   3. SCPs (of the caller's account): every level must have an Allow.
//   4. Then, by caller and by account relationship:
//      - the account root user: allowed on its own account's resources; across accounts
//        it needs the resource policy, like anyone else. A root session (sts:AssumeRoot)
//        carries a task policy as its session policy: its Deny statements limit the session
//        (step 1), and root needs no Allow from it — AWS's task policies are Deny-only
//        ("deny everything but these actions"), so an Allow-requiring reading would leave
//        every root session with nothing;
//      - anonymous, service and identity-provider callers: only a resource policy can allow;
//      - IAM users, role sessions and federated-user sessions:
//          cross-account → the identity side (identity policy ∧ boundary ∧ session policy)
//                          AND the resource policy must both allow;
//          same account  → either side may allow, where a resource-policy Allow that names
//                          the session or user directly is not limited by identity
//                          policies, boundary or session policy, one that names the role
//                          (or the IAM user behind a federated user) is still limited by the
//                          boundary and the session policy, and one that names the account
//                          only delegates to the identity side. A role trust policy must
//                          itself allow (it is never bypassed by identity policies).
// A federated-user session without a session policy has no permissions of its own (AWS:
// "If there is no session policy ... Otherwise, the request is implicitly denied").
// A resource AWS owns and opens to every account (EvaluationRequest.awsOwned: an AWS managed
// policy, arn:aws:iam::aws:policy/…) is decided as a resource of the caller's own account:
// its identity policies alone may allow, no resource policy takes part. Its resource account
// (aws:ResourceAccount) stays AWS's: conditions on it see an account that is not the caller's.
//
// Two rules come before all of this:
//   - sts:GetCallerIdentity is always allowed, whatever the policies say, an explicit deny
//     included ("No permissions are required to perform this operation. If an administrator
//     attaches a policy to your identity that explicitly denies access to the
//     sts:GetCallerIdentity action, you can still perform this operation").
//   - RCPs only ever deny: RCPFullAWSAccess is attached to the root, every OU and every
//     account and cannot be detached, so every RCP level allows whatever no RCP denies. An
//     RCP level whose own statements do not mention the action does not refuse it.

import { arnSubject } from './arn.ts';
import type { CompiledStatement, PreparedRequest } from './compiled-statement.ts';
import { actionMatches, conditionsHold, principalGrant, resourceMatches } from './compiled-statement.ts';
import type { ReasonKind } from './explain.ts';
import { allowedReason, explicitDenyReason, implicitDenyReason } from './explain.ts';
import { principalKeys } from './principal.ts';
import { OWNER_ROOT_OVERRIDES_RESOURCE_DENY, resourcePolicyRuleFor } from './service-rules.ts';
import { RequestContext } from './request-context.ts';
import type {
  CompiledPolicy,
  Decision,
  DecidingPolicyKind,
  DecidingStatement,
  DecisionDetails,
  EvaluationRequest,
  KindResult,
  PolicySet,
  PrincipalKind,
  ResourceGrant,
} from './types.ts';

const GRANT_STRENGTH: Readonly<Record<ResourceGrant, number>> = { account: 1, role: 2, direct: 3 };
const IAM_CALLERS: ReadonlySet<PrincipalKind> = new Set(['user', 'role-session', 'federated-user']);
const ACCOUNT_CALLERS: ReadonlySet<PrincipalKind> = new Set(['root', 'user', 'role-session', 'federated-user']);
const PRINCIPAL_ELEMENT_KINDS = new Set(['resource', 'trust', 'rcp']);
const NO_LEVELS: readonly KindResult[] = [];

/** Everything the decision needs, gathered by matching every policy once. */
interface Evaluation {
  readonly action: string;
  readonly kind: PrincipalKind;
  readonly crossAccount: boolean;
  readonly identity: KindResult;
  readonly resource: KindResult;
  readonly boundary: KindResult;
  readonly session: KindResult;
  /** Levels that take part (empty when SCPs / RCPs do not apply to this caller). */
  readonly scp: readonly KindResult[];
  readonly rcp: readonly KindResult[];
  readonly grant: ResourceGrant | null;
  readonly isTrust: boolean;
  /** The resource's own policy must allow (service-rules.ts): the kind its denial names. */
  readonly resourcePolicyRequired: ReasonKind | null;
  readonly hasBoundary: boolean;
  /** A session policy applies: the caller is a session and one was supplied. */
  readonly hasSession: boolean;
  readonly details: DecisionDetails;
  readonly missingContextKeys: string[];
}

/** The action no policy can refuse (lower case, as actions are compared). */
const ALWAYS_ALLOWED_ACTION = 'sts:getcalleridentity';

export function evaluate(request: EvaluationRequest, policies: PolicySet): Decision {
  const ev = gather(request, policies);
  if (request.action.toLowerCase() === ALWAYS_ALLOWED_ACTION) return alwaysAllowed(ev);
  return decide(ev);
}

/**
 * GetCallerIdentity: allowed. The Allow statements that matched are reported; denies that
 * matched stay visible in the details.
 */
function alwaysAllowed(ev: Evaluation): Decision {
  ev.details.grantedBy = 'always';
  const deciding = [...identitySide(ev), ...ev.resource.matchedAllow];
  return { decision: 'Allowed', reason: allowedReason('always', ev.action), deciding, details: ev.details, missingContextKeys: ev.missingContextKeys };
}

function gather(request: EvaluationRequest, policies: PolicySet): Evaluation {
  const principal = request.principal;
  const kind = principal.kind;
  const resource = arnSubject(request.resource ?? '*');
  const principalAccount = ACCOUNT_CALLERS.has(kind) ? principal.accountId : undefined;
  const arnAccount = resource.segments?.[4];
  const resourceAccount = request.resourceAccount ?? (arnAccount ? arnAccount : undefined) ?? principalAccount;
  const crossAccount = request.awsOwned !== true && principalAccount !== undefined && resourceAccount !== undefined && principalAccount !== resourceAccount;

  const actionLower = request.action.toLowerCase();
  const colon = actionLower.indexOf(':');
  const prepared: PreparedRequest = {
    action: actionLower,
    service: colon === -1 ? actionLower : actionLower.slice(0, colon),
    resource,
    principal,
    principalKeys: null,
    context: new RequestContext(principal, request.context, resourceAccount),
  };
  const missing = new Map<string, string>();

  const scpLevels = policies.scps ?? [];
  const rcpLevels = policies.rcps ?? [];
  const scpApplies = scpLevels.length > 0 && ACCOUNT_CALLERS.has(kind);
  // RCPs apply to every caller, AWS service principals included (AWS's RCP examples
  // exempt services explicitly with aws:PrincipalIsAWSService for that reason).
  const rcpApplies = rcpLevels.length > 0;
  const isIamCaller = IAM_CALLERS.has(kind);
  // A root session's task policy (AssumeRoot) is its session policy; no other root request carries one.
  const sessionApplies = kind === 'role-session' || kind === 'federated-user' || kind === 'root';

  const identity = evaluateKind(policies.identity ?? [], 'identity', prepared, missing, isIamCaller, null);
  const grantSink = { best: null as ResourceGrant | null };
  const resourcePolicies = policies.resource ? [policies.resource] : [];
  const evaluatedResource = evaluateKind(resourcePolicies, 'resource', prepared, missing, true, grantSink);
  // The bucket owner's root user keeps its bucket policy calls whatever the bucket policy denies
  // (service-rules.ts); SCPs and RCPs still apply. The details keep the Deny that was overridden.
  const ownerRootKeeps = kind === 'root' && !crossAccount && OWNER_ROOT_OVERRIDES_RESOURCE_DENY.has(actionLower);
  const resourceResult = ownerRootKeeps && evaluatedResource.explicitDeny ? { ...evaluatedResource, explicitDeny: false, matchedDeny: [] } : evaluatedResource;
  const boundary = evaluateKind(policies.boundary ? [policies.boundary] : [], 'boundary', prepared, missing, isIamCaller, null);
  const session = evaluateKind(policies.session ?? [], 'session', prepared, missing, sessionApplies, null);
  // Levels of guardrails that do not apply to this caller are not evaluated at all.
  const scp = scpApplies ? scpLevels.map((level) => evaluateKind(level, 'scp', prepared, missing, true, null)) : scpLevels.map((level) => skipped(level));
  // Every RCP level holds RCPFullAWSAccess as well, so a level allows unless it denies.
  const rcp = rcpApplies
    ? rcpLevels.map((level) => withFullAccess(evaluateKind(level, 'rcp', prepared, missing, true, null)))
    : rcpLevels.map((level) => skipped(level));

  const details: DecisionDetails = {
    principalKind: kind,
    principalAccount,
    resourceAccount,
    crossAccount,
    grantedBy: null,
    resourceGrant: grantSink.best,
    identity,
    resource: evaluatedResource,
    boundary,
    session,
    scp,
    rcp,
  };
  return {
    action: request.action,
    kind,
    crossAccount,
    identity,
    resource: resourceResult,
    boundary,
    session,
    scp: scpApplies ? scp : NO_LEVELS,
    rcp: rcpApplies ? rcp : NO_LEVELS,
    grant: grantSink.best,
    isTrust: policies.resource?.kind === 'trust',
    resourcePolicyRequired: policies.resource?.kind === 'trust' ? 'trust' : resourcePolicyRuleFor(prepared.action, prepared.service, resource.segments ?? undefined)?.reasonKind ?? null,
    hasBoundary: policies.boundary !== undefined && isIamCaller,
    // Session policies exist only for sessions; a user's request ignores any supplied.
    hasSession: sessionApplies && (policies.session?.length ?? 0) > 0,
    details,
    missingContextKeys: missing.size === 0 ? [] : [...missing.values()].sort(),
  };
}

function decide(ev: Evaluation): Decision {
  // 1. Explicit deny, in the order AWS's evaluation flow visits the policy types.
  const denyReason = firstDenyingKind(ev);
  if (denyReason !== null) {
    return { decision: 'ExplicitDeny', reason: explicitDenyReason(denyReason), deciding: allDenies(ev), details: ev.details, missingContextKeys: ev.missingContextKeys };
  }

  // 2-3. Organization guardrails: every SCP level must allow. RCP levels always allow what
  // they do not deny (RCPFullAWSAccess), so they took part in step 1 only.
  if (ev.scp.length > 0 && !ev.scp.every((r) => r.allowed)) return implicitDeny(ev, 'scp');

  const resourceKind: ReasonKind = ev.isTrust ? 'trust' : 'resource';
  const grant = ev.grant;

  // 4. By caller.
  if (ev.kind === 'root') {
    // The root user, too, needs a key policy that allows or delegates to its account.
    if (!ev.crossAccount && ev.resourcePolicyRequired !== null && grant === null) return implicitDeny(ev, ev.resourcePolicyRequired);
    if (!ev.crossAccount) return allowed(ev, 'root', ev.resource.allowed ? ev.resource.matchedAllow : []);
    return grant !== null ? allowed(ev, 'resource', ev.resource.matchedAllow) : implicitDeny(ev, resourceKind);
  }
  if (!IAM_CALLERS.has(ev.kind)) {
    return grant !== null ? allowed(ev, 'resource', ev.resource.matchedAllow) : implicitDeny(ev, resourceKind);
  }

  const boundaryOk = !ev.hasBoundary || ev.boundary.allowed;
  // A federated-user session has no permissions without a session policy.
  const sessionOk = ev.kind === 'federated-user' ? ev.hasSession && ev.session.allowed : !ev.hasSession || ev.session.allowed;
  const identityPath = ev.identity.allowed && boundaryOk && sessionOk;

  if (ev.crossAccount) {
    if (!identityPath) return implicitDeny(ev, firstIdentityFailure(ev, boundaryOk));
    if (grant === null) return implicitDeny(ev, resourceKind);
    return allowed(ev, 'identity+resource', [...identitySide(ev), ...ev.resource.matchedAllow]);
  }

  const resourcePath = grant === 'direct' || (grant === 'role' && boundaryOk && sessionOk);
  // A trust or key policy must take part: identity policies alone never suffice.
  if (ev.resourcePolicyRequired !== null && grant === null) return implicitDeny(ev, ev.resourcePolicyRequired);
  if (resourcePath || identityPath) {
    const statements: DecidingStatement[] = identityPath ? identitySide(ev) : [];
    // A resource-policy Allow that matched is part of the answer even when it only named
    // the account (it then allowed together with the identity side).
    if (ev.resource.allowed) statements.push(...ev.resource.matchedAllow);
    if (resourcePath && grant === 'role' && !identityPath) {
      if (ev.hasBoundary) statements.push(...ev.boundary.matchedAllow);
      if (ev.hasSession) statements.push(...ev.session.matchedAllow);
    }
    const grantedBy = resourcePath
      ? identityPath ? 'identity+resource' : 'resource'
      : ev.resource.allowed ? 'identity+resource' : 'identity';
    return allowed(ev, grantedBy, statements);
  }
  if (grant === 'role') return implicitDeny(ev, !boundaryOk ? 'boundary' : 'session');
  return implicitDeny(ev, firstIdentityFailure(ev, boundaryOk));
}

function firstDenyingKind(ev: Evaluation): ReasonKind | null {
  if (ev.rcp.some((r) => r.explicitDeny)) return 'rcp';
  if (ev.scp.some((r) => r.explicitDeny)) return 'scp';
  if (ev.resource.explicitDeny) return ev.isTrust ? 'trust' : 'resource';
  if (ev.identity.explicitDeny) return 'identity';
  if (ev.boundary.explicitDeny) return 'boundary';
  if (ev.session.explicitDeny) return 'session';
  return null;
}

function allDenies(ev: Evaluation): DecidingStatement[] {
  const out: DecidingStatement[] = [];
  for (const r of ev.rcp) out.push(...r.matchedDeny);
  for (const r of ev.scp) out.push(...r.matchedDeny);
  for (const r of [ev.resource, ev.identity, ev.boundary, ev.session]) out.push(...r.matchedDeny);
  return out;
}

function firstIdentityFailure(ev: Evaluation, boundaryOk: boolean): ReasonKind {
  return !ev.identity.allowed ? 'identity' : !boundaryOk ? 'boundary' : 'session';
}

/** The identity side's statements: identity policies, boundary and session policy. */
function identitySide(ev: Evaluation): DecidingStatement[] {
  const out = [...ev.identity.matchedAllow];
  if (ev.hasBoundary) out.push(...ev.boundary.matchedAllow);
  if (ev.hasSession) out.push(...ev.session.matchedAllow);
  return out;
}

function allowed(ev: Evaluation, grantedBy: NonNullable<DecisionDetails['grantedBy']>, statements: DecidingStatement[]): Decision {
  ev.details.grantedBy = grantedBy;
  for (const r of ev.scp) statements.push(...r.matchedAllow);
  for (const r of ev.rcp) statements.push(...r.matchedAllow);
  return { decision: 'Allowed', reason: allowedReason(grantedBy, ev.action), deciding: statements, details: ev.details, missingContextKeys: ev.missingContextKeys };
}

/** An implicit deny cites the matching Allow statements of the kinds that did allow. */
function implicitDeny(ev: Evaluation, reasonKind: ReasonKind): Decision {
  const deciding: DecidingStatement[] = [];
  for (const r of [ev.identity, ev.resource, ev.boundary, ev.session]) if (r.allowed) deciding.push(...r.matchedAllow);
  if (ev.scp.length > 0 && ev.scp.every((r) => r.allowed)) for (const r of ev.scp) deciding.push(...r.matchedAllow);
  for (const r of ev.rcp) deciding.push(...r.matchedAllow);
  return { decision: 'ImplicitDeny', reason: implicitDenyReason(reasonKind, ev.action), deciding, details: ev.details, missingContextKeys: ev.missingContextKeys };
}

/** An RCP level with RCPFullAWSAccess attached beside its own policies: it allows unless it denies. */
function withFullAccess(result: KindResult): KindResult {
  return { ...result, allowed: result.applicable && !result.explicitDeny };
}

function skipped(level: readonly CompiledPolicy[]): KindResult {
  return { present: level.length > 0, applicable: false, allowed: false, explicitDeny: false, matchedAllow: [], matchedDeny: [] };
}

/**
 * Matches every policy of one kind against the request. Every candidate statement is
 * examined (no early exit) because the explanation lists all matching statements.
 * Explicit denies are collected even when the kind does not apply to this caller (an
 * Allow in such a policy grants nothing, a Deny still denies).
 */
function evaluateKind(
  policies: readonly CompiledPolicy[],
  reportKind: DecidingPolicyKind,
  request: PreparedRequest,
  missing: Map<string, string>,
  applicable: boolean,
  grantSink: { best: ResourceGrant | null } | null,
): KindResult {
  const result: KindResult = {
    present: policies.length > 0,
    applicable,
    allowed: false,
    explicitDeny: false,
    matchedAllow: [],
    matchedDeny: [],
  };
  for (let p = 0; p < policies.length; p++) {
    const policy = policies[p]!;
    const checkPrincipal = PRINCIPAL_ELEMENT_KINDS.has(policy.kind);
    const trust = policy.kind === 'trust';
    const candidates = policy.statementsForService(request.service);
    for (let i = 0; i < candidates.length; i++) {
      const statement = candidates[i]!;
      if (trust && grantsToAllButListed(statement)) continue;
      const grant = matchStatement(statement, checkPrincipal, request, missing);
      if (grant === null) continue;
      const ref = decidingRef(reportKind, policy.name, statement);
      if (statement.effect === 'Deny') {
        result.matchedDeny.push(ref);
        result.explicitDeny = true;
      } else {
        result.matchedAllow.push(ref);
        if (grantSink !== null && (grantSink.best === null || GRANT_STRENGTH[grant] > GRANT_STRENGTH[grantSink.best])) grantSink.best = grant;
      }
    }
  }
  result.allowed = applicable && result.matchedAllow.length > 0 && !result.explicitDeny;
  return result;
}

/**
 * An Allow statement with NotPrincipal in a role trust policy: it never applies. AWS does not
 * allow NotPrincipal in a trust policy at all (IAM User Guide, "AWS JSON policy elements:
 * NotPrincipal"), and validation now refuses it on the way in; this keeps a document stored
 * before that (or compiled leniently, as simulations and scenarios do) from granting the role
 * to every principal of every account that is not listed. Only Allow is dropped: a Deny with
 * NotPrincipal can only take access away, so it still denies as it reads (fail closed).
 * Resource policies keep their own reading of Allow + NotPrincipal (principal.ts).
 */
function grantsToAllButListed(statement: CompiledStatement): boolean {
  return statement.effect === 'Allow' && statement.principals !== null && statement.principals.negated;
}

function matchStatement(
  statement: CompiledStatement,
  checkPrincipal: boolean,
  request: PreparedRequest,
  missing: Map<string, string>,
): ResourceGrant | null {
  if (!actionMatches(statement, request.action)) return null;
  const grant = checkPrincipal ? principalGrant(statement, (request.principalKeys ??= principalKeys(request.principal))) : 'direct';
  if (grant === null) return null;
  const keys = statement.referencedKeys;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (!missing.has(key.lower) && !request.context.has(key.lower)) missing.set(key.lower, key.key);
  }
  if (!resourceMatches(statement, request.resource, request.context.variable)) return null;
  if (statement.conditions.length > 0 && !conditionsHold(statement, request.context)) return null;
  return grant;
}

function decidingRef(policyKind: DecidingPolicyKind, policy: string, statement: CompiledStatement): DecidingStatement {
  const ref: DecidingStatement = { policyKind, policy, statementIndex: statement.index, effect: statement.effect };
  if (statement.sid !== undefined) ref.sid = statement.sid;
  return ref;
}
