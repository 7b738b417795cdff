import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { Group } from '../../protocol/generated/iam.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import { noSuchGroup } from './errors.ts';

/**
 * IAM groups in the store: kind `group`, parent '', name and path in the record's columns.
 * Groups carry nothing else (AWS groups have no tags, no credentials and do not nest);
 * their members are `group-member` links from the group id to each user id.
 */
export type GroupData = Record<string, never>;
export type GroupRecord = EntityRecord<GroupData>;

export function groupArn(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'group', path, name);
}

/** Loads a group of the account by name (case-insensitive), or fails with NoSuchEntity. */
export async function requireGroup(tx: StoreTx, accountId: string, groupName: string): Promise<GroupRecord> {
  const group = await tx.getByName<GroupData>(accountId, Kind.group, groupName);
  if (!group) throw noSuchGroup(groupName);
  return group;
}

/** The `Group` structure of IAM responses. */
export function groupOutput(group: GroupRecord): Group {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: groupArn(group.accountId, group.path, group.name),
    CreateDate: new Date(group.createdAt),
  };
}
