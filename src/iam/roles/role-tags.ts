import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { pageArray } from '../paging.ts';
import { mergeTags, removeTags } from '../tags.ts';
import { requireRole } from './records.ts';

/** Role tags: TagRole, UntagRole, ListRoleTags (AWS's tag rules live in ../tags.ts). */

async function tagRole(input: IamOperations['TagRole']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    const tags = mergeTags(role.data.tags, input.Tags, 'TagsPerRole', ctx.quotas.tagsPerResource);
    await tx.update({ ...role, data: { ...role.data, tags } });
  });
  return {};
}

async function untagRole(input: IamOperations['UntagRole']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    await tx.update({ ...role, data: { ...role.data, tags: removeTags(role.data.tags, input.TagKeys) } });
  });
  return {};
}

async function listRoleTags(input: IamOperations['ListRoleTags']['input'], ctx: OperationContext) {
  const role = await requireRole(ctx.store, ctx.principal.accountId, input.RoleName);
  const page = pageArray(role.data.tags, (t) => t.Key.toLowerCase(), input.Marker, input.MaxItems);
  return { Tags: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

export const roleTagHandlers = {
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
} satisfies IamHandlerTable;
