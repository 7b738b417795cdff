import type { Dialect } from './migrations.ts';
import { checkLimit } from './records.ts';
import type { AuditAfterQuery, AuditQuery } from './types.ts';

/**
 * The event-history queries, built once for both dialects. Newest first by (time, seq), keyset
 * paged on that pair (no OFFSET: page 1,000 costs what page 1 costs). With a lookup attribute
 * the walk runs over audit_lookup's (account, attr, value, time, seq) index and joins each hit
 * to its event; without one over audit_events' (account, time, seq) index.
 */
export interface AuditSqlQuery {
  text: string;
  values: (string | number)[];
}

/** Above every ISO-8601 time: the open end of a range. */
const AFTER_EVERY_TIME = '\uffff';

export const AUDIT_COLUMNS = 'e.seq, e.time, e.request_id, e.account_id, e.event_id, e.data';

/** A statement's values, and the placeholder each takes in the dialect. */
function parameters(dialect: Dialect): { values: (string | number)[]; p: (value: string | number) => string } {
  const values: (string | number)[] = [];
  const p = (value: string | number) => {
    values.push(value);
    return dialect === 'sqlite' ? '?' : `$${values.length}`;
  };
  return { values, p };
}

export function auditQuery(dialect: Dialect, query: AuditQuery): AuditSqlQuery {
  checkLimit(query.limit);
  const { values, p } = parameters(dialect);
  const before = query.before ?? { time: AFTER_EVERY_TIME, seq: Number.MAX_SAFE_INTEGER };
  const table = query.attribute ? 'l' : 'e';
  const conditions = [`${table}.account_id = ${p(query.accountId)}`];
  if (query.attribute) conditions.push(`l.attr = ${p(query.attribute.attr)}`, `l.value = ${p(query.attribute.value)}`);
  if (query.startTime !== undefined) conditions.push(`${table}.time >= ${p(query.startTime)}`);
  if (query.endTime !== undefined) conditions.push(`${table}.time <= ${p(query.endTime)}`);
  conditions.push(`${table}.time <= ${p(before.time)}`);
  conditions.push(`(${table}.time < ${p(before.time)} OR ${table}.seq < ${p(before.seq)})`);
  const from = query.attribute ? 'audit_lookup l JOIN audit_events e ON e.seq = l.seq' : 'audit_events e';
  return {
    text: `SELECT ${AUDIT_COLUMNS} FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY ${table}.time DESC, ${table}.seq DESC LIMIT ${p(query.limit)}`,
    values,
  };
}

const AFTER_COLUMNS = 'seq, time, request_id, account_id, event_id, data';

/**
 * Events after a sequence number, oldest first (AuditAfterQuery). One stream is one walk of
 * audit_events' (account, seq) index. Several are each walked the same way up to the limit —
 * never a sort of everything after the cursor — and merged by seq in the same statement, so
 * that all of them are read from one snapshot of the log.
 */
export function auditAfterQuery(dialect: Dialect, query: AuditAfterQuery): AuditSqlQuery {
  checkLimit(query.limit);
  const { values, p } = parameters(dialect);
  const streams = 'accountId' in query ? [query.accountId] : [...new Set(query.accountIds)];
  if (streams.length === 0) throw new RangeError('auditAfter needs at least one stream');
  const walk = (stream: string) => `SELECT ${AFTER_COLUMNS} FROM audit_events WHERE account_id = ${p(stream)} AND seq > ${p(query.afterSeq)} ORDER BY seq LIMIT ${p(query.limit)}`;
  if (streams.length === 1) return { text: walk(streams[0]!), values };
  const walks = streams.map((stream, i) => `SELECT * FROM (${walk(stream)}) s${i}`);
  return { text: `SELECT ${AFTER_COLUMNS} FROM (${walks.join(' UNION ALL ')}) merged ORDER BY seq LIMIT ${p(query.limit)}`, values };
}
