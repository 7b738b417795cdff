import type { OperationContext } from '../kernel/operation.ts';
import type { Operations } from '../protocol/generated/organizations.ts';
import { accountNotFound, effectivePolicyNotFound, invalidInput, notManagementAccount } from './errors.ts';
import { findNode, requireManagedOrganization, requireOrganization, requireTarget } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * DescribeEffectivePolicy: AWS computes it for management policies only (tag, backup, AI
 * opt-out, … policies — the model's enum, which leaves SCPs and RCPs out, so they are refused
 * as INVALID_ENUM before this runs). Tessera serves none of those types, so none can be
 * enabled and no account has an effective one: after the target is checked the answer is
 * AWS's for a type that is not enabled, EffectivePolicyNotFoundException — never
 * NotImplemented, so tools that probe for effective policies carry on.
 *
 * The target is an account (AWS supports no root or OU here: TARGET_NOT_SUPPORTED); a member
 * account may ask only about itself (the management account about any), and without a
 * TargetId the caller's own account is meant.
 */
async function describeEffectivePolicy(input: In<'DescribeEffectivePolicy'>, ctx: OperationContext): Promise<never> {
  const { org } = await requireOrganization(ctx.store, ctx.principal.accountId);
  const targetId = input.TargetId ?? ctx.principal.accountId;
  const node = await requireTarget(ctx.store, org, targetId);
  if (node.kind !== 'ACCOUNT') throw invalidInput('TARGET_NOT_SUPPORTED', 'You specified a target that is not supported: the effective policy is computed for accounts only.');
  if (targetId !== ctx.principal.accountId && ctx.principal.accountId !== org.data.managementAccountId) throw notManagementAccount();
  throw effectivePolicyNotFound();
}

/**
 * The validation of effective policies (ListAccountsWithInvalidEffectivePolicy,
 * ListEffectivePolicyValidationErrors) concerns the management policy types, none of which
 * Tessera serves: no account has an effective policy of those types, so none has an invalid
 * one, and asking for one account's errors is EffectivePolicyNotFoundException, as
 * DescribeEffectivePolicy answers.
 */
async function listAccountsWithInvalidEffectivePolicy(input: In<'ListAccountsWithInvalidEffectivePolicy'>, ctx: OperationContext) {
  await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListAccountsWithInvalidEffectivePolicy');
  return { Accounts: [], PolicyType: input.PolicyType };
}

async function listEffectivePolicyValidationErrors(input: In<'ListEffectivePolicyValidationErrors'>, ctx: OperationContext): Promise<never> {
  const org = await requireManagedOrganization(ctx.store, ctx.principal.accountId);
  const node = await findNode(ctx.store, org, input.AccountId);
  if (!node || node.kind !== 'ACCOUNT') throw accountNotFound();
  throw effectivePolicyNotFound();
}

export const effectivePolicyHandlers = {
  ListAccountsWithInvalidEffectivePolicy: listAccountsWithInvalidEffectivePolicy,
  ListEffectivePolicyValidationErrors: listEffectivePolicyValidationErrors,
  DescribeEffectivePolicy: describeEffectivePolicy,
};
