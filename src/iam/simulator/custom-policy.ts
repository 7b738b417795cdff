import type { OperationContext } from '../../kernel/operation.ts';
import type { IamOperations } from '../handler.ts';
import { contextKeysOf } from './context-keys.ts';
import { callerRequired } from './errors.ts';
import { compileInputList, compileResourcePolicy } from './policy-inputs.ts';
import {
  callerFromArn,
  checkActionNames,
  pageResults,
  resourceList,
  resourceOwnerAccount,
  simulationContext,
  unnamedCaller,
} from './request.ts';
import { resourceScenario } from './resource-scenarios.ts';
import { simulate } from './simulation.ts';

/** SimulateCustomPolicy and GetContextKeysForCustomPolicy: policies given as text only. */

export async function simulateCustomPolicy(input: IamOperations['SimulateCustomPolicy']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  checkActionNames(input.ActionNames);
  const resources = resourceList(input.ResourceArns);
  const scenario = resourceScenario(input.ResourceHandlingOption, resources);
  const resourceOwner = resourceOwnerAccount(input.ResourceOwner);
  const identity = compileInputList(input.PolicyInputList, 'PolicyInputList');
  const [boundary] = compileInputList(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList');
  const resourcePolicy = input.ResourcePolicy === undefined ? undefined : compileResourcePolicy(input.ResourcePolicy);
  // AWS: "CallerArn is required if you include a ResourcePolicy so that the policy's
  // Principal element has a value to use in evaluating the policy."
  if (resourcePolicy !== undefined && input.CallerArn === undefined) throw callerRequired();
  const callerArn = input.CallerArn;
  const caller = callerArn === undefined ? unnamedCaller(accountId) : await callerFromArn(ctx.store, accountId, callerArn);
  const results = simulate({
    identity,
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

export async function getContextKeysForCustomPolicy(input: IamOperations['GetContextKeysForCustomPolicy']['input'], _ctx: OperationContext) {
  const policies = compileInputList(input.PolicyInputList, 'PolicyInputList');
  return { ContextKeyNames: contextKeysOf(policies.map((p) => p.policy)) };
}
