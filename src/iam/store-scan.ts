import type { EntityRecord, ListOptions, StoreTx } from '../store/types.ts';

/** Rows fetched per store query when a whole collection must be read. */
const BATCH = 500;

/**
 * Every entity of a kind in an account (optionally under one parent or path prefix), in the
 * store's order, read batch by batch with keyset paging so no single query is unbounded.
 * For operations that must see a whole collection at once: reports, and the short,
 * quota-bounded lists the model does not page (ListOpenIDConnectProviders, ListSAMLProviders).
 * The store pages by lower-cased name, so names must be unique within what is listed: list
 * one parent's children, or kinds whose names are unique account-wide.
 */
export async function listAll<D>(tx: StoreTx, accountId: string, kind: string, options: Omit<ListOptions, 'after' | 'limit'> = {}): Promise<EntityRecord<D>[]> {
  const all: EntityRecord<D>[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await tx.list<D>(accountId, kind, { ...options, ...(after !== undefined ? { after } : {}), limit: BATCH });
    all.push(...batch);
    if (batch.length < BATCH) return all;
    after = batch[batch.length - 1]!.name.toLowerCase();
  }
}

/** Every id linked from or to `id` by a link kind, read in batches. */
export async function allLinks(tx: StoreTx, direction: 'from' | 'to', kind: string, id: string): Promise<string[]> {
  const all: string[] = [];
  let after: string | undefined;
  for (;;) {
    const options = { ...(after !== undefined ? { after } : {}), limit: BATCH };
    const batch = direction === 'from' ? await tx.linksFrom(kind, id, options) : await tx.linksTo(kind, id, options);
    all.push(...batch);
    if (batch.length < BATCH) return all;
    after = batch[batch.length - 1]!;
  }
}
