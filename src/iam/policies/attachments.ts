import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { PolicyGroup, PolicyRole, PolicyUser } from '../../protocol/generated/iam.ts';
import { noSuchPolicy, quotaExceeded } from '../errors.ts';
import { pageArray } from '../paging.ts';
import { assertPathPrefix } from '../paths.ts';
import { isAttachableAwsPolicy } from './aws-managed.ts';
import { policyNotAttached, serviceRolePolicyNotAttachable } from './errors.ts';
import { HOLDERS, type HolderType } from './holders.ts';
import { preloadManagedPolicy, requireManagedPolicy, resolveManagedPolicy } from './lookup.ts';
import { parsePolicyArn } from './records.ts';
import { allLinks, attachedHolders, boundaryHolders, type PolicyHolder } from './usage.ts';

/**
 * Managed policy attachments: Attach/Detach User/Group/RolePolicy, ListAttached
 * User/Group/RolePolicies and ListEntitiesForPolicy. An attachment is a link from the
 * holder's id to the policy's ARN, written in the same transaction that checks the policy
 * exists and the holder's quota, so concurrent attachments can neither exceed the quota nor
 * attach a policy being deleted.
 */

async function attach(type: HolderType, holderName: string, policyArn: string, ctx: OperationContext): Promise<Record<string, never>> {
  const spec = HOLDERS[type];
  const accountId = ctx.principal.accountId;
  await preloadManagedPolicy(policyArn);
  await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, accountId, holderName);
    const ref = await requireManagedPolicy(tx, accountId, policyArn, noSuchPolicy);
    if (ref.source === 'aws' && !isAttachableAwsPolicy(ref.policy)) throw serviceRolePolicyNotAttachable();
    // Attaching an attached policy again succeeds and changes nothing, as on AWS.
    if (await tx.hasLink(spec.link, holder.id, ref.arn)) return;
    const quota = spec.attachedQuota(ctx.quotas);
    if ((await tx.countLinksFrom(spec.link, holder.id)) >= quota) throw quotaExceeded(spec.attachedQuotaName, quota);
    await tx.link(spec.link, accountId, holder.id, ref.arn);
  });
  return {};
}

async function detach(type: HolderType, holderName: string, policyArn: string, ctx: OperationContext): Promise<Record<string, never>> {
  const spec = HOLDERS[type];
  const accountId = ctx.principal.accountId;
  await preloadManagedPolicy(policyArn);
  await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, accountId, holderName);
    // The link holds the policy's own spelling of its ARN; the request may spell the name in another case.
    const arn = (await resolveManagedPolicy(tx, accountId, policyArn))?.arn ?? policyArn;
    if (!(await tx.unlink(spec.link, holder.id, arn))) throw policyNotAttached(policyArn);
  });
  return {};
}

/** The holder's attached policies under the path prefix, ordered by ARN. */
async function listAttached(type: HolderType, holderName: string, input: { PathPrefix?: string; Marker?: string; MaxItems?: number }, ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'policy');
  const spec = HOLDERS[type];
  const attached = await ctx.store.transaction(async (tx) => {
    const holder = await spec.require(tx, ctx.principal.accountId, holderName);
    return allLinks(tx, 'from', spec.link, holder.id);
  });
  const pathPrefix = input.PathPrefix ?? '/';
  const policies = attached.flatMap((arn) => {
    const parsed = parsePolicyArn(arn);
    return parsed && parsed.path.startsWith(pathPrefix) ? [{ PolicyName: parsed.name, PolicyArn: arn }] : [];
  });
  const page = pageArray(policies, (p) => p.PolicyArn, input.Marker, input.MaxItems);
  return { AttachedPolicies: page.items, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

/** Which holder types an EntityFilter selects; the managed-policy values select none here. */
function holderTypesFor(filter: IamOperations['ListEntitiesForPolicy']['input']['EntityFilter']): HolderType[] {
  switch (filter) {
    case undefined:
      return ['user', 'group', 'role'];
    case 'User':
      return ['user'];
    case 'Group':
      return ['group'];
    case 'Role':
      return ['role'];
    default:
      return [];
  }
}

/**
 * The users, groups and roles a policy is attached to (PolicyUsageFilter=PermissionsPolicy),
 * whose permissions boundary it is (PermissionsBoundary), or both (no filter), under the path
 * prefix, ordered groups, roles, users and by name within each.
 */
async function listEntitiesForPolicy(input: IamOperations['ListEntitiesForPolicy']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'holder');
  const accountId = ctx.principal.accountId;
  const types = holderTypesFor(input.EntityFilter);
  await preloadManagedPolicy(input.PolicyArn);
  const holders = await ctx.store.transaction(async (tx) => {
    const ref = await requireManagedPolicy(tx, accountId, input.PolicyArn);
    const found: PolicyHolder[] = [];
    if (input.PolicyUsageFilter !== 'PermissionsBoundary') found.push(...(await attachedHolders(tx, accountId, ref.arn, types)));
    if (input.PolicyUsageFilter !== 'PermissionsPolicy') {
      const bounded = types.filter((t): t is 'user' | 'role' => t !== 'group');
      found.push(...(await boundaryHolders(tx, accountId, ref.arn, bounded)));
    }
    return found;
  });
  const pathPrefix = input.PathPrefix ?? '/';
  const byKey = new Map<string, PolicyHolder>();
  for (const holder of holders) {
    if (holder.record.path.startsWith(pathPrefix)) byKey.set(`${holder.type}\n${holder.record.name.toLowerCase()}`, holder);
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const page = pageArray(sorted, ([key]) => key, input.Marker, input.MaxItems);
  const groups: PolicyGroup[] = [];
  const users: PolicyUser[] = [];
  const roles: PolicyRole[] = [];
  for (const [, { type, record }] of page.items) {
    if (type === 'group') groups.push({ GroupName: record.name, GroupId: record.id });
    else if (type === 'user') users.push({ UserName: record.name, UserId: record.id });
    else roles.push({ RoleName: record.name, RoleId: record.id });
  }
  return {
    PolicyGroups: groups,
    PolicyUsers: users,
    PolicyRoles: roles,
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

export const attachmentHandlers = {
  AttachUserPolicy: (input, ctx) => attach('user', input.UserName, input.PolicyArn, ctx),
  AttachGroupPolicy: (input, ctx) => attach('group', input.GroupName, input.PolicyArn, ctx),
  AttachRolePolicy: (input, ctx) => attach('role', input.RoleName, input.PolicyArn, ctx),
  DetachUserPolicy: (input, ctx) => detach('user', input.UserName, input.PolicyArn, ctx),
  DetachGroupPolicy: (input, ctx) => detach('group', input.GroupName, input.PolicyArn, ctx),
  DetachRolePolicy: (input, ctx) => detach('role', input.RoleName, input.PolicyArn, ctx),
  ListAttachedUserPolicies: (input, ctx) => listAttached('user', input.UserName, input, ctx),
  ListAttachedGroupPolicies: (input, ctx) => listAttached('group', input.GroupName, input, ctx),
  ListAttachedRolePolicies: (input, ctx) => listAttached('role', input.RoleName, input, ctx),
  ListEntitiesForPolicy: listEntitiesForPolicy,
} satisfies IamHandlerTable;
