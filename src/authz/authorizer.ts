import { evaluate, type ContextValue, type Decision, type PolicyCache, type PolicySet } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import { accessDeniedMessage, trustDenialMessage } from './access-denied.ts';
import { applicablePolicies } from './applicable-policies.ts';
import { evaluationPrincipal } from './evaluation-principal.ts';
import { globalContext, resourceTagContext, type RequestFacts } from './global-context.ts';
import { requestGuardrails, type OrganizationGuardrails } from './organization-policies.ts';
import type { PolicySource } from './policy-source.ts';
import type { PolicySetCache } from './policy-set-cache.ts';
import { TRUST_POLICY_ACTIONS } from './service-rules.ts';
import { sessionContext } from './session-context.ts';
import { sessionLimitFor } from './session-limits.ts';
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
  /** How AWS answers: AccessDenied with `message`, or the credentials are not accepted. */
  refusal: 'access-denied' | 'invalid-token';
  /** AWS's text. */
  message: string;
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
    const { principal, target } = request;
    const checks = checksOf(target, request.action);
    const main = checks[0]!;
    if (target.rule === 'no-permission') return { decision: 'Allowed', action: main.action, resource: main.resource, reason: 'no permission is required' };

    const limit = sessionLimitFor(principal, main.action);
    if (limit) return refused(principal, { ...main, resource: '*' }, limit.reason, limit.refusal);

    const caller = await applicablePolicies(principal, main.action, this.#deps.source, this.#deps.policySets);
    if (caller.gone !== undefined) return refused(principal, main, `${caller.gone}: its sessions are refused`, 'access-denied');
    const org = await requestGuardrails(this.#deps.organizations, principal, checks);
    if (org.closed) return refused(principal, main, 'the account is closed', 'invalid-token');
    // The root user is not limited by identity policies in its own account; where a resource
    // policy or an organization's SCPs or RCPs take part, the engine decides.
    if (caller.set === undefined && !org.apply && !checks.some((check) => check.resourcePolicy)) {
      return { decision: 'Allowed', action: main.action, resource: main.resource, reason: 'the root user of the account' };
    }
    const policies: PolicySet = caller.set ?? { identity: [] };
    const global = { ...globalContext(request.facts), ...sessionContext(principal, request.facts.now), ...(principal.federation?.context ?? {}) };
    const who = evaluationPrincipal(principal, caller.principalTags);
    let allowed: DecisionEvidence | undefined;
    for (const [i, check] of checks.entries()) {
      const guardrails = org.checks[i]!;
      const context = { ...global, ...guardrails.context, ...check.context };
      const decision = evaluate(
        { principal: who, action: check.action, resource: check.resource, context, ...(check.resourceAccount ? { resourceAccount: check.resourceAccount } : {}) },
        withGuardrails(this.#withResourcePolicy(policies, check.resourcePolicy), guardrails),
      );
      if (decision.decision !== 'Allowed') return denied(principal, check, decision, context);
      allowed ??= { decision: evidenceOf(decision), context };
    }
    return { decision: 'Allowed', action: main.action, resource: main.resource, reason: allowed!.decision.reason, evidence: allowed! };
  }

  /** The caller's policies plus the target's resource policy (compiled once per text). */
  #withResourcePolicy(policies: PolicySet, resourcePolicy: TargetResourcePolicy | undefined): PolicySet {
    if (!resourcePolicy) return policies;
    const compiled = this.#deps.policyCache.compile(resourcePolicy.text, resourcePolicy.kind, resourcePolicy.name);
    // A stored resource policy that no longer validates grants nothing rather than everything.
    return compiled.ok ? { ...policies, resource: compiled.policy } : policies;
  }
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
  }));
}

/** A refusal by a rule rather than a policy (a session limit, a deleted principal, a closed account). */
function refused(principal: Principal, check: AuthorizationCheck, reason: string, refusal: Denied['refusal']): Denied {
  const on = check.resource === '*' ? '' : ` on resource: ${check.resource}`;
  return {
    decision: 'ImplicitDeny', action: check.action, resource: check.resource, reason, refusal,
    message: `User: ${principal.arn} is not authorized to perform: ${check.action}${on} because ${reason}`,
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
  return { ...base, message: accessDeniedMessage(principal.arn, check.action, check.resource, decision), explanation: base.evidence };
}
