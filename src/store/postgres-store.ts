import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { auditAfterQuery, auditQuery } from './audit-queries.ts';
import { entityListQuery, entityScanQuery, linkListQuery } from './list-queries.ts';
import { loadMigrations, type Migration } from './migrations.ts';
import { migratePostgres } from './postgres-migrate.ts';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, sqlStateOf, type RetryPolicy } from './postgres-retry.ts';
import { auditLookupKeys, encodeAuditData } from './audit-text.ts';
import { checkLimit, checkParams, encodeData, ENTITY_COLUMNS, insertedRecord, nameKeyOf, recordFromRow, type EntityRow } from './records.ts';
import { TransactionScope } from './transaction-scope.ts';
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
  type StoredAuditEvent,
  type StoreTx,
} from './types.ts';

export interface PostgresStoreOptions {
  /** Pool size per node (default 10). */
  maxConnections?: number;
  /** How serialization failures are retried (defaults: DEFAULT_RETRY_POLICY). */
  retry?: Partial<RetryPolicy>;
  /** Source of retry jitter, [0, 1) (default Math.random). */
  random?: () => number;
  /** Defaults to the shipped `migrations/postgres/*.sql`. */
  migrations?: readonly Migration[];
  /**
   * Called when an idle pooled connection fails (server restart, network). The pool drops the
   * connection and opens a new one when next needed; without a listener, the pool's 'error'
   * event would crash the process.
   */
  onIdleClientError?: (err: Error) => void;
}

const UNIQUE_VIOLATION = '23505';

type Query = <R extends QueryResultRow>(text: string, values: unknown[]) => Promise<QueryResult<R>>;

interface AuditRow {
  seq: string;
  time: string;
  request_id: string;
  account_id: string;
  event_id?: string;
  data: Record<string, unknown>;
}

function auditFromRow(row: AuditRow): StoredAuditEvent {
  return {
    seq: Number(row.seq),
    time: row.time,
    requestId: row.request_id,
    accountId: row.account_id,
    ...(row.event_id ? { eventId: row.event_id } : {}),
    data: row.data,
  };
}

/**
 * Every statement is sent as a named prepared statement, so each pooled connection parses and
 * plans it once. Names are derived from the text, so one text always has one name.
 */
class StatementNames {
  readonly #names = new Map<string, string>();

  of(text: string): string {
    let name = this.#names.get(text);
    if (!name) {
      name = `tessera_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      this.#names.set(text, name);
    }
    return name;
  }
}

function entityFromRow<D>(row: EntityRow): EntityRecord<D> {
  return recordFromRow<D>(row, row.data as D);
}

/** Every StoreTx operation as statements over `query` (a pooled client, or the pool itself). */
class PostgresOperations {
  readonly #query: Query;

  constructor(query: Query) {
    this.#query = (text, values) => {
      checkParams(values);
      return query(text, values);
    };
  }

  async get<D>(kind: string, id: string): Promise<EntityRecord<D> | undefined> {
    const { rows } = await this.#query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM entities WHERE kind = $1 AND id = $2`, [kind, id]);
    return rows[0] && entityFromRow<D>(rows[0]);
  }

  async getByName<D>(accountId: string, kind: string, name: string, parentId = ''): Promise<EntityRecord<D> | undefined> {
    const { rows } = await this.#query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM entities WHERE account_id = $1 AND kind = $2 AND parent_id = $3 AND name_key = $4`,
      [accountId, kind, parentId, nameKeyOf(name)],
    );
    return rows[0] && entityFromRow<D>(rows[0]);
  }

  async insert<D>(record: NewEntity<D>): Promise<EntityRecord<D>> {
    // DO NOTHING instead of letting the unique index raise: a raised error would abort the
    // whole transaction, and a caller that catches the conflict (to try another id) could not
    // go on. SQLite behaves the same way, so the contract holds on both.
    const result = await this.#query(
      `INSERT INTO entities (kind, id, account_id, parent_id, name, name_key, path, data, created_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 1) ON CONFLICT DO NOTHING`,
      [
        record.kind,
        record.id,
        record.accountId,
        record.parentId,
        record.name,
        nameKeyOf(record.name),
        record.path,
        encodeData(record.data),
        record.createdAt,
      ],
    );
    if (result.rowCount === 0) {
      throw new StoreConflictError(`${record.kind} ${record.id} (name ${record.name}) clashes with an existing record`);
    }
    return insertedRecord(record);
  }

  async update<D>(record: EntityRecord<D>): Promise<EntityRecord<D>> {
    const nameKey = nameKeyOf(record.name);
    let updated: QueryResult<EntityRow>;
    try {
      // The NOT EXISTS turns a rename clash into "no row updated" instead of a unique
      // violation, which would abort the transaction (see insert).
      updated = await this.#query<EntityRow>(
        `UPDATE entities AS e SET name = $1, name_key = $2, path = $3, data = $4::jsonb, version = e.version + 1
         WHERE e.kind = $5 AND e.id = $6 AND e.version = $7
           AND NOT EXISTS (SELECT 1 FROM entities AS o WHERE o.account_id = e.account_id AND o.kind = e.kind
                           AND o.parent_id = e.parent_id AND o.name_key = $2 AND o.id <> e.id)
         RETURNING ${ENTITY_COLUMNS}`,
        [record.name, nameKey, record.path, encodeData(record.data), record.kind, record.id, record.version],
      );
    } catch (err) {
      // Still possible when a concurrent rename commits between the check and the write.
      if (sqlStateOf(err) === UNIQUE_VIOLATION) throw new StoreConflictError(`${record.kind} name ${record.name} is already taken`);
      throw err;
    }
    const row = updated.rows[0];
    if (row) return entityFromRow<D>(row);
    const current = await this.#query(`SELECT 1 AS found FROM entities WHERE kind = $1 AND id = $2 AND version = $3`, [
      record.kind,
      record.id,
      record.version,
    ]);
    if (current.rowCount === 0) throw new StoreStaleError(`${record.kind} ${record.id} at version ${record.version} no longer exists`);
    throw new StoreConflictError(`${record.kind} name ${record.name} is already taken`);
  }

  async delete(kind: string, id: string): Promise<boolean> {
    // One statement, so it is atomic even outside a transaction.
    const { rows } = await this.#query<{ n: string }>(
      `WITH gone AS (DELETE FROM entities WHERE kind = $1 AND id = $2 RETURNING id),
            unlinked AS (DELETE FROM links WHERE (from_id = $2 OR to_id = $2) AND EXISTS (SELECT 1 FROM gone))
       SELECT count(*) AS n FROM gone`,
      [kind, id],
    );
    return Number(rows[0]?.n) > 0;
  }

  async list<D>(accountId: string, kind: string, options: ListOptions): Promise<EntityRecord<D>[]> {
    const query = entityListQuery('postgres', accountId, kind, options);
    const { rows } = await this.#query<EntityRow>(query.text, query.values);
    return rows.map((row) => entityFromRow<D>(row));
  }

  async scan<D>(kind: string, options: ScanOptions): Promise<EntityRecord<D>[]> {
    const query = entityScanQuery('postgres', kind, options);
    const { rows } = await this.#query<EntityRow>(query.text, query.values);
    return rows.map((row) => entityFromRow<D>(row));
  }

  async count(accountId: string, kind: string, options: { parentId?: string } = {}): Promise<number> {
    const { rows } =
      options.parentId === undefined
        ? await this.#query<{ n: string }>('SELECT count(*) AS n FROM entities WHERE account_id = $1 AND kind = $2', [accountId, kind])
        : await this.#query<{ n: string }>('SELECT count(*) AS n FROM entities WHERE account_id = $1 AND kind = $2 AND parent_id = $3', [
            accountId,
            kind,
            options.parentId,
          ]);
    return Number(rows[0]?.n ?? 0);
  }

  async link(kind: string, accountId: string, fromId: string, toId: string): Promise<boolean> {
    const result = await this.#query(
      'INSERT INTO links (kind, from_id, to_id, account_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [kind, fromId, toId, accountId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async unlink(kind: string, fromId: string, toId: string): Promise<boolean> {
    const result = await this.#query('DELETE FROM links WHERE from_id = $1 AND kind = $2 AND to_id = $3', [fromId, kind, toId]);
    return (result.rowCount ?? 0) > 0;
  }

  async hasLink(kind: string, fromId: string, toId: string): Promise<boolean> {
    const result = await this.#query('SELECT 1 AS found FROM links WHERE from_id = $1 AND kind = $2 AND to_id = $3', [fromId, kind, toId]);
    return (result.rowCount ?? 0) > 0;
  }

  async linksFrom(kind: string, fromId: string, options: LinkListOptions): Promise<string[]> {
    const query = linkListQuery('postgres', 'from', kind, fromId, options);
    return (await this.#query<{ id: string }>(query.text, query.values)).rows.map((row) => row.id);
  }

  async linksTo(kind: string, toId: string, options: LinkListOptions): Promise<string[]> {
    const query = linkListQuery('postgres', 'to', kind, toId, options);
    return (await this.#query<{ id: string }>(query.text, query.values)).rows.map((row) => row.id);
  }

  async countLinksFrom(kind: string, fromId: string): Promise<number> {
    const { rows } = await this.#query<{ n: string }>('SELECT count(*) AS n FROM links WHERE from_id = $1 AND kind = $2', [fromId, kind]);
    return Number(rows[0]?.n ?? 0);
  }

  async countLinksTo(kind: string, toId: string): Promise<number> {
    const { rows } = await this.#query<{ n: string }>('SELECT count(*) AS n FROM links WHERE to_id = $1 AND kind = $2', [toId, kind]);
    return Number(rows[0]?.n ?? 0);
  }

  async appendAudit(events: readonly AuditEvent[]): Promise<void> {
    // One statement for the whole batch, in the batch's order: the events, then their lookup
    // keys joined to the sequence numbers the events were given (by event ID).
    // The caller's text is kept, a NUL as U+FFFD (audit-text.ts): an event is never refused for it.
    const keys = events.flatMap((e) => auditLookupKeys(e.lookup ?? []).map((key) => [e.eventId ?? '', key.attr, key.value] as const));
    await this.#query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS e(t, r, a, i, d, ord)
       ), inserted AS (
         INSERT INTO audit_events (time, request_id, account_id, event_id, data)
         SELECT t, r, a, i, d FROM input ORDER BY ord
         RETURNING seq, event_id, account_id, time
       )
       INSERT INTO audit_lookup (seq, attr, value, account_id, time)
       SELECT inserted.seq, k.attr, k.value, inserted.account_id, inserted.time
       FROM inserted JOIN unnest($6::text[], $7::text[], $8::text[]) AS k(event_id, attr, value)
         ON k.event_id = inserted.event_id AND inserted.event_id <> ''
       ON CONFLICT DO NOTHING`,
      [
        events.map((e) => e.time), events.map((e) => e.requestId), events.map((e) => e.accountId), events.map((e) => e.eventId ?? ''),
        events.map((e) => encodeAuditData(e.data)), keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2]),
      ],
    );
  }

  async listAudit(options: { accountId?: string; limit: number }): Promise<StoredAuditEvent[]> {
    checkLimit(options.limit);
    const { rows } =
      options.accountId === undefined
        ? await this.#query<AuditRow>('SELECT seq, time, request_id, account_id, event_id, data FROM audit_events ORDER BY seq DESC LIMIT $1', [
            options.limit,
          ])
        : await this.#query<AuditRow>(
            'SELECT seq, time, request_id, account_id, event_id, data FROM audit_events WHERE account_id = $1 ORDER BY seq DESC LIMIT $2',
            [options.accountId, options.limit],
          );
    return rows.map(auditFromRow);
  }

  async queryAudit(query: AuditQuery): Promise<StoredAuditEvent[]> {
    const { text, values } = auditQuery('postgres', query);
    return (await this.#query<AuditRow>(text, values)).rows.map(auditFromRow);
  }

  async auditAfter(options: AuditAfterQuery): Promise<StoredAuditEvent[]> {
    const { text, values } = auditAfterQuery('postgres', options);
    return (await this.#query<AuditRow>(text, values)).rows.map(auditFromRow);
  }

  async auditByRequestId(requestId: string): Promise<StoredAuditEvent[]> {
    const { rows } = await this.#query<AuditRow>(
      'SELECT seq, time, request_id, account_id, event_id, data FROM audit_events WHERE request_id = $1 ORDER BY seq LIMIT 10',
      [requestId],
    );
    return rows.map(auditFromRow);
  }

  /** One statement: the oldest events and their lookup keys go together. */
  async pruneAudit(before: string, limit: number): Promise<number> {
    checkLimit(limit);
    const result = await this.#query(
      `WITH doomed AS (SELECT seq FROM audit_events WHERE time < $1 ORDER BY time, seq LIMIT $2),
            keys AS (DELETE FROM audit_lookup WHERE seq IN (SELECT seq FROM doomed))
       DELETE FROM audit_events WHERE seq IN (SELECT seq FROM doomed)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }

  async clear(): Promise<void> {
    await this.#query('TRUNCATE links, entities, audit_events, audit_lookup', []);
  }
}

/**
 * The StoreTx of one attempt of one transaction. It remembers the first statement that
 * failed: PostgreSQL rejects everything after it, and a COMMIT would quietly roll back, so the
 * transaction must not report success if the callback swallowed that error.
 */
class PostgresTx implements StoreTx {
  readonly #ops: PostgresOperations;
  #open = true;
  #abortCause: unknown;

  constructor(client: PoolClient, names: StatementNames) {
    this.#ops = new PostgresOperations(async (text, values) => {
      if (!this.#open) throw new Error('this transaction has already ended; use the tx of a new transaction');
      if (this.aborted) {
        throw new Error('an earlier statement of this transaction failed, so PostgreSQL refuses the rest of it', { cause: this.#abortCause });
      }
      try {
        return await client.query({ name: names.of(text), text, values });
      } catch (err) {
        this.#abortCause ??= err;
        throw err;
      }
    });
  }

  get aborted(): boolean {
    return this.#abortCause !== undefined;
  }

  get abortCause(): unknown {
    return this.#abortCause;
  }

  end(): void {
    this.#open = false;
  }

  get<D = unknown>(kind: string, id: string) {
    return this.#ops.get<D>(kind, id);
  }
  getByName<D = unknown>(accountId: string, kind: string, name: string, parentId?: string) {
    return this.#ops.getByName<D>(accountId, kind, name, parentId);
  }
  insert<D>(record: NewEntity<D>) {
    return this.#ops.insert(record);
  }
  update<D>(record: EntityRecord<D>) {
    return this.#ops.update(record);
  }
  delete(kind: string, id: string) {
    return this.#ops.delete(kind, id);
  }
  list<D = unknown>(accountId: string, kind: string, options: ListOptions) {
    return this.#ops.list<D>(accountId, kind, options);
  }
  count(accountId: string, kind: string, options?: { parentId?: string }) {
    return this.#ops.count(accountId, kind, options);
  }
  link(kind: string, accountId: string, fromId: string, toId: string) {
    return this.#ops.link(kind, accountId, fromId, toId);
  }
  unlink(kind: string, fromId: string, toId: string) {
    return this.#ops.unlink(kind, fromId, toId);
  }
  hasLink(kind: string, fromId: string, toId: string) {
    return this.#ops.hasLink(kind, fromId, toId);
  }
  linksFrom(kind: string, fromId: string, options: LinkListOptions) {
    return this.#ops.linksFrom(kind, fromId, options);
  }
  linksTo(kind: string, toId: string, options: LinkListOptions) {
    return this.#ops.linksTo(kind, toId, options);
  }
  countLinksFrom(kind: string, fromId: string) {
    return this.#ops.countLinksFrom(kind, fromId);
  }
  countLinksTo(kind: string, toId: string) {
    return this.#ops.countLinksTo(kind, toId);
  }
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; retryable: boolean };

/** A failed statement that is not an SQL error (no SQLSTATE) means the connection itself broke. */
function connectionBroken(err: unknown): boolean {
  return sqlStateOf(err)?.length !== 5;
}

/**
 * The multi-node store: many Tessera nodes share one PostgreSQL. Transactions run at
 * SERIALIZABLE, so they behave as if run one at a time, as they do on SQLite; the price is
 * that the server may abort one, which is then run again (see RetryPolicy) where the caller
 * cannot see it.
 */
/** The advisory lock that orders audit commits (any fixed key no other lock of the database uses). */
export const AUDIT_ORDER_LOCK = 7_405_182_391;

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly #pool: Pool;
  readonly #names = new StatementNames();
  readonly #ops: PostgresOperations;
  readonly #scope = new TransactionScope();
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  #closed = false;

  /** Use {@link openPostgresStore}, which also applies migrations. */
  constructor(pool: Pool, options: { retry?: Partial<RetryPolicy>; random?: () => number } = {}) {
    this.#pool = pool;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#random = options.random ?? Math.random;
    this.#ops = new PostgresOperations((text, values) => this.#pool.query({ name: this.#names.of(text), text, values }));
  }

  #checkUsable(): void {
    if (this.#closed) throw new Error('the store is closed');
    this.#scope.checkOutside();
  }

  async #withRetries<T>(attempt: () => Promise<Attempt<T>>): Promise<T> {
    for (let n = 1; ; n++) {
      const outcome = await attempt();
      if (outcome.ok) return outcome.value;
      if (!outcome.retryable || n >= this.#retry.maxAttempts) throw outcome.error;
      await sleep(retryDelayMs(n, this.#retry, this.#random));
    }
  }

  /** A single statement on any pooled connection (autocommit, so atomic by itself). */
  async #direct<T>(work: (ops: PostgresOperations) => Promise<T>): Promise<T> {
    this.#checkUsable();
    return this.#withRetries(async () => {
      try {
        return { ok: true, value: await work(this.#ops) };
      } catch (error) {
        return { ok: false, error, retryable: isRetryable(error) };
      }
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#checkUsable();
    return this.#withRetries(() => this.#attempt(fn));
  }

  async #attempt<T>(fn: (tx: StoreTx) => Promise<T>): Promise<Attempt<T>> {
    const client = await this.#pool.connect();
    let broken = false;
    const rollback = async () => {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
    };
    try {
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      } catch (error) {
        broken = connectionBroken(error);
        return { ok: false, error, retryable: false };
      }
      const tx = new PostgresTx(client, this.#names);
      let value: T;
      try {
        value = await this.#scope.run(() => fn(tx));
      } catch (error) {
        tx.end();
        await rollback();
        // Retry when the server aborted the attempt, even if the callback caught that error
        // and threw another: whatever it decided was based on a snapshot that did not hold.
        return { ok: false, error, retryable: isRetryable(error) || isRetryable(tx.abortCause) };
      }
      tx.end();
      if (tx.aborted) {
        await rollback();
        const cause = tx.abortCause;
        const error = sqlStateOf(cause) === UNIQUE_VIOLATION ? new StoreConflictError('a uniqueness rule was broken', { cause }) : cause;
        return { ok: false, error, retryable: isRetryable(cause) };
      }
      try {
        await client.query('COMMIT');
      } catch (error) {
        // SSI may only detect the conflict at commit. Any other failure here leaves the
        // outcome unknown, so it is reported, never retried.
        broken = connectionBroken(error);
        return { ok: false, error, retryable: isRetryable(error) };
      }
      return { ok: true, value };
    } finally {
      client.release(broken);
    }
  }

  get<D = unknown>(kind: string, id: string) {
    return this.#direct((ops) => ops.get<D>(kind, id));
  }
  getByName<D = unknown>(accountId: string, kind: string, name: string, parentId?: string) {
    return this.#direct((ops) => ops.getByName<D>(accountId, kind, name, parentId));
  }
  insert<D>(record: NewEntity<D>) {
    return this.#direct((ops) => ops.insert(record));
  }
  update<D>(record: EntityRecord<D>) {
    // Two statements (update, then "stale or clash?"), but the second only reads.
    return this.#direct((ops) => ops.update(record));
  }
  delete(kind: string, id: string) {
    return this.#direct((ops) => ops.delete(kind, id));
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
    return this.#direct((ops) => ops.link(kind, accountId, fromId, toId));
  }
  unlink(kind: string, fromId: string, toId: string) {
    return this.#direct((ops) => ops.unlink(kind, fromId, toId));
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

  /**
   * Audit events become visible in the order of their sequence numbers. An identity column
   * hands a number out when the INSERT runs, not when it commits: two writers (two nodes, or
   * one node's group commits in flight) could commit 12 before 11, and a reader walking
   * `seq > cursor` — trail delivery — would pass 11 before it was visible and never deliver
   * it. One lock, held until COMMIT, orders every node's audit writes (each is a group-commit
   * batch, so the lock is taken once per batch, not per event).
   */
  async appendAudit(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.#checkUsable();
    await this.#withRetries(async () => {
      const client = await this.#pool.connect();
      let broken = false;
      try {
        try {
          await client.query('BEGIN');
          await client.query(`SELECT pg_advisory_xact_lock(${AUDIT_ORDER_LOCK})`);
          await new PostgresOperations((text, values) => client.query({ name: this.#names.of(text), text, values })).appendAudit(events);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          return { ok: false, error, retryable: isRetryable(error) };
        }
        try {
          await client.query('COMMIT');
        } catch (error) {
          // The outcome is unknown: reported, never retried (a retry could write the events twice).
          broken = connectionBroken(error);
          return { ok: false, error, retryable: false };
        }
        return { ok: true, value: undefined };
      } finally {
        client.release(broken);
      }
    });
  }

  listAudit(options: { accountId?: string; limit: number }) {
    return this.#direct((ops) => ops.listAudit(options));
  }

  queryAudit(query: AuditQuery) {
    return this.#direct((ops) => ops.queryAudit(query));
  }

  auditAfter(options: AuditAfterQuery) {
    return this.#direct((ops) => ops.auditAfter(options));
  }

  auditByRequestId(requestId: string) {
    return this.#direct((ops) => ops.auditByRequestId(requestId));
  }

  pruneAudit(before: string, limit: number) {
    return this.#direct((ops) => ops.pruneAudit(before, limit));
  }

  clear(): Promise<void> {
    return this.#direct((ops) => ops.clear());
  }

  /**
   * Always undefined: another node's commit reaches this one only when it asks the database,
   * so every reader reads (one single-row read of the epoch per request where caches are keyed
   * by it). LISTEN/NOTIFY would save that read but delivers after the commit is acknowledged:
   * a request sent to this node right after another node answered a change could still be
   * decided on the old state.
   */
  changeMark(): number | undefined {
    return undefined;
  }

  /** Waits for checked-out connections to be returned, then closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

/** Connects a pool to `url` (postgres:// or postgresql://) and applies pending migrations. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const migrations = options.migrations ?? (await loadMigrations('postgres'));
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, application_name: 'tessera' });
  pool.on('error', (err) => options.onIdleClientError?.(err));
  try {
    await migratePostgres(pool, migrations);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStore(pool, options);
}
