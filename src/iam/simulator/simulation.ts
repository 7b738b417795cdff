import { evaluate, renamePolicy } from '../../policy/index.ts';
import type { CompiledPolicy, ContextValue, Decision, DecisionKind, EvaluationPrincipal, KindResult, PolicySet } from '../../policy/index.ts';
import type {
  EvaluationResult,
  PolicyEvaluationDecisionType,
  PolicySourceType,
  ResourceSpecificResult,
  Statement,
} from '../../protocol/generated/iam.ts';
import { isAwsManagedPolicyArn } from '../policies/records.ts';
import type { ResourceScenario } from './resource-scenarios.ts';
import { statementSpans, type StatementSpan } from './statement-positions.ts';

/**
 * The policy simulator's core: every (action, resource) pair decided by the real policy
 * engine, reported in the shapes of SimulateCustomPolicy / SimulatePrincipalPolicy.
 * Pure: the policies come compiled, the caller and the context come as data.
 */

/** A compiled policy with the identity AWS reports for it in MatchedStatements. */
export interface SourcedPolicy {
  policy: CompiledPolicy;
  /** `PolicyInputList.1`, an inline policy's name, a managed policy's name, `ResourcePolicy`… */
  sourceId: string;
  sourceType: PolicySourceType;
}

export interface Simulation {
  identity: readonly SourcedPolicy[];
  boundary?: SourcedPolicy;
  resourcePolicy?: SourcedPolicy;
  /**
   * Service control policies of the caller's account, one entry per level. Only when the
   * account's organization is known: OrganizationsDecisionDetail is reported exactly then.
   */
  scps?: readonly (readonly SourcedPolicy[])[];
  caller: EvaluationPrincipal;
  actions: readonly string[];
  /** The ResourceArns given, or undefined for AWS's default of every resource ("*"). */
  resources: readonly string[] | undefined;
  /** The account owning resources whose ARN names none (S3), from ResourceOwner. */
  resourceOwner?: string;
  context: Readonly<Record<string, ContextValue>>;
  /** An EC2 scenario (ResourceHandlingOption): one result per action over all its resources. */
  scenario?: ResourceScenario;
}

const DECISIONS: Readonly<Record<DecisionKind, PolicyEvaluationDecisionType>> = {
  Allowed: 'allowed',
  ExplicitDeny: 'explicitDeny',
  ImplicitDeny: 'implicitDeny',
};

/**
 * EvalDecisionDetails keys for cross-account simulations. AWS documents the map ("a brief
 * summary of how each policy type contributes") but not its keys; these are a best effort.
 */
export const DECISION_DETAIL_KEYS = { identity: 'IAM Policy', resource: 'Resource Policy' } as const;

/** Results in request order: actions outermost, then resources. */
export function simulate(sim: Simulation): EvaluationResult[] {
  const prepared = prepare(sim);
  const results: EvaluationResult[] = [];
  for (const action of sim.actions) {
    if (sim.scenario !== undefined) {
      results.push(scenarioResult(prepared, sim, action, sim.resources ?? []));
      continue;
    }
    for (const resource of sim.resources ?? ['*']) {
      const organizations = prepared.organizations(action, resource);
      if (organizations?.AllowedByOrganizations === false) {
        results.push(organizationsDeniedResult(prepared, action, resource, organizations));
        continue;
      }
      const single = resourceResult(prepared, sim, action, resource);
      const result: EvaluationResult = {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: single.EvalResourceDecision,
        MatchedStatements: single.MatchedStatements ?? [],
        MissingContextValues: single.MissingContextValues ?? [],
        ...detailFields(single),
      };
      // AWS: "If the simulation evaluates policies within the same account and includes a
      // resource ARN, then the parameter is present but the response is empty. If [it]
      // specifies all resources (*), then the parameter is not returned."
      if (result.EvalDecisionDetails === undefined && resource !== '*') result.EvalDecisionDetails = {};
      if (sim.resources !== undefined) result.ResourceSpecificResults = [single];
      if (organizations !== undefined) result.OrganizationsDecisionDetail = organizations;
      results.push(result);
    }
  }
  return results;
}

interface Prepared {
  /** Sourced policies by the unique name they carry inside the engine. */
  byName: Map<string, SourcedPolicy>;
  /** Statement spans by document text, located once per simulation. */
  spans: Map<string, (StatementSpan | null)[]>;
  decide(action: string, resource: string): Decision;
  organizations(action: string, resource: string): { AllowedByOrganizations: boolean } | undefined;
}

/** The prefix of the engine names given to SCPs, so that their citations can be told apart. */
const SCP_PREFIX = 'scps[';

function prepare(sim: Simulation): Prepared {
  const byName = new Map<string, SourcedPolicy>();
  // Engine names must be unique so that each cited statement maps back to its source.
  const named = (source: SourcedPolicy, name: string): CompiledPolicy => {
    byName.set(name, source);
    return renamePolicy(source.policy, name);
  };
  const policies: PolicySet = {
    identity: sim.identity.map((source, i) => named(source, `identity[${i}]`)),
    ...(sim.boundary ? { boundary: named(sim.boundary, 'boundary') } : {}),
    ...(sim.resourcePolicy ? { resource: named(sim.resourcePolicy, 'resource') } : {}),
    ...(sim.scps ? { scps: sim.scps.map((level, l) => level.map((source, i) => named(source, `${SCP_PREFIX}${l}][${i}]`))) } : {}),
  };
  const cache = new Map<string, Decision>();
  const decide = (action: string, resource: string): Decision => {
    const key = `${action}\u0000${resource}`;
    let decision = cache.get(key);
    if (decision === undefined) {
      const resourceAccount = accountOfResource(resource) ?? sim.resourceOwner;
      // An AWS managed policy is AWS-owned, as the authorizer decides it (authz/target.ts): the
      // simulated caller's own policies decide it, not as another account's resource.
      decision = evaluate(
        {
          principal: sim.caller, action, resource, context: sim.context,
          ...(resourceAccount !== undefined ? { resourceAccount } : {}), ...(isAwsManagedPolicyArn(resource) ? { awsOwned: true } : {}),
        },
        policies,
      );
      cache.set(key, decision);
    }
    return decision;
  };
  return {
    byName,
    spans: new Map(),
    decide,
    organizations: (action, resource) => {
      if (sim.scps === undefined) return undefined;
      const levels = decide(action, resource).details.scp;
      // An explicit deny at any level is not allowed by Organizations, whatever else allows.
      return { AllowedByOrganizations: levels.every((level) => level.allowed && !level.explicitDeny) };
    },
  };
}

/**
 * A result the organization's SCPs refuse. AWS: "If an Organizations SCP included in the
 * evaluation denies access, the simulation ends. In this case, policy evaluation does not
 * proceed any further" — so no EvalDecisionDetails, and AWS's recorded answer for a role with
 * AdministratorAccess under an SCP that does not allow the action
 * (aws-containers/amazon-ecs-exec-checker issue #70) cites no statement and has no
 * ResourceSpecificResults. Only an SCP's own denying statements are cited; the identity,
 * boundary and resource policies, never reached, are not.
 */
function organizationsDeniedResult(prepared: Prepared, action: string, resource: string, organizations: { AllowedByOrganizations: boolean }): EvaluationResult {
  const decision = prepared.decide(action, resource);
  const scpOnly: Decision = { ...decision, deciding: decision.deciding.filter((cited) => cited.policy.startsWith(SCP_PREFIX)) };
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: DECISIONS[decision.decision],
    MatchedStatements: matchedStatements(prepared, [scpOnly]),
    MissingContextValues: decision.missingContextKeys,
    OrganizationsDecisionDetail: organizations,
  };
}

function resourceResult(prepared: Prepared, sim: Simulation, action: string, resource: string): ResourceSpecificResult {
  const decision = prepared.decide(action, resource);
  const result: ResourceSpecificResult = {
    EvalResourceName: resource,
    EvalResourceDecision: DECISIONS[decision.decision],
    MatchedStatements: matchedStatements(prepared, [decision]),
    MissingContextValues: decision.missingContextKeys,
  };
  if (decision.details.crossAccount) result.EvalDecisionDetails = crossAccountDetails(decision);
  if (sim.boundary !== undefined && decision.details.boundary.applicable) {
    result.PermissionsBoundaryDecisionDetail = { AllowedByPermissionsBoundary: decision.details.boundary.allowed };
  }
  return result;
}

/** One action over every resource of an EC2 scenario: allowed only when each resource is. */
function scenarioResult(prepared: Prepared, sim: Simulation, action: string, resources: readonly string[]): EvaluationResult {
  const perResource = resources.map((resource) => resourceResult(prepared, sim, action, resource));
  const decisions = perResource.map((r) => r.EvalResourceDecision);
  const overall: PolicyEvaluationDecisionType = decisions.includes('explicitDeny')
    ? 'explicitDeny'
    : decisions.length > 0 && decisions.every((d) => d === 'allowed')
      ? 'allowed'
      : 'implicitDeny';
  const decided = resources.map((resource) => prepared.decide(action, resource));
  const missing = new Set(decided.flatMap((d) => d.missingContextKeys));
  const result: EvaluationResult = {
    EvalActionName: action,
    EvalResourceName: '*',
    EvalDecision: overall,
    MatchedStatements: matchedStatements(prepared, decided),
    MissingContextValues: [...missing].sort(),
    ResourceSpecificResults: perResource,
  };
  const boundaryDetails = perResource.map((r) => r.PermissionsBoundaryDecisionDetail).filter((d) => d !== undefined);
  if (boundaryDetails.length > 0) {
    result.PermissionsBoundaryDecisionDetail = { AllowedByPermissionsBoundary: boundaryDetails.every((d) => d.AllowedByPermissionsBoundary === true) };
  }
  if (sim.scps !== undefined) {
    result.OrganizationsDecisionDetail = { AllowedByOrganizations: resources.every((r) => prepared.organizations(action, r)?.AllowedByOrganizations === true) };
  }
  return result;
}

function detailFields(single: ResourceSpecificResult): Pick<EvaluationResult, 'EvalDecisionDetails' | 'PermissionsBoundaryDecisionDetail'> {
  return {
    ...(single.EvalDecisionDetails !== undefined ? { EvalDecisionDetails: single.EvalDecisionDetails } : {}),
    ...(single.PermissionsBoundaryDecisionDetail !== undefined ? { PermissionsBoundaryDecisionDetail: single.PermissionsBoundaryDecisionDetail } : {}),
  };
}

/** The statements the engine cited for the decisions, once each, with their positions. */
function matchedStatements(prepared: Prepared, decisions: readonly Decision[]): Statement[] {
  const out: Statement[] = [];
  const seen = new Set<string>();
  for (const decision of decisions) {
    for (const cited of decision.deciding) {
      const key = `${cited.policy}\u0000${cited.statementIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const source = prepared.byName.get(cited.policy);
      if (source === undefined) continue;
      const statement: Statement = { SourcePolicyId: source.sourceId, SourcePolicyType: source.sourceType };
      const span = spansOf(prepared, source.policy.text)[cited.statementIndex];
      if (span) {
        statement.StartPosition = { Line: span.start.line, Column: span.start.column };
        statement.EndPosition = { Line: span.end.line, Column: span.end.column };
      }
      out.push(statement);
    }
  }
  return out;
}

function spansOf(prepared: Prepared, text: string): (StatementSpan | null)[] {
  let spans = prepared.spans.get(text);
  if (spans === undefined) {
    spans = statementSpans(text);
    prepared.spans.set(text, spans);
  }
  return spans;
}

/** How each side decided a cross-account request; both must allow. */
function crossAccountDetails(decision: Decision): Record<string, PolicyEvaluationDecisionType> {
  const { identity, boundary, resource } = decision.details;
  const identitySide: PolicyEvaluationDecisionType =
    identity.explicitDeny || boundary.explicitDeny
      ? 'explicitDeny'
      : identity.allowed && (!boundary.present || boundary.allowed)
        ? 'allowed'
        : 'implicitDeny';
  return { [DECISION_DETAIL_KEYS.identity]: identitySide, [DECISION_DETAIL_KEYS.resource]: kindDecision(resource) };
}

function kindDecision(result: KindResult): PolicyEvaluationDecisionType {
  return result.explicitDeny ? 'explicitDeny' : result.allowed ? 'allowed' : 'implicitDeny';
}

/** The account in a resource ARN's fifth field, when it names one (S3 ARNs do not). */
export function accountOfResource(resource: string): string | undefined {
  const account = resource.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
