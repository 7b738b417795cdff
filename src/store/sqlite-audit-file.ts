import { DatabaseSync } from 'node:sqlite';
import { extname } from 'node:path';
import { AsyncMutex } from './async-mutex.ts';
import { loadMigrations } from './migrations.ts';
import { encodeAuditEvent, SqliteAuditOperations } from './sqlite-audit-operations.ts';
import { SqliteAuditWriter } from './sqlite-audit-writer.ts';
import { beginImmediate, READ_BUSY_TIMEOUT_MS } from './sqlite-lock.ts';
import { migrateSqlite } from './sqlite-migrate.ts';
import type { AuditEvent } from './types.ts';

/**
 * A file store's event history lives in a SQLite file of its own beside the store's
 * (`tessera.db` → `tessera-audit.db`), appended to by a writer thread (sqlite-audit-writer.ts).
 * Why a second file rather than a second connection to the first: a commit by any other
 * connection moves the store file's data_version, which is how the store tells that cached
 * entities may be stale (read-mirror.ts) — an audit commit per request would make every cached
 * read a miss — and it would take the same write lock as entity writes. Entities and events are
 * never written in one transaction, so nothing needs them in one file.
 *
 * Reads (LookupEvents, trail delivery, explain), pruning and clearing run on this process's own
 * connection to the audit file, one unit of work at a time.
 */
export function auditFilePath(storePath: string): string {
  const extension = extname(storePath);
  return extension === '' ? `${storePath}-audit` : `${storePath.slice(0, -extension.length)}-audit${extension}`;
}

/** What reads and prunes the event history: SQLite's statements or the in-memory log's. */
export type AuditOperations = Pick<SqliteAuditOperations, 'list' | 'query' | 'after' | 'byRequestId' | 'prune' | 'clear'>;

/** The operations the store runs on its event history, wherever that lives. */
export interface AuditLog {
  append(events: AuditEvent[]): Promise<void>;
  /** Runs reads on the history's connection. */
  read<T>(work: (ops: AuditOperations) => T): Promise<T>;
  /** Runs writes (pruning, clearing) in a transaction of their own. */
  write<T>(work: (ops: AuditOperations) => T): Promise<T>;
  close(): Promise<void>;
}

export class SqliteAuditFile implements AuditLog {
  readonly #db: DatabaseSync;
  readonly #ops: SqliteAuditOperations;
  readonly #writer: SqliteAuditWriter;
  readonly #mutex = new AsyncMutex();
  readonly #lockWaitMs: number;
  #closed = false;

  private constructor(db: DatabaseSync, path: string, lockWaitMs: number) {
    this.#db = db;
    this.#ops = new SqliteAuditOperations(db);
    this.#writer = new SqliteAuditWriter({ path, lockWaitMs });
    this.#lockWaitMs = lockWaitMs;
  }

  /** Opens (creating if needed) the audit file at `path` and applies its migrations. */
  static async open(path: string, lockWaitMs: number): Promise<SqliteAuditFile> {
    const db = new DatabaseSync(path, { timeout: READ_BUSY_TIMEOUT_MS });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
      await migrateSqlite(db, await loadMigrations('sqlite-audit'), lockWaitMs);
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteAuditFile(db, path, lockWaitMs);
  }

  append(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let encoded;
    try {
      encoded = events.map(encodeAuditEvent);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#writer.append(encoded);
  }

  read<T>(work: (ops: SqliteAuditOperations) => T): Promise<T> {
    return this.#mutex.run(async () => {
      this.#checkOpen();
      return work(this.#ops);
    });
  }

  write<T>(work: (ops: SqliteAuditOperations) => T): Promise<T> {
    return this.#mutex.run(async () => {
      this.#checkOpen();
      await beginImmediate(this.#db, this.#lockWaitMs);
      try {
        const result = work(this.#ops);
        this.#db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  /**
   * Takes over from a store that kept its events in its own file (before the history had a
   * file of its own). First the sequence: numbers continue above every one the store ever gave
   * (trail cursors name them), so an event appended meanwhile by another process can never take
   * the number of one still to be moved. Then the events, a batch per transaction, copied first
   * and deleted after: a crash in between leaves them in both, and the next open copies none
   * twice (same seq) and finishes.
   */
  async adoptEventsOf(store: DatabaseSync): Promise<number> {
    const row = store.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'").get() as { seq: number } | undefined;
    const storeSeq = row?.seq ?? 0;
    if (storeSeq > 0) {
      await this.write(() => {
        const raised = this.#db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'audit_events'").run(storeSeq);
        if (Number(raised.changes) === 0) this.#db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('audit_events', ?)").run(storeSeq);
      });
    }
    if (store.prepare('SELECT 1 AS found FROM audit_events LIMIT 1').get() === undefined) return 0;
    const readEvents = store.prepare('SELECT seq, time, request_id, account_id, data, event_id FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 2000');
    const readKeys = store.prepare('SELECT seq, attr, value, account_id, time FROM audit_lookup WHERE seq >= ? AND seq <= ?');
    const insertEvent = this.#db.prepare('INSERT INTO audit_events (seq, time, request_id, account_id, data, event_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const insertKey = this.#db.prepare('INSERT INTO audit_lookup (seq, attr, value, account_id, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    let moved = 0;
    let after = 0;
    for (;;) {
      const events = readEvents.all(after) as unknown as { seq: number; time: string; request_id: string; account_id: string; data: string; event_id: string }[];
      if (events.length === 0) break;
      const first = events[0]!.seq;
      const last = events[events.length - 1]!.seq;
      const keys = readKeys.all(first, last) as unknown as { seq: number; attr: string; value: string; account_id: string; time: string }[];
      await this.write(() => {
        for (const e of events) insertEvent.run(e.seq, e.time, e.request_id, e.account_id, e.data, e.event_id);
        for (const k of keys) insertKey.run(k.seq, k.attr, k.value, k.account_id, k.time);
      });
      moved += events.length;
      after = last;
    }
    await beginImmediate(store, this.#lockWaitMs);
    try {
      store.prepare('DELETE FROM audit_lookup WHERE seq <= ?').run(after);
      store.prepare('DELETE FROM audit_events WHERE seq <= ?').run(after);
      store.exec('COMMIT');
    } catch (err) {
      if (store.isTransaction) store.exec('ROLLBACK');
      throw err;
    }
    return moved;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#writer.close();
    await this.#mutex.run(async () => {
      this.#closed = true;
      this.#db.close();
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('the store is closed');
  }
}
