import { AsyncLocalStorage } from 'node:async_hooks';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { AsyncMutex } from './async-mutex.ts';
import { auditFilePath, SqliteAuditFile, type AuditLog } from './sqlite-audit-file.ts';
import { MemoryAuditLog } from './memory-audit-log.ts';
import { entityListQuery, entityScanQuery, linkListQuery } from './list-queries.ts';
import { loadMigrations, type Migration } from './migrations.ts';
import { checkLimit, checkParams, encodeData, ENTITY_COLUMNS, insertedRecord, nameKeyOf, recordFromRow, type EntityRow } from './records.ts';
import { beginImmediate, READ_BUSY_TIMEOUT_MS } from './sqlite-lock.ts';
import { PreparedStatements } from './sqlite-statements.ts';
import { migrateSqlite } from './sqlite-migrate.ts';
import {
  StoreConflictError,
  StoreStaleError,
  type AuditAfterQuery,
  type AuditEvent,
  type AuditQuery,
  type EntityRecord,
  type LinkListOptions,
  type ListOptions,
  type NewEntity,
  type ScanOptions,
  type Store,
  type StoreTx,
} from './types.ts';
import { TransactionScope } from './transaction-scope.ts';

export interface SqliteStoreOptions {
  /**
   * How long a write waits for another connection (another process, usually) to release the
   * file's write lock before failing (ms, default 5000). Waiting does not block the event loop.
   */
  lockWaitMs?: number;
  /** Defaults to the shipped `migrations/sqlite/*.sql`. */
  migrations?: readonly Migration[];
}

export interface SqliteSettings {
  /** 'wal' for a file, 'memory' for `:memory:`. */
  journalMode: string;
  synchronous: string;
  foreignKeys: boolean;
  busyTimeoutMs: number;
}

const DEFAULT_LOCK_WAIT_MS = 5000;

const SYNCHRONOUS_NAMES = ['off', 'normal', 'full', 'extra'];

/** SQLite's extended result codes for the uniqueness constraints we rely on. */
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
}

interface LinkRow {
  id: string;
}

function entityFromRow<D>(row: EntityRow): EntityRecord<D> {
  return recordFromRow<D>(row, JSON.parse(row.data as string) as D);
}

/**
 * The synchronous core: every StoreTx operation as plain statements on the one connection.
 * Callers decide the transaction around it; statements are prepared once and cached.
 */
class SqliteOperations {
  readonly #db: DatabaseSync;
  readonly #statements: PreparedStatements;
  /** Rows of entities and links changed through this connection (audit events not counted). */
  changedRows = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#statements = new PreparedStatements(db);
  }

  #statement(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  #get<R>(sql: string, ...values: SQLInputValue[]): R | undefined {
    checkParams(values);
    return this.#statement(sql).get(...values) as R | undefined;
  }

  #all<R>(sql: string, ...values: SQLInputValue[]): R[] {
    checkParams(values);
    return this.#statement(sql).all(...values) as unknown as R[];
  }

  #run(sql: string, ...values: SQLInputValue[]): number {
    const changes = this.#runUncounted(sql, ...values);
    this.changedRows += changes;
    return changes;
  }

  #runUncounted(sql: string, ...values: SQLInputValue[]): number {
    checkParams(values);
    return Number(this.#statement(sql).run(...values).changes);
  }

  #dataVersion: StatementSync | undefined;

  /**
   * SQLite's data_version: moves when another connection (another process) has committed.
   * Read on every request (store/read-mirror.ts), so its statement is kept at hand and
   * answers an array rather than a row object: about 3 µs a read instead of 5 here.
   */
  dataVersion(): number {
    if (this.#dataVersion === undefined) {
      this.#dataVersion = this.#db.prepare('PRAGMA data_version');
      this.#dataVersion.setReturnArrays(true);
    }
    return (this.#dataVersion.get() as unknown as [number])[0];
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  get<D>(kind: string, id: string): EntityRecord<D> | undefined {
    const row = this.#get<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE kind = ? AND id = ?`, kind, id);
    return row && entityFromRow<D>(row);
  }

  getByName<D>(accountId: string, kind: string, name: string, parentId = ''): EntityRecord<D> | undefined {
    const row = this.#get<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE account_id = ? AND kind = ? AND parent_id = ? AND name_key = ?`,
      accountId,
      kind,
      parentId,
      nameKeyOf(name),
    );
    return row && entityFromRow<D>(row);
  }

  insert<D>(record: NewEntity<D>): EntityRecord<D> {
    // ON CONFLICT DO NOTHING covers both the (kind, id) key and the name index; no row
    // inserted means one of them clashed.
    const inserted = this.#run(
      `INSERT INTO entities (kind, id, account_id, parent_id, name, name_key, path, data, created_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`,
      record.kind,
      record.id,
      record.accountId,
      record.parentId,
      record.name,
      nameKeyOf(record.name),
      record.path,
      encodeData(record.data),
      record.createdAt,
    );
    if (inserted === 0) {
      throw new StoreConflictError(`${record.kind} ${record.id} (name ${record.name}) clashes with an existing record`);
    }
    return insertedRecord(record);
  }

  update<D>(record: EntityRecord<D>): EntityRecord<D> {
    let row: EntityRow | undefined;
    try {
      row = this.#get<EntityRow>(
        `UPDATE entities SET name = ?, name_key = ?, path = ?, data = ?, version = version + 1
         WHERE kind = ? AND id = ? AND version = ? RETURNING ${ENTITY_COLUMNS}`,
        record.name,
        nameKeyOf(record.name),
        record.path,
        encodeData(record.data),
        record.kind,
        record.id,
        record.version,
      );
    } catch (err) {
      // A failed statement is undone on its own; the surrounding transaction stays usable.
      if (isUniqueViolation(err)) throw new StoreConflictError(`${record.kind} name ${record.name} is already taken`);
      throw err;
    }
    if (!row) throw new StoreStaleError(`${record.kind} ${record.id} at version ${record.version} no longer exists`);
    this.changedRows++;
    return entityFromRow<D>(row);
  }

  /** Several statements: run inside a transaction. */
  delete(kind: string, id: string): boolean {
    if (this.#run('DELETE FROM entities WHERE kind = ? AND id = ?', kind, id) === 0) return false;
    this.#run('DELETE FROM links WHERE from_id = ?', id);
    this.#run('DELETE FROM links WHERE to_id = ?', id);
    return true;
  }

  list<D>(accountId: string, kind: string, options: ListOptions): EntityRecord<D>[] {
    const query = entityListQuery('sqlite', accountId, kind, options);
    return this.#all<EntityRow>(query.text, ...query.values).map((row) => entityFromRow<D>(row));
  }

  scan<D>(kind: string, options: ScanOptions): EntityRecord<D>[] {
    const query = entityScanQuery('sqlite', kind, options);
    return this.#all<EntityRow>(query.text, ...query.values).map((row) => entityFromRow<D>(row));
  }

  count(accountId: string, kind: string, options: { parentId?: string } = {}): number {
    const row =
      options.parentId === undefined
        ? this.#get<{ n: number }>('SELECT count(*) AS n FROM entities WHERE account_id = ? AND kind = ?', accountId, kind)
        : this.#get<{ n: number }>(
            'SELECT count(*) AS n FROM entities WHERE account_id = ? AND kind = ? AND parent_id = ?',
            accountId,
            kind,
            options.parentId,
          );
    return row?.n ?? 0;
  }

  link(kind: string, accountId: string, fromId: string, toId: string): boolean {
    return (
      this.#run(
        'INSERT INTO links (kind, from_id, to_id, account_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        kind,
        fromId,
        toId,
        accountId,
      ) > 0
    );
  }

  unlink(kind: string, fromId: string, toId: string): boolean {
    return this.#run('DELETE FROM links WHERE from_id = ? AND kind = ? AND to_id = ?', fromId, kind, toId) > 0;
  }

  hasLink(kind: string, fromId: string, toId: string): boolean {
    return this.#get('SELECT 1 AS found FROM links WHERE from_id = ? AND kind = ? AND to_id = ?', fromId, kind, toId) !== undefined;
  }

  linksFrom(kind: string, fromId: string, options: LinkListOptions): string[] {
    const query = linkListQuery('sqlite', 'from', kind, fromId, options);
    return this.#all<LinkRow>(query.text, ...query.values).map((row) => row.id);
  }

  linksTo(kind: string, toId: string, options: LinkListOptions): string[] {
    const query = linkListQuery('sqlite', 'to', kind, toId, options);
    return this.#all<LinkRow>(query.text, ...query.values).map((row) => row.id);
  }

  countLinksFrom(kind: string, fromId: string): number {
    return this.#get<{ n: number }>('SELECT count(*) AS n FROM links WHERE from_id = ? AND kind = ?', fromId, kind)?.n ?? 0;
  }

  countLinksTo(kind: string, toId: string): number {
    return this.#get<{ n: number }>('SELECT count(*) AS n FROM links WHERE to_id = ? AND kind = ?', toId, kind)?.n ?? 0;
  }

  clear(): void {
    this.#run('DELETE FROM links');
    this.#run('DELETE FROM entities');
  }
}

/**
 * The StoreTx handed to a transaction's callback. It refuses to work once its transaction has
 * ended, so a reference that escapes the callback cannot write outside any transaction.
 */
class SqliteTx implements StoreTx {
  readonly #ops: SqliteOperations;
  #open = true;

  constructor(ops: SqliteOperations) {
    this.#ops = ops;
  }

  end(): void {
    this.#open = false;
  }

  #use(): SqliteOperations {
    if (!this.#open) throw new Error('this transaction has already ended; use the tx of a new transaction');
    return this.#ops;
  }

  // Each method runs its statement synchronously when called (before its first await), so a
  // call the callback forgets to await still lands inside the transaction.
  async get<D = unknown>(kind: string, id: string) {
    return this.#use().get<D>(kind, id);
  }
  async getByName<D = unknown>(accountId: string, kind: string, name: string, parentId?: string) {
    return this.#use().getByName<D>(accountId, kind, name, parentId);
  }
  async insert<D>(record: NewEntity<D>) {
    return this.#use().insert(record);
  }
  async update<D>(record: EntityRecord<D>) {
    return this.#use().update(record);
  }
  async delete(kind: string, id: string) {
    return this.#use().delete(kind, id);
  }
  async list<D = unknown>(accountId: string, kind: string, options: ListOptions) {
    return this.#use().list<D>(accountId, kind, options);
  }
  async count(accountId: string, kind: string, options?: { parentId?: string }) {
    return this.#use().count(accountId, kind, options);
  }
  async link(kind: string, accountId: string, fromId: string, toId: string) {
    return this.#use().link(kind, accountId, fromId, toId);
  }
  async unlink(kind: string, fromId: string, toId: string) {
    return this.#use().unlink(kind, fromId, toId);
  }
  async hasLink(kind: string, fromId: string, toId: string) {
    return this.#use().hasLink(kind, fromId, toId);
  }
  async linksFrom(kind: string, fromId: string, options: LinkListOptions) {
    return this.#use().linksFrom(kind, fromId, options);
  }
  async linksTo(kind: string, toId: string, options: LinkListOptions) {
    return this.#use().linksTo(kind, toId, options);
  }
  async countLinksFrom(kind: string, fromId: string) {
    return this.#use().countLinksFrom(kind, fromId);
  }
  async countLinksTo(kind: string, toId: string) {
    return this.#use().countLinksTo(kind, toId);
  }
}

/**
 * The embedded store. One `node:sqlite` connection, so isolation comes from running one unit
 * of work at a time: `transaction` and every direct call take an async mutex first, and a
 * transaction holds it from BEGIN IMMEDIATE to COMMIT/ROLLBACK across the callback's awaits.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #ops: SqliteOperations;
  readonly #mutex = new AsyncMutex();
  readonly #scope = new TransactionScope();
  readonly #lockWaitMs: number;
  #closed = false;
  /** See {@link changeMark}: moved by this connection's commits and by other connections'. */
  #mark = 0;
  #seenDataVersion = -1;
  /** No other connection can write this database: only this connection's commits move the mark. */
  readonly #alone: boolean;

  /** Where the event history lives: this connection (in memory), or a file of its own. */
  readonly #audit: AuditLog;

  /** Use {@link openSqliteStore}, which also applies migrations. */
  constructor(db: DatabaseSync, options: { lockWaitMs?: number; audit?: AuditLog } = {}) {
    this.#db = db;
    // `:memory:` (and a temporary database) has no file another connection could open.
    this.#alone = db.location() === null;
    this.#ops = new SqliteOperations(db);
    this.#lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.#audit = options.audit ?? this.#auditInMemory();
  }

  /**
   * An in-memory store keeps its events in this process's memory, in JavaScript structures
   * (memory-audit-log.ts): no other process can read them and there is nothing to make durable.
   */
  #auditInMemory(): AuditLog {
    const log = new MemoryAuditLog();
    const use = async <T>(work: () => T): Promise<T> => {
      this.#checkUsable();
      return work();
    };
    return {
      append: (events) => use(() => log.append(events)),
      read: (work) => use(() => work(log)),
      write: (work) => use(() => work(log)),
      close: async () => {},
    };
  }

  #checkUsable(): void {
    if (this.#closed) throw new Error('the store is closed');
    this.#scope.checkOutside();
  }

  /**
   * A read runs under the mutex as is; a write runs as its own transaction, so that it takes
   * the write lock through {@link beginImmediate} instead of a blocking busy wait.
   */
  async #direct<T>(work: (ops: SqliteOperations) => T, writes = false): Promise<T> {
    this.#checkUsable();
    if (writes) return this.transaction(async () => work(this.#ops));
    return this.#mutex.run(async () => {
      if (this.#closed) throw new Error('the store is closed');
      return work(this.#ops);
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#checkUsable();
    return this.#mutex.run(async () => {
      if (this.#closed) throw new Error('the store is closed');
      // IMMEDIATE takes the write lock up front: a deferred transaction that read first could
      // fail with SQLITE_BUSY on its first write when another connection holds the lock.
      await beginImmediate(this.#db, this.#lockWaitMs);
      const tx = new SqliteTx(this.#ops);
      const changedBefore = this.#ops.changedRows;
      try {
        const result = await this.#scope.run(() => fn(tx));
        tx.end();
        this.#ops.exec('COMMIT');
        // Before the caller hears of the commit (and answers its request), so that no reader
        // in this process reuses what was read before it.
        if (this.#ops.changedRows !== changedBefore) this.#mark++;
        return result;
      } catch (err) {
        tx.end();
        if (this.#db.isTransaction) this.#ops.exec('ROLLBACK');
        throw err;
      }
    });
  }

  get<D = unknown>(kind: string, id: string) {
    return this.#direct((ops) => ops.get<D>(kind, id));
  }
  getByName<D = unknown>(accountId: string, kind: string, name: string, parentId?: string) {
    return this.#direct((ops) => ops.getByName<D>(accountId, kind, name, parentId));
  }
  insert<D>(record: NewEntity<D>) {
    return this.#direct((ops) => ops.insert(record), true);
  }
  update<D>(record: EntityRecord<D>) {
    return this.#direct((ops) => ops.update(record), true);
  }
  delete(kind: string, id: string) {
    return this.#direct((ops) => ops.delete(kind, id), true);
  }
  list<D = unknown>(accountId: string, kind: string, options: ListOptions) {
    return this.#direct((ops) => ops.list<D>(accountId, kind, options));
  }
  count(accountId: string, kind: string, options?: { parentId?: string }) {
    return this.#direct((ops) => ops.count(accountId, kind, options));
  }
  scan<D = unknown>(kind: string, options: ScanOptions) {
    return this.#direct((ops) => ops.scan<D>(kind, options));
  }
  link(kind: string, accountId: string, fromId: string, toId: string) {
    return this.#direct((ops) => ops.link(kind, accountId, fromId, toId), true);
  }
  unlink(kind: string, fromId: string, toId: string) {
    return this.#direct((ops) => ops.unlink(kind, fromId, toId), true);
  }
  hasLink(kind: string, fromId: string, toId: string) {
    return this.#direct((ops) => ops.hasLink(kind, fromId, toId));
  }
  linksFrom(kind: string, fromId: string, options: LinkListOptions) {
    return this.#direct((ops) => ops.linksFrom(kind, fromId, options));
  }
  linksTo(kind: string, toId: string, options: LinkListOptions) {
    return this.#direct((ops) => ops.linksTo(kind, toId, options));
  }
  countLinksFrom(kind: string, fromId: string) {
    return this.#direct((ops) => ops.countLinksFrom(kind, fromId));
  }
  countLinksTo(kind: string, toId: string) {
    return this.#direct((ops) => ops.countLinksTo(kind, toId));
  }

  appendAudit(events: AuditEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    return this.#audit.append(events);
  }

  listAudit(options: { accountId?: string; limit: number }) {
    return this.#audit.read((ops) => ops.list(options));
  }

  queryAudit(query: AuditQuery) {
    return this.#audit.read((ops) => ops.query(query));
  }

  auditAfter(options: AuditAfterQuery) {
    return this.#audit.read((ops) => ops.after(options));
  }

  auditByRequestId(requestId: string) {
    return this.#audit.read((ops) => ops.byRequestId(requestId));
  }

  pruneAudit(before: string, limit: number) {
    return this.#audit.write((ops) => ops.prune(before, limit));
  }

  async clear(): Promise<void> {
    await this.#direct((ops) => ops.clear(), true);
    await this.#audit.write((ops) => ops.clear());
  }

  /**
   * This connection's own commits are counted as they happen (SQLite's data_version does not
   * move for them); other connections' — other processes on the same file — show in
   * `PRAGMA data_version`, which reads only the shared WAL index, not the database. Taken
   * outside the mutex on purpose: the statement is synchronous, and inside another unit's
   * open transaction it sees what that transaction sees, which has not committed yet.
   */
  changeMark(): number | undefined {
    if (this.#closed) return undefined;
    if (this.#alone) return this.#mark;
    const version = this.#ops.dataVersion();
    if (version !== this.#seenDataVersion) {
      this.#seenDataVersion = version;
      this.#mark++;
    }
    return this.#mark;
  }

  /** The connection's durability settings, as SQLite reports them (for health checks and tests). */
  settings(): Promise<SqliteSettings> {
    return this.#direct(() => {
      const pragma = (name: string) => Object.values(this.#db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
      return {
        journalMode: String(pragma('journal_mode')),
        synchronous: SYNCHRONOUS_NAMES[Number(pragma('synchronous'))] ?? 'unknown',
        foreignKeys: pragma('foreign_keys') === 1,
        busyTimeoutMs: Number(pragma('busy_timeout')),
      };
    });
  }

  /** Waits for the unit of work in progress, then closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#audit.close();
    await this.#mutex.run(async () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#db.close();
    });
  }
}

/**
 * Opens (creating if needed) the SQLite database at `path` (`:memory:` for a throwaway one),
 * configures it for durability and applies pending migrations. The file's folder must exist.
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const migrations = options.migrations ?? (await loadMigrations('sqlite'));
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const db = new DatabaseSync(path, { timeout: READ_BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  try {
    // WAL: readers in other processes don't block the writer. synchronous=FULL: COMMIT
    // returns only once the WAL is synced, so an acknowledged write survives a crash or
    // power loss (NORMAL, WAL's usual pairing, may lose the last commits on power loss).
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    await migrateSqlite(db, migrations, lockWaitMs);
  } catch (err) {
    db.close();
    throw err;
  }
  if (path === ':memory:' || !keepsAuditTables(db)) return new SqliteStore(db, { lockWaitMs });
  let audit: SqliteAuditFile | undefined;
  try {
    audit = await SqliteAuditFile.open(auditFilePath(path), lockWaitMs);
    await audit.adoptEventsOf(db);
  } catch (err) {
    await audit?.close();
    db.close();
    throw err;
  }
  return new SqliteStore(db, { lockWaitMs, audit });
}

/** Whether the store's schema has the event history (a test's own migrations may not). */
function keepsAuditTables(db: DatabaseSync): boolean {
  return db.prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get() !== undefined;
}
