// DynamoDB. Batch calls are authorized per table they touch and transactions per item, with
// the item's own action (Amazon DynamoDB Developer Guide, "Using IAM with DynamoDB
// transactions": TransactWriteItems needs dynamodb:PutItem / UpdateItem / DeleteItem /
// ConditionCheckItem on each table, TransactGetItems dynamodb:GetItem).

import type { IdentifiedRequest } from '../identify.ts';
import type { ExpandedCheck, ServiceRules } from '../rules.ts';
import type { ConditionValue } from '../types.ts';
import { LIMITS } from '../wire/limits.ts';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** BatchGetItem / BatchWriteItem: the action on every table of RequestItems. */
function perTable(action: string) {
  return (request: IdentifiedRequest): ExpandedCheck[] | undefined => {
    const items = record(request.input.get('RequestItems'));
    if (items === undefined) return undefined;
    const tables = Object.keys(items).slice(0, LIMITS.fanOut);
    if (tables.length === 0) return undefined;
    return tables.map((table) => ({ action, input: new Map<string, unknown>([['TableName', table], ['ReturnConsumedCapacity', request.input.get('ReturnConsumedCapacity')]]) }));
  };
}

/** TransactGetItems / TransactWriteItems: each item's action on its table. */
function perItem(kinds: Readonly<Record<string, string>>, enclosing: string) {
  return (request: IdentifiedRequest): ExpandedCheck[] | undefined => {
    const items = request.input.get('TransactItems');
    if (!Array.isArray(items) || items.length === 0) return undefined;
    const checks: ExpandedCheck[] = [];
    for (const item of items.slice(0, LIMITS.fanOut)) {
      const entry = record(item);
      const kind = entry === undefined ? undefined : Object.keys(kinds).find((name) => record(entry[name]) !== undefined);
      if (kind === undefined) return undefined;
      const body = record(entry![kind])!;
      const context: Record<string, ConditionValue> = { 'dynamodb:EnclosingOperation': enclosing };
      checks.push({ action: kinds[kind]!, input: new Map(Object.entries(body)), context });
    }
    return checks;
  };
}

/** A table name, or a table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`). */
function readTableName(value: string): Record<string, string> | undefined {
  if (!value.startsWith('arn:')) return { TableName: value };
  const parts = value.split(':');
  const resource = parts.slice(5).join(':');
  if (parts[2] !== 'dynamodb' || !resource.startsWith('table/') || resource.indexOf('/', 6) >= 0 || resource.length === 6) return undefined;
  return { TableName: resource.slice(6), Region: parts[3]!, Account: parts[4]! };
}

export const DYNAMODB_RULES: ServiceRules = {
  resources: {
    variables: { TableName: [{ member: 'TableName', read: readTableName }] },
    // TableName may be a table ARN (DynamoDB accepts either since 2024).
    arnMembers: ['TableName'],
  },
  operations: {
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
  },
  refused: {
    ExecuteStatement: 'PartiQL statements name their table and action (dynamodb:PartiQLSelect, PartiQLInsert, …) in the statement text, which the gateway does not parse',
    BatchExecuteStatement: 'PartiQL statements name their table and action (dynamodb:PartiQLSelect, PartiQLInsert, …) in the statement text, which the gateway does not parse',
    ExecuteTransaction: 'PartiQL statements name their table and action (dynamodb:PartiQLSelect, PartiQLInsert, …) in the statement text, which the gateway does not parse',
  },
  conditions: {
    'dynamodb:Attributes': (request) => {
      const names = attributeNames(request.input);
      return names.length === 0 ? undefined : { 'dynamodb:Attributes': names };
    },
  },
  lookups: (request, check) => {
    if (!check.conditionKeys.includes('dynamodb:LeadingKeys') || !check.resource.startsWith('arn:')) return [];
    const key = record(request.input.get('Key')) ?? record(request.input.get('Item'));
    if (key === undefined) return [];
    const candidates: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(key)) {
      const scalar = record(value);
      const text = scalar === undefined ? undefined : (scalar.S ?? scalar.N ?? scalar.B);
      if (typeof text === 'string') Object.defineProperty(candidates, name, { value: [text], enumerable: true });
    }
    const table = check.resource.split('/')[1] ?? '';
    return Object.keys(candidates).length === 0 ? [] : [{ kind: 'dynamodb-leading-keys', check: check.index, table, candidates }];
  },
  policyHolders: (type, arn) => (type === 'table' || type === 'stream' ? arn : type === 'index' ? arn.slice(0, arn.indexOf('/index/')) : undefined),
};

/**
 * dynamodb:Attributes, best effort: the attribute names a request reads or writes where they
 * are plain members — AttributesToGet, the top-level names of ProjectionExpression (with
 * ExpressionAttributeNames substituted), the names of Item, Key and AttributeUpdates. Names
 * used only inside UpdateExpression or ConditionExpression are not parsed.
 */
function attributeNames(input: ReadonlyMap<string, unknown>): string[] {
  const names = new Set<string>();
  const add = (name: string): void => {
    if (names.size < LIMITS.fanOut) names.add(name);
  };
  const toGet = input.get('AttributesToGet');
  if (Array.isArray(toGet)) for (const name of toGet) if (typeof name === 'string') add(name);
  for (const member of ['Item', 'Key', 'AttributeUpdates']) for (const name of Object.keys(record(input.get(member)) ?? {})) add(name);
  const projection = input.get('ProjectionExpression');
  if (typeof projection === 'string') {
    const substitutes = record(input.get('ExpressionAttributeNames')) ?? {};
    for (const path of projection.split(',')) {
      const head = path.trim().split(/[.[]/, 1)[0] ?? '';
      const name = head.startsWith('#') ? substitutes[head] : head;
      if (typeof name === 'string' && name !== '') add(name);
    }
  }
  return [...names];
}
