import { Worker } from 'node:worker_threads';
import type { EncodedAuditEvent } from './sqlite-audit-operations.ts';
import { toWire } from './sqlite-audit-wire.ts';

/**
 * Appends audit events to a file store's audit file on a thread of its own
 * (sqlite-audit-writer-worker.ts). Every answered request waits for its events to be committed
 * (synchronous=FULL: in the WAL on disk), and with `node:sqlite` that commit — the inserts, the
 * index updates and the fsync — would otherwise run on the event loop, where it took about half
 * of each request's time under load. Here the event loop only hands over strings.
 *
 * The thread starts on the first append (a command that never writes an event never starts
 * one) and holds the process open only while an append is pending. If it dies, the appends it
 * held are refused (their requests answer InternalFailure) and the next append starts a new one.
 */
export interface AuditWriterSetup {
  path: string;
  lockWaitMs: number;
}

export interface AuditWriterRequest {
  id: number;
  /** The events, as sqlite-audit-wire.ts writes them. */
  events: string;
}

export interface AuditWriterReply {
  ids: number[];
  error?: string;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

const WORKER = new URL('./sqlite-audit-writer-worker.ts', import.meta.url);

export class SqliteAuditWriter {
  readonly #setup: AuditWriterSetup;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(setup: AuditWriterSetup) {
    this.#setup = setup;
  }

  /** Resolves once the events are committed to the audit file. */
  append(events: readonly EncodedAuditEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    const worker = this.#started();
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, events: toWire(events) } satisfies AuditWriterRequest);
    });
  }

  /** Waits for the appends in flight, then stops the thread. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // held open until the thread has written what it holds and stopped
    worker.postMessage('close');
    await exited;
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER, { workerData: this.#setup });
    worker.unref();
    worker.on('message', (reply: AuditWriterReply) => {
      const error = reply.error === undefined ? undefined : new Error(`audit write failed: ${reply.error}`);
      for (const id of reply.ids) {
        const pending = this.#pending.get(id);
        this.#pending.delete(id);
        if (error) pending?.reject(error);
        else pending?.resolve();
      }
      if (this.#pending.size === 0) worker.unref();
    });
    const failAll = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) p.reject(error);
    };
    worker.on('error', (err) => failAll(new Error(`audit writer failed: ${err.message}`)));
    worker.on('exit', (code) => failAll(new Error(`audit writer stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
