import { allLinks, listAll } from '../store-scan.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { HOLDERS, holderBoundary, type HolderType } from './holders.ts';
import type { ManagedPolicyRef } from './lookup.ts';

/**
 * Where managed policies are used: attachments (links from users, groups and roles to the
 * policy ARN) and permissions boundaries (the `permissionsBoundary` of users and roles).
 *
 * Counts are always computed from those, never kept as counters, so AttachmentCount cannot
 * drift: concurrent attach/detach, or an entity removed with its links (a service-linked role
 * deleted by its service), change the count by changing the links themselves.
 *
 * Links to an AWS managed policy come from every account (its ARN is the same everywhere),
 * so they are filtered by the holder's account.
 */

export interface PolicyHolder {
  type: HolderType;
  record: EntityRecord;
}

/** Every entity of a kind in the account without a parent (users, groups, roles). */
export function allEntities<D>(tx: StoreTx, accountId: string, kind: string): Promise<EntityRecord<D>[]> {
  return listAll<D>(tx, accountId, kind, { parentId: '' });
}

export { allLinks };

/** The users, groups and roles of the account a managed policy is attached to. */
export async function attachedHolders(tx: StoreTx, accountId: string, arn: string, types: readonly HolderType[] = ['user', 'group', 'role']): Promise<PolicyHolder[]> {
  const holders: PolicyHolder[] = [];
  for (const type of types) {
    const spec = HOLDERS[type];
    for (const id of await allLinks(tx, 'to', spec.link, arn)) {
      const record = await tx.get(spec.kind, id);
      if (record && record.accountId === accountId) holders.push({ type, record });
    }
  }
  return holders;
}

/** AttachmentCount: how many users, groups and roles of the account the policy is attached to. */
export async function attachmentCount(tx: StoreTx, accountId: string, ref: ManagedPolicyRef): Promise<number> {
  if (ref.source === 'aws') return (await attachedHolders(tx, accountId, ref.arn)).length;
  // A customer policy's ARN names its account: every link to it is from that account.
  let count = 0;
  for (const spec of Object.values(HOLDERS)) count += await tx.countLinksTo(spec.link, ref.arn);
  return count;
}

/** The users and roles of the account whose permissions boundary is the policy. */
export async function boundaryHolders(tx: StoreTx, accountId: string, arn: string, types: readonly ('user' | 'role')[] = ['user', 'role']): Promise<PolicyHolder[]> {
  const holders: PolicyHolder[] = [];
  for (const type of types) {
    for (const record of await allEntities(tx, accountId, HOLDERS[type].kind)) {
      if (holderBoundary(type, record) === arn) holders.push({ type, record });
    }
  }
  return holders;
}

export interface PolicyUsage {
  attachments: number;
  boundaries: number;
}

/**
 * How every managed policy is used in one account, by policy ARN: one pass over the account's
 * users, groups and roles (for listings that filter or count many policies at once).
 */
export async function accountPolicyUsage(tx: StoreTx, accountId: string): Promise<Map<string, PolicyUsage>> {
  const usage = new Map<string, PolicyUsage>();
  const entry = (arn: string): PolicyUsage => {
    let found = usage.get(arn);
    if (!found) usage.set(arn, (found = { attachments: 0, boundaries: 0 }));
    return found;
  };
  for (const spec of Object.values(HOLDERS)) {
    for (const record of await allEntities(tx, accountId, spec.kind)) {
      for (const arn of await allLinks(tx, 'from', spec.link, record.id)) entry(arn).attachments++;
      const boundary = holderBoundary(spec.type, record);
      if (boundary !== undefined) entry(boundary).boundaries++;
    }
  }
  return usage;
}
