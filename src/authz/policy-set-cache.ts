import type { HolderPolicies } from './policy-source.ts';

/**
 * The policies of recent callers' users and roles, each valid for the authorization epoch it
 * was read at (see iam/authorization-epoch.ts): a hit costs one read of the epoch instead of
 * the reads that gather a principal's inline, managed and group policies. `null` remembers a
 * user or role that no longer exists. Bounded; oldest out first.
 */
export class PolicySetCache {
  readonly #entries = new Map<string, { epoch: number; set: HolderPolicies | null }>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  get(principalId: string, epoch: number): HolderPolicies | null | undefined {
    const entry = this.#entries.get(principalId);
    return entry && entry.epoch === epoch ? entry.set : undefined;
  }

  /** Forgets every set (a store emptied under it, where epochs start again from zero). */
  clear(): void {
    this.#entries.clear();
  }

  set(principalId: string, epoch: number, set: HolderPolicies | null): void {
    this.#entries.delete(principalId);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(principalId, { epoch, set });
  }
}
