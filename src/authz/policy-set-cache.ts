import type { PolicySet } from '../policy/index.ts';

/**
 * The policy sets of recent callers, each valid for the authorization epoch it was built at
 * (see iam/authorization-epoch.ts): a hit costs one read of the epoch instead of the reads
 * that gather a principal's inline, managed and group policies. Bounded; oldest out first.
 */
export class PolicySetCache {
  readonly #entries = new Map<string, { epoch: number; set: PolicySet }>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  get(principalId: string, epoch: number): PolicySet | undefined {
    const entry = this.#entries.get(principalId);
    return entry && entry.epoch === epoch ? entry.set : undefined;
  }

  set(principalId: string, epoch: number, set: PolicySet): void {
    this.#entries.delete(principalId);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(principalId, { epoch, set });
  }
}
