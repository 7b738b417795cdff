import type { AuditEvent, Store } from '../store/types.ts';
import type { Logger } from './logger.ts';

/**
 * Writes every request's audit events to the store before the request is answered, with group
 * commit: the events of the requests that finish in one turn of the event loop go together, and
 * while the most writes allowed in flight (two) are under way, everything that finishes waits
 * for the next one, so under load one transaction (one fsync) carries many requests' events and
 * a lone request pays one small write. Two rather than one, so the store's side (the SQLite
 * writer thread, a PostgreSQL pool) is already at the next write while this loop is busy.
 *
 * The guarantee (README "CloudTrail", "What is never lost"): a response is sent only once its
 * events are committed — with SQLite's synchronous=FULL, in the WAL on disk; with PostgreSQL,
 * committed on the server. A crash (kill -9, power loss) therefore never loses the event of a
 * request that was answered. What it can lose is the event of a request that was never
 * answered: one whose own writes committed but whose event had not yet, when the process died.
 * If an event cannot be written, the request is answered InternalFailure instead.
 */
interface Waiter {
  events: AuditEvent[];
  done: (error?: unknown) => void;
}

export class AuditSink {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #pending: Waiter[] = [];
  /** Writes in flight: a few at once, so the store (a writer thread, a pool) is never idle while this loop is busy. */
  readonly #writing = new Set<Promise<void>>();
  #scheduled = false;
  #discarding = false;

  constructor(store: Store, logger: Logger, options: { maxBatch?: number; maxInFlight?: number } = {}) {
    this.#store = store;
    this.#logger = logger;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxInFlight = options.maxInFlight ?? 2;
  }

  /** Resolves once the events are committed to the store; rejects if they could not be written. */
  write(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ events, done: (error) => (error === undefined ? resolve() : reject(error)) });
      this.#schedule();
    });
  }

  /** Resolves when everything written so far is in the store. */
  async flush(): Promise<void> {
    while (this.#writing.size > 0 || this.#pending.length > 0) {
      if (this.#pending.length > 0 && this.#writing.size < this.#maxInFlight) this.#start();
      await Promise.race(this.#writing);
    }
  }

  /** Drops events not yet written (dev-mode reset); their requests are answered InternalFailure. */
  discard(): void {
    const dropped = this.#pending;
    this.#pending = [];
    for (const waiter of dropped) waiter.done(new Error('audit events discarded by a reset'));
    this.#discarding = true;
  }

  #schedule(): void {
    if (this.#writing.size >= this.#maxInFlight || this.#scheduled) return;
    // The requests finishing in this turn of the event loop share the write.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#pending.length > 0 && this.#writing.size < this.#maxInFlight) this.#start();
    });
  }

  #start(): void {
    const batch: Waiter[] = [];
    let count = 0;
    while (this.#pending.length > 0 && (batch.length === 0 || count + this.#pending[0]!.events.length <= this.#maxBatch)) {
      const next = this.#pending.shift()!;
      batch.push(next);
      count += next.events.length;
    }
    this.#discarding = false;
    const writing: Promise<void> = this.#write(batch).finally(() => {
      this.#writing.delete(writing);
      if (this.#pending.length > 0 && this.#writing.size < this.#maxInFlight) this.#start();
    });
    this.#writing.add(writing);
  }

  async #write(batch: Waiter[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.#store.appendAudit(batch.flatMap((waiter) => waiter.events));
      for (const waiter of batch) waiter.done();
    } catch (err) {
      if (!this.#discarding) this.#logger.error('audit write failed', { events: batch.length, error: String(err) });
      for (const waiter of batch) waiter.done(err);
    }
  }
}
