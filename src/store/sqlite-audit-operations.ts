import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { auditAfterQuery, auditQuery } from './audit-queries.ts';
import { auditLookupKeys, encodeAuditData } from './audit-text.ts';
import { checkLimit, checkParams } from './records.ts';
import { PreparedStatements } from './sqlite-statements.ts';
import type { AuditAfterQuery, AuditEvent, AuditLookupKey, AuditQuery, StoredAuditEvent } from './types.ts';

/**
 * The event history's statements on one SQLite connection: the store's own (an in-memory
 * store keeps its events beside its entities) or the audit file's (a file store,
 * sqlite-audit-file.ts), including the writer thread's. Plain synchronous statements,
 * prepared once; callers decide the transaction around them.
 */

/** An event made ready to cross to the writer thread: checked, its data already JSON. */
export interface EncodedAuditEvent {
  time: string;
  requestId: string;
  accountId: string;
  eventId: string;
  data: string;
  lookup: readonly AuditLookupKey[];
}

/** Checks and encodes an event before anything is written: data JSON cannot carry is refused; a NUL in the caller's text is kept as U+FFFD. */
export function encodeAuditEvent(event: AuditEvent): EncodedAuditEvent {
  // Tessera's own fields (time, IDs, account): a NUL there is a bug, refused.
  checkParams([event.time, event.requestId, event.accountId, event.eventId ?? '']);
  // The caller's text is kept, a NUL as U+FFFD (audit-text.ts): an event is never refused for it.
  const lookup = auditLookupKeys(event.lookup ?? []);
  return { time: event.time, requestId: event.requestId, accountId: event.accountId, eventId: event.eventId ?? '', data: encodeAuditData(event.data), lookup };
}

interface AuditRow {
  seq: number;
  time: string;
  request_id: string;
  account_id: string;
  event_id?: string;
  data: string;
}

function auditFromRow(row: AuditRow): StoredAuditEvent {
  return storedAuditEvent({ seq: row.seq, time: row.time, requestId: row.request_id, accountId: row.account_id, eventId: row.event_id ?? '', data: row.data });
}

/** An event as readers get it: its data parsed afresh, so that no reader can change what is kept. */
export function storedAuditEvent(event: { seq: number; time: string; requestId: string; accountId: string; eventId: string; data: string }): StoredAuditEvent {
  return {
    seq: event.seq,
    time: event.time,
    requestId: event.requestId,
    accountId: event.accountId,
    ...(event.eventId ? { eventId: event.eventId } : {}),
    data: JSON.parse(event.data) as Record<string, unknown>,
  };
}

const COLUMNS = 'seq, time, request_id, account_id, event_id, data';

export class SqliteAuditOperations {
  readonly #statements: PreparedStatements;

  constructor(db: DatabaseSync) {
    this.#statements = new PreparedStatements(db);
  }

  #statement(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  #all<R>(sql: string, ...values: SQLInputValue[]): R[] {
    checkParams(values);
    return this.#statement(sql).all(...values) as unknown as R[];
  }

  #run(sql: string, ...values: SQLInputValue[]): number {
    checkParams(values);
    return Number(this.#statement(sql).run(...values).changes);
  }

  /** Several statements: run inside a transaction. */
  append(events: readonly EncodedAuditEvent[]): void {
    const insertEvent = this.#statement('INSERT INTO audit_events (time, request_id, account_id, event_id, data) VALUES (?, ?, ?, ?, ?) RETURNING seq');
    const insertKey = this.#statement('INSERT INTO audit_lookup (seq, attr, value, account_id, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    for (const event of events) {
      const { seq } = insertEvent.get(event.time, event.requestId, event.accountId, event.eventId, event.data) as { seq: number };
      for (const key of event.lookup) insertKey.run(seq, key.attr, key.value, event.accountId, event.time);
    }
  }

  list(options: { accountId?: string; limit: number }): StoredAuditEvent[] {
    checkLimit(options.limit);
    const rows =
      options.accountId === undefined
        ? this.#all<AuditRow>(`SELECT ${COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT ?`, options.limit)
        : this.#all<AuditRow>(`SELECT ${COLUMNS} FROM audit_events WHERE account_id = ? ORDER BY seq DESC LIMIT ?`, options.accountId, options.limit);
    return rows.map(auditFromRow);
  }

  query(query: AuditQuery): StoredAuditEvent[] {
    const { text, values } = auditQuery('sqlite', query);
    return this.#all<AuditRow>(text, ...values).map(auditFromRow);
  }

  after(options: AuditAfterQuery): StoredAuditEvent[] {
    const { text, values } = auditAfterQuery('sqlite', options);
    return this.#all<AuditRow>(text, ...values).map(auditFromRow);
  }

  byRequestId(requestId: string): StoredAuditEvent[] {
    return this.#all<AuditRow>(`SELECT ${COLUMNS} FROM audit_events WHERE request_id = ? ORDER BY seq LIMIT 10`, requestId).map(auditFromRow);
  }

  /** Two statements: run inside a transaction (both pick the same oldest events). */
  prune(before: string, limit: number): number {
    checkLimit(limit);
    const doomed = 'SELECT seq FROM audit_events WHERE time < ? ORDER BY time, seq LIMIT ?';
    this.#run(`DELETE FROM audit_lookup WHERE seq IN (${doomed})`, before, limit);
    return this.#run(`DELETE FROM audit_events WHERE seq IN (${doomed})`, before, limit);
  }

  /** Two statements: run inside a transaction. */
  clear(): void {
    this.#run('DELETE FROM audit_events');
    this.#run('DELETE FROM audit_lookup');
  }
}
