import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { assertDeletable } from '../deletion-checks.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { assertValidIdentityPolicy } from './document.ts';
import { policyAlreadyExists } from './errors.ts';
import { preloadManagedPolicy, requireCustomerPolicy, requireManagedPolicy, type ManagedPolicyRef } from './lookup.ts';
import { policyOutput } from './policy-output.ts';
import { policyTags } from './policy-tags.ts';
import { arnOfPolicy, policyVersionId, type PolicyData, type PolicyVersionData } from './records.ts';
import { attachmentCount, boundaryHolders, type PolicyUsage } from './usage.ts';
import { allVersions } from './versions-store.ts';
import { assertPolicyPath } from '../paths.ts';

/**
 * Customer managed policies: CreatePolicy, GetPolicy, DeletePolicy. GetPolicy also answers
 * for AWS managed policies. (Tags: policy-tags.ts; ListPolicies: list-policies.ts; versions:
 * policy-versions.ts.)
 */

async function createPolicy(input: IamOperations['CreatePolicy']['input'], ctx: OperationContext) {
  assertPolicyPath(input.Path);
  const accountId = ctx.principal.accountId;
  assertValidIdentityPolicy(input.PolicyDocument, { managed: true });
  const tags = policyTags.tagsForCreate(input.Tags, ctx);
  const now = isoSeconds(ctx.clock.now());
  const data: PolicyData = {
    ...(input.Description !== undefined && input.Description !== '' ? { description: input.Description } : {}),
    defaultVersionId: 'v1',
    document: input.PolicyDocument,
    lastVersionNumber: 1,
    updatedAt: now,
    tags,
  };
  const record = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.policy, { parentId: '' })) >= ctx.quotas.customerManagedPoliciesPerAccount) {
      throw quotaExceeded('PoliciesPerAccount', ctx.quotas.customerManagedPoliciesPerAccount);
    }
    let policy;
    try {
      policy = await tx.insert<PolicyData>({
        accountId,
        kind: Kind.policy,
        id: uniqueId(ctx.random, 'ANPA'),
        name: input.PolicyName,
        parentId: '',
        path: input.Path ?? '/',
        data,
        createdAt: now,
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw policyAlreadyExists(input.PolicyName);
      throw err;
    }
    await tx.insert<PolicyVersionData>({
      accountId,
      kind: Kind.policyVersion,
      id: policyVersionId(policy.id, 'v1'),
      name: 'v1',
      parentId: policy.id,
      path: '/',
      data: { document: input.PolicyDocument },
      createdAt: now,
    });
    return policy;
  });
  const ref: ManagedPolicyRef = { source: 'customer', arn: arnOfPolicy(record), record };
  return { Policy: policyOutput(ref, { attachments: 0, boundaries: 0 }, 'created') };
}

/** AttachmentCount and PermissionsBoundaryUsageCount of one policy in the account. */
async function usageOf(tx: StoreTx, accountId: string, ref: ManagedPolicyRef): Promise<PolicyUsage> {
  return {
    attachments: await attachmentCount(tx, accountId, ref),
    boundaries: (await boundaryHolders(tx, accountId, ref.arn)).length,
  };
}

async function getPolicy(input: IamOperations['GetPolicy']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  return ctx.store.transaction(async (tx) => {
    const ref = await requireManagedPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    return { Policy: policyOutput(ref, await usageOf(tx, ctx.principal.accountId, ref), 'detailed') };
  });
}

async function deletePolicy(input: IamOperations['DeletePolicy']['input'], ctx: OperationContext) {
  await preloadManagedPolicy(input.PolicyArn);
  await ctx.store.transaction(async (tx) => {
    const { record } = await requireCustomerPolicy(tx, ctx.principal.accountId, input.PolicyArn);
    await assertDeletable(tx, 'policy', record);
    // Only the default version is left (the deletion checks saw to that): it goes with the policy.
    for (const version of await allVersions(tx, record)) await tx.delete(Kind.policyVersion, version.id);
    await tx.delete(Kind.policy, record.id);
  });
  return {};
}

export const managedPolicyHandlers = {
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  DeletePolicy: deletePolicy,
  ...policyTags.handlers,
} satisfies IamHandlerTable;
