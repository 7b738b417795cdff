import type { ContextValue } from '../../policy/index.ts';
import type { AuthorizationTarget, TargetContext, TargetTable } from '../authorization/target.ts';
import { createTarget } from '../authorization/request-tags.ts';
import { iamArn } from '../../kernel/arns.ts';
import { tagMap } from '../tags.ts';
import { HOLDERS, holderArn, holderBoundary, holderTags, type HolderType } from './holders.ts';
import { findHolderByArn, parseHolderArn } from './holder-arn.ts';
import { policyArn } from './records.ts';
import { policyTags } from './policy-tags.ts';

/**
 * How each operation of the policies module is authorized (see ../authorization/target.ts),
 * per AWS's Service Authorization Reference:
 *   - policy operations act on the policy (arn:aws:iam::<account>:policy/<path><name>, or an
 *     AWS managed policy's ARN); customer policies are taggable, so existing ones carry tags;
 *   - attaching, detaching and inline policies act on the user, group or role, with
 *     iam:PolicyARN naming the managed policy, and iam:PermissionsBoundary naming the user's
 *     or role's current boundary (AWS's documented way to require a boundary on the entities
 *     an administrator may change);
 *   - Put/Delete…PermissionsBoundary act on the user or role, iam:PermissionsBoundary naming
 *     the boundary being set (or removed);
 *   - ListPolicies names no resource ("*");
 *   - ListPoliciesGrantingServiceAccess acts on the user, group or role its Arn names.
 * Resolvers never fail for a missing entity: the handler reports NoSuchEntity after authorization.
 */

const policyTarget = policyTags.target;

/** The user, group or role an operation names; with iam:PermissionsBoundary when `withBoundary`. */
async function holderTarget(ctx: TargetContext, type: HolderType, name: string, context: Record<string, ContextValue> = {}, withBoundary = true): Promise<AuthorizationTarget> {
  const holder = await ctx.tx.getByName(ctx.accountId, HOLDERS[type].kind, name);
  if (!holder) return { resource: iamArn(ctx.accountId, type, '/', name), context };
  const boundary = withBoundary ? holderBoundary(type, holder) : undefined;
  const tags = holderTags(type, holder);
  return {
    resource: holderArn(type, holder),
    ...(tags.length > 0 ? { resourceTags: tagMap(tags) } : {}),
    context: { ...context, ...(boundary !== undefined ? { 'iam:PermissionsBoundary': boundary } : {}) },
  };
}

/** The entity an `Arn` input names: its stored ARN and tags, or the ARN as given when unknown. */
async function holderArnTarget(ctx: TargetContext, arn: string): Promise<AuthorizationTarget> {
  const parsed = parseHolderArn(arn);
  const holder = parsed === undefined ? undefined : await findHolderByArn(ctx.tx, ctx.accountId, parsed);
  if (parsed === undefined || holder === undefined) return { resource: arn };
  const tags = holderTags(parsed.type, holder);
  return { resource: holderArn(parsed.type, holder), ...(tags.length > 0 ? { resourceTags: tagMap(tags) } : {}) };
}

const policyArnContext = (arn: string) => ({ 'iam:PolicyARN': arn });

export const targets = {
  CreatePolicy: async (input, ctx) => createTarget(policyArn(ctx.accountId, input.Path ?? '/', input.PolicyName), 'iam:TagPolicy', input.Tags),
  GetPolicy: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  DeletePolicy: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  ListPolicies: async (_input, _ctx) => ({ resource: '*' }),
  ...policyTags.targets,
  CreatePolicyVersion: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  GetPolicyVersion: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  ListPolicyVersions: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  DeletePolicyVersion: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  SetDefaultPolicyVersion: (input, ctx) => policyTarget(ctx, input.PolicyArn),
  ListEntitiesForPolicy: (input, ctx) => policyTarget(ctx, input.PolicyArn),

  AttachUserPolicy: (input, ctx) => holderTarget(ctx, 'user', input.UserName, policyArnContext(input.PolicyArn)),
  AttachGroupPolicy: (input, ctx) => holderTarget(ctx, 'group', input.GroupName, policyArnContext(input.PolicyArn)),
  AttachRolePolicy: (input, ctx) => holderTarget(ctx, 'role', input.RoleName, policyArnContext(input.PolicyArn)),
  DetachUserPolicy: (input, ctx) => holderTarget(ctx, 'user', input.UserName, policyArnContext(input.PolicyArn)),
  DetachGroupPolicy: (input, ctx) => holderTarget(ctx, 'group', input.GroupName, policyArnContext(input.PolicyArn)),
  DetachRolePolicy: (input, ctx) => holderTarget(ctx, 'role', input.RoleName, policyArnContext(input.PolicyArn)),
  ListAttachedUserPolicies: (input, ctx) => holderTarget(ctx, 'user', input.UserName, {}, false),
  ListAttachedGroupPolicies: (input, ctx) => holderTarget(ctx, 'group', input.GroupName, {}, false),
  ListAttachedRolePolicies: (input, ctx) => holderTarget(ctx, 'role', input.RoleName, {}, false),

  PutUserPolicy: (input, ctx) => holderTarget(ctx, 'user', input.UserName),
  PutGroupPolicy: (input, ctx) => holderTarget(ctx, 'group', input.GroupName),
  PutRolePolicy: (input, ctx) => holderTarget(ctx, 'role', input.RoleName),
  GetUserPolicy: (input, ctx) => holderTarget(ctx, 'user', input.UserName, {}, false),
  GetGroupPolicy: (input, ctx) => holderTarget(ctx, 'group', input.GroupName, {}, false),
  GetRolePolicy: (input, ctx) => holderTarget(ctx, 'role', input.RoleName, {}, false),
  DeleteUserPolicy: (input, ctx) => holderTarget(ctx, 'user', input.UserName),
  DeleteGroupPolicy: (input, ctx) => holderTarget(ctx, 'group', input.GroupName),
  DeleteRolePolicy: (input, ctx) => holderTarget(ctx, 'role', input.RoleName),
  ListUserPolicies: (input, ctx) => holderTarget(ctx, 'user', input.UserName, {}, false),
  ListGroupPolicies: (input, ctx) => holderTarget(ctx, 'group', input.GroupName, {}, false),
  ListRolePolicies: (input, ctx) => holderTarget(ctx, 'role', input.RoleName, {}, false),

  // The boundary being set replaces whatever the entity had: the condition names the new one.
  PutUserPermissionsBoundary: async (input, ctx) => ({
    ...(await holderTarget(ctx, 'user', input.UserName, {}, false)),
    context: { 'iam:PermissionsBoundary': input.PermissionsBoundary },
  }),
  PutRolePermissionsBoundary: async (input, ctx) => ({
    ...(await holderTarget(ctx, 'role', input.RoleName, {}, false)),
    context: { 'iam:PermissionsBoundary': input.PermissionsBoundary },
  }),
  DeleteUserPermissionsBoundary: (input, ctx) => holderTarget(ctx, 'user', input.UserName),
  DeleteRolePermissionsBoundary: (input, ctx) => holderTarget(ctx, 'role', input.RoleName),

  ListPoliciesGrantingServiceAccess: (input, ctx) => holderArnTarget(ctx, input.Arn),
} satisfies TargetTable;
