// What the lookups read upstream (policies, tags, key schemas, alias targets), kept a short
// while: bounded in entries, each for `ttlMs`, and dropped at once when a write of that
// resource passes through this Tessera. Another node's write (or one made directly upstream)
// is seen when the entry expires: the TTL is the bound on staleness.

export class LookupCache {
  readonly #entries = new Map<string, { value: unknown; expires: number }>();
  readonly #byResource = new Map<string, Set<string>>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { maxEntries?: number; ttlMs?: number; now: () => number }) {
    this.#max = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#now = options.now;
  }

  /**
   * The cached value of `kind` for `resource`, or `read()`'s (cached). Concurrent requests for
   * one entry share one read; a failed read is not cached.
   */
  get<T>(kind: string, account: string, resource: string, read: () => Promise<T>): Promise<T> {
    const key = `${kind}\u0000${account}\u0000${resource}`;
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expires > this.#now()) return entry.value as Promise<T>;
    const value = read();
    if (this.#ttlMs > 0) {
      this.#set(key, resource, value);
      value.catch(() => {
        if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      });
    }
    return value;
  }

  /** Forgets everything read about `resource` (its policy, tags, resolution…). */
  invalidate(resource: string): void {
    const keys = this.#byResource.get(resource);
    if (keys === undefined) return;
    for (const key of keys) this.#entries.delete(key);
    this.#byResource.delete(resource);
  }

  get size(): number {
    return this.#entries.size;
  }

  #set(key: string, resource: string, value: unknown): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
      const resourceOf = oldest.slice(oldest.lastIndexOf('\u0000') + 1);
      const siblings = this.#byResource.get(resourceOf);
      siblings?.delete(oldest);
      if (siblings?.size === 0) this.#byResource.delete(resourceOf);
    }
    this.#entries.set(key, { value, expires: this.#now() + this.#ttlMs });
    let keys = this.#byResource.get(resource);
    if (keys === undefined) {
      keys = new Set();
      this.#byResource.set(resource, keys);
    }
    keys.add(key);
  }
}
