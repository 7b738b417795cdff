import type { AuthorizationTarget, TargetContext, TargetTable } from '../authorization/target.ts';
import { userTarget } from '../user-authorization.ts';
import { Kind } from '../kinds.ts';
import { groupArn, type GroupData } from './records.ts';

/**
 * How each operation of the groups module is authorized (see ../authorization/target.ts), per
 * AWS's Service Authorization Reference: group operations act on the group resource
 * (arn:aws:iam::<account>:group/<path><name>); ListGroupsForUser on the user. Groups cannot
 * be tagged, so a group target carries no resource tags.
 */
async function groupTarget(ctx: TargetContext, groupName: string): Promise<AuthorizationTarget> {
  const group = await ctx.tx.getByName<GroupData>(ctx.accountId, Kind.group, groupName);
  // A group that does not exist is named with the root path, as AWS's denials show it.
  return { resource: group ? groupArn(ctx.accountId, group.path, group.name) : groupArn(ctx.accountId, '/', groupName) };
}

export const targets = {
  CreateGroup: async (input, ctx) => ({ resource: groupArn(ctx.accountId, input.Path ?? '/', input.GroupName) }),
  GetGroup: (input, ctx) => groupTarget(ctx, input.GroupName),
  // Listing names the path prefix it lists, as for ListUsers.
  ListGroups: async (input, ctx) => ({ resource: groupArn(ctx.accountId, input.PathPrefix ?? '/', '') }),
  // Renaming or moving needs permission on the group under its new name too (AWS: "on both
  // the source object and the target object").
  UpdateGroup: async (input, ctx) => {
    const target = await groupTarget(ctx, input.GroupName);
    if (input.NewGroupName === undefined && input.NewPath === undefined) return target;
    const group = await ctx.tx.getByName<GroupData>(ctx.accountId, Kind.group, input.GroupName);
    const renamed = groupArn(ctx.accountId, input.NewPath ?? group?.path ?? '/', input.NewGroupName ?? group?.name ?? input.GroupName);
    return { ...target, also: [{ action: 'iam:UpdateGroup', resource: renamed }] };
  },
  DeleteGroup: (input, ctx) => groupTarget(ctx, input.GroupName),
  AddUserToGroup: (input, ctx) => groupTarget(ctx, input.GroupName),
  RemoveUserFromGroup: (input, ctx) => groupTarget(ctx, input.GroupName),
  ListGroupsForUser: (input, ctx) => userTarget(ctx, input.UserName),
} satisfies TargetTable;
