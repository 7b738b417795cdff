import type { Store, StoreTx } from '../../store/types.ts';

/**
 * Runs slow work (password hashing: tens of milliseconds per hash) outside the store's
 * transaction, yet commits atomically with what it was based on.
 *
 * 1. read the state and compute its fingerprint, outside any transaction;
 * 2. `prepare` from it (slow; may throw the operation's errors);
 * 3. in one transaction, read again: if the fingerprint is unchanged, `commit`; otherwise
 *    another request changed the state meanwhile, so start over.
 *
 * SQLite allows one writer at a time, so holding its transaction through a dozen scrypt runs
 * would stall every other write. After a few lost races the last attempt does all three steps
 * inside one transaction, so a busy record still makes progress.
 */
const OPTIMISTIC_ATTEMPTS = 4;

export interface SnapshotSteps<S, P, R> {
  read(tx: StoreTx): Promise<S>;
  fingerprint(state: S): string;
  prepare(state: S): Promise<P>;
  commit(tx: StoreTx, state: S, prepared: P): Promise<R>;
}

export async function commitOnStableSnapshot<S, P, R>(store: Store, steps: SnapshotSteps<S, P, R>): Promise<R> {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const state = await steps.read(store);
    const prepared = await steps.prepare(state);
    const outcome = await store.transaction(async (tx) => {
      const again = await steps.read(tx);
      if (steps.fingerprint(again) !== steps.fingerprint(state)) return { committed: false as const };
      return { committed: true as const, result: await steps.commit(tx, again, prepared) };
    });
    if (outcome.committed) return outcome.result;
  }
  return store.transaction(async (tx) => {
    const state = await steps.read(tx);
    return steps.commit(tx, state, await steps.prepare(state));
  });
}
