import type { OperationContext } from '../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from './handler.ts';
import type { User } from '../protocol/generated/iam.ts';
import { isoSeconds } from '../kernel/clock.ts';
import { uniqueId } from '../kernel/ids.ts';
import { rootArn } from '../kernel/arns.ts';
import { StoreConflictError } from '../store/types.ts';
import { quotaExceeded, userAlreadyExists } from './errors.ts';
import { boundaryPolicyArn } from './policies/boundaries.ts';
import { preloadManagedPolicy } from './policies/lookup.ts';
import { assertDeletable } from './deletion-checks.ts';
import { pageOf } from './paging.ts';
import { Kind, type AccountData, type UserData } from './records.ts';
import { requireUser, resolveTargetUser } from './user-lookup.ts';
import { userOutput } from './user-output.ts';
import { userTags } from './user-tags.ts';
import { assertEntityPath, assertPathPrefix } from './paths.ts';

/** IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and user tags. */


async function createUser(input: IamOperations['CreateUser']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  const accountId = ctx.principal.accountId;
  const tags = userTags.tagsForCreate(input.Tags, ctx);
  await preloadManagedPolicy(input.PermissionsBoundary);
  const user = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.user)) >= ctx.quotas.usersPerAccount) {
      throw quotaExceeded('UsersPerAccount', ctx.quotas.usersPerAccount);
    }
    // The boundary must be an existing managed policy (customer or AWS managed), checked in the
    // same transaction so it cannot vanish between the check and the write.
    const data: UserData = {
      tags,
      ...(input.PermissionsBoundary !== undefined ? { permissionsBoundary: await boundaryPolicyArn(tx, accountId, input.PermissionsBoundary) } : {}),
    };
    try {
      return await tx.insert({
        accountId,
        kind: Kind.user,
        id: uniqueId(ctx.random, 'AIDA'),
        name: input.UserName,
        parentId: '',
        path: input.Path ?? '/',
        data,
        createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw userAlreadyExists(input.UserName);
      throw err;
    }
  });
  return { User: userOutput(user, { detailed: true }) };
}

/**
 * Each answer is one read (the user, or for the root user the account), and one read is
 * consistent on its own: no transaction, which on SQLite would take the write lock
 * (BEGIN IMMEDIATE) and queue this read behind every writer, in this process and others.
 */
async function getUser(input: IamOperations['GetUser']['input'], ctx: OperationContext) {
  const target = await resolveTargetUser(ctx.store, ctx, input.UserName);
  if (target.kind === 'user') return { User: userOutput(target.record, { detailed: true }) };
  // The root user has no name or path: AWS returns only its ID, ARN and creation date.
  const account = await ctx.store.get<AccountData>(Kind.account, ctx.principal.accountId);
  const root = {
    UserId: ctx.principal.accountId,
    Arn: rootArn(ctx.principal.accountId),
    CreateDate: new Date(account?.data.rootCreatedAt ?? account?.createdAt ?? 0),
  };
  // The model marks Path and UserName required, yet AWS omits both for the root user.
  return { User: root as User };
}

async function listUsers(input: IamOperations['ListUsers']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'entity');
  const accountId = ctx.principal.accountId;
  const page = await pageOf(
    (after, limit) => ctx.store.list<UserData>(accountId, Kind.user, { parentId: '', pathPrefix: input.PathPrefix, after, limit }),
    (user) => user.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  return {
    Users: page.items.map((user) => userOutput(user, { detailed: false })),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

async function updateUser(input: IamOperations['UpdateUser']['input'], ctx: OperationContext) {
  assertEntityPath(input.NewPath);
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    const renamed = { ...user, name: input.NewUserName ?? user.name, path: input.NewPath ?? user.path };
    try {
      await tx.update(renamed);
    } catch (err) {
      if (err instanceof StoreConflictError) throw userAlreadyExists(renamed.name);
      throw err;
    }
  });
  return {};
}

async function deleteUser(input: IamOperations['DeleteUser']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    await assertDeletable(tx, 'user', user);
    await tx.delete(Kind.user, user.id);
  });
  return {};
}

export const userHandlers = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  UpdateUser: updateUser,
  DeleteUser: deleteUser,
  ...userTags.handlers,
} satisfies IamHandlerTable;
