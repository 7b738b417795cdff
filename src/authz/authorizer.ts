import { evaluate, requiresResourcePolicy, type ContextValue, type Decision, type PolicyCache, type PolicySet } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import { accessDeniedMessage, actionAsWritten, onResource, trustDenialMessage } from './access-denied.ts';
import { applicablePolicies } from './applicable-policies.ts';
import { evaluationPrincipal } from './evaluation-principal.ts';
import { globalContext, resourceTagContext, type RequestFacts } from './global-context.ts';
import { requestGuardrails, type OrganizationGuardrails } from './organization-policies.ts';
import type { PolicySource } from './policy-source.ts';
import type { PolicySetCache } from './policy-set-cache.ts';
import { TRUST_POLICY_ACTIONS } from './service-rules.ts';
import { sessionContext } from './session-context.ts';
import { sessionLimitFor } from './session-limits.ts';
import { protectionFor } from './protected-resources.ts';
import type { AuthorizationCheck, AuthorizationTarget, TargetResourcePolicy } from './target.ts';

/**
 * The one decision point. Every request — signed or federated, Tessera's own operation or one
 * forwarded to another service — is decided here, by the policy engine, over the policies that
 * apply (applicable-policies.ts), the target the operation declared (target.ts), and the same
 * global condition keys for every caller. Handlers never decide.
 */
export interface AuthorizationRequest {
  principal: Principal;
  /** `<service>:<Operation>`: the main check's action unless the target names another. */
  action: string;
  target: AuthorizationTarget;
  facts: RequestFacts;
}

export type AuthorizationResult = Allowed | Denied;

export interface Allowed {
  decision: 'Allowed';
  action: string;
  resource: string;
  reason?: string;
  /**
   * Condition keys that policies about the action reference but the request's context lacks
   * (every check's): a caller that can supply more facts (the gateway: a resource's tags read
   * upstream only when a policy asks for them) decides again with them.
   */
  missingContextKeys?: readonly string[];
  /** The engine's decision for the audit log (`tessera explain`); absent when no policy was evaluated. */
  evidence?: DecisionEvidence;
}

/**
 * The full decision as the audit log keeps it for administrators — also for denials whose
 * caller is told nothing (`explanation` absent). Statement references and condition keys only:
 * no policy text, no secret.
 */
export interface DecisionEvidence {
  decision: Pick<Decision, 'decision' | 'reason' | 'deciding' | 'missingContextKeys'>;
  context: Readonly<Record<string, ContextValue>>;
}

export interface Denied {
  decision: 'ExplicitDeny' | 'ImplicitDeny';
  action: string;
  resource: string;
  /** Why, for the audit record. */
  reason: string;
  /**
   * How AWS answers: AccessDenied with `message`, the credentials not accepted, or — for a
   * protected resource (service-rules.ts) — the service's own error.
   */
  refusal: 'access-denied' | 'invalid-token' | { code: string };
  /** AWS's text. */
  message: string;
  /** As {@link Allowed.missingContextKeys}, for the checks decided up to the refusal. */
  missingContextKeys?: readonly string[];
  /**
   * What an encoded authorization message may tell the caller; absent where it must tell
   * nothing (a trust-policy decision: the role may be another account's).
   */
  explanation?: DecisionEvidence;
  /** The full decision for the audit log, whatever the caller may be told. */
  evidence: DecisionEvidence;
}

export interface AuthorizerDeps {
  source: PolicySource;
  policyCache: PolicyCache;
  policySets: PolicySetCache;
  /** SCPs, RCPs and the organization keys (organization-policies.ts); none when absent. */
  organizations?: OrganizationGuardrails;
}

export class Authorizer {
  readonly #deps: AuthorizerDeps;

  constructor(deps: AuthorizerDeps) {
    this.#deps = deps;
  }

  async decide(request: AuthorizationRequest): Promise<AuthorizationResult> {
    const checks = checksOf(request.target, request.action);
    const decided = await this.#decideByPolicies(request, checks);
    if (decided.decision !== 'Allowed') return decided;
    // What the policies allow, a protected resource still refuses (service-rules.ts).
    for (const check of checks) {
      const protection = protectionFor(check.action, check.resource);
      if (protection) return refused(request.principal, check, `${check.resource} is protected: ${protection.message}`, { code: protection.rule.error.code }, protection.message);
    }
    return decided;
  }

  async #decideByPolicies(request: AuthorizationRequest, checks: AuthorizationCheck[]): Promise<AuthorizationResult> {
    const { principal, target } = request;
    const main = checks[0]!;
    if (target.rule === 'no-permission') return { decision: 'Allowed', action: main.action, resource: main.resource, reason: 'no permission is required' };

    const limit = sessionLimitFor(principal, main.action);
    if (limit) return refused(principal, { ...main, resource: '*' }, limit.reason, limit.refusal);

    const caller = await applicablePolicies(principal, main.action, this.#deps.source, this.#deps.policySets);
    if (caller.gone !== undefined) return refused(principal, main, `${caller.gone}: its sessions are refused`, 'access-denied');
    const org = await requestGuardrails(this.#deps.organizations, principal, checks);
    if (org.closed) return refused(principal, main, 'the account is closed', 'invalid-token');
    // The root user is not limited by identity policies in its own account; where a resource
    // policy, another account's resource (a forwarded request's) or an organization's SCPs or
    // RCPs take part, the engine decides.
    const plain = (check: AuthorizationCheck) => !check.resourcePolicy && !requiresResourcePolicy(check.action, check.resource) && accountOf(check, principal) === principal.accountId;
    if (caller.set === undefined && !org.apply && checks.every(plain)) {
      return { decision: 'Allowed', action: main.action, resource: main.resource, reason: 'the root user of the account' };
    }
    const policies: PolicySet = caller.set ?? { identity: [] };
    const global = { ...globalContext(request.facts), ...sessionContext(principal, request.facts.now), ...(principal.federation?.context ?? {}), ...(principal.workload?.context ?? {}) };
    const who = evaluationPrincipal(principal, caller.principalTags);
    let allowed: DecisionEvidence | undefined;
    const missing = new Set<string>();
    for (const [i, check] of checks.entries()) {
      const guardrails = org.checks[i]!;
      const context = { ...global, ...guardrails.context, ...check.context };
      const decision = evaluate(
        {
          principal: who, action: check.action, resource: check.resource, context,
          ...(check.resourceAccount ? { resourceAccount: check.resourceAccount } : {}), ...(check.awsOwned ? { awsOwned: true } : {}),
        },
        withGuardrails(this.#withResourcePolicy(policies, check.resourcePolicy), guardrails),
      );
      for (const key of decision.missingContextKeys) missing.add(key);
      const missingContextKeys = [...missing];
      if (decision.decision !== 'Allowed') return { ...denied(principal, check, decision, context), missingContextKeys };
      allowed ??= { decision: evidenceOf(decision), context };
    }
    return { decision: 'Allowed', action: main.action, resource: main.resource, reason: allowed!.decision.reason, evidence: allowed!, missingContextKeys: [...missing] };
  }

  /** The caller's policies plus the target's resource policy (compiled once per text). */
  #withResourcePolicy(policies: PolicySet, resourcePolicy: TargetResourcePolicy | undefined): PolicySet {
    if (!resourcePolicy) return policies;
    const compiled = this.#deps.policyCache.compile(resourcePolicy.text, resourcePolicy.kind, resourcePolicy.name);
    // A stored resource policy that no longer validates grants nothing rather than everything.
    return compiled.ok ? { ...policies, resource: compiled.policy } : policies;
  }
}

/**
 * The account owning a check's resource, where the target says (a protected service's
 * resource: a bucket, a queue, a key); else the caller's — an IAM, STS or Organizations
 * operation acts in the caller's account, and one naming another account's ARN is answered by
 * its handler (NoSuchEntity), as IAM answers it. An AWS-owned resource (an AWS managed policy)
 * is decided as the caller's own here too (target.ts).
 */
function accountOf(check: AuthorizationCheck, principal: Principal): string {
  return check.resourceAccount ?? principal.accountId;
}

/** The policy set with the check's SCP and RCP levels, when Organizations adds any. */
function withGuardrails(policies: PolicySet, guardrails: { scps?: PolicySet['scps']; rcps?: PolicySet['rcps'] }): PolicySet {
  if (!guardrails.scps && !guardrails.rcps) return policies;
  return { ...policies, ...(guardrails.scps ? { scps: guardrails.scps } : {}), ...(guardrails.rcps ? { rcps: guardrails.rcps } : {}) };
}

/** The target's checks, the main one first, each with its resource's tags as aws:ResourceTag/…. */
function checksOf(target: AuthorizationTarget, action: string): AuthorizationCheck[] {
  const main: AuthorizationCheck = { ...target, action: target.action ?? action };
  return [main, ...(target.also ?? [])].map((check) => ({
    action: check.action,
    resource: check.resource,
    context: { ...resourceTagContext(check.resourceTags), ...check.context },
    ...(check.resourcePolicy ? { resourcePolicy: check.resourcePolicy } : {}),
    ...(check.resourceAccount ? { resourceAccount: check.resourceAccount } : {}),
    ...(check.awsOwned ? { awsOwned: true as const } : {}),
    ...(check.shownAs !== undefined ? { shownAs: check.shownAs } : {}),
  }));
}

/**
 * A refusal by a rule rather than a policy (a session limit, a deleted principal, a closed
 * account, a protected resource); `message` replaces AWS's AccessDenied text where the
 * service answers with its own error.
 */
function refused(principal: Principal, check: AuthorizationCheck, reason: string, refusal: Denied['refusal'], message?: string): Denied {
  const shown = check.shownAs ?? check.resource;
  const on = shown === '*' ? '' : onResource(check.action, shown);
  return {
    decision: 'ImplicitDeny', action: check.action, resource: check.resource, reason, refusal,
    message: message ?? `User: ${principal.arn} is not authorized to perform: ${actionAsWritten(check.action)}${on} because ${reason}`,
    explanation: { decision: { decision: 'ImplicitDeny', reason, deciding: [], missingContextKeys: [] }, context: {} },
    evidence: { decision: { decision: 'ImplicitDeny', reason, deciding: [], missingContextKeys: [] }, context: {} },
  };
}

function evidenceOf(decision: Decision): DecisionEvidence['decision'] {
  return { decision: decision.decision, reason: decision.reason, deciding: decision.deciding, missingContextKeys: decision.missingContextKeys };
}

function denied(principal: Principal, check: AuthorizationCheck, decision: Decision, context: Readonly<Record<string, ContextValue>>): Denied {
  const base = {
    decision: decision.decision as Denied['decision'], action: check.action, resource: check.resource, reason: decision.reason, refusal: 'access-denied' as const,
    evidence: { decision: evidenceOf(decision), context },
  };
  // A denial decided with a role's trust policy says nothing of it — neither whether the role
  // exists nor what its trust policy holds.
  if (TRUST_POLICY_ACTIONS.has(check.action)) return { ...base, message: trustDenialMessage(principal, check.action, check.resource) };
  return { ...base, message: accessDeniedMessage(principal.arn, check.action, check.shownAs ?? check.resource, decision), explanation: base.evidence };
}
