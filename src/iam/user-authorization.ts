import { rootArn, userArn } from '../kernel/arns.ts';
import type { AuthorizationTarget, TargetContext, TargetTable } from './authorization/target.ts';
import { createTarget } from './authorization/request-tags.ts';
import { Kind } from './kinds.ts';
import type { UserData } from './records.ts';
import { tagMap } from './tags.ts';
import { userTags } from './user-tags.ts';

/**
 * The user an operation names (or the caller, when UserName may be omitted), as an
 * authorization target: the user's ARN with its real path, and its tags. For a user that
 * does not exist the ARN has the root path, as AWS reports it.
 */
export async function userTarget(ctx: TargetContext, userName: string | undefined): Promise<AuthorizationTarget> {
  if (userName === undefined) {
    return ctx.principal.kind === 'user' || ctx.principal.kind === 'root'
      ? await selfTarget(ctx)
      : { resource: ctx.principal.arn };
  }
  return userTags.target(ctx, userName);
}

/**
 * UpdateUser that renames or moves a user also needs iam:UpdateUser on the ARN the user will
 * have (AWS: "the requester must have appropriate permissions on both the source object and
 * the target object"); otherwise a user allowed to update only itself could take any name or
 * path, leaving the policies that name it and taking the place of a principal others trust.
 * The user keeps its tags under its new name, so the second decision sees them too.
 */
async function updateUserTarget(ctx: TargetContext, input: { UserName: string; NewUserName?: string; NewPath?: string }): Promise<AuthorizationTarget> {
  const target = await userTarget(ctx, input.UserName);
  if (input.NewUserName === undefined && input.NewPath === undefined) return target;
  const user = await ctx.tx.getByName<UserData>(ctx.accountId, Kind.user, input.UserName);
  const renamed = userArn(ctx.accountId, input.NewPath ?? user?.path ?? '/', input.NewUserName ?? user?.name ?? input.UserName);
  return { ...target, also: [{ action: 'iam:UpdateUser', resource: renamed, ...(target.resourceTags ? { resourceTags: target.resourceTags } : {}) }] };
}

async function selfTarget(ctx: TargetContext): Promise<AuthorizationTarget> {
  if (ctx.principal.kind === 'root') return { resource: rootArn(ctx.accountId) };
  return userTarget(ctx, ctx.principal.name);
}

export const userTargets = {
  CreateUser: async (input, ctx) => createTarget(userArn(ctx.accountId, input.Path ?? '/', input.UserName), 'iam:TagUser', input.Tags,
    input.PermissionsBoundary !== undefined ? { 'iam:PermissionsBoundary': input.PermissionsBoundary } : {}),
  GetUser: (input, ctx) => userTarget(ctx, input.UserName),
  // ListUsers names the path prefix it lists, as AWS's denials show ("…:user/").
  ListUsers: async (input, ctx) => ({ resource: userArn(ctx.accountId, input.PathPrefix ?? '/', '') }),
  UpdateUser: (input, ctx) => updateUserTarget(ctx, input),
  DeleteUser: (input, ctx) => userTarget(ctx, input.UserName),
  ...userTags.targets,
  CreateAccessKey: (input, ctx) => userTarget(ctx, input.UserName),
  ListAccessKeys: (input, ctx) => userTarget(ctx, input.UserName),
  UpdateAccessKey: (input, ctx) => userTarget(ctx, input.UserName),
  DeleteAccessKey: (input, ctx) => userTarget(ctx, input.UserName),
  GetAccessKeyLastUsed: async (input, ctx) => {
    // The resource is the user who owns the key (AWS: "…on resource: user <name>").
    const key = await ctx.tx.get<{ status: string }>(Kind.accessKey, input.AccessKeyId);
    if (!key || key.accountId !== ctx.accountId) return { resource: `arn:aws:iam::${ctx.accountId}:user/*` };
    const owner = key.parentId === 'root' ? undefined : await ctx.tx.get<UserData>(Kind.user, key.parentId);
    if (!owner) return { resource: rootArn(ctx.accountId) };
    return { resource: userArn(ctx.accountId, owner.path, owner.name), resourceTags: tagMap(owner.data.tags) };
  },
} satisfies TargetTable;
