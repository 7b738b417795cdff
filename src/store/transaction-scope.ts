import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Knows whether the current async call chain is inside one of a store's transactions.
 * A callback that calls the store itself (`store.get` instead of `tx.get`, or a nested
 * `store.transaction`) would deadlock on SQLite's lock, or on PostgreSQL read and write
 * outside the transaction it believes it is in; both are refused with a clear error instead.
 */
export class TransactionScope {
  readonly #inside = new AsyncLocalStorage<true>();

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#inside.run(true, fn);
  }

  checkOutside(): void {
    if (this.#inside.getStore()) {
      throw new Error('the store was called from inside its own transaction: use the tx passed to the transaction callback');
    }
  }
}
