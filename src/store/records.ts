import type { EntityRecord, NewEntity } from './types.ts';

/** Helpers both dialects share, so they cannot drift apart on what a record is. */

/** Column list in the order both dialects select it. */
export const ENTITY_COLUMNS = 'kind, id, account_id, parent_id, name, path, data, created_at, version';

/** An `entities` row as the drivers return it (`data` is text on SQLite, parsed on PostgreSQL). */
export interface EntityRow {
  kind: string;
  id: string;
  account_id: string;
  parent_id: string;
  name: string;
  path: string;
  data: unknown;
  created_at: string;
  version: number;
}

/**
 * The key names are unique and sorted by. Computed here rather than with SQL's lower(), which
 * differs between SQLite (ASCII only) and PostgreSQL (collation-dependent).
 */
export function nameKeyOf(name: string): string {
  return name.toLowerCase();
}

const NUL_MESSAGE = 'text must not contain U+0000 or a lone surrogate (PostgreSQL cannot store them, so neither dialect accepts them)';

/**
 * A text the store cannot hold (a U+0000). A caller's input that holds one and reaches the
 * store unrefused is the caller's mistake, not the server's: the pipeline answers it as a
 * validation error (server/pipeline.ts), never InternalFailure. Nothing was written: the store
 * refuses before the statement runs, and a transaction around it rolls back.
 */
export class UnstorableTextError extends TypeError {
  constructor() {
    super(NUL_MESSAGE);
    this.name = 'UnstorableTextError';
  }
}

/**
 * Refuses U+0000 in any text parameter before it reaches the database. PostgreSQL rejects it
 * in text and jsonb (and the error would abort the whole transaction); refusing it on both
 * dialects keeps them interchangeable. No valid IAM name, id, path or ARN contains it.
 */
export function checkParams(values: readonly unknown[]): void {
  for (const value of values) {
    if (typeof value === 'string' && value.includes('\0')) throw new UnstorableTextError();
    if (Array.isArray(value)) checkParams(value);
  }
}

/**
 * A NUL or a lone surrogate as JSON.stringify writes it: `\u0000`, `\ud800`–`\udfff` (only
 * unpaired surrogates are escaped, in lower case) after an even number of backslashes (an odd
 * number means the text held a backslash followed by "u…", not the character). PostgreSQL's
 * jsonb refuses both; SQLite would store them: refused on both stores alike.
 */
const ESCAPED_UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/**
 * Serializes `data`; refuses values JSON cannot carry instead of storing a lossy stand-in.
 * The NUL check reads the finished JSON rather than each value on the way (a replacer
 * function): JSON.stringify's fast path is several times quicker, and this runs for every
 * audit event.
 */
export function encodeData(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('entity data must be JSON-serializable');
  if ((json.includes('\\u0000') || json.includes('\\ud')) && ESCAPED_UNSTORABLE.test(json)) throw new UnstorableTextError();
  return json;
}

export function recordFromRow<D>(row: EntityRow, data: D): EntityRecord<D> {
  return {
    accountId: row.account_id,
    kind: row.kind,
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    path: row.path,
    data,
    createdAt: row.created_at,
    version: Number(row.version),
  };
}

/** What `insert` returns: exactly the record's fields (never extra ones the caller's object had). */
export function insertedRecord<D>(record: NewEntity<D>): EntityRecord<D> {
  return {
    accountId: record.accountId,
    kind: record.kind,
    id: record.id,
    name: record.name,
    parentId: record.parentId,
    path: record.path,
    data: record.data,
    createdAt: record.createdAt,
    version: 1,
  };
}

/** Every list is bounded: a missing or nonsensical limit is a programming error. */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`list limit must be a non-negative integer, got ${limit}`);
}
