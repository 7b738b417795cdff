// A bounded cache of compiled policies keyed by (kind, document text).
//
// The same managed policy is attached to many principals and evaluated on every request,
// so compiling it once matters more than anything else for throughput. The cache is an
// ordinary object the caller creates and passes around (no module-level state): two
// servers in one process keep separate caches, and a test can start from an empty one.

import type { CompileResult } from './compile.ts';
import { compilePolicy, renamePolicy } from './compile.ts';
import type { PolicyKind, ValidateOptions } from './types.ts';

export interface PolicyCacheStats {
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
}

export class PolicyCache {
  readonly #entries = new Map<string, CompileResult>();
  readonly #capacity: number;
  #hits = 0;
  #misses = 0;

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('PolicyCache capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /**
   * Compiles (or returns the cached compilation of) `text` for `kind`. The display name
   * is not part of the key: the same document attached under two names shares one
   * compilation.
   */
  compile(text: string, kind: PolicyKind, name?: string, options?: ValidateOptions): CompileResult {
    const key = `${kind}\u0000${options?.inlineFor ?? ''}\u0000${options?.entityName ?? ''}\u0000${text}`;
    let result = this.#entries.get(key);
    if (result !== undefined) {
      this.#hits++;
      // Refresh recency: Map iteration order is insertion order, so re-inserting moves
      // the entry to the young end.
      this.#entries.delete(key);
      this.#entries.set(key, result);
    } else {
      this.#misses++;
      result = compilePolicy(text, kind, name, options);
      this.#entries.set(key, result);
      if (this.#entries.size > this.#capacity) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    if (result.ok && name !== undefined) return { ok: true, policy: renamePolicy(result.policy, name) };
    return result;
  }

  stats(): PolicyCacheStats {
    return { size: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  clear(): void {
    this.#entries.clear();
  }
}
