// DynamoDB. Batch calls are authorized per table they touch and transactions per item, with
// the item's own action (Amazon DynamoDB Developer Guide, "Using IAM with DynamoDB
// transactions": TransactWriteItems needs dynamodb:PutItem / UpdateItem / DeleteItem /
// ConditionCheckItem on each table, TransactGetItems dynamodb:GetItem).

import type { IdentifiedRequest } from '../identify.ts';
import type { ExpandedCheck, OperationRule, RuleContext, ServiceRules } from '../rules.ts';
import type { ConditionValue, Lookup } from '../types.ts';
import { BeyondLimit, LIMITS, wholeEntries, wholeList } from '../wire/limits.ts';
import { MAX_BATCH_STATEMENTS, MAX_STATEMENT_LENGTH, MAX_TRANSACTION_STATEMENTS, PARTIQL_UNREAD_KEYS, readStatement, UnreadStatement } from './dynamodb-partiql.ts';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * BatchGetItem / BatchWriteItem: the action on every table of RequestItems, each with that
 * table's keys and items (`Keys`: BatchGetItem's keys, BatchWriteItem's put items and delete
 * keys) for dynamodb:Attributes and dynamodb:LeadingKeys, and its projection.
 */
function perTable(action: string) {
  return (request: IdentifiedRequest): ExpandedCheck[] | undefined => {
    const items = record(request.input.get('RequestItems'));
    if (items === undefined) return undefined;
    const tables = wholeEntries(items, 'RequestItems').map(([table]) => table);
    if (tables.length === 0) return undefined;
    return tables.map((table) => {
      const entry = items[table];
      const input = new Map<string, unknown>([['TableName', table], ['ReturnConsumedCapacity', request.input.get('ReturnConsumedCapacity')]]);
      const perTableEntry = record(entry);
      if (perTableEntry !== undefined) {
        // BatchGetItem: { Keys, ProjectionExpression, ExpressionAttributeNames, AttributesToGet, … }
        for (const member of ['Keys', 'ProjectionExpression', 'ExpressionAttributeNames', 'AttributesToGet']) input.set(member, perTableEntry[member]);
      } else if (Array.isArray(entry)) {
        // BatchWriteItem: [{ PutRequest: { Item } } | { DeleteRequest: { Key } }]
        input.set('Keys', wholeList(entry, `RequestItems.${table}`).map((write) => record(record(record(write)?.PutRequest)?.Item) ?? record(record(record(write)?.DeleteRequest)?.Key)));
      }
      return { action, input };
    });
  };
}

/** TransactGetItems / TransactWriteItems: each item's action on its table. */
function perItem(kinds: Readonly<Record<string, string>>, enclosing: string) {
  return (request: IdentifiedRequest): ExpandedCheck[] | undefined => {
    const items = request.input.get('TransactItems');
    if (!Array.isArray(items) || items.length === 0) return undefined;
    const checks: ExpandedCheck[] = [];
    for (const item of wholeList(items, 'TransactItems')) {
      const entry = record(item);
      const kind = entry === undefined ? undefined : Object.keys(kinds).find((name) => record(entry[name]) !== undefined);
      if (kind === undefined) return undefined;
      const body = record(entry![kind])!;
      const context: Record<string, ConditionValue> = { 'dynamodb:EnclosingOperation': enclosing };
      // The transaction's own ReturnConsumedCapacity is each item's (dynamodb:ReturnConsumedCapacity):
      // a Deny on TOTAL was passed by asking for it on a transaction.
      const input = new Map<string, unknown>([...Object.entries(body).filter(([name]) => name !== 'ReturnConsumedCapacity'), ['ReturnConsumedCapacity', request.input.get('ReturnConsumedCapacity')]]);
      checks.push({ action: kinds[kind]!, input, context });
    }
    return checks;
  };
}

/** The ARNs of the tables `names` in each of `regions`; undefined when a name or a Region is missing. */
function tableArns(context: RuleContext, names: readonly unknown[], regions: readonly unknown[] | undefined): string[] | undefined {
  if (regions === undefined || regions.length === 0) return undefined;
  const arns: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || name === '') return undefined;
    for (const region of regions) {
      if (typeof region !== 'string' || !/^[a-z0-9-]{1,32}$/.test(region)) return undefined;
      arns.push(`arn:aws:dynamodb:${region}:${context.ownerAccountId}:table/${name}`);
    }
  }
  return arns;
}

/** The Regions a list of replica entries names (read whole: wire/limits.ts). */
function regionsOf(list: unknown, regionOf: (entry: Record<string, unknown>) => unknown): unknown[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return wholeList(list, 'replicas').map((entry) => regionOf(record(entry) ?? {}));
}

/**
 * The statements of a PartiQL call: ExecuteStatement's one, BatchExecuteStatement's `Statements`
 * and ExecuteTransaction's `TransactStatements` (each `{ Statement, … }`); undefined when the
 * request gives none.
 */
function statementsOf(request: IdentifiedRequest): unknown[] | undefined {
  const operation = request.operation.name;
  if (operation === 'ExecuteStatement') return request.input.has('Statement') ? [request.input.get('Statement')] : undefined;
  const list = request.input.get(operation === 'BatchExecuteStatement' ? 'Statements' : 'TransactStatements');
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return wholeList(list, operation === 'BatchExecuteStatement' ? 'Statements' : 'TransactStatements').map((entry) => record(entry)?.Statement);
}

/**
 * A PartiQL call beyond DynamoDB's own bounds (its model's: at most 25 statements in a batch, 100
 * in a transaction, 8,192 characters in a statement), found before any statement is read, and
 * answered as DynamoDB answers it: ValidationException, naming the member as its validation
 * errors do (without the value they quote).
 */
function partiqlInvalid(request: IdentifiedRequest): string | undefined {
  const operation = request.operation.name;
  const statements = statementsOf(request) ?? [];
  const list = operation === 'BatchExecuteStatement' ? 'statements' : 'transactStatements';
  const most = operation === 'BatchExecuteStatement' ? MAX_BATCH_STATEMENTS : MAX_TRANSACTION_STATEMENTS;
  if (operation !== 'ExecuteStatement' && statements.length > most) {
    return `1 validation error detected: Value at '${list}' failed to satisfy constraint: Member must have length less than or equal to ${most}`;
  }
  const errors: string[] = [];
  for (const [index, statement] of statements.entries()) {
    if (typeof statement !== 'string' || statement.length <= MAX_STATEMENT_LENGTH) continue;
    const member = operation === 'ExecuteStatement' ? 'statement' : `${list}.${index + 1}.member.statement`;
    errors.push(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_STATEMENT_LENGTH}`);
  }
  if (errors.length === 0) return undefined;
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

/** Why a PartiQL call is not forwarded: a statement the gateway does not read (dynamodb-partiql.ts). */
function partiqlRefusal(request: IdentifiedRequest): string | undefined {
  const statements = statementsOf(request) ?? [];
  for (const [index, statement] of statements.entries()) {
    if (typeof statement !== 'string') continue; // no statement: the upstream answers the validation error
    try {
      readStatement(statement);
    } catch (err) {
      if (!(err instanceof UnreadStatement)) throw err;
      const which = request.operation.name === 'ExecuteStatement' ? 'its statement' : `statement ${index + 1}`;
      return `the gateway reads a PartiQL statement only in its plain forms (SELECT … FROM <table>[.<index>] [WHERE …] [ORDER BY …], INSERT INTO <table> VALUE …, UPDATE <table> SET|REMOVE …, DELETE FROM <table> WHERE …), and ${which} is not one: ${err.message}`;
    }
  }
  return undefined;
}

/**
 * A PartiQL call: each statement's action on its table (its index, for a SELECT from one). Inside
 * ExecuteTransaction, dynamodb:EnclosingOperation is ExecuteTransaction (as TransactWriteItems'
 * items have theirs). `Statement` stays in each check's input: the readers below leave the keys
 * a statement would set unset for it (PARTIQL_UNREAD_KEYS).
 */
function perStatement(request: IdentifiedRequest): ExpandedCheck[] | undefined {
  const statements = statementsOf(request);
  if (statements === undefined || statements.some((statement) => typeof statement !== 'string')) return undefined;
  return statements.map((statement) => {
    const target = readStatement(statement as string);
    const input = new Map<string, unknown>([['TableName', target.table], ['Statement', statement]]);
    if (target.index !== undefined) input.set('IndexName', target.index);
    return {
      action: target.action,
      input,
      ...(request.operation.name === 'ExecuteTransaction' ? { context: { 'dynamodb:EnclosingOperation': 'ExecuteTransaction' } } : {}),
    };
  });
}

const PARTIQL_RULE: OperationRule = {
  invalid: partiqlInvalid,
  refuse: partiqlRefusal,
  expand: perStatement,
  expandDoc: 'dynamodb:PartiQLSelect / PartiQLInsert / PartiQLUpdate / PartiQLDelete on the table (a SELECT from an index: the index) each statement names',
  unreadKeys: PARTIQL_UNREAD_KEYS,
  unreadWhy: 'Tessera does not read it from a PartiQL statement',
};

/**
 * dynamodb:FullTableScan of a PartiQL SELECT, settled once the table's partition key is read: a
 * SELECT from an index is taken for a full scan (its key is the index's, not read here) — the
 * stricter answer, for a Deny on `true` as for an Allow on `false`.
 */
function fullTableScan(statement: string, check: { index: number; resource: string }): Lookup {
  const target = readStatement(statement);
  const table = check.resource.split('/')[1] ?? '';
  const equalities = target.index === undefined ? target.equalities : undefined;
  return { kind: 'dynamodb-full-table-scan', check: check.index, table, ...(equalities !== undefined ? { equalities } : {}) };
}

/** A PartiQL check (perStatement): its condition keys come from the statement, which is not read for them. */
function isStatement(input: ReadonlyMap<string, unknown>): boolean {
  return input.has('Statement');
}

/** A table name, or a table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`). */
function readTableName(value: string): Record<string, string> | undefined {
  if (!value.startsWith('arn:')) return { TableName: value };
  const parts = value.split(':');
  const resource = parts.slice(5).join(':');
  if (parts[2] !== 'dynamodb' || !resource.startsWith('table/') || resource.indexOf('/', 6) >= 0 || resource.length === 6) return undefined;
  return { TableName: resource.slice(6), Region: parts[3]!, Account: parts[4]! };
}

/**
 * DynamoDB Streams' GetRecords names its stream only through its ShardIterator, which AWS
 * documents as opaque. The iterators moto hands out (and AWS's own API Reference examples show)
 * are `<stream ARN>|<digit(s)>|<token>`: the stream is read from that form, and an iterator of
 * any other form names no stream, so the request is refused rather than authorized on `*`. Safe
 * only with an upstream that binds the ARN to the token (moto keys its iterators by the whole
 * string): docs/gateway-mapping.md "Known limits".
 */
export function readShardIterator(value: string): Record<string, string> | undefined {
  const bar = value.indexOf('|');
  if (bar < 0) return undefined;
  const second = value.indexOf('|', bar + 1);
  const version = second < 0 ? '' : value.slice(bar + 1, second);
  if (version === '' || version.length > 4 || !/^[0-9]+$/.test(version) || second === value.length - 1) return undefined;
  return readStreamArn(value.slice(0, bar));
}

/** `arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>` → its variables. */
function readStreamArn(arn: string): Record<string, string> | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[1] === '' || parts[2] !== 'dynamodb' || parts[3] === '' || !/^\d{12}$/.test(parts[4]!)) return undefined;
  const resource = parts.slice(5).join(':');
  const marker = resource.indexOf('/stream/');
  if (!resource.startsWith('table/') || marker <= 6) return undefined;
  const table = resource.slice(6, marker);
  const label = resource.slice(marker + '/stream/'.length);
  if (table.includes('/') || label === '' || label.includes('/')) return undefined;
  return { Partition: parts[1]!, Region: parts[3]!, Account: parts[4]!, TableName: table, StreamLabel: label };
}

export const DYNAMODB_RULES: ServiceRules = {
  resources: {
    variables: {
      TableName: [{ member: 'TableName', read: readTableName }, { member: 'SourceTableName' }, { member: 'ShardIterator', read: readShardIterator }],
      StreamLabel: [{ member: 'ShardIterator', read: readShardIterator }],
    },
    // TableName may be a table ARN (DynamoDB accepts either since 2024). RestoreTableToPointInTime
    // names its source table by SourceTableName (or SourceTableArn). DynamoDB Streams' GetRecords
    // names its stream by the ARN its ShardIterator starts with (readShardIterator); its
    // DescribeStream and GetShardIterator give the stream's StreamArn.
    arnMembers: ['TableName'],
  },
  operations: {
    // The reference lists the backup and the table, both required: the table made is TargetTableName.
    RestoreTableFromBackup: { also: [{ action: 'RestoreTableFromBackup', resource: (request, context) => tableArns(context, [request.input.get('TargetTableName')], [context.region]), resourceDoc: 'the TargetTableName table' }] },
    // A global table (version 2017.11.29) and the table of its name in each Region it replicates to.
    CreateGlobalTable: {
      also: [{ action: 'CreateGlobalTable', resource: (request, context) => tableArns(context, [request.input.get('GlobalTableName')], regionsOf(request.input.get('ReplicationGroup'), (entry) => entry['RegionName'])), resourceDoc: 'the table GlobalTableName in each Region of ReplicationGroup' }],
    },
    UpdateGlobalTable: {
      also: [{
        action: 'UpdateGlobalTable',
        resource: (request, context) => tableArns(context, [request.input.get('GlobalTableName')], regionsOf(request.input.get('ReplicaUpdates'), (entry) => record(entry['Create'])?.['RegionName'] ?? record(entry['Delete'])?.['RegionName'])),
        resourceDoc: 'the table GlobalTableName in each Region ReplicaUpdates creates or deletes',
      }],
    },
    BatchGetItem: { expand: perTable('BatchGetItem'), expandDoc: 'dynamodb:BatchGetItem on each table of RequestItems' },
    BatchWriteItem: { expand: perTable('BatchWriteItem'), expandDoc: 'dynamodb:BatchWriteItem on each table of RequestItems' },
    ImportTable: {
      expand: (request) => {
        const table = record(request.input.get('TableCreationParameters'))?.TableName;
        return typeof table === 'string' ? [{ action: 'ImportTable', input: new Map<string, unknown>([['TableName', table], ['Tags', request.input.get('Tags')]]) }] : undefined;
      },
      expandDoc: 'dynamodb:ImportTable on the table of TableCreationParameters',
    },
    TransactGetItems: { action: 'GetItem', expand: perItem({ Get: 'GetItem' }, 'TransactGetItems'), expandDoc: 'dynamodb:GetItem on the table of each item' },
    TransactWriteItems: {
      action: 'PutItem',
      expand: perItem({ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }, 'TransactWriteItems'),
      expandDoc: 'dynamodb:PutItem / UpdateItem / DeleteItem / ConditionCheckItem on the table of each item',
    },
    ExecuteStatement: PARTIQL_RULE,
    BatchExecuteStatement: PARTIQL_RULE,
    ExecuteTransaction: PARTIQL_RULE,
  },
  refused: {},
  conditions: {
    'dynamodb:Attributes': (request) => {
      if (isStatement(request.input)) return undefined;
      const names = attributeNames(request.input);
      if (returnsOldItemOnFailure(request.input)) names.push(EVERY_ATTRIBUTE);
      return names.length === 0 ? undefined : { 'dynamodb:Attributes': names };
    },
    // Developer Guide, "Using IAM policy conditions for fine-grained access control": "the Select
    // parameter always has a value (ALL_ATTRIBUTES, unless otherwise specified)" and "the
    // ReturnValues parameter always has a value (NONE unless otherwise specified)". API Reference
    // (Query, Scan): a ProjectionExpression without Select is SPECIFIC_ATTRIBUTES; with neither,
    // ALL_ATTRIBUTES on a table and ALL_PROJECTED_ATTRIBUTES on an index. GetItem and BatchGetItem,
    // which take no Select, are read the same way: a GetItem that names no attribute reads them all.
    'dynamodb:Select': (request) => {
      if (isStatement(request.input)) return undefined;
      const given = request.input.get('Select');
      if (typeof given === 'string' && given !== '') return { 'dynamodb:Select': given };
      if (hasProjection(request.input)) return { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' };
      return { 'dynamodb:Select': request.input.get('IndexName') !== undefined ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES' };
    },
    'dynamodb:ReturnValues': (request) => {
      if (isStatement(request.input)) return undefined;
      const given = request.input.get('ReturnValues');
      return { 'dynamodb:ReturnValues': typeof given === 'string' && given !== '' ? given : 'NONE' };
    },
  },
  lookups: (request, check) => {
    const statement = request.input.get('Statement');
    if (typeof statement === 'string') return check.conditionKeys.includes('dynamodb:FullTableScan') && check.resource.startsWith('arn:') ? [fullTableScan(statement, check)] : [];
    if (!check.conditionKeys.includes('dynamodb:LeadingKeys') || !check.resource.startsWith('arn:')) return [];
    const candidates = leadingKeyCandidates(request.input);
    const table = check.resource.split('/')[1] ?? '';
    return Object.keys(candidates).length === 0 ? [] : [{ kind: 'dynamodb-leading-keys', check: check.index, table, candidates }];
  },
  policyHolders: (type, arn) => (type === 'table' || type === 'stream' ? arn : type === 'index' ? arn.slice(0, arn.indexOf('/index/')) : undefined),
};

/** The items and keys a request names: Key, Item, and a batch's Keys (one table's). */
function keyRecords(input: ReadonlyMap<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const member of ['Key', 'Item']) {
    const one = record(input.get(member));
    if (one !== undefined) found.push(one);
  }
  const keys = input.get('Keys');
  if (Array.isArray(keys)) for (const key of wholeList(keys, 'Keys')) if (record(key) !== undefined) found.push(record(key)!);
  return found;
}

function scalar(value: unknown): string | undefined {
  const typed = record(value);
  const text = typed === undefined ? undefined : (typed.S ?? typed.N ?? typed.B);
  return typeof text === 'string' ? text : undefined;
}

/**
 * Attribute name → the scalar values the request gives it as a key: every key and item
 * (a batch's too), and a Query's partition key equality (KeyConditions' EQ, or
 * `name = :value` of KeyConditionExpression). The forwarder keeps the partition key's.
 */
function leadingKeyCandidates(input: ReadonlyMap<string, unknown>): Record<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, value: string | undefined): void => {
    if (value === undefined) return;
    let values = found.get(name);
    if (values === undefined) {
      if (found.size >= LIMITS.fanOut) throw new BeyondLimit('The key attributes the request gives');
      found.set(name, (values = []));
    }
    if (values.includes(value)) return;
    if (values.length >= LIMITS.fanOut) throw new BeyondLimit(`The values the request gives the key attribute ${name.slice(0, 64)}`);
    values.push(value);
  };
  for (const item of keyRecords(input)) for (const [name, value] of Object.entries(item)) add(name, scalar(value));
  for (const [name, condition] of Object.entries(record(input.get('KeyConditions')) ?? {})) {
    const list = record(condition)?.AttributeValueList;
    if (record(condition)?.ComparisonOperator === 'EQ' && Array.isArray(list)) add(name, scalar(list[0]));
  }
  const expression = input.get('KeyConditionExpression');
  if (typeof expression === 'string') {
    const values = record(input.get('ExpressionAttributeValues')) ?? {};
    for (const [name, placeholder] of equalities(expression, record(input.get('ExpressionAttributeNames')) ?? {})) add(name, scalar(values[placeholder]));
  }
  const candidates: Record<string, string[]> = {};
  for (const [name, values] of found) Object.defineProperty(candidates, name, { value: values, enumerable: true });
  return candidates;
}

/**
 * A write with ReturnValuesOnConditionCheckFailure ALL_OLD hands back the whole old item when its
 * condition fails, and no condition key covers that member: its dynamodb:Attributes include `*`,
 * a name no allow-list (`ForAllValues:StringEquals dynamodb:Attributes [...]`) contains, so an
 * attribute-limited caller cannot read what it may not through a failed condition — stricter
 * where AWS does not say (docs/gateway-mapping.md). A read that names no attributes is limited
 * the documented way, by dynamodb:Select (ALL_ATTRIBUTES).
 */
const EVERY_ATTRIBUTE = '*';

function hasProjection(input: ReadonlyMap<string, unknown>): boolean {
  return input.get('ProjectionExpression') !== undefined || input.get('AttributesToGet') !== undefined;
}

function returnsOldItemOnFailure(input: ReadonlyMap<string, unknown>): boolean {
  return input.get('ReturnValuesOnConditionCheckFailure') === 'ALL_OLD';
}

/**
 * dynamodb:Attributes: the top-level attribute names a request reads or writes —
 * AttributesToGet, the names of Item, Key, a batch's Keys, AttributeUpdates and the legacy
 * KeyConditions / QueryFilter / ScanFilter / Expected, and those of its
 * expressions (ProjectionExpression, UpdateExpression, ConditionExpression, FilterExpression,
 * KeyConditionExpression; with ExpressionAttributeNames substituted). Names that only appear in
 * a condition are counted too: stricter where AWS does not say.
 */
function attributeNames(input: ReadonlyMap<string, unknown>): string[] {
  const names = new Set<string>();
  const add = (name: string): void => {
    names.add(name);
    if (names.size > LIMITS.fanOut) throw new BeyondLimit('dynamodb:Attributes (the attribute names the request reads or writes)');
  };
  const toGet = input.get('AttributesToGet');
  if (Array.isArray(toGet)) for (const name of toGet) if (typeof name === 'string') add(name);
  for (const item of keyRecords(input)) for (const name of Object.keys(item)) add(name);
  // The legacy conditional members name their attributes as keys.
  for (const member of ['AttributeUpdates', 'KeyConditions', 'QueryFilter', 'ScanFilter', 'Expected']) for (const name of Object.keys(record(input.get(member)) ?? {})) add(name);
  const substitutes = record(input.get('ExpressionAttributeNames')) ?? {};
  for (const member of ['ProjectionExpression', 'UpdateExpression', 'ConditionExpression', 'FilterExpression', 'KeyConditionExpression']) {
    const expression = input.get(member);
    if (typeof expression === 'string') for (const name of expressionNames(expression, substitutes)) add(name);
  }
  return [...names];
}

// DynamoDB expressions, read only as far as authorization needs: the top-level attribute names
// they use (dynamodb:Attributes) and the `name = :value` equalities of a key condition
// (dynamodb:LeadingKeys of a Query). A linear scan, no regular expression over the input.

const KEYWORDS = new Set(['and', 'or', 'not', 'between', 'in', 'set', 'remove', 'add', 'delete']);

function isWordChar(code: number): boolean {
  // letters, digits, _ # : . [ ] (a path `a.b[1]` and placeholders `#a`, `:v` are one word)
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 35 || code === 58 || code === 46 || code === 91 || code === 93;
}

/**
 * The tokens of an expression in order — words (names, paths, `#a`, `:v`) and operators
 * (`<=`, `>=`, `<>` or one character) — until `visit` returns false. One pass, no backtracking.
 */
function scan(expression: string, visit: (word: boolean, text: string) => boolean): void {
  let at = 0;
  while (at < expression.length) {
    const code = expression.charCodeAt(at);
    if (isWordChar(code)) {
      const start = at;
      while (at < expression.length && isWordChar(expression.charCodeAt(at))) at++;
      if (!visit(true, expression.slice(start, at))) return;
      continue;
    }
    const two = expression.slice(at, at + 2);
    const op = two === '<=' || two === '>=' || two === '<>' ? two : code > 32 ? expression[at]! : undefined;
    at += op?.length ?? 1;
    if (op !== undefined && !visit(false, op)) return;
  }
}

/** `#a` → its substitute; undefined when it has none. */
function substitute(name: string, names: Readonly<Record<string, unknown>>): string | undefined {
  if (!name.startsWith('#')) return name;
  const value = Object.hasOwn(names, name) ? names[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A path's top-level name: `a.b[1]` → `a`. */
function head(path: string): string {
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code === 46 || code === 91) return path.slice(0, index);
  }
  return path;
}

/**
 * The top-level attribute names an expression uses (functions, keywords, numbers and `:values`
 * aside), at most LIMITS.fanOut + 1 of them (dynamodb:Attributes keeps no more).
 */
export function expressionNames(expression: string, names: Readonly<Record<string, unknown>>): string[] {
  const found = new Set<string>();
  let pending: string | undefined;
  const settle = (next: string | undefined): boolean => {
    // A word is a name unless a `(` follows it (a function).
    if (pending !== undefined && next !== '(') {
      const name = substitute(head(pending), names);
      if (name !== undefined && name !== '') found.add(name);
    }
    pending = undefined;
    return found.size <= LIMITS.fanOut;
  };
  scan(expression, (word, text) => {
    if (!settle(text)) return false;
    const first = text.charCodeAt(0);
    const skip = !word || first === 58 || (first >= 48 && first <= 57) || (text.length <= 7 && KEYWORDS.has(text.toLowerCase()));
    if (!skip) pending = text;
    return true;
  });
  settle(undefined);
  return [...found];
}

/** The `name = :value` (or `:value = name`) pairs of a key condition; BeyondLimit past LIMITS.fanOut. */
export function equalities(expression: string, names: Readonly<Record<string, unknown>>): [string, string][] {
  const pairs: [string, string][] = [];
  // The last two tokens seen, as [word?, text].
  let before: [boolean, string] | undefined;
  let last: [boolean, string] | undefined;
  scan(expression, (word, text) => {
    if (word && before?.[0] === true && last?.[0] === false && last[1] === '=') {
      const [attribute, value] = before[1].startsWith(':') ? [text, before[1]] : [before[1], text];
      const name = attribute.startsWith(':') || !value.startsWith(':') ? undefined : substitute(attribute, names);
      if (name !== undefined) pairs.push([name, value]);
      if (pairs.length > LIMITS.fanOut) throw new BeyondLimit('KeyConditionExpression (its equalities)');
    }
    before = last;
    last = [word, text];
    return true;
  });
  return pairs;
}
