import type { AuthorizationTarget } from '../../authz/target.ts';
import type { TargetContext, TargetTable } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import { createTarget } from '../authorization/request-tags.ts';
import { parseDeletionTaskId } from './deletion-task.ts';
import { instanceProfileArn } from './instance-profile-records.ts';
import { instanceProfileTags } from './instance-profile-tags.ts';
import { roleArn, type RoleData } from './records.ts';
import { roleTags } from './role-tags.ts';
import { isServicePrincipal, serviceLinkedRoleName, serviceLinkedRolePath } from './service-linked-names.ts';

/**
 * How each operation of the roles module is authorized (see ../authorization/target.ts), per
 * AWS's Service Authorization Reference: role operations act on the role
 * (arn:aws:iam::<account>:role/<path><name>), instance-profile operations on the profile
 * (…:instance-profile/<path><name>); both are taggable, so existing ones carry their tags.
 * An entity that does not exist is named with the root path, as AWS's denials show it.
 */

const roleTarget = roleTags.target;
const profileTarget = instanceProfileTags.target;

/**
 * A role with iam:PermissionsBoundary naming the boundary it has: the Service Authorization
 * Reference lists the key for GetRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy
 * and DeleteRole (the policy operations set it in ../policies/authorization.ts). Without it a
 * Deny on the boundary never applied to them.
 */
async function roleWithBoundaryTarget(ctx: TargetContext, name: string): Promise<AuthorizationTarget> {
  const target = await roleTarget(ctx, name);
  const boundary = (await ctx.tx.getByName<RoleData>(ctx.accountId, Kind.role, name))?.data.permissionsBoundary;
  return boundary === undefined ? target : { ...target, context: { ...target.context, 'iam:PermissionsBoundary': boundary } };
}

/** The role CreateServiceLinkedRole would create; '*' under the service's path for a name it refuses. */
function serviceLinkedRoleResource(accountId: string, serviceName: string, customSuffix: string | undefined): string {
  if (!isServicePrincipal(serviceName)) return roleArn(accountId, '/aws-service-role/', '*');
  const named = serviceLinkedRoleName(serviceName, customSuffix);
  return roleArn(accountId, serviceLinkedRolePath(serviceName), named.ok ? named.name : '*');
}

export const targets = {
  CreateRole: async (input, ctx) => createTarget(roleArn(ctx.accountId, input.Path ?? '/', input.RoleName), 'iam:TagRole', input.Tags,
    input.PermissionsBoundary !== undefined ? { 'iam:PermissionsBoundary': input.PermissionsBoundary } : {}),
  GetRole: (input, ctx) => roleWithBoundaryTarget(ctx, input.RoleName),
  // Listing names the path prefix it lists, as for ListUsers.
  ListRoles: async (input, ctx) => ({ resource: roleArn(ctx.accountId, input.PathPrefix ?? '/', '') }),
  UpdateRole: (input, ctx) => roleWithBoundaryTarget(ctx, input.RoleName),
  UpdateRoleDescription: (input, ctx) => roleWithBoundaryTarget(ctx, input.RoleName),
  UpdateAssumeRolePolicy: (input, ctx) => roleWithBoundaryTarget(ctx, input.RoleName),
  DeleteRole: (input, ctx) => roleWithBoundaryTarget(ctx, input.RoleName),
  ...roleTags.targets,
  CreateServiceLinkedRole: async (input, ctx) => ({
    resource: serviceLinkedRoleResource(ctx.accountId, input.AWSServiceName, input.CustomSuffix),
    context: { 'iam:AWSServiceName': input.AWSServiceName },
  }),
  DeleteServiceLinkedRole: (input, ctx) => roleTarget(ctx, input.RoleName),
  GetServiceLinkedRoleDeletionStatus: async (input, ctx) => {
    const task = parseDeletionTaskId(input.DeletionTaskId);
    return { resource: task ? roleArn(ctx.accountId, task.path, task.roleName) : roleArn(ctx.accountId, '/aws-service-role/', '*') };
  },

  CreateInstanceProfile: async (input, ctx) => createTarget(instanceProfileArn(ctx.accountId, input.Path ?? '/', input.InstanceProfileName), 'iam:TagInstanceProfile', input.Tags),
  GetInstanceProfile: (input, ctx) => profileTarget(ctx, input.InstanceProfileName),
  ListInstanceProfiles: async (input, ctx) => ({ resource: instanceProfileArn(ctx.accountId, input.PathPrefix ?? '/', '') }),
  DeleteInstanceProfile: (input, ctx) => profileTarget(ctx, input.InstanceProfileName),
  // Putting a role in a profile passes the role (to EC2, which runs instances with profiles):
  // AWS requires iam:PassRole on the role as well. iam:PassedToService is Tessera's best
  // reading of what the profile passes the role to; iam:AssociatedResourceArn is the API
  // Reference's ("The ARN value must be arn:aws:ec2:*:CallerAccountId:instance/*").
  AddRoleToInstanceProfile: async (input, ctx) => ({
    ...(await profileTarget(ctx, input.InstanceProfileName)),
    also: [{
      action: 'iam:PassRole',
      resource: (await roleTarget(ctx, input.RoleName)).resource,
      context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'iam:AssociatedResourceArn': `arn:aws:ec2:*:${ctx.accountId}:instance/*` },
    }],
  }),
  RemoveRoleFromInstanceProfile: (input, ctx) => profileTarget(ctx, input.InstanceProfileName),
  ListInstanceProfilesForRole: (input, ctx) => roleTarget(ctx, input.RoleName),
  ...instanceProfileTags.targets,
} satisfies TargetTable;
