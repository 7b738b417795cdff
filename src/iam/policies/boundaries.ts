import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable } from '../handler.ts';
import { noSuchPolicy } from '../errors.ts';
import type { UserData } from '../records.ts';
import { requireRole, type RoleData } from '../roles/records.ts';
import { requireUser } from '../user-lookup.ts';
import { isAttachableAwsPolicy } from './aws-managed.ts';
import { serviceRolePolicyNotAttachable } from './errors.ts';
import { preloadManagedPolicy, requireManagedPolicy } from './lookup.ts';

/**
 * Permissions boundaries: Put/Delete User/RolePermissionsBoundary. A boundary is a managed
 * policy (customer managed in the caller's account, or AWS managed), kept by ARN on the user
 * or role record (`data.permissionsBoundary`), in the policy's own spelling of its ARN.
 */

/**
 * The ARN to store as a permissions boundary, or the error IAM answers: NoSuchEntity "Policy
 * <arn> does not exist or is not attachable." when no such managed policy exists.
 * Call {@link preloadManagedPolicy} before the transaction.
 */
export async function boundaryPolicyArn(tx: StoreTx, accountId: string, arn: string): Promise<string> {
  const ref = await requireManagedPolicy(tx, accountId, arn, noSuchPolicy);
  if (ref.source === 'aws' && !isAttachableAwsPolicy(ref.policy)) throw serviceRolePolicyNotAttachable();
  return ref.arn;
}

async function putUserBoundary(userName: string, arn: string, ctx: OperationContext): Promise<Record<string, never>> {
  await preloadManagedPolicy(arn);
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, userName);
    const permissionsBoundary = await boundaryPolicyArn(tx, ctx.principal.accountId, arn);
    await tx.update({ ...user, data: { ...user.data, permissionsBoundary } });
  });
  return {};
}

/** Removing a boundary that is not set succeeds and changes nothing. */
async function deleteUserBoundary(userName: string, ctx: OperationContext): Promise<Record<string, never>> {
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, userName);
    const { permissionsBoundary, ...rest } = user.data;
    if (permissionsBoundary !== undefined) await tx.update<UserData>({ ...user, data: rest });
  });
  return {};
}

async function putRoleBoundary(roleName: string, arn: string, ctx: OperationContext): Promise<Record<string, never>> {
  await preloadManagedPolicy(arn);
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, roleName);
    const permissionsBoundary = await boundaryPolicyArn(tx, ctx.principal.accountId, arn);
    await tx.update({ ...role, data: { ...role.data, permissionsBoundary } });
  });
  return {};
}

async function deleteRoleBoundary(roleName: string, ctx: OperationContext): Promise<Record<string, never>> {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, roleName);
    const { permissionsBoundary, ...rest } = role.data;
    if (permissionsBoundary !== undefined) await tx.update<RoleData>({ ...role, data: rest });
  });
  return {};
}

export const boundaryHandlers = {
  PutUserPermissionsBoundary: (input, ctx) => putUserBoundary(input.UserName, input.PermissionsBoundary, ctx),
  DeleteUserPermissionsBoundary: (input, ctx) => deleteUserBoundary(input.UserName, ctx),
  PutRolePermissionsBoundary: (input, ctx) => putRoleBoundary(input.RoleName, input.PermissionsBoundary, ctx),
  DeleteRolePermissionsBoundary: (input, ctx) => deleteRoleBoundary(input.RoleName, ctx),
} satisfies IamHandlerTable;
