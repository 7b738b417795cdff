import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { pageArray } from '../paging.ts';
import { mergeTags, removeTags } from '../tags.ts';
import { requireInstanceProfile } from './instance-profile-records.ts';

/** Instance profile tags: TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags. */

async function tagInstanceProfile(input: IamOperations['TagInstanceProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    const tags = mergeTags(profile.data.tags, input.Tags, 'TagsPerInstanceProfile', ctx.quotas.tagsPerResource);
    await tx.update({ ...profile, data: { ...profile.data, tags } });
  });
  return {};
}

async function untagInstanceProfile(input: IamOperations['UntagInstanceProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    await tx.update({ ...profile, data: { ...profile.data, tags: removeTags(profile.data.tags, input.TagKeys) } });
  });
  return {};
}

async function listInstanceProfileTags(input: IamOperations['ListInstanceProfileTags']['input'], ctx: OperationContext) {
  const profile = await requireInstanceProfile(ctx.store, ctx.principal.accountId, input.InstanceProfileName);
  const page = pageArray(profile.data.tags, (t) => t.Key.toLowerCase(), input.Marker, input.MaxItems);
  return { Tags: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

export const instanceProfileTagHandlers = {
  TagInstanceProfile: tagInstanceProfile,
  UntagInstanceProfile: untagInstanceProfile,
  ListInstanceProfileTags: listInstanceProfileTags,
} satisfies IamHandlerTable;
