import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { assertDeletable } from '../deletion-checks.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { boundaryPolicyArn } from '../policies/boundaries.ts';
import { preloadManagedPolicy } from '../policies/lookup.ts';
import { protectedRole, roleAlreadyExists, servicePathReserved } from './errors.ts';
import { DEFAULT_MAX_SESSION_DURATION, isServiceLinked, requireRole, type RoleData } from './records.ts';
import { roleOutput } from './role-output.ts';
import { assertValidTrustPolicy } from './trust-policy.ts';
import { bindTrustPolicyPrincipals, PrincipalNames } from './trust-policy-principals.ts';
import { roleTags } from './role-tags.ts';
import { isServiceLinkedRolePathPrefix } from './service-linked-names.ts';
import { assertEntityPath, assertPathPrefix } from '../paths.ts';

/**
 * IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
 * UpdateAssumeRolePolicy, DeleteRole. Service-linked roles (service-linked-roles.ts) are
 * roles too, but only their description may be changed here.
 */

/** An empty description is no description: AWS omits the element then. */
function descriptionOf(text: string | undefined): { description?: string } {
  return text !== undefined && text !== '' ? { description: text } : {};
}

function withDescription(data: RoleData, text: string): RoleData {
  const { description: _replaced, ...rest } = data;
  return { ...rest, ...descriptionOf(text) };
}

async function createRole(input: IamOperations['CreateRole']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  // Only CreateServiceLinkedRole makes roles under /aws-service-role/: such a role is exempt
  // from SCPs and RCPs and protected as AWS's, so an ordinary one there would escape them.
  if (input.Path !== undefined && isServiceLinkedRolePathPrefix(input.Path)) throw servicePathReserved();
  const accountId = ctx.principal.accountId;
  const tags = roleTags.tagsForCreate(input.Tags, ctx);
  assertValidTrustPolicy(input.AssumeRolePolicyDocument);
  await preloadManagedPolicy(input.PermissionsBoundary);
  const role = await ctx.store.transaction(async (tx) => {
    const data: RoleData = {
      assumeRolePolicyDocument: await bindTrustPolicyPrincipals(tx, input.AssumeRolePolicyDocument),
      ...descriptionOf(input.Description),
      maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      ...(input.PermissionsBoundary !== undefined ? { permissionsBoundary: await boundaryPolicyArn(tx, accountId, input.PermissionsBoundary) } : {}),
      tags,
    };
    if ((await tx.count(accountId, Kind.role)) >= ctx.quotas.rolesPerAccount) {
      throw quotaExceeded('RolesPerAccount', ctx.quotas.rolesPerAccount);
    }
    try {
      return await tx.insert<RoleData>({
        accountId,
        kind: Kind.role,
        id: uniqueId(ctx.random, 'AROA'),
        name: input.RoleName,
        parentId: '',
        path: input.Path ?? '/',
        data,
        createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw roleAlreadyExists(input.RoleName);
      throw err;
    }
  });
  return { Role: await roleOutput(role, 'created', new PrincipalNames(ctx.store)) };
}

async function getRole(input: IamOperations['GetRole']['input'], ctx: OperationContext) {
  const role = await requireRole(ctx.store, ctx.principal.accountId, input.RoleName);
  return { Role: await roleOutput(role, 'detailed', new PrincipalNames(ctx.store)) };
}

async function listRoles(input: IamOperations['ListRoles']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'entity');
  const accountId = ctx.principal.accountId;
  const page = await pageOf(
    (after, limit) => ctx.store.list<RoleData>(accountId, Kind.role, { parentId: '', pathPrefix: input.PathPrefix, after, limit }),
    (role) => role.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  const names = new PrincipalNames(ctx.store);
  const roles = [];
  for (const role of page.items) roles.push(await roleOutput(role, 'listed', names));
  return {
    Roles: roles,
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

/**
 * Description and/or MaxSessionDuration. A service-linked role's description may be edited
 * (AWS allows it); its session duration is the service's to set.
 */
async function updateRole(input: IamOperations['UpdateRole']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    if (input.MaxSessionDuration !== undefined && isServiceLinked(role)) throw protectedRole(role.name);
    const described = input.Description !== undefined ? withDescription(role.data, input.Description) : role.data;
    const data: RoleData = { ...described, maxSessionDuration: input.MaxSessionDuration ?? role.data.maxSessionDuration };
    await tx.update({ ...role, data });
  });
  return {};
}

async function updateRoleDescription(input: IamOperations['UpdateRoleDescription']['input'], ctx: OperationContext) {
  const role = await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    return tx.update({ ...role, data: withDescription(role.data, input.Description) });
  });
  return { Role: await roleOutput(role, 'detailed', new PrincipalNames(ctx.store)) };
}

async function updateAssumeRolePolicy(input: IamOperations['UpdateAssumeRolePolicy']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    assertValidTrustPolicy(input.PolicyDocument);
    await tx.update({ ...role, data: { ...role.data, assumeRolePolicyDocument: await bindTrustPolicyPrincipals(tx, input.PolicyDocument) } });
  });
  return {};
}

/** Refused while the role is in instance profiles or has policies (each module's checks). */
async function deleteRole(input: IamOperations['DeleteRole']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    await assertDeletable(tx, 'role', role);
    await tx.delete(Kind.role, role.id);
  });
  return {};
}

export const roleHandlers = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  UpdateRole: updateRole,
  UpdateRoleDescription: updateRoleDescription,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
} satisfies IamHandlerTable;
