import type { OperationContext } from '../kernel/operation.ts';
import type { Operations, Tag } from '../protocol/generated/organizations.ts';
import type { EntityRecord, StoreTx } from '../store/types.ts';
import { awsManagedGuardrail } from './aws-managed.ts';
import { write } from './context.ts';
import { immutablePolicy, targetNotFound } from './errors.ts';
import { findNode } from './lookup.ts';
import { requireManagedOrDelegated } from './delegation.ts';
import { pageArray, pageResponse } from './paging.ts';
import { assertTags, mergeTags } from './tag-rules.ts';
import { OrgKind, type OrganizationRecord, type PolicyData, type ResourcePolicyData } from './records.ts';

type In<K extends keyof Operations> = Operations[K]['input'];

/**
 * Tags on roots, OUs, accounts, the organization's own policies and its delegation policy:
 * TagResource, UntagResource, ListTagsForResource. AWS's managed policies take none: tagging
 * or untagging one is InvalidInputException IMMUTABLE_POLICY.
 */
type Taggable = EntityRecord<{ orgId: string; tags: Tag[] }>;

async function requireTaggable(tx: StoreTx, org: OrganizationRecord, id: string): Promise<Taggable> {
  if (id.startsWith('rp-')) {
    const policy = await tx.get<ResourcePolicyData>(OrgKind.resourcePolicy, id);
    if (!policy || policy.data.orgId !== org.id) throw targetNotFound();
    return policy;
  }
  if (id.startsWith('p-')) {
    const policy = awsManagedGuardrail(id) ? undefined : await tx.get<PolicyData>(OrgKind.policy, id);
    if (!policy || policy.data.orgId !== org.id) throw targetNotFound();
    return policy;
  }
  const node = await findNode(tx, org, id);
  if (!node) throw targetNotFound();
  return node.record as Taggable;
}

/** The organization's own record to tag or untag; AWS's managed policies are immutable. */
async function requireMutableTaggable(tx: StoreTx, org: OrganizationRecord, id: string): Promise<Taggable> {
  if (awsManagedGuardrail(id)) throw immutablePolicy();
  return requireTaggable(tx, org, id);
}

async function tagResource(input: In<'TagResource'>, ctx: OperationContext) {
  assertTags(input.Tags);
  await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'TagResource');
    const record = await requireMutableTaggable(tx, org, input.ResourceId);
    await tx.update({ ...record, data: { ...record.data, tags: mergeTags(record.data.tags ?? [], input.Tags) } });
  });
  return {};
}

async function untagResource(input: In<'UntagResource'>, ctx: OperationContext) {
  await write(ctx, async (tx) => {
    const org = await requireManagedOrDelegated(tx, ctx.principal.accountId, 'UntagResource');
    const record = await requireMutableTaggable(tx, org, input.ResourceId);
    const removed = new Set(input.TagKeys);
    await tx.update({ ...record, data: { ...record.data, tags: (record.data.tags ?? []).filter((t) => !removed.has(t.Key)) } });
  });
  return {};
}

async function listTagsForResource(input: In<'ListTagsForResource'>, ctx: OperationContext) {
  const org = await requireManagedOrDelegated(ctx.store, ctx.principal.accountId, 'ListTagsForResource');
  const record = await requireTaggable(ctx.store, org, input.ResourceId);
  return pageResponse('Tags', pageArray(record.data.tags ?? [], (t) => t.Key, input.NextToken, undefined));
}

export const tagHandlers = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/** A resource's tags as aws:ResourceTag/… for its authorization (empty when it does not exist). */
export async function resourceTags(tx: StoreTx, org: OrganizationRecord, id: string): Promise<Record<string, string>> {
  const record = await requireTaggable(tx, org, id).catch(() => undefined);
  return Object.fromEntries((record?.data.tags ?? []).map((t) => [t.Key, t.Value]));
}
