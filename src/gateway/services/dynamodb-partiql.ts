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
// `'… FROM Other'` in a WHERE clause is text, not a table. One linear pass, no regular
// expression over the caller's text.

export type PartiQLAction = 'PartiQLSelect' | 'PartiQLInsert' | 'PartiQLUpdate' | 'PartiQLDelete';

export interface PartiQLTarget {
  readonly action: PartiQLAction;
  readonly table: string;
  /** `SELECT … FROM "Table"."Index"`. */
  readonly index?: string;
}

/** Why a statement is refused, for the caller. */
export class UnreadStatement extends Error {}

interface Token {
  /** `word`: a bare name or keyword; `quoted`: a "quoted name"; `string`: a 'literal'; `other`: anything else, one character. */
  readonly kind: 'word' | 'quoted' | 'string' | 'other';
  readonly text: string;
}

const MAX_STATEMENT = 8192;

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
  if (statement.length > MAX_STATEMENT) throw new UnreadStatement(`the statement is longer than ${MAX_STATEMENT} characters`);
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
      found.push({ kind: code === 34 ? 'quoted' : 'string', text: run.text });
      at = run.end;
      continue;
    }
    if (isWordStart(code)) {
      const start = at;
      while (at < statement.length && isWordPart(statement.charCodeAt(at))) at++;
      found.push({ kind: 'word', text: statement.slice(start, at) });
      continue;
    }
    const two = statement.slice(at, at + 2);
    if (two === '--' || two === '/*' || two === '//') throw new UnreadStatement('the statement has a comment');
    if (code === 59) throw new UnreadStatement('the statement has a ;');
    if (code === 96) throw new UnreadStatement('the statement has a `');
    found.push({ kind: 'other', text: statement[at]! });
    at++;
  }
  return found;
}

const keyword = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.text.toUpperCase() === word;

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
    if (token.kind !== 'word') continue;
    const upper = token.text.toUpperCase();
    if (upper === 'SELECT' || upper === 'FROM' || upper === 'INTO' || upper === 'UNION' || upper === 'EXISTS' || upper === 'JOIN') {
      counts.set(upper, (counts.get(upper) ?? 0) + 1);
    }
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
      index = nameAt(list, next + 1, 'index');
      next += 2;
    }
    // After the table: the end, WHERE or ORDER BY; an alias or a list of tables is refused.
    if (next < list.length && !keyword(list[next], 'WHERE') && !keyword(list[next], 'ORDER')) throw new UnreadStatement('the statement has something other than WHERE or ORDER BY after its table');
    return { action: 'PartiQLSelect', table, ...(index !== undefined ? { index } : {}) };
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

/**
 * Condition keys the action lists that the gateway does not read from a statement (they would
 * need its projection, its WHERE clause and its RETURNING clause): a policy that refers to one
 * refuses the request rather than deciding without it (server/gateway/decision.ts).
 */
export const PARTIQL_UNREAD_KEYS: readonly string[] = ['dynamodb:Attributes', 'dynamodb:LeadingKeys', 'dynamodb:Select', 'dynamodb:FullTableScan', 'dynamodb:ReturnValues'];
