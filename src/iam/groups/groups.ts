import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { User } from '../../protocol/generated/iam.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { assertDeletable } from '../deletion-checks.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind, Link } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import type { UserData } from '../records.ts';
import { userOutput } from '../user-output.ts';
import { groupAlreadyExists } from './errors.ts';
import { groupOutput, requireGroup, type GroupData } from './records.ts';
import { assertEntityPath, assertPathPrefix } from '../paths.ts';

/** IAM groups: CreateGroup, GetGroup (with its members), ListGroups, UpdateGroup, DeleteGroup. */

async function createGroup(input: IamOperations['CreateGroup']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  const accountId = ctx.principal.accountId;
  const group = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.group)) >= ctx.quotas.groupsPerAccount) {
      throw quotaExceeded('GroupsPerAccount', ctx.quotas.groupsPerAccount);
    }
    try {
      return await tx.insert<GroupData>({
        accountId,
        kind: Kind.group,
        id: uniqueId(ctx.random, 'AGPA'),
        name: input.GroupName,
        parentId: '',
        path: input.Path ?? '/',
        data: {},
        createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw groupAlreadyExists(input.GroupName);
      throw err;
    }
  });
  return { Group: groupOutput(group) };
}

/**
 * The group and one page of its members. Members are paged by user id (the order the store
 * keeps links in), so a page boundary stays put while users join or leave concurrently.
 */
async function getGroup(input: IamOperations['GetGroup']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.principal.accountId, input.GroupName);
    const page = await pageOf(
      (after, limit) => tx.linksFrom(Link.groupMember, group.id, { after, limit }),
      (userId) => userId,
      input.Marker,
      input.MaxItems,
    );
    const users: User[] = [];
    for (const userId of page.items) {
      const user = await tx.get<UserData>(Kind.user, userId);
      if (user) users.push(userOutput(user, { detailed: false }));
    }
    return {
      Group: groupOutput(group),
      Users: users,
      IsTruncated: page.isTruncated,
      ...(page.marker ? { Marker: page.marker } : {}),
    };
  });
}

async function listGroups(input: IamOperations['ListGroups']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'entity');
  const accountId = ctx.principal.accountId;
  const page = await pageOf(
    (after, limit) => ctx.store.list<GroupData>(accountId, Kind.group, { parentId: '', pathPrefix: input.PathPrefix, after, limit }),
    (group) => group.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return {
    Groups: page.items.map(groupOutput),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

/** Renames and/or moves a group; its members and policies follow (they are linked by id). */
async function updateGroup(input: IamOperations['UpdateGroup']['input'], ctx: OperationContext) {
  assertEntityPath(input.NewPath);
  await ctx.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.principal.accountId, input.GroupName);
    const moved = { ...group, name: input.NewGroupName ?? group.name, path: input.NewPath ?? group.path };
    try {
      await tx.update(moved);
    } catch (err) {
      if (err instanceof StoreConflictError) throw groupAlreadyExists(moved.name);
      throw err;
    }
  });
  return {};
}

async function deleteGroup(input: IamOperations['DeleteGroup']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.principal.accountId, input.GroupName);
    await assertDeletable(tx, 'group', group);
    await tx.delete(Kind.group, group.id);
  });
  return {};
}

export const groupHandlers = {
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  UpdateGroup: updateGroup,
  DeleteGroup: deleteGroup,
} satisfies IamHandlerTable;
