import type { Dialect } from './migrations.ts';
import { checkLimit, ENTITY_COLUMNS, nameKeyOf } from './records.ts';
import type { LinkListOptions, ListOptions, ScanOptions } from './types.ts';

/**
 * The paged list queries, built once for both dialects so their filtering and ordering
 * cannot drift apart. Every list is keyset-paged: `after` turns into a range condition on the
 * column the index is sorted by, so page 1,000 costs what page 1 costs (no OFFSET).
 */

export interface SqlQuery {
  text: string;
  values: (string | number)[];
}

/**
 * SQLite takes plain `?` (bound in order of appearance), PostgreSQL `$1`, `$2`…. Not SQLite's
 * numbered `?1`: Node.js's node:sqlite binds those by position only from 24.7 on (before,
 * "column index out of range"), and Tessera runs on Node.js 22.18 and later.
 */
function placeholder(dialect: Dialect, n: number): string {
  return dialect === 'sqlite' ? '?' : `$${n}`;
}

/**
 * A literal prefix test. Neither LIKE (`%` and `_` are wildcards, and SQLite's LIKE ignores
 * ASCII case) nor GLOB would take the prefix literally.
 */
function startsWith(q: QueryBuilder, column: string, prefix: string): string {
  // SQLite names the value twice, and each `?` takes its own copy.
  return q.dialect === 'sqlite' ? `substr(${column}, 1, length(${q.param(prefix)})) = ${q.param(prefix)}` : `starts_with(${column}, ${q.param(prefix)})`;
}

class QueryBuilder {
  readonly dialect: Dialect;
  readonly values: (string | number)[] = [];

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  /** The placeholder of `value`; values must be added in the order they appear in the text. */
  param(value: string | number): string {
    this.values.push(value);
    return placeholder(this.dialect, this.values.length);
  }
}

/** Entities ordered by lower-cased name, then id (see ListOptions). */
export function entityListQuery(dialect: Dialect, accountId: string, kind: string, options: ListOptions): SqlQuery {
  checkLimit(options.limit);
  const q = new QueryBuilder(dialect);
  const where = [`account_id = ${q.param(accountId)}`, `kind = ${q.param(kind)}`];
  if (options.parentId !== undefined) where.push(`parent_id = ${q.param(options.parentId)}`);
  if (options.pathPrefix !== undefined && options.pathPrefix !== '') {
    where.push(startsWith(q, 'path', options.pathPrefix));
  }
  // Lower-cased here too, so a caller passing the last name as returned still resumes after it.
  if (options.after !== undefined) where.push(`name_key > ${q.param(nameKeyOf(options.after))}`);
  // Within one parent the name is unique, so ordering by it alone is total and walks
  // entities_by_parent_name; across parents, id breaks ties and entities_by_name is walked.
  const orderBy = options.parentId !== undefined ? 'name_key' : 'name_key, id';
  const limit = q.param(options.limit);
  return {
    text: `SELECT ${ENTITY_COLUMNS} FROM entities WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${limit}`,
    values: q.values,
  };
}

/** Entities of one kind across every account, by id (walks the (kind, id) primary key). */
export function entityScanQuery(dialect: Dialect, kind: string, options: ScanOptions): SqlQuery {
  checkLimit(options.limit);
  const q = new QueryBuilder(dialect);
  const where = [`kind = ${q.param(kind)}`];
  if (options.after !== undefined) where.push(`id > ${q.param(options.after)}`);
  const limit = q.param(options.limit);
  return { text: `SELECT ${ENTITY_COLUMNS} FROM entities WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${limit}`, values: q.values };
}

/** Ids at the other end of `kind` links from (`direction: 'from'`) or to `id`, ascending. */
export function linkListQuery(
  dialect: Dialect,
  direction: 'from' | 'to',
  kind: string,
  id: string,
  options: LinkListOptions,
): SqlQuery {
  checkLimit(options.limit);
  const [anchor, other] = direction === 'from' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
  const q = new QueryBuilder(dialect);
  const where = [`${anchor} = ${q.param(id)}`, `kind = ${q.param(kind)}`];
  if (options.after !== undefined) where.push(`${other} > ${q.param(options.after)}`);
  const limit = q.param(options.limit);
  return {
    text: `SELECT ${other} AS id FROM links WHERE ${where.join(' AND ')} ORDER BY ${other} LIMIT ${limit}`,
    values: q.values,
  };
}
