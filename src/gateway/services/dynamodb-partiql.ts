// DynamoDB's PartiQL statements (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction)
// name their action and table in the statement text: `SELECT … FROM "Music"` is
// dynamodb:PartiQLSelect on the table Music (on its index for `FROM "Music"."ByYear"`), INSERT
// PartiQLInsert, UPDATE PartiQLUpdate, DELETE PartiQLDelete (Amazon DynamoDB Developer Guide,
// "IAM security policies with PartiQL for DynamoDB").
//
// The gateway decides on the table it reads, so a statement another reader could take for
// another table must never be read as this one (a parser differential). The statement is read
// only in the plain forms DynamoDB documents, and everything else is refused, not guessed at:
// a second SELECT (a subquery, a UNION, EXISTS), a comment, a `;`, a list of tables, an alias,
// a table name DynamoDB would not accept. A quoted name and a string literal are read whole, so
// `'… FROM Other'` in a WHERE clause is text, not a table. One linear pass over the statement;
// the only regular expression is a table or index name's character class, on at most 255
// characters (linear, no backtracking).

export type PartiQLAction = 'PartiQLSelect' | 'PartiQLInsert' | 'PartiQLUpdate' | 'PartiQLDelete';

export interface PartiQLTarget {
  readonly action: PartiQLAction;
  readonly table: string;
  /** `SELECT … FROM "Table"."Index"`. */
  readonly index?: string;
  /**
   * A SELECT's attributes its WHERE clause holds equal to a value (`name = 'v'`, `name = ?`,
   * `name IN […]`) where it is a conjunction (no OR, no NOT); undefined when it is not one, for
   * dynamodb:FullTableScan (a SELECT without such a condition on the partition key scans the table).
   */
  readonly equalities?: readonly string[];
}

/** Why a statement is refused, for the caller. */
export class UnreadStatement extends Error {}

interface Token {
  /** `word`: a bare name or keyword; `quoted`: a "quoted name"; `string`: a 'literal'; `other`: anything else, one character. */
  readonly kind: 'word' | 'quoted' | 'string' | 'other';
  readonly text: string;
  /** Where it starts and ends in the statement (an index is read only when written against its table). */
  readonly start: number;
  readonly end: number;
}

/** DynamoDB's own bounds (its model): a statement's length, and the statements of a batch and of a transaction. */
export const MAX_STATEMENT_LENGTH = 8192;
export const MAX_BATCH_STATEMENTS = 25;
export const MAX_TRANSACTION_STATEMENTS = 100;

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57);
}

/** A quoted run (`"` or `'`, the quote doubled inside it) from `at`: its text and where it ends. */
function quoted(statement: string, at: number, quote: string): { text: string; end: number } {
  let text = '';
  let index = at + 1;
  for (;;) {
    const next = statement.indexOf(quote, index);
    if (next < 0) throw new UnreadStatement('the statement has an unterminated quote');
    text += statement.slice(index, next);
    if (statement[next + 1] !== quote) return { text, end: next + 1 };
    text += quote;
    index = next + 2;
  }
}

function tokens(statement: string): Token[] {
  if (statement.length > MAX_STATEMENT_LENGTH) throw new UnreadStatement(`the statement is longer than ${MAX_STATEMENT_LENGTH} characters`);
  const found: Token[] = [];
  let at = 0;
  while (at < statement.length) {
    const code = statement.charCodeAt(at);
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      at++;
      continue;
    }
    if (code === 34 || code === 39) {
      const run = quoted(statement, at, statement[at]!);
      found.push({ kind: code === 34 ? 'quoted' : 'string', text: run.text, start: at, end: run.end });
      at = run.end;
      continue;
    }
    if (isWordStart(code)) {
      const start = at;
      while (at < statement.length && isWordPart(statement.charCodeAt(at))) at++;
      found.push({ kind: 'word', text: statement.slice(start, at), start, end: at });
      continue;
    }
    const after = statement.charCodeAt(at + 1);
    if ((code === 45 && after === 45) || (code === 47 && (after === 42 || after === 47))) throw new UnreadStatement('the statement has a comment');
    if (code === 59) throw new UnreadStatement('the statement has a ;');
    if (code === 96) throw new UnreadStatement('the statement has a `');
    found.push({ kind: 'other', text: statement[at]!, start: at, end: at + 1 });
    at++;
  }
  return found;
}

const keyword = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.text.length === word.length && token.text.toUpperCase() === word;

/** The words counted once at most (a second one is another statement or table); by length first, to spare the upper-casing. */
const COUNTED = new Set(['SELECT', 'FROM', 'INTO', 'UNION', 'EXISTS', 'JOIN']);

/** DynamoDB's table and index name pattern: 3–255 of `a-z A-Z 0-9 _ - .`. */
function checkName(name: string, what: string): string {
  if (name.length < 3 || name.length > 255 || !/^[a-zA-Z0-9_.-]+$/.test(name)) throw new UnreadStatement(`the statement's ${what} is not a DynamoDB ${what} name`);
  return name;
}

/** A table (or index) named by a bare word or a quoted name. */
function nameAt(list: readonly Token[], index: number, what: string): string {
  const token = list[index];
  if (token === undefined || (token.kind !== 'word' && token.kind !== 'quoted')) throw new UnreadStatement(`the statement names no ${what}`);
  return checkName(token.text, what);
}

/**
 * The action and table of one statement; UnreadStatement for anything outside the plain forms:
 *   SELECT <projection> FROM <table>[.<index>] [WHERE …] [ORDER BY …]
 *   INSERT INTO <table> VALUE …
 *   UPDATE <table> (SET | REMOVE) …
 *   DELETE FROM <table> WHERE …
 */
export function readStatement(statement: string): PartiQLTarget {
  const list = tokens(statement);
  // One statement of one table: SELECT, FROM and INTO once each at most, anywhere outside
  // quotes (a subquery, a UNION or an EXISTS repeats one of them).
  const counts = new Map<string, number>();
  for (const token of list) {
    if (token.kind !== 'word' || token.text.length < 4 || token.text.length > 6) continue;
    const upper = token.text.toUpperCase();
    if (COUNTED.has(upper)) counts.set(upper, (counts.get(upper) ?? 0) + 1);
  }
  for (const word of ['UNION', 'EXISTS', 'JOIN']) if (counts.has(word)) throw new UnreadStatement(`the statement has ${word}`);
  if ([...counts.values()].some((count) => count > 1)) throw new UnreadStatement('the statement names more than one SELECT, FROM or INTO');
  const first = list[0];
  if (keyword(first, 'SELECT')) {
    const from = list.findIndex((token) => keyword(token, 'FROM'));
    if (from < 2) throw new UnreadStatement('the SELECT has no projection or no FROM');
    const table = nameAt(list, from + 1, 'table');
    let next = from + 2;
    let index: string | undefined;
    if (list[next]?.kind === 'other' && list[next]!.text === '.') {
      // Only `"Table"."Index"`, both quoted, nothing between: moto reads a bare `abc.defg` as the
      // table named `abc.defg`, and `"abc" . "defg"` as the table abc.
      const [table, dot, named] = [list[from + 1]!, list[next]!, list[next + 1]];
      if (table.kind !== 'quoted' || named?.kind !== 'quoted' || dot.start !== table.end || named.start !== dot.end) {
        throw new UnreadStatement('the statement names an index other than as "Table"."Index", or a table with a dot outside quotes');
      }
      index = nameAt(list, next + 1, 'index');
      next += 2;
    }
    // After the table: the end, WHERE or ORDER BY; an alias or a list of tables is refused.
    if (next < list.length && !keyword(list[next], 'WHERE') && !keyword(list[next], 'ORDER')) throw new UnreadStatement('the statement has something other than WHERE or ORDER BY after its table');
    const equalities = keyword(list[next], 'WHERE') ? whereEqualities(list, next + 1) : [];
    return { action: 'PartiQLSelect', table, ...(index !== undefined ? { index } : {}), ...(equalities !== undefined ? { equalities } : {}) };
  }
  if (keyword(first, 'INSERT')) {
    if (!keyword(list[1], 'INTO')) throw new UnreadStatement('the INSERT has no INTO');
    const table = nameAt(list, 2, 'table');
    if (!keyword(list[3], 'VALUE')) throw new UnreadStatement('the INSERT has no VALUE after its table');
    return { action: 'PartiQLInsert', table };
  }
  if (keyword(first, 'UPDATE')) {
    const table = nameAt(list, 1, 'table');
    if (!keyword(list[2], 'SET') && !keyword(list[2], 'REMOVE')) throw new UnreadStatement('the UPDATE has no SET or REMOVE after its table');
    return { action: 'PartiQLUpdate', table };
  }
  if (keyword(first, 'DELETE')) {
    if (!keyword(list[1], 'FROM')) throw new UnreadStatement('the DELETE has no FROM');
    const table = nameAt(list, 2, 'table');
    if (!keyword(list[3], 'WHERE')) throw new UnreadStatement('the DELETE has no WHERE after its table');
    return { action: 'PartiQLDelete', table };
  }
  throw new UnreadStatement('the statement is not a SELECT, INSERT, UPDATE or DELETE');
}

/** A value a key can equal: a string literal, a number, or a `?` parameter. */
function isValue(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'string') return true;
  return token.kind === 'other' && (token.text === '?' || token.text === '-' || (token.text >= '0' && token.text <= '9'));
}

/**
 * The top-level attribute names a WHERE clause (tokens from `from` to an ORDER BY or the end)
 * holds equal to a value or IN a list, when the clause is a conjunction; undefined when it has OR
 * or NOT (then no single equality confines the read). A name inside a path (`a.b`, `a[1]`) or a
 * function call is not a top-level attribute and is not counted: counting too few only makes the
 * read a full scan, the stricter answer.
 */
function whereEqualities(list: readonly Token[], from: number): string[] | undefined {
  const end = list.findIndex((token, at) => at >= from && keyword(token, 'ORDER'));
  const clause = list.slice(from, end < 0 ? list.length : end);
  if (clause.some((token) => keyword(token, 'OR') || keyword(token, 'NOT'))) return undefined;
  const names: string[] = [];
  for (let at = 0; at < clause.length; at++) {
    const token = clause[at]!;
    if (token.kind !== 'word' && token.kind !== 'quoted') continue;
    const before = clause[at - 1];
    if (before?.kind === 'other' && (before.text === '.' || before.text === '[')) continue;
    const next = clause[at + 1];
    const equal = next?.kind === 'other' && next.text === '=' && isValue(clause[at + 2]);
    if (equal || keyword(next, 'IN')) names.push(token.text);
  }
  return names;
}

/**
 * Condition keys the actions list that the gateway does not read from a statement (they would
 * need its projection, its WHERE clause's values and its RETURNING clause): a policy that refers
 * to one refuses the request rather than deciding without it (server/gateway/decision.ts).
 * dynamodb:FullTableScan is read (from `equalities` and the table's partition key).
 */
export const PARTIQL_UNREAD_KEYS: readonly string[] = ['dynamodb:Attributes', 'dynamodb:LeadingKeys', 'dynamodb:Select', 'dynamodb:ReturnValues'];
