import type { Store, StoreTx } from '../store/types.ts';
import { ReadMirror } from '../store/read-mirror.ts';

/**
 * An account's authorization epoch: a counter that every IAM write of the account
 * increments in the same transaction as the write itself. Whoever computed something from
 * the account's IAM state (the policies that apply to a principal) may keep it while the
 * epoch is unchanged: one read of the epoch replaces the several reads that rebuild it, and
 * because the bump commits atomically with the change, no node can see a change without
 * seeing the new epoch — a cached answer is never stale, on one node or many.
 */
const KIND = 'authz-epoch';

export async function readEpoch(store: StoreTx, accountId: string): Promise<number> {
  const record = await store.get<{ n: number }>(KIND, accountId);
  return record?.data.n ?? 0;
}

/**
 * Every account's epoch as this process last read it, reused while the store's change mark
 * holds (store/read-mirror.ts): on SQLite a warm request reads no epoch at all, yet a write
 * committed by this process or another one on the same file is seen by the next request. On
 * PostgreSQL each call reads the epoch (one single-row read).
 */
export class AuthorizationEpochs {
  readonly #store: Store;
  readonly #mirror: ReadMirror<number>;

  constructor(store: Store, capacity = 10_000) {
    this.#store = store;
    this.#mirror = new ReadMirror(store, capacity);
  }

  current(accountId: string): number | Promise<number> {
    return this.#mirror.read(accountId, () => readEpoch(this.#store, accountId));
  }
}

export async function bumpEpoch(tx: StoreTx, accountId: string, createdAt: string): Promise<void> {
  const record = await tx.get<{ n: number }>(KIND, accountId);
  if (record) {
    await tx.update({ ...record, data: { n: record.data.n + 1 } });
    return;
  }
  // Two first writes racing both insert: the loser fails like any write conflict.
  await tx.insert({ accountId, kind: KIND, id: accountId, name: 'epoch', parentId: '', path: '/', data: { n: 1 }, createdAt });
}

/**
 * The store as a mutating IAM operation sees it: every write — a transaction, or a single
 * insert/update/delete/link/unlink — also bumps the account's epoch, in the same transaction.
 */
export function epochBumpingStore(store: Store, accountId: string, now: () => string): Store {
  const withBump = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
    store.transaction(async (tx) => {
      const result = await fn(tx);
      await bumpEpoch(tx, accountId, now());
      return result;
    });
  // Plain delegation (not a prototype link): store implementations keep private state.
  return {
    dialect: store.dialect,
    transaction: withBump,
    insert: (record) => withBump((tx) => tx.insert(record)),
    update: (record) => withBump((tx) => tx.update(record)),
    delete: (kind, id) => withBump((tx) => tx.delete(kind, id)),
    link: (kind, account, fromId, toId) => withBump((tx) => tx.link(kind, account, fromId, toId)),
    unlink: (kind, fromId, toId) => withBump((tx) => tx.unlink(kind, fromId, toId)),
    get: (kind, id) => store.get(kind, id),
    getByName: (account, kind, name, parentId) => store.getByName(account, kind, name, parentId),
    list: (account, kind, options) => store.list(account, kind, options),
    count: (account, kind, options) => store.count(account, kind, options),
    scan: (kind, options) => store.scan(kind, options),
    hasLink: (kind, fromId, toId) => store.hasLink(kind, fromId, toId),
    linksFrom: (kind, fromId, options) => store.linksFrom(kind, fromId, options),
    linksTo: (kind, toId, options) => store.linksTo(kind, toId, options),
    countLinksFrom: (kind, fromId) => store.countLinksFrom(kind, fromId),
    countLinksTo: (kind, toId) => store.countLinksTo(kind, toId),
    appendAudit: (events) => store.appendAudit(events),
    listAudit: (options) => store.listAudit(options),
    clear: () => store.clear(),
    changeMark: () => store.changeMark(),
    close: () => store.close(),
  } as Store;
}

/** IAM operations that only read (the rest write and bump the epoch). */
export function isReadOnlyIamOperation(operation: string): boolean {
  return /^(Get|List|Simulate)/.test(operation);
}
