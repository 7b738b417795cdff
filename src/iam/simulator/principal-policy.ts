import type { OperationContext } from '../../kernel/operation.ts';
import { PolicyCache, type EvaluationPrincipal } from '../../policy/index.ts';
import type { IamOperations } from '../handler.ts';
import { contextKeysOf } from './context-keys.ts';
import { callerRequired } from './errors.ts';
import { compileInputList, compileResourcePolicy } from './policy-inputs.ts';
import { requireSourceEntity, type SourceEntity } from './policy-source.ts';
import { storedPoliciesOf } from './principal-sources.ts';
import {
  callerFromArn,
  checkActionNames,
  pageResults,
  resourceList,
  resourceOwnerAccount,
  roleCaller,
  simulationContext,
  unnamedCaller,
  userCaller,
} from './request.ts';
import { resourceScenario } from './resource-scenarios.ts';
import { simulate, type SourcedPolicy } from './simulation.ts';

/**
 * SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy: the stored policies of a
 * user (its own and its groups'), group or role, plus any PolicyInputList.
 *
 * The store is read without a transaction: the simulation writes nothing, each read is
 * atomic, and the first use of an AWS managed policy loads AWS's catalog, which must not
 * hold a transaction (SQLite's writer lock) open while it runs.
 */

/** The server's shared compiled-policy cache. */
function cacheOf(ctx: OperationContext): PolicyCache {
  return ctx.policyCache;
}

export async function simulatePrincipalPolicy(input: IamOperations['SimulatePrincipalPolicy']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  checkActionNames(input.ActionNames);
  const resources = resourceList(input.ResourceArns);
  const scenario = resourceScenario(input.ResourceHandlingOption, resources);
  const resourceOwner = resourceOwnerAccount(input.ResourceOwner);
  const extra = compileInputList(input.PolicyInputList, 'PolicyInputList');
  const [boundaryInput] = compileInputList(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList');
  const resourcePolicy = input.ResourcePolicy === undefined ? undefined : compileResourcePolicy(input.ResourcePolicy);

  const entity = await requireSourceEntity(ctx.store, accountId, input.PolicySourceArn);
  // AWS: "CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is
  // not the ARN for an IAM user."
  if (resourcePolicy !== undefined && input.CallerArn === undefined && entity.type !== 'user') throw callerRequired();
  const stored = await storedPoliciesOf(ctx.store, entity, cacheOf(ctx));
  const caller = input.CallerArn === undefined ? defaultCaller(entity) : await callerFromArn(ctx.store, accountId, input.CallerArn);
  // A boundary given in the request replaces the entity's own (AWS: "the new permissions
  // boundary policy is used for the simulation").
  const boundary = boundaryInput ?? stored.boundary;

  const scps = await organizationScps(ctx, accountId);
  const results = simulate({
    identity: [...stored.identity, ...extra],
    ...(scps ? { scps } : {}),
    ...(boundary ? { boundary } : {}),
    ...(resourcePolicy ? { resourcePolicy } : {}),
    caller,
    actions: input.ActionNames,
    resources,
    ...(resourceOwner !== undefined ? { resourceOwner } : {}),
    context: simulationContext(input.ContextEntries, ctx.clock.now()),
    ...(scenario ? { scenario } : {}),
  });
  return pageResults(results, input.Marker, input.MaxItems);
}

export async function getContextKeysForPrincipalPolicy(input: IamOperations['GetContextKeysForPrincipalPolicy']['input'], ctx: OperationContext) {
  const extra = compileInputList(input.PolicyInputList, 'PolicyInputList');
  const entity = await requireSourceEntity(ctx.store, ctx.principal.accountId, input.PolicySourceArn);
  const stored = await storedPoliciesOf(ctx.store, entity, cacheOf(ctx));
  const policies = [...stored.identity, ...(stored.boundary ? [stored.boundary] : []), ...extra].map((p) => p.policy);
  return { ContextKeyNames: contextKeysOf(policies) };
}

/**
 * The SCPs that limit the simulated principal's account, level by level, as AWS's simulator
 * includes them ("the simulation includes the SCPs that affect the account"): only for an
 * account of an organization with SCPs enabled, and never for the management account, which
 * SCPs do not limit. OrganizationsDecisionDetail is reported exactly when they are included.
 */
async function organizationScps(ctx: OperationContext, accountId: string): Promise<SourcedPolicy[][] | undefined> {
  const guardrails = await ctx.organizationPolicies?.(accountId);
  if (!guardrails?.scps || guardrails.management) return undefined;
  return guardrails.scps.map((level) => level.map((policy) => ({ policy, sourceId: policy.name, sourceType: 'none' as const })));
}

/**
 * Without a CallerArn, a user simulates as itself and a role as a session of itself; a
 * group has no caller of its own, so an unnamed user of the account stands in.
 */
function defaultCaller(entity: SourceEntity): EvaluationPrincipal {
  if (entity.type === 'user') return userCaller(entity.record);
  if (entity.type === 'role') return roleCaller(entity.record);
  return unnamedCaller(entity.record.accountId);
}
