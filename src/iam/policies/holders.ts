import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { Quotas } from '../../kernel/quotas.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind, Link } from '../kinds.ts';
import { requireUser } from '../user-lookup.ts';
import type { UserData } from '../records.ts';
import { requireGroup } from '../groups/records.ts';
import { requireRole, type RoleData } from '../roles/records.ts';
import type { Tag } from '../tags.ts';

/**
 * Users, groups and roles hold policies alike — inline policies, attached managed policies —
 * with only names, kinds and quotas differing. One description per holder type lets every
 * policy operation be written once.
 */
export type HolderType = 'user' | 'group' | 'role';

export interface HolderSpec {
  type: HolderType;
  kind: string;
  /** Attachment links: holder id → managed policy ARN. */
  link: string;
  inlineKind: string;
  /** AWS's quota name in "Cannot exceed quota for PoliciesPerUser: 10". */
  attachedQuotaName: string;
  attachedQuota(quotas: Quotas): number;
  /** Aggregate size of the holder's inline policies, white space excluded. */
  inlineSizeLimit: number;
  /** Loads the holder by name (case-insensitive) or fails with its NoSuchEntity. */
  require(tx: StoreTx, accountId: string, name: string): Promise<EntityRecord>;
}

export const HOLDERS: Readonly<Record<HolderType, HolderSpec>> = {
  user: {
    type: 'user',
    kind: Kind.user,
    link: Link.userPolicy,
    inlineKind: Kind.userInlinePolicy,
    attachedQuotaName: 'PoliciesPerUser',
    attachedQuota: (q) => q.managedPoliciesPerUser,
    inlineSizeLimit: 2048,
    require: requireUser,
  },
  group: {
    type: 'group',
    kind: Kind.group,
    link: Link.groupPolicy,
    inlineKind: Kind.groupInlinePolicy,
    attachedQuotaName: 'PoliciesPerGroup',
    attachedQuota: (q) => q.managedPoliciesPerGroup,
    inlineSizeLimit: 5120,
    require: requireGroup,
  },
  role: {
    type: 'role',
    kind: Kind.role,
    link: Link.rolePolicy,
    inlineKind: Kind.roleInlinePolicy,
    attachedQuotaName: 'PoliciesPerRole',
    attachedQuota: (q) => q.managedPoliciesPerRole,
    inlineSizeLimit: 10240,
    require: requireRole,
  },
};

export function holderArn(type: HolderType, holder: EntityRecord): string {
  return iamArn(holder.accountId, type, holder.path, holder.name);
}

/** The holder's tags (users and roles are taggable; groups are not). */
export function holderTags(type: HolderType, holder: EntityRecord): readonly Tag[] {
  if (type === 'group') return [];
  return (holder.data as { tags?: Tag[] }).tags ?? [];
}

/** The managed policy ARN set as the holder's permissions boundary, if any (users and roles only). */
export function holderBoundary(type: HolderType, holder: EntityRecord): string | undefined {
  if (type === 'user') return (holder.data as UserData).permissionsBoundary;
  if (type === 'role') return (holder.data as RoleData).permissionsBoundary;
  return undefined;
}
