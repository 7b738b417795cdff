import { evaluate, type ContextValue, type Decision, type PolicySet } from '../../policy/index.ts';
import { serviceError } from '../../protocol/errors.ts';
import { targetResolverFor } from '../../iam/authorization/targets.ts';
import { handlerFor } from '../../kernel/operation.ts';
import type { AuthorizationTarget, TargetResourcePolicy } from '../../iam/authorization/target.ts';
import { STS_ACTIONS_WITHOUT_PERMISSION, TRUST_POLICY_ACTIONS, stsTargetResolverFor, trustPolicyDenialMessage } from '../../sts/authorization.ts';
import { encodeAuthorizationMessage } from '../../sts/authorization-message.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { globalContext, resourceTagContext } from '../authorization/global-context.ts';
import { accessDeniedMessage } from '../authorization/access-denied.ts';
import { evaluationPrincipal } from '../authorization/evaluation-principal.ts';
import { policiesFor } from '../authorization/principal-policies.ts';
import { sessionContext } from '../authorization/session-context.ts';

/**
 * Authorization by the policy engine, for every request: the action and resource the
 * operation targets (declared by each IAM module), the global aws:* keys of the real request,
 * the target's tags and the operation's own condition keys, decided over the caller's
 * identity policies and permissions boundary — the same evaluator that decides everything.
 * The root user is allowed everything in its own account, as on AWS. Calls AWS never
 * requires permission for (sts:GetCallerIdentity, sts:GetSessionToken) are allowed for every
 * caller.
 * Operations without a handler are not authorized here: they answer NotImplemented and
 * change nothing.
 */
const ALWAYS_ALLOWED: ReadonlySet<string> = STS_ACTIONS_WITHOUT_PERMISSION;

interface Check {
  action: string;
  resource: string;
  context: Record<string, ContextValue>;
  resourcePolicy?: TargetResourcePolicy;
}

export async function authorize(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const principal = ctx.principal!;
  const service = ctx.service!;
  const operation = ctx.operation!;
  const action = `${service}:${operation}`;
  if (ALWAYS_ALLOWED.has(action)) {
    ctx.authorization = { decision: 'Allowed', action, resource: '*' };
    return;
  }
  if (!handlerFor(deps.handlers[service], operation)) return;
  if (principal.kind === 'anonymous') {
    // Only the unauthenticated STS operations get here; each decides with the role's trust
    // policy and the verified token itself (the caller is the identity provider's subject).
    ctx.authorization = { decision: 'Allowed', action, resource: '*', reason: 'decided by the operation with the role trust policy' };
    return;
  }

  const target = await resolveTarget(ctx, deps);
  const checks: Check[] = [
    { action, resource: target.resource, context: { ...resourceTagContext(target.resourceTags), ...target.context }, ...(target.resourcePolicy ? { resourcePolicy: target.resourcePolicy } : {}) },
    ...(target.also ?? []).map((extra) => ({ action: extra.action, resource: extra.resource, context: { ...extra.context }, ...(extra.resourcePolicy ? { resourcePolicy: extra.resourcePolicy } : {}) })),
  ];
  refuseSessionLimits(ctx, action, deps);
  const caller = await policiesFor(principal, action, deps.store, deps.policyCache, deps.policySets);
  // The root user is not limited by identity policies in its own account; where a resource
  // policy takes part (a trust policy, another account's resource), the engine decides.
  if (caller.set === undefined && !checks.some((check) => check.resourcePolicy)) {
    ctx.authorization = { decision: 'Allowed', action, resource: target.resource };
    return;
  }
  const policies: PolicySet = caller.set ?? { identity: [] };
  const now = deps.clock.now();
  const global = { ...globalContext(ctx, now), ...sessionContext(principal, now) };
  const who = evaluationPrincipal(principal, caller.principalTags);
  for (const check of checks) {
    const context = { ...global, ...check.context };
    const decision: Decision = evaluate(
      { principal: who, action: check.action, resource: check.resource, context },
      withResourcePolicy(policies, check.resourcePolicy, deps),
    );
    if (decision.decision !== 'Allowed') {
      ctx.authorization = { decision: decision.decision, action: check.action, resource: check.resource, reason: decision.reason };
      // AWS's text, then the sealed explanation that sts:DecodeAuthorizationMessage opens.
      // A denial decided with a role's trust policy says nothing of it — neither whether the
      // role exists nor what its trust policy holds (the role may be another account's).
      const trust = TRUST_POLICY_ACTIONS.has(check.action);
      const who = { arn: principal.arn, id: principal.userId, ...(principal.name !== undefined ? { name: principal.name } : {}) };
      const encoded = encodeAuthorizationMessage(deps.secrets, trust
        ? { principal: who, action: check.action, resource: check.resource, decision: { decision: 'ImplicitDeny', reason: 'the request was not authorized', deciding: [], missingContextKeys: [] }, context: {} }
        : { principal: who, action: check.action, resource: check.resource, decision, context });
      const text = trust
        ? trustPolicyDenialMessage(principal.arn, check.action, check.resource)
        : accessDeniedMessage(principal.arn, check.action, check.resource, decision);
      throw serviceError(service, 'AccessDenied', `${text} Encoded authorization failure message: ${encoded}`);
    }
  }
  ctx.authorization = { decision: 'Allowed', action, resource: target.resource };
}

/**
 * What some temporary credentials can never do, whatever their policies say (AWS documents
 * both): GetFederationToken credentials call no IAM operation and no STS operation but
 * GetCallerIdentity; GetSessionToken credentials call IAM only if the session was made
 * with MFA, and STS only for AssumeRole and GetCallerIdentity.
 */
function refuseSessionLimits(ctx: RequestContext, action: string, deps: ServerDeps): void {
  const principal = ctx.principal!;
  const session = principal.session;
  if (!session) return;
  const [service] = action.split(':');
  let reason: string | undefined;
  if (session.kind === 'federated-user' && (service === 'iam' || service === 'sts')) {
    reason = 'temporary credentials from GetFederationToken cannot call IAM or STS operations other than GetCallerIdentity';
  } else if (session.kind === 'user-session') {
    if (service === 'iam' && !session.mfa) reason = 'temporary credentials from GetSessionToken cannot call IAM without MFA authentication';
    if (service === 'sts' && action !== 'sts:AssumeRole') reason = 'temporary credentials from GetSessionToken can call only AssumeRole and GetCallerIdentity';
  }
  if (reason === undefined) return;
  ctx.authorization = { decision: 'ImplicitDeny', action, resource: '*', reason };
  const encoded = encodeAuthorizationMessage(deps.secrets, {
    principal: { arn: principal.arn, id: principal.userId },
    action,
    resource: '*',
    decision: { decision: 'ImplicitDeny', reason, deciding: [], missingContextKeys: [] },
    context: {},
  });
  throw serviceError(ctx.service!, 'AccessDenied', `User: ${principal.arn} is not authorized to perform: ${action} because ${reason} Encoded authorization failure message: ${encoded}`);
}

/** The caller's policies plus the target's resource policy (compiled once per text). */
function withResourcePolicy(policies: PolicySet, resourcePolicy: TargetResourcePolicy | undefined, deps: ServerDeps): PolicySet {
  if (!resourcePolicy) return policies;
  const compiled = deps.policyCache.compile(resourcePolicy.text, resourcePolicy.kind, resourcePolicy.name);
  // A stored resource policy that no longer validates grants nothing rather than everything.
  return compiled.ok ? { ...policies, resource: compiled.policy } : policies;
}

async function resolveTarget(ctx: RequestContext, deps: ServerDeps): Promise<AuthorizationTarget> {
  const targetCtx = { tx: deps.store, principal: ctx.principal!, accountId: ctx.principal!.accountId };
  if (ctx.service === 'sts') {
    // STS targets may check an MFA code (without consuming it) to set aws:MultiFactorAuthPresent.
    const resolver = stsTargetResolverFor(ctx.operation!);
    return resolver ? resolver(ctx.input as never, { ...targetCtx, secrets: deps.secrets, now: deps.clock.now() }) : { resource: '*' };
  }
  if (ctx.service !== 'iam') return { resource: '*' };
  const resolver = targetResolverFor(ctx.operation!);
  if (!resolver) {
    // Every implemented IAM operation declares its target (a test holds this); failing
    // closed here keeps a forgotten declaration from authorizing against "*".
    throw new Error(`no authorization target declared for iam:${ctx.operation}`);
  }
  return resolver(ctx.input as never, targetCtx);
}
