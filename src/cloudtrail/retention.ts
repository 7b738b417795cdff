import type { Store } from '../store/types.ts';

/** CloudTrail's event history keeps 90 days; so does Tessera's by default (`--audit-retention`). */
export const DEFAULT_RETENTION_SECONDS = 90 * 86_400;

/** How many events one prune statement deletes: small batches keep each write short. */
const PRUNE_BATCH = 5_000;

/**
 * Deletes every event older than the retention period, in batches, oldest first; returns how
 * many went. Safe to run on several nodes at once (each batch is one transaction on whatever
 * is still there).
 */
export async function pruneExpiredEvents(store: Store, now: Date, retentionSeconds: number): Promise<number> {
  const before = new Date(now.getTime() - retentionSeconds * 1000).toISOString();
  let total = 0;
  for (;;) {
    const deleted = await store.pruneAudit(before, PRUNE_BATCH);
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
