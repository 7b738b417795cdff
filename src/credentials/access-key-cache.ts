import type { Store } from '../store/types.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import type { AuthorizationEpochs } from '../iam/authorization-epoch.ts';
import { Kind, type AccessKeyData } from '../iam/records.ts';
import { resolveAccessKey, type ResolvedCredentials } from './resolve-access-key.ts';

/**
 * Resolved long-term access keys — the principal and the opened secret — each kept for the
 * authorization epoch of its account it was resolved at (iam/authorization-epoch.ts). Every
 * write of a key or its user (UpdateAccessKey, DeleteAccessKey, TagUser, UpdateUser,
 * DeleteUser, a root key's secret set at start) moves that epoch in the same transaction, so
 * a kept key is never used past a change: the next request, on any node, resolves it again.
 * With the epoch mirrored (SQLite), a warm request resolves its key without a store read.
 *
 * Only active keys are kept: an unknown, inactive or deleted key is read every time, as
 * before, and a failed lookup leaves nothing behind. Bounded; oldest out first.
 */
export class AccessKeyCache {
  readonly #store: Store;
  readonly #secrets: SecretSealer;
  readonly #epochs: AuthorizationEpochs;
  readonly #capacity: number;
  readonly #entries = new Map<string, { epoch: number; resolved: ResolvedCredentials }>();

  constructor(store: Store, secrets: SecretSealer, epochs: AuthorizationEpochs, capacity = 10_000) {
    this.#store = store;
    this.#secrets = secrets;
    this.#epochs = epochs;
    this.#capacity = capacity;
  }

  async resolve(accessKeyId: string): Promise<ResolvedCredentials | undefined> {
    const entry = this.#entries.get(accessKeyId);
    if (entry !== undefined) {
      const epoch = await this.#epochs.current(entry.resolved.principal.accountId);
      if (epoch === entry.epoch) return entry.resolved;
      this.#entries.delete(accessKeyId);
    }
    // The key's account, and so the epoch to keep it for, is known once the key is read…
    const key = await this.#store.get<AccessKeyData>(Kind.accessKey, accessKeyId);
    if (!key || key.data.status !== 'Active') return undefined;
    const epoch = await this.#epochs.current(key.accountId);
    // …and what is kept is read after that epoch, so that it is no older than the epoch.
    const resolved = await resolveAccessKey(this.#store, this.#secrets, accessKeyId);
    if (resolved !== undefined && resolved.principal.accountId === key.accountId) this.#remember(accessKeyId, epoch, resolved);
    return resolved;
  }

  /**
   * Forgets every key: for a store emptied under it (dev mode's reset), where epochs start
   * again from zero and an old key's epoch could come round again.
   */
  clear(): void {
    this.#entries.clear();
  }

  #remember(accessKeyId: string, epoch: number, resolved: ResolvedCredentials): void {
    this.#entries.delete(accessKeyId);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(accessKeyId, { epoch, resolved });
  }
}
