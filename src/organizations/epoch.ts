import type { Store, StoreTx } from '../store/types.ts';

/**
 * The organizations epoch: one counter that every write of Organizations state (an
 * organization, its OUs and accounts, policies, attachments, enabled policy types) moves in
 * the same transaction as the write. The authorizer reads it on every request and keeps the
 * SCP and RCP levels it computed only while it holds (authz/organization-policies.ts), so a
 * change anywhere in any organization applies to the next request on every node sharing the
 * store — there is no window in which a node can see the change without the new epoch.
 *
 * One counter for the whole store (not one per organization): a request then needs one read
 * to know its cached guardrails are current, whatever accounts it involves. Organization
 * writes are rare next to requests; they serialize on this row, which is the price.
 */
const KIND = 'org-epoch';
const ID = 'organizations';

export async function readOrganizationsEpoch(store: StoreTx): Promise<number> {
  const record = await store.get<{ n: number }>(KIND, ID);
  return record?.data.n ?? 0;
}

async function bump(tx: StoreTx, createdAt: string): Promise<void> {
  const record = await tx.get<{ n: number }>(KIND, ID);
  if (record) {
    await tx.update({ ...record, data: { n: record.data.n + 1 } });
    return;
  }
  // Two first writes racing both insert: the loser fails like any write conflict and retries.
  await tx.insert({ accountId: '', kind: KIND, id: ID, name: ID, parentId: '', path: '/', data: { n: 1 }, createdAt });
}

/** Runs a write of Organizations state in one transaction that also moves the epoch. */
export function writeOrganizations<T>(store: Store, now: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  return store.transaction(async (tx) => {
    const result = await fn(tx);
    await bump(tx, now);
    return result;
  });
}
