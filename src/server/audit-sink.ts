import type { AuditEvent, Store } from '../store/types.ts';
import type { Logger } from './logger.ts';

/**
 * Collects one audit event per request and writes them to the store in the background, in
 * batches: a synchronous store write per request would put an fsync on every request's
 * path. Events are flushed every `intervalMs`, when `maxBatch` are waiting, and on close.
 * A crash can lose at most the last interval's events; the requests themselves are not
 * affected (their own writes were committed before they were answered).
 */
export class AuditSink {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  #pending: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly #intervalMs: number;

  constructor(store: Store, logger: Logger, options: { intervalMs?: number; maxBatch?: number } = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 200;
    this.#maxBatch = options.maxBatch ?? 500;
  }

  record(event: AuditEvent): void {
    this.#pending.push(event);
    if (this.#pending.length >= this.#maxBatch) {
      void this.flush();
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Writes everything recorded so far; resolves when it is in the store. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.#store.appendAudit(batch);
      } catch (err) {
        this.#logger.error('audit write failed', { events: batch.length, error: String(err) });
      }
    });
    return this.#flushing;
  }

  /** Drops unwritten events (dev-mode reset). */
  discard(): void {
    this.#pending = [];
  }
}
