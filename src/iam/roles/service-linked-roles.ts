import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { invalidInput, quotaExceeded } from '../errors.ts';
import { Kind, Link } from '../kinds.ts';
import { awsManagedCatalog } from '../policies/aws-managed.ts';
import { deletionTaskId, parseDeletionTaskId } from './deletion-task.ts';
import {
  customSuffixNotAllowed, invalidDeletionTaskId, invalidServiceName, noSuchDeletionTask, noSuchServiceLinkedRole, serviceRoleNameTaken,
} from './errors.ts';
import { DEFAULT_MAX_SESSION_DURATION, requireRole, type RoleData, type RoleRecord } from './records.ts';
import { roleOutput } from './role-output.ts';
import { PrincipalNames } from './trust-policy-principals.ts';
import {
  documentedServiceLinkedRole, isServicePrincipal, serviceLinkedRoleName, serviceLinkedRolePath, serviceLinkedRolePolicyArn, serviceLinkedTrustPolicy,
} from './service-linked-names.ts';

/**
 * Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole and
 * GetServiceLinkedRoleDeletionStatus. The role trusts only its service and is protected
 * (see records.ts); for a service AWS documents (service-linked-roles.json) it gets the
 * documented name, description and AWS managed policy. AWS deletes such roles asynchronously
 * once the service no longer uses them; Tessera has no service using them, so the deletion
 * completes at once and its task reports SUCCEEDED.
 */

/** The ARN of the service's AWS managed policy when the catalog holds it (loaded before any transaction). */
async function servicePolicyArn(serviceName: string): Promise<string | undefined> {
  const arn = serviceLinkedRolePolicyArn(serviceName);
  if (arn === undefined) return undefined;
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  return (await awsManagedCatalog()).find(name, '/aws-service-role/')?.arn;
}

const MAX_ROLE_NAME = 64;

async function createServiceLinkedRole(input: IamOperations['CreateServiceLinkedRole']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const serviceName = input.AWSServiceName;
  if (!isServicePrincipal(serviceName)) throw invalidServiceName(serviceName);
  const named = serviceLinkedRoleName(serviceName, input.CustomSuffix);
  if (!named.ok) throw customSuffixNotAllowed(serviceName);
  // Best effort wording: a suffix that makes the name longer than a role name may be.
  if (named.name.length > MAX_ROLE_NAME) throw invalidInput(`The role name ${named.name} is longer than ${MAX_ROLE_NAME} characters; use a shorter suffix.`);
  const policyArn = await servicePolicyArn(serviceName);
  // The caller's description wins; otherwise the one the service's documentation gives (best effort).
  const description = input.Description !== undefined && input.Description !== '' ? input.Description : documentedServiceLinkedRole(serviceName)?.description;
  const data: RoleData = {
    assumeRolePolicyDocument: serviceLinkedTrustPolicy(serviceName),
    ...(description !== undefined ? { description } : {}),
    maxSessionDuration: DEFAULT_MAX_SESSION_DURATION,
    tags: [],
    serviceLinked: { serviceName },
  };
  const role = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.role)) >= ctx.quotas.rolesPerAccount) {
      throw quotaExceeded('RolesPerAccount', ctx.quotas.rolesPerAccount);
    }
    try {
      const inserted = await tx.insert<RoleData>({
        accountId,
        kind: Kind.role,
        id: uniqueId(ctx.random, 'AROA'),
        name: named.name,
        parentId: '',
        path: serviceLinkedRolePath(serviceName),
        data,
        createdAt: isoSeconds(ctx.clock.now()),
      });
      if (policyArn !== undefined) await tx.link(Link.rolePolicy, accountId, inserted.id, policyArn);
      return inserted;
    } catch (err) {
      if (err instanceof StoreConflictError) throw serviceRoleNameTaken(named.name);
      throw err;
    }
  });
  return { Role: await roleOutput(role, 'created', new PrincipalNames(ctx.store)) };
}

/** The role's inline policies go with it, as when AWS's service cleans up its role. */
async function deleteInlinePolicies(tx: StoreTx, role: RoleRecord): Promise<void> {
  for (;;) {
    const batch = await tx.list(role.accountId, Kind.roleInlinePolicy, { parentId: role.id, limit: 100 });
    for (const policy of batch) await tx.delete(Kind.roleInlinePolicy, policy.id);
    if (batch.length < 100) return;
  }
}

async function deleteServiceLinkedRole(input: IamOperations['DeleteServiceLinkedRole']['input'], ctx: OperationContext) {
  const uuid = ctx.random.uuid();
  return ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    const serviceName = role.data.serviceLinked?.serviceName;
    if (serviceName === undefined) throw noSuchServiceLinkedRole(role.name);
    await deleteInlinePolicies(tx, role);
    // Deleting the record also removes its links (attached policies, instance profiles).
    await tx.delete(Kind.role, role.id);
    return { DeletionTaskId: deletionTaskId(serviceName, role.name, uuid) };
  });
}

/**
 * SUCCEEDED once the role the task names is gone. A role of that name that exists again
 * (created anew after the deletion) cannot be told from one never deleted, and answers
 * NoSuchEntity for the task.
 */
async function getServiceLinkedRoleDeletionStatus(input: IamOperations['GetServiceLinkedRoleDeletionStatus']['input'], ctx: OperationContext) {
  const task = parseDeletionTaskId(input.DeletionTaskId);
  if (!task) throw invalidDeletionTaskId(input.DeletionTaskId);
  const role = await ctx.store.getByName<RoleData>(ctx.principal.accountId, Kind.role, task.roleName);
  if (role) throw noSuchDeletionTask(input.DeletionTaskId);
  return { Status: 'SUCCEEDED' as const };
}

export const serviceLinkedRoleHandlers = {
  CreateServiceLinkedRole: createServiceLinkedRole,
  DeleteServiceLinkedRole: deleteServiceLinkedRole,
  GetServiceLinkedRoleDeletionStatus: getServiceLinkedRoleDeletionStatus,
} satisfies IamHandlerTable;
