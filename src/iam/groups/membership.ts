import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind, Link } from '../kinds.ts';
import { pageArray } from '../paging.ts';
import { requireUser } from '../user-lookup.ts';
import { groupOutput, requireGroup, type GroupData, type GroupRecord } from './records.ts';

/**
 * Group membership: AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. A membership is
 * a `group-member` link from the group's id to the user's id. A user is in at most
 * `groupsPerUser` groups (AWS: 10); groups hold users only (they do not nest).
 */

/** Both calls are idempotent on AWS: adding a member again, or removing a non-member, succeeds. */
async function addUserToGroup(input: IamOperations['AddUserToGroup']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.principal.accountId, input.GroupName);
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    if (await tx.hasLink(Link.groupMember, group.id, user.id)) return;
    if ((await tx.countLinksTo(Link.groupMember, user.id)) >= ctx.quotas.groupsPerUser) {
      throw quotaExceeded('GroupsPerUser', ctx.quotas.groupsPerUser);
    }
    await tx.link(Link.groupMember, ctx.principal.accountId, group.id, user.id);
  });
  return {};
}

async function removeUserFromGroup(input: IamOperations['RemoveUserFromGroup']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx.principal.accountId, input.GroupName);
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    await tx.unlink(Link.groupMember, group.id, user.id);
  });
  return {};
}

/** Every group the user is in, by name: few enough (the GroupsPerUser quota) to page in memory. */
async function groupsOfUser(tx: StoreTx, userId: string): Promise<GroupRecord[]> {
  const groups: GroupRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const ids = await tx.linksTo(Link.groupMember, userId, { after, limit: 100 });
    for (const id of ids) {
      const group = await tx.get<GroupData>(Kind.group, id);
      if (group) groups.push(group);
    }
    if (ids.length < 100) break;
    after = ids[ids.length - 1];
  }
  return groups.sort((a, b) => compare(a.name.toLowerCase(), b.name.toLowerCase()) || compare(a.id, b.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function listGroupsForUser(input: IamOperations['ListGroupsForUser']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    const page = pageArray(await groupsOfUser(tx, user.id), (g) => g.name.toLowerCase(), input.Marker, input.MaxItems);
    return {
      Groups: page.items.map(groupOutput),
      IsTruncated: page.isTruncated,
      ...(page.marker ? { Marker: page.marker } : {}),
    };
  });
}

export const membershipHandlers = {
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
} satisfies IamHandlerTable;
