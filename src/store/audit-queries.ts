import type { Dialect } from './migrations.ts';
import { checkLimit } from './records.ts';
import type { AuditQuery } from './types.ts';

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

export function auditQuery(dialect: Dialect, query: AuditQuery): AuditSqlQuery {
  checkLimit(query.limit);
  const values: (string | number)[] = [];
  const p = (value: string | number) => {
    values.push(value);
    return dialect === 'sqlite' ? '?' : `$${values.length}`;
  };
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
