import type { Store } from './types.ts';

/**
 * Values read from the store, each reused while the store's change mark (Store.changeMark)
 * stays where it was just before the value was read: no write anywhere has committed since,
 * so a read now would return the same. The mark is taken before the read, so a write that
 * commits while the read is in flight moves it and the value is read again next time. A
 * store that cannot tell (PostgreSQL) is read every time. Bounded; oldest out first.
 *
 * Meant for small values read on every request, such as an authorization epoch: what is
 * keyed by the epoch then survives writes that do not move it.
 */
export class ReadMirror<V> {
  readonly #store: Pick<Store, 'changeMark'>;
  readonly #capacity: number;
  readonly #entries = new Map<string, { mark: number; value: V }>();

  constructor(store: Pick<Store, 'changeMark'>, capacity = 10_000) {
    this.#store = store;
    this.#capacity = capacity;
  }

  /** The value, from the mirror when nothing can have changed it, else from `load`. */
  read(key: string, load: () => Promise<V>): V | Promise<V> {
    const mark = this.#store.changeMark();
    if (mark === undefined) return load();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.mark === mark) return entry.value;
    return load().then((value) => {
      this.#remember(key, mark, value);
      return value;
    });
  }

  #remember(key: string, mark: number, value: V): void {
    const entry = this.#entries.get(key);
    // A slower read that started at an older mark must not replace a newer one.
    if (entry !== undefined && entry.mark > mark) return;
    if (entry === undefined && this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { mark, value });
  }
}
