import type { StoreTx } from '../../store/types.ts';
import { Kind } from '../kinds.ts';
import { versionNumber } from './aws-managed-index.ts';
import type { PolicyRecord, PolicyVersionData, PolicyVersionRecord } from './records.ts';

/**
 * A customer managed policy's version records. A policy has at most five, so they are read
 * whole; IAM lists them newest first, and 'v10' must come before 'v9', so they are ordered by
 * number rather than by the store's name order.
 */
export async function allVersions(tx: StoreTx, policy: PolicyRecord): Promise<PolicyVersionRecord[]> {
  const versions: PolicyVersionRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await tx.list<PolicyVersionData>(policy.accountId, Kind.policyVersion, { parentId: policy.id, ...(after !== undefined ? { after } : {}), limit: 100 });
    versions.push(...batch);
    if (batch.length < 100) break;
    after = batch[batch.length - 1]!.name.toLowerCase();
  }
  return versions.sort((a, b) => (versionNumber(b.name) ?? 0) - (versionNumber(a.name) ?? 0));
}

/** One version of a policy by ID ('v3'), or undefined. */
export async function findVersion(tx: StoreTx, policy: PolicyRecord, versionId: string): Promise<PolicyVersionRecord | undefined> {
  return tx.getByName<PolicyVersionData>(policy.accountId, Kind.policyVersion, versionId, policy.id);
}

/**
 * A paging key that sorts versions newest first (the order IAM lists them in): keys must
 * ascend in list order for Marker paging (see ../paging.ts).
 */
export function newestFirstKey(versionId: string): string {
  return String(1_000_000_000 - (versionNumber(versionId) ?? 0)).padStart(10, '0');
}
