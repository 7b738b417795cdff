import type { OperationContext } from '../../kernel/operation.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { IamHandlerTable } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { pageOf } from '../paging.ts';
import { assertValidIdentityPolicy, encodePolicyDocument, policyCharacterCount } from './document.ts';
import { inlinePolicyNotFound, inlineSizeExceeded } from './errors.ts';
import { HOLDERS, type HolderType } from './holders.ts';
import type { InlinePolicyData, InlinePolicyRecord } from './records.ts';

/**
 * Inline policies: Put/Get/Delete/List User/Group/RolePolicy. Each is a record under its
 * holder (parent = the holder's id). IAM limits the size of a holder's inline policies
 * together (user 2,048, group 5,120, role 10,240 characters, white space excluded), so a put
 * checks the new document against the others in the same transaction that writes it.
 */

const BATCH = 100;

/** Every inline policy of a holder. */
export async function inlinePoliciesOf(tx: StoreTx, type: HolderType, holder: EntityRecord): Promise<InlinePolicyRecord[]> {
  const all: InlinePolicyRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await tx.list<InlinePolicyData>(holder.accountId, HOLDERS[type].inlineKind, {
      parentId: holder.id,
      ...(after !== undefined ? { after } : {}),
      limit: BATCH,
    });
    all.push(...batch);
    if (batch.length < BATCH) return all;
    after = batch[batch.length - 1]!.name.toLowerCase();
  }
}

async function putPolicy(type: HolderType, holderName: string, policyName: string, document: string, ctx: OperationContext): Promise<Record<string, never>> {
  const spec = HOLDERS[type];
  // The document alone: syntax, and its own size against the holder's whole allowance.
  assertValidIdentityPolicy(document, { inlineFor: type, entityName: holderName });
  await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, ctx.principal.accountId, holderName);
    const existing = await tx.getByName<InlinePolicyData>(holder.accountId, spec.inlineKind, policyName, holder.id);
    let total = policyCharacterCount(document);
    for (const other of await inlinePoliciesOf(tx, type, holder)) {
      if (other.id !== existing?.id) total += policyCharacterCount(other.data.document);
    }
    if (total > spec.inlineSizeLimit) throw inlineSizeExceeded(type, spec.inlineSizeLimit, holder.name);
    if (existing) {
      await tx.update({ ...existing, name: policyName, data: { document } });
      return;
    }
    await tx.insert<InlinePolicyData>({
      accountId: holder.accountId,
      kind: spec.inlineKind,
      id: ctx.random.uuid(),
      name: policyName,
      parentId: holder.id,
      path: '/',
      data: { document },
      createdAt: isoSeconds(ctx.clock.now()),
    });
  });
  return {};
}

async function requireInlinePolicy(tx: StoreTx, type: HolderType, holder: EntityRecord, policyName: string): Promise<InlinePolicyRecord> {
  const policy = await tx.getByName<InlinePolicyData>(holder.accountId, HOLDERS[type].inlineKind, policyName, holder.id);
  if (!policy) throw inlinePolicyNotFound(type, policyName);
  return policy;
}

async function getPolicy(type: HolderType, holderName: string, policyName: string, ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const holder = await HOLDERS[type].require(tx, ctx.principal.accountId, holderName);
    const policy = await requireInlinePolicy(tx, type, holder, policyName);
    return { holderName: holder.name, PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.data.document) };
  });
}

async function deletePolicy(type: HolderType, holderName: string, policyName: string, ctx: OperationContext): Promise<Record<string, never>> {
  const spec = HOLDERS[type];
  await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, ctx.principal.accountId, holderName);
    const policy = await requireInlinePolicy(tx, type, holder, policyName);
    await tx.delete(spec.inlineKind, policy.id);
  });
  return {};
}

async function listPolicies(type: HolderType, holderName: string, input: { Marker?: string; MaxItems?: number }, ctx: OperationContext) {
  const spec = HOLDERS[type];
  const page = await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, ctx.principal.accountId, holderName);
    return pageOf(
      (after, limit) => tx.list<InlinePolicyData>(holder.accountId, spec.inlineKind, { parentId: holder.id, ...(after !== undefined ? { after } : {}), limit }),
      (policy) => policy.name.toLowerCase(),
      input.Marker,
      input.MaxItems,
    );
  });
  return { PolicyNames: page.items.map((p) => p.name), IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

export const inlinePolicyHandlers = {
  PutUserPolicy: (input, ctx) => putPolicy('user', input.UserName, input.PolicyName, input.PolicyDocument, ctx),
  PutGroupPolicy: (input, ctx) => putPolicy('group', input.GroupName, input.PolicyName, input.PolicyDocument, ctx),
  PutRolePolicy: (input, ctx) => putPolicy('role', input.RoleName, input.PolicyName, input.PolicyDocument, ctx),
  GetUserPolicy: async (input, ctx) => {
    const { holderName, ...rest } = await getPolicy('user', input.UserName, input.PolicyName, ctx);
    return { UserName: holderName, ...rest };
  },
  GetGroupPolicy: async (input, ctx) => {
    const { holderName, ...rest } = await getPolicy('group', input.GroupName, input.PolicyName, ctx);
    return { GroupName: holderName, ...rest };
  },
  GetRolePolicy: async (input, ctx) => {
    const { holderName, ...rest } = await getPolicy('role', input.RoleName, input.PolicyName, ctx);
    return { RoleName: holderName, ...rest };
  },
  DeleteUserPolicy: (input, ctx) => deletePolicy('user', input.UserName, input.PolicyName, ctx),
  DeleteGroupPolicy: (input, ctx) => deletePolicy('group', input.GroupName, input.PolicyName, ctx),
  DeleteRolePolicy: (input, ctx) => deletePolicy('role', input.RoleName, input.PolicyName, ctx),
  ListUserPolicies: (input, ctx) => listPolicies('user', input.UserName, input, ctx),
  ListGroupPolicies: (input, ctx) => listPolicies('group', input.GroupName, input, ctx),
  ListRolePolicies: (input, ctx) => listPolicies('role', input.RoleName, input, ctx),
} satisfies IamHandlerTable;
