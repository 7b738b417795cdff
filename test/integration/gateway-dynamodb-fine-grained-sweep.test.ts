// The DynamoDB Developer Guide's fine-grained access control ("Using IAM policy conditions for
// fine-grained access control", its example policies 1–5, and the IAM User Guide's "Amazon
// DynamoDB: Allows access to specific attributes"), driven with the AWS SDK v3 DynamoDB client
// through Tessera's gateway in front of moto_server: dynamodb:LeadingKeys (with ${aws:username}),
// dynamodb:Attributes (aliases, nested paths, conditions), dynamodb:Select, dynamodb:ReturnValues
// and dynamodb:ReturnConsumedCapacity, and PartiQL.
//
// What the guide documents and these tests hold Tessera to:
// - "the StringEqualsIfExists clause ensures that the app must always provide a list of specific
//   attributes to act upon and that the app can't request all attributes", and "you can change
//   StringEqualsIfExists to StringEquals because the Select parameter always has a value
//   (ALL_ATTRIBUTES, unless otherwise specified)": a Query / Scan that gives neither Select nor a
//   projection is decided with dynamodb:Select = ALL_ATTRIBUTES.
// - "You must also change StringEqualsIfExists to StringEquals because the ReturnValues parameter
//   always has a value (NONE unless otherwise specified)" (example 2's variations, and example 3
//   writes StringEquals): an UpdateItem without ReturnValues is decided with ReturnValues = NONE.
// - dynamodb:Attributes "limits access to the specified attributes so that only the actions
//   listed in the permissions policy can return values for these attributes"; "These attributes
//   can be read, written, or evaluated in a conditional write or scan filter"; "Applications
//   cannot read any attributes other than those listed in dynamodb:Attributes … it cannot perform
//   conditional write operations based on any other attributes" (example 5).
// Not documented, so not asserted: the value of dynamodb:Select for a Query / Scan that gives a
// ProjectionExpression but no Select (the API Reference calls SPECIFIC_ATTRIBUTES "equivalent to
// specifying ProjectionExpression without specifying any value for Select", but the guide does
// not say which value the condition key then holds). A transaction's top-level
// ReturnConsumedCapacity is taken as each item's (stricter where AWS does not say).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

const REGION = 'us-east-1';
const TABLE = 'GameScores';
const OTHER = 'Ledger';
const ALICE = 'fg-alice';
const BOB = 'fg-bob';

type Item = Record<string, AttributeValue>;
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const key = (user: string, game = 'chess'): Item => ({ UserId: s(user), GameTitle: s(game) });

function fullItem(user: string, game = 'chess'): Item {
  return {
    ...key(user, game),
    TopScore: n(100),
    Wins: n(3),
    Secret: s(`${user}-secret`),
    'my-secret': s(`${user}-dash`),
    Profile: { M: { nick: s(`${user}-nick`), ssn: s('000-00-0000') } },
    Stats: { M: { wins: n(3) } },
    Tags: { L: [s('hidden-tag'), s('t2')] },
    FreeGamesAvailable: n(1),
  };
}

/** The error an SDK call fails with; fails the test if the call succeeds. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    const answer = await promise;
    assert.fail(`expected a failure, the call succeeded: ${JSON.stringify(answer)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
}

describe('gateway: DynamoDB fine-grained access control (Developer Guide examples)', () => {
  let env: GatewayEnv;
  let account: string;
  let tableArn: string;
  let otherArn: string;
  let root: DynamoDBClient;

  /** AWS's AccessDeniedException for an identity policy that allows nothing matching (HTTP 400). */
  async function denied(promise: Promise<unknown>, who: { arn: string }, action: string, resource = tableArn): Promise<void> {
    const error = await failure(promise);
    assert.equal(error.name, 'AccessDeniedException', error.message);
    assert.equal(error.status, 400);
    assert.equal(error.message, `User: ${who.arn} is not authorized to perform: dynamodb:${action} on resource: ${resource} because no identity-based policy allows the dynamodb:${action} action`);
  }

  async function stored(user: string, game = 'chess'): Promise<Item | undefined> {
    return (await root.send(new GetItemCommand({ TableName: TABLE, Key: key(user, game), ConsistentRead: true }))).Item;
  }

  async function reset(): Promise<void> {
    for (const user of [ALICE, BOB]) for (const game of ['chess', 'go']) await root.send(new PutItemCommand({ TableName: TABLE, Item: fullItem(user, game) }));
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    tableArn = `arn:aws:dynamodb:${REGION}:${account}:table/${TABLE}`;
    otherArn = `arn:aws:dynamodb:${REGION}:${account}:table/${OTHER}`;
    root = env.dynamodb(env.server.root);
    await root.send(new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'UserId', AttributeType: 'S' }, { AttributeName: 'GameTitle', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'UserId', KeyType: 'HASH' }, { AttributeName: 'GameTitle', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await root.send(new CreateTableCommand({
      TableName: OTHER,
      AttributeDefinitions: [{ AttributeName: 'UserId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'UserId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await reset();
    for (const user of [ALICE, BOB]) await root.send(new PutItemCommand({ TableName: OTHER, Item: { UserId: s(user), Balance: n(5) } }));
  });
  after(() => env?.stop());

  describe('example 1: dynamodb:LeadingKeys = ${aws:username} (ForAllValues:StringEquals)', () => {
    let alice: Awaited<ReturnType<GatewayEnv['user']>>;
    let client: DynamoDBClient;
    before(async () => {
      alice = await env.user(ALICE, [{
        Version: '2012-10-17',
        Statement: [{
          Sid: 'FullAccessToUserItems',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
          Resource: [tableArn, otherArn],
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
        }],
      }]);
      client = env.dynamodb(alice);
    });

    test('GetItem: own item served whole; another user\'s refused', async () => {
      const own = await client.send(new GetItemCommand({ TableName: TABLE, Key: key(ALICE) }));
      assert.deepEqual(own.Item, fullItem(ALICE));
      await denied(client.send(new GetItemCommand({ TableName: TABLE, Key: key(BOB) })), alice, 'GetItem');
      // The table named by its ARN is the same table.
      await denied(client.send(new GetItemCommand({ TableName: tableArn, Key: key(BOB) })), alice, 'GetItem');
    });

    test('Query: the partition key equality, plain, aliased, reversed and legacy', async () => {
      const own = await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(ALICE) } }));
      assert.deepEqual(own.Items?.map((item) => item.GameTitle?.S).sort(), ['chess', 'go']);
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(BOB) } })), alice, 'Query');
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: '#k = :u AND begins_with(GameTitle, :g)', ExpressionAttributeNames: { '#k': 'UserId' }, ExpressionAttributeValues: { ':u': s(BOB), ':g': s('c') } })), alice, 'Query');
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: ':u = UserId', ExpressionAttributeValues: { ':u': s(BOB) } })), alice, 'Query');
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: '(UserId = :u)', ExpressionAttributeValues: { ':u': s(BOB) } })), alice, 'Query');
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditions: { UserId: { ComparisonOperator: 'EQ', AttributeValueList: [s(BOB)] } } })), alice, 'Query');
    });

    test('Scan is not among the example\'s actions: refused', async () => {
      await denied(client.send(new ScanCommand({ TableName: TABLE })), alice, 'Scan');
    });

    test('BatchGetItem: every key of every table counts', async () => {
      const own = await client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(ALICE), key(ALICE, 'go')] }, [OTHER]: { Keys: [{ UserId: s(ALICE) }] } } }));
      assert.equal(own.Responses?.[TABLE]?.length, 2);
      assert.deepEqual(own.Responses?.[OTHER], [{ UserId: s(ALICE), Balance: n(5) }]);
      await denied(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(ALICE), key(BOB)] } } })), alice, 'BatchGetItem');
      await denied(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(ALICE)] }, [OTHER]: { Keys: [{ UserId: s(BOB) }] } } })), alice, 'BatchGetItem', otherArn);
    });

    test('PutItem, UpdateItem, DeleteItem: own item written; another user\'s refused and left as it was', async () => {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(ALICE, 'new'), TopScore: n(1) } }));
      assert.deepEqual(await stored(ALICE, 'new'), { ...key(ALICE, 'new'), TopScore: n(1) });
      await client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE, 'new'), UpdateExpression: 'SET TopScore = :t', ExpressionAttributeValues: { ':t': n(2) } }));
      assert.deepEqual((await stored(ALICE, 'new'))?.TopScore, n(2));
      await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(ALICE, 'new') }));
      assert.equal(await stored(ALICE, 'new'), undefined);

      await denied(client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(BOB), TopScore: n(0) } })), alice, 'PutItem');
      await denied(client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(BOB), UpdateExpression: 'SET TopScore = :t', ExpressionAttributeValues: { ':t': n(0) } })), alice, 'UpdateItem');
      await denied(client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(BOB) })), alice, 'DeleteItem');
      assert.deepEqual(await stored(BOB), fullItem(BOB));
    });

    test('BatchWriteItem: one foreign put or delete refuses the whole batch, which writes nothing', async () => {
      await denied(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...key(ALICE, 'b1') } } }, { DeleteRequest: { Key: key(BOB) } }] } })), alice, 'BatchWriteItem');
      await denied(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...key(ALICE, 'b1') } } }], [OTHER]: [{ PutRequest: { Item: { UserId: s(BOB), Balance: n(999) } } }] } })), alice, 'BatchWriteItem', otherArn);
      assert.equal(await stored(ALICE, 'b1'), undefined);
      assert.deepEqual(await stored(BOB), fullItem(BOB));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...key(ALICE, 'b1') } } }], [OTHER]: [{ PutRequest: { Item: { UserId: s(ALICE), Balance: n(6) } } }] } }));
      assert.deepEqual(await stored(ALICE, 'b1'), key(ALICE, 'b1'));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ DeleteRequest: { Key: key(ALICE, 'b1') } }] } }));
    });

    test('TransactWriteItems / TransactGetItems: each item\'s own action on its own table and key', async () => {
      await client.send(new TransactWriteItemsCommand({ TransactItems: [
        { Put: { TableName: TABLE, Item: { ...key(ALICE, 'tx') } } },
        { Update: { TableName: OTHER, Key: { UserId: s(ALICE) }, UpdateExpression: 'SET Balance = :b', ExpressionAttributeValues: { ':b': n(7) } } },
      ] }));
      assert.deepEqual(await stored(ALICE, 'tx'), key(ALICE, 'tx'));
      // The foreign item's own action names the refusal: UpdateItem on Ledger, DeleteItem, ConditionCheckItem.
      await denied(client.send(new TransactWriteItemsCommand({ TransactItems: [
        { Put: { TableName: TABLE, Item: { ...key(ALICE, 'tx2') } } },
        { Update: { TableName: OTHER, Key: { UserId: s(BOB) }, UpdateExpression: 'SET Balance = :b', ExpressionAttributeValues: { ':b': n(0) } } },
      ] })), alice, 'UpdateItem', otherArn);
      await denied(client.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: TABLE, Key: key(BOB) } }] })), alice, 'DeleteItem');
      await denied(client.send(new TransactWriteItemsCommand({ TransactItems: [
        { ConditionCheck: { TableName: TABLE, Key: key(BOB), ConditionExpression: 'attribute_exists(UserId)' } },
        { Put: { TableName: TABLE, Item: { ...key(ALICE, 'tx3') } } },
      ] })), alice, 'ConditionCheckItem');
      assert.equal(await stored(ALICE, 'tx2'), undefined);
      assert.equal(await stored(ALICE, 'tx3'), undefined);
      assert.deepEqual((await root.send(new GetItemCommand({ TableName: OTHER, Key: { UserId: s(BOB) } }))).Item, { UserId: s(BOB), Balance: n(5) });

      const got = await client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(ALICE) } }, { Get: { TableName: OTHER, Key: { UserId: s(ALICE) } } }] }));
      assert.deepEqual(got.Responses?.map((r) => r.Item?.UserId?.S), [ALICE, ALICE]);
      await denied(client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(ALICE) } }, { Get: { TableName: OTHER, Key: { UserId: s(BOB) } } }] })), alice, 'GetItem', otherArn);
      await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(ALICE, 'tx') }));
    });
  });

  describe('example 2: dynamodb:Attributes with StringEqualsIfExists dynamodb:Select / dynamodb:ReturnValues', () => {
    let reader: Awaited<ReturnType<GatewayEnv['user']>>;
    let client: DynamoDBClient;
    before(async () => {
      await reset();
      reader = await env.user('fg-attributes', [{
        Version: '2012-10-17',
        Statement: [{
          Sid: 'LimitAccessToSpecificAttributes',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:Scan'],
          Resource: [tableArn],
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['UserId', 'GameTitle', 'TopScore', 'Stats'] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
          },
        }],
      }]);
      client = env.dynamodb(reader);
    });

    test('GetItem: allowed attributes projected are served, and only they', async () => {
      const got = await client.send(new GetItemCommand({ TableName: TABLE, Key: key(ALICE), ProjectionExpression: 'TopScore, #st.wins', ExpressionAttributeNames: { '#st': 'Stats' } }));
      assert.deepEqual(got.Item, { TopScore: n(100), Stats: { M: { wins: n(3) } } });
      // TransactGetItems with an allowed projection is allowed (what it answers is moto's: moto 5
      // ignores a TransactGetItems ProjectionExpression and GetItem's legacy AttributesToGet, and
      // answers the whole item — not checked here).
      const tx = await client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(ALICE), ProjectionExpression: 'TopScore' } }] }));
      assert.equal(tx.Responses?.length, 1);
    });

    test('GetItem: a hidden attribute is refused however it is named — plain, aliased, nested, indexed, needing #', async () => {
      const cases: { ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string> }[] = [
        { ProjectionExpression: 'Secret' },
        { ProjectionExpression: 'TopScore, #a', ExpressionAttributeNames: { '#a': 'Secret' } },
        { ProjectionExpression: 'Profile.nick' },
        { ProjectionExpression: '#p.#n', ExpressionAttributeNames: { '#p': 'Profile', '#n': 'ssn' } },
        { ProjectionExpression: 'Tags[0]' },
        { ProjectionExpression: '#t[1]', ExpressionAttributeNames: { '#t': 'Tags' } },
        { ProjectionExpression: '#d', ExpressionAttributeNames: { '#d': 'my-secret' } },
      ];
      for (const projection of cases) await denied(client.send(new GetItemCommand({ TableName: TABLE, Key: key(ALICE), ...projection })), reader, 'GetItem');
      await denied(client.send(new GetItemCommand({ TableName: TABLE, Key: key(ALICE), AttributesToGet: ['TopScore', 'Secret'] })), reader, 'GetItem');
      await denied(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(ALICE)], ProjectionExpression: 'TopScore, #x', ExpressionAttributeNames: { '#x': 'Secret' } } } })), reader, 'BatchGetItem');
      await denied(client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(ALICE), ProjectionExpression: '#x', ExpressionAttributeNames: { '#x': 'Secret' } } }] })), reader, 'GetItem');
    });

    test('GetItem / BatchGetItem without a projection: Select is ALL_ATTRIBUTES, so refused (nothing hidden handed out)', async () => {
      // The reference lists dynamodb:Select for GetItem and BatchGetItem too; a read that names no
      // attribute reads them all ("the Select parameter always has a value (ALL_ATTRIBUTES, unless
      // otherwise specified)"), which example 2's StringEqualsIfExists SPECIFIC_ATTRIBUTES refuses.
      await denied(client.send(new GetItemCommand({ TableName: TABLE, Key: key(ALICE) })), reader, 'GetItem');
      await denied(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(ALICE)] } } })), reader, 'BatchGetItem');
      await denied(client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(ALICE) } }] })), reader, 'GetItem');
    });

    test('UpdateItem with ReturnValuesOnConditionCheckFailure ALL_OLD is refused: a failed condition would return the whole old item', async () => {
      await denied(client.send(new UpdateItemCommand({
        TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET TopScore = :t', ConditionExpression: 'TopScore > :t',
        ExpressionAttributeValues: { ':t': n(1_000_000) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })), reader, 'UpdateItem');
      // Without it, the same failed condition answers ConditionalCheckFailedException and no item.
      const err = await client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET TopScore = :t', ConditionExpression: 'TopScore > :t', ExpressionAttributeValues: { ':t': n(1_000_000) } })).then(() => undefined, (e: Error & { Item?: unknown }) => e);
      assert.equal(err?.name, 'ConditionalCheckFailedException');
      assert.equal(err?.Item, undefined);
    });

    test('Query / Scan: SPECIFIC_ATTRIBUTES with an allowed projection is served', async () => {
      const query = await client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(ALICE) }, Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: 'GameTitle, TopScore' }));
      assert.deepEqual(query.Items, [{ GameTitle: s('chess'), TopScore: n(100) }, { GameTitle: s('go'), TopScore: n(100) }]);
      const scan = await client.send(new ScanCommand({ TableName: TABLE, Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: 'TopScore' }));
      assert.deepEqual(scan.Items, [n(100), n(100), n(100), n(100)].map((TopScore) => ({ TopScore })));
    });

    test('Query / Scan: Select given as anything but SPECIFIC_ATTRIBUTES is refused', async () => {
      for (const Select of ['ALL_ATTRIBUTES', 'COUNT'] as const) {
        await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(ALICE) }, Select })), reader, 'Query');
        await denied(client.send(new ScanCommand({ TableName: TABLE, Select })), reader, 'Scan');
      }
    });

    test('Query / Scan with neither Select nor a projection: Select is ALL_ATTRIBUTES ("always has a value"), so refused', async () => {
      await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(ALICE) } })), reader, 'Query');
      await denied(client.send(new ScanCommand({ TableName: TABLE })), reader, 'Scan');
    });

    test('Query / Scan: a hidden attribute in the projection or the filter is refused', async () => {
      const base = { TableName: TABLE, KeyConditionExpression: 'UserId = :u', Select: 'SPECIFIC_ATTRIBUTES' as const };
      await denied(client.send(new QueryCommand({ ...base, ProjectionExpression: 'TopScore, #h', ExpressionAttributeNames: { '#h': 'Secret' }, ExpressionAttributeValues: { ':u': s(ALICE) } })), reader, 'Query');
      await denied(client.send(new QueryCommand({ ...base, ProjectionExpression: 'TopScore', FilterExpression: 'begins_with(#h, :p)', ExpressionAttributeNames: { '#h': 'Secret' }, ExpressionAttributeValues: { ':u': s(ALICE), ':p': s('fg') } })), reader, 'Query');
      await denied(client.send(new ScanCommand({ TableName: TABLE, Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: 'TopScore', FilterExpression: '#p.ssn = :v', ExpressionAttributeNames: { '#p': 'Profile' }, ExpressionAttributeValues: { ':v': s('000-00-0000') } })), reader, 'Scan');
      await denied(client.send(new ScanCommand({ TableName: TABLE, Select: 'SPECIFIC_ATTRIBUTES', ProjectionExpression: 'TopScore', ScanFilter: { Secret: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [s('fg-a')] } } })), reader, 'Scan');
    });

    test('UpdateItem: allowed attributes written; hidden ones refused in the update, in a condition, as a source, behind an alias', async () => {
      await client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET TopScore = :t, #st.wins = :w', ExpressionAttributeNames: { '#st': 'Stats' }, ExpressionAttributeValues: { ':t': n(150), ':w': n(4) }, ConditionExpression: 'TopScore < :t' }));
      const after1 = await stored(ALICE);
      assert.deepEqual([after1?.TopScore, after1?.Stats], [n(150), { M: { wins: n(4) } }]);
      const updates: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName' | 'Key'>[] = [
        { UpdateExpression: 'SET Secret = :v', ExpressionAttributeValues: { ':v': s('x') } },
        { UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: { '#a': 'Secret' }, ExpressionAttributeValues: { ':v': s('x') } },
        { UpdateExpression: 'SET #p.#n = :v', ExpressionAttributeNames: { '#p': 'Profile', '#n': 'nick' }, ExpressionAttributeValues: { ':v': s('x') } },
        { UpdateExpression: 'SET Tags[0] = :v', ExpressionAttributeValues: { ':v': s('x') } },
        { UpdateExpression: 'REMOVE #d', ExpressionAttributeNames: { '#d': 'my-secret' } },
        // Reading a hidden attribute into an allowed one: copying, or if_not_exists's source.
        { UpdateExpression: 'SET TopScore = #h', ExpressionAttributeNames: { '#h': 'Wins' } },
        { UpdateExpression: 'SET TopScore = if_not_exists(Wins, :z)', ExpressionAttributeValues: { ':z': n(0) } },
        // A condition on a hidden attribute reveals it one guess at a time.
        { UpdateExpression: 'SET TopScore = :t', ConditionExpression: 'begins_with(#h, :p)', ExpressionAttributeNames: { '#h': 'Secret' }, ExpressionAttributeValues: { ':t': n(1), ':p': s('fg-a') } },
        { UpdateExpression: 'SET TopScore = :t', ConditionExpression: 'attribute_exists(Profile.ssn)', ExpressionAttributeValues: { ':t': n(1) } },
        { AttributeUpdates: { Secret: { Action: 'PUT', Value: s('x') } } },
        { AttributeUpdates: { TopScore: { Action: 'PUT', Value: n(1) } }, Expected: { Secret: { Exists: true, Value: s(`${ALICE}-secret`) } } },
      ];
      for (const update of updates) await denied(client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), ...update })), reader, 'UpdateItem');
      const after2 = await stored(ALICE);
      assert.deepEqual(after2, { ...fullItem(ALICE), TopScore: n(150), Stats: { M: { wins: n(4) } } });
    });

    test('UpdateItem: ReturnValues omitted, NONE, UPDATED_OLD, UPDATED_NEW served; ALL_OLD and ALL_NEW refused', async () => {
      const update = { TableName: TABLE, Key: key(BOB), UpdateExpression: 'SET TopScore = :t' };
      assert.equal((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':t': n(1) } }))).Attributes, undefined);
      assert.equal((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':t': n(2) }, ReturnValues: 'NONE' }))).Attributes, undefined);
      assert.deepEqual((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':t': n(3) }, ReturnValues: 'UPDATED_OLD' }))).Attributes, { TopScore: n(2) });
      assert.deepEqual((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':t': n(4) }, ReturnValues: 'UPDATED_NEW' }))).Attributes, { TopScore: n(4) });
      for (const ReturnValues of ['ALL_OLD', 'ALL_NEW'] as const) {
        await denied(client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':t': n(9) }, ReturnValues })), reader, 'UpdateItem');
      }
      assert.deepEqual((await stored(BOB))?.TopScore, n(4));
    });

    test('PutItem, DeleteItem and BatchWriteItem are not in the policy: refused', async () => {
      await denied(client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(ALICE, 'p'), TopScore: n(1) } })), reader, 'PutItem');
      await denied(client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(ALICE) })), reader, 'DeleteItem');
      await denied(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ DeleteRequest: { Key: key(ALICE) } }] } })), reader, 'BatchWriteItem');
    });
  });

  describe('example 3: ForAllValues:StringNotLike dynamodb:Attributes with StringEquals dynamodb:ReturnValues', () => {
    let writer: Awaited<ReturnType<GatewayEnv['user']>>;
    let client: DynamoDBClient;
    before(async () => {
      await reset();
      writer = await env.user('fg-updates', [{
        Version: '2012-10-17',
        Statement: [{
          Sid: 'PreventUpdatesOnCertainAttributes',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem'],
          Resource: tableArn,
          Condition: {
            'ForAllValues:StringNotLike': { 'dynamodb:Attributes': ['FreeGamesAvailable', 'BossLevelUnlocked'] },
            StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
          },
        }],
      }]);
      client = env.dynamodb(writer);
    });

    test('ReturnValues given: NONE / UPDATED_OLD served, ALL_OLD / ALL_NEW refused', async () => {
      const update = { TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET Wins = :w' };
      assert.equal((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':w': n(10) }, ReturnValues: 'NONE' }))).Attributes, undefined);
      assert.deepEqual((await client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':w': n(11) }, ReturnValues: 'UPDATED_OLD' }))).Attributes, { Wins: n(10) });
      await denied(client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':w': n(12) }, ReturnValues: 'ALL_OLD' })), writer, 'UpdateItem');
      await denied(client.send(new UpdateItemCommand({ ...update, ExpressionAttributeValues: { ':w': n(12) }, ReturnValues: 'ALL_NEW' })), writer, 'UpdateItem');
      assert.deepEqual((await stored(ALICE))?.Wins, n(11));
    });

    test('ReturnValues omitted: "always has a value (NONE unless otherwise specified)", so StringEquals [NONE, …] allows it', async () => {
      await client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET Wins = :w', ExpressionAttributeValues: { ':w': n(20) } }));
      assert.deepEqual((await stored(ALICE))?.Wins, n(20));
    });

    test('the protected attributes are refused, aliased too', async () => {
      await denied(client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), UpdateExpression: 'SET #f = :v', ExpressionAttributeNames: { '#f': 'FreeGamesAvailable' }, ExpressionAttributeValues: { ':v': n(99) }, ReturnValues: 'NONE' })), writer, 'UpdateItem');
      await denied(client.send(new UpdateItemCommand({ TableName: TABLE, Key: key(ALICE), UpdateExpression: 'ADD BossLevelUnlocked :v', ExpressionAttributeValues: { ':v': n(1) }, ReturnValues: 'NONE' })), writer, 'UpdateItem');
      assert.deepEqual((await stored(ALICE))?.FreeGamesAvailable, n(1));
      assert.equal((await stored(ALICE))?.BossLevelUnlocked, undefined);
    });
  });

  describe('dynamodb:ReturnValues (StringEqualsIfExists) on PutItem and DeleteItem', () => {
    test('omitted and NONE served; ALL_OLD refused', async () => {
      await reset();
      const user = await env.user('fg-returnvalues', [{
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: tableArn, Condition: { StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD'] } } }],
      }]);
      const client = env.dynamodb(user);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(ALICE, 'rv'), TopScore: n(1) } }));
      assert.equal((await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(ALICE, 'rv'), TopScore: n(2) }, ReturnValues: 'NONE' }))).Attributes, undefined);
      await denied(client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(ALICE, 'rv'), TopScore: n(3) }, ReturnValues: 'ALL_OLD' })), user, 'PutItem');
      await denied(client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(ALICE, 'rv'), ReturnValues: 'ALL_OLD' })), user, 'DeleteItem');
      assert.deepEqual(await stored(ALICE, 'rv'), { ...key(ALICE, 'rv'), TopScore: n(2) });
      await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key(ALICE, 'rv') }));
      assert.equal(await stored(ALICE, 'rv'), undefined);
    });
  });

  describe('dynamodb:ReturnConsumedCapacity ("NONE or requests that don\'t specify ReturnConsumedCapacity")', () => {
    test('omitted and NONE served; TOTAL and INDEXES refused, on single and batch reads', async () => {
      const user = await env.user('fg-capacity', [{
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], Resource: tableArn, Condition: { StringEqualsIfExists: { 'dynamodb:ReturnConsumedCapacity': 'NONE' } } }],
      }]);
      const client = env.dynamodb(user);
      assert.deepEqual((await client.send(new GetItemCommand({ TableName: TABLE, Key: key(BOB), ProjectionExpression: 'UserId' }))).Item, { UserId: s(BOB) });
      const none = await client.send(new GetItemCommand({ TableName: TABLE, Key: key(BOB), ProjectionExpression: 'UserId', ReturnConsumedCapacity: 'NONE' }));
      assert.equal(none.ConsumedCapacity, undefined);
      for (const ReturnConsumedCapacity of ['TOTAL', 'INDEXES'] as const) {
        await denied(client.send(new GetItemCommand({ TableName: TABLE, Key: key(BOB), ReturnConsumedCapacity })), user, 'GetItem');
        await denied(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [key(BOB)] } }, ReturnConsumedCapacity })), user, 'BatchGetItem');
        await denied(client.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'UserId = :u', ExpressionAttributeValues: { ':u': s(BOB) }, ReturnConsumedCapacity })), user, 'Query');
        // A transaction's ReturnConsumedCapacity is each item's: it cannot be asked for past the Deny there.
        await denied(client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(BOB), ProjectionExpression: 'UserId' } }], ReturnConsumedCapacity })), user, 'GetItem');
      }
      const tx = await client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: key(BOB), ProjectionExpression: 'UserId' } }] }));
      assert.equal(tx.Responses?.length, 1);
    });
  });

  describe('PartiQL: each statement decided on its action and table (docs/gateway-mapping.md, "PartiQL")', () => {
    /** The refusal of a statement whose policy conditions on a key the gateway does not read from it. */
    async function unreadKeyRefused(promise: Promise<unknown>, who: { arn: string }, action: string, resource = tableArn): Promise<void> {
      const error = await failure(promise);
      assert.equal(error.name, 'AccessDeniedException', error.message);
      assert.equal(error.status, 400);
      assert.equal(error.message, `User: ${who.arn} is not authorized to perform: dynamodb:${action} on resource: ${resource} because a policy refers to dynamodb:LeadingKeys, and Tessera does not read it from a PartiQL statement`);
    }
    let limited: Awaited<ReturnType<GatewayEnv['user']>>;
    let reader: Awaited<ReturnType<GatewayEnv['user']>>;
    before(async () => {
      await reset();
      // Everything PartiQL, on the table, but only its own items: the gateway does not read the
      // key out of the statement, so it refuses the statement rather than decide without it.
      limited = await env.user('fg-partiql', [{
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete', 'dynamodb:GetItem'],
          Resource: tableArn,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
        }],
      }]);
      // PartiQL SELECT and INSERT on the table, nothing on the other one.
      reader = await env.user('fg-partiql-reader', [{
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert'], Resource: tableArn }],
      }]);
    });

    test('a policy conditioned on dynamodb:LeadingKeys: SELECT / INSERT / UPDATE / DELETE of another user\'s item refused whole, nothing changes', async () => {
      const client = env.dynamodb(limited);
      const statements: [string, string][] = [
        [`SELECT * FROM "${TABLE}" WHERE UserId = '${BOB}'`, 'PartiQLSelect'],
        [`INSERT INTO "${TABLE}" VALUE {'UserId': '${BOB}', 'GameTitle': 'pql'}`, 'PartiQLInsert'],
        [`UPDATE "${TABLE}" SET Secret = 'owned' WHERE UserId = '${BOB}' AND GameTitle = 'chess'`, 'PartiQLUpdate'],
        [`DELETE FROM "${TABLE}" WHERE UserId = '${BOB}' AND GameTitle = 'go'`, 'PartiQLDelete'],
      ];
      for (const [Statement, action] of statements) {
        await unreadKeyRefused(client.send(new ExecuteStatementCommand({ Statement })), limited, action);
      }
      assert.deepEqual(await stored(BOB), fullItem(BOB));
      assert.deepEqual(await stored(BOB, 'go'), fullItem(BOB, 'go'));
      assert.equal(await stored(BOB, 'pql'), undefined);
      // The same caller's GetItem of its own item carries the key, and is decided with it.
      assert.deepEqual((await client.send(new GetItemCommand({ TableName: TABLE, Key: key('fg-partiql') }))).Item, undefined);
    });

    test('a policy conditioned on dynamodb:LeadingKeys: BatchExecuteStatement and ExecuteTransaction refused, nothing changes', async () => {
      const client = env.dynamodb(limited);
      await unreadKeyRefused(client.send(new BatchExecuteStatementCommand({ Statements: [{ Statement: `UPDATE "${TABLE}" SET Secret = 'b' WHERE UserId = '${BOB}' AND GameTitle = 'chess'` }] })), limited, 'PartiQLUpdate');
      await unreadKeyRefused(client.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `INSERT INTO "${TABLE}" VALUE {'UserId': '${BOB}', 'GameTitle': 'tx-pql'}` }] })), limited, 'PartiQLInsert');
      assert.deepEqual(await stored(BOB), fullItem(BOB));
      assert.equal(await stored(BOB, 'tx-pql'), undefined);
    });

    test('PartiQLSelect and PartiQLInsert on one table: its statements are forwarded, the other table\'s refused as AWS refuses them', async () => {
      const client = env.dynamodb(reader);
      const read = await client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE}" WHERE "UserId" = '${BOB}'` }));
      assert.deepEqual(new Set(read.Items?.map((item) => item['GameTitle']?.S)), new Set(['chess', 'go']));
      await client.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${TABLE}" VALUE {'UserId': 'fg-partiql-reader', 'GameTitle': 'mine'}` }));
      assert.deepEqual(await stored('fg-partiql-reader', 'mine'), key('fg-partiql-reader', 'mine'));
      await denied(client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${OTHER}"` })), reader, 'PartiQLSelect', otherArn);
      // A table named only in a string literal is text: the statement reads the table it names.
      const literal = await client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE}" WHERE "UserId" = 'FROM ${OTHER}'` }));
      assert.deepEqual(literal.Items, []);
      // UPDATE and DELETE are other actions.
      await denied(client.send(new ExecuteStatementCommand({ Statement: `DELETE FROM "${TABLE}" WHERE UserId = '${BOB}' AND GameTitle = 'go'` })), reader, 'PartiQLDelete');
      assert.deepEqual(await stored(BOB, 'go'), fullItem(BOB, 'go'));
    });

    test('a transaction with one statement refused is refused whole: nothing of it is written', async () => {
      const client = env.dynamodb(reader);
      await denied(client.send(new ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `INSERT INTO "${TABLE}" VALUE {'UserId': 'fg-partiql-reader', 'GameTitle': 'tx'}` },
          { Statement: `UPDATE "${OTHER}" SET Balance = 1000 WHERE UserId = '${BOB}'` },
        ],
      })), reader, 'PartiQLUpdate', otherArn);
      assert.equal(await stored('fg-partiql-reader', 'tx'), undefined);
      assert.deepEqual((await root.send(new GetItemCommand({ TableName: OTHER, Key: { UserId: s(BOB) }, ConsistentRead: true }))).Item, { UserId: s(BOB), Balance: n(5) });
    });

    test('a statement another reader could take for another table (or two) is refused unread, never forwarded', async () => {
      const client = env.dynamodb(reader);
      const statements = [
        `SELECT * FROM "${TABLE}", "${OTHER}"`,
        `SELECT * FROM "${OTHER}" AS t`,
        `SELECT * FROM "${TABLE}" WHERE UserId IN (SELECT UserId FROM "${OTHER}")`,
        `SELECT * FROM /* "${TABLE}" */ "${OTHER}"`,
        // moto reads a bare `A.b` as the table named `A.b`, and `"A" . "b"` as the table A.
        `SELECT * FROM ${OTHER}.archive`,
        `SELECT * FROM "${TABLE}" . "ByGame"`,
      ];
      for (const Statement of statements) {
        const error = await failure(client.send(new ExecuteStatementCommand({ Statement })));
        assert.equal(error.name, 'NotImplemented', error.message);
        assert.equal(error.status, 501);
        assert.match(error.message, /^ExecuteStatement is not forwarded: the gateway reads a PartiQL statement only in its plain forms .*, and its statement is not one: /);
      }
      // The account's root is refused the same: the statement is not read, whoever sends it.
      const error = await failure(root.send(new ExecuteStatementCommand({ Statement: statements[0]! })));
      assert.equal(error.status, 501);
    });

    test('beyond DynamoDB\'s bounds (26 statements in a batch, a statement of 8,193 characters): ValidationException, as DynamoDB answers it', async () => {
      const client = root;
      const batch = await failure(client.send(new BatchExecuteStatementCommand({ Statements: Array.from({ length: 26 }, () => ({ Statement: `SELECT * FROM "${TABLE}"` })) })));
      assert.equal(batch.name, 'ValidationException', batch.message);
      assert.equal(batch.status, 400);
      assert.equal(batch.message, "1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25");
      const long = await failure(client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE}" WHERE UserId = '${'a'.repeat(8192)}'` })));
      assert.equal(long.name, 'ValidationException', long.message);
      assert.equal(long.status, 400);
      assert.match(long.message, /^1 validation error detected: Value at 'statement' failed to satisfy constraint: Member must have length less than or equal to 8192$/);
    });

    test('AWS\'s "deny full table scan" policy: a SELECT confined to one partition key is forwarded, a scan is refused by the Deny', async () => {
      // Developer Guide, "IAM security policies with PartiQL for DynamoDB", Example 6.
      const scanless = await env.user('fg-partiql-scanless', [{
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Action: ['dynamodb:PartiQLSelect'], Resource: [tableArn], Condition: { Bool: { 'dynamodb:FullTableScan': ['true'] } } },
          { Effect: 'Allow', Action: ['dynamodb:PartiQLSelect'], Resource: [tableArn] },
        ],
      }]);
      const client = env.dynamodb(scanless);
      const keyed = await client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${TABLE}" WHERE "UserId" = '${BOB}' AND "GameTitle" = 'chess'` }));
      assert.deepEqual(keyed.Items, [fullItem(BOB)]);
      const scans = [
        `SELECT * FROM "${TABLE}"`,
        `SELECT * FROM "${TABLE}" WHERE "GameTitle" = 'chess'`,
        `SELECT * FROM "${TABLE}" WHERE "UserId" = '${BOB}' OR "GameTitle" = 'go'`,
      ];
      for (const Statement of scans) {
        const error = await failure(client.send(new ExecuteStatementCommand({ Statement })));
        assert.equal(error.name, 'AccessDeniedException', `${Statement}: ${error.message}`);
        assert.equal(error.message, `User: ${scanless.arn} is not authorized to perform: dynamodb:PartiQLSelect on resource: ${tableArn} with an explicit deny in an identity-based policy`);
      }
    });

    test('AWS\'s "transactional statements only" policy: ExecuteTransaction is forwarded, the same statement alone is refused', async () => {
      // Developer Guide, "IAM security policies with PartiQL for DynamoDB", Example 4.
      const transactional = await env.user('fg-partiql-tx', [{
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete', 'dynamodb:PartiQLSelect'],
          Resource: [tableArn],
          Condition: { StringEquals: { 'dynamodb:EnclosingOperation': ['ExecuteTransaction'] } },
        }],
      }]);
      const client = env.dynamodb(transactional);
      const insert = `INSERT INTO "${TABLE}" VALUE {'UserId': 'fg-partiql-tx', 'GameTitle': 'tx-only'}`;
      await denied(client.send(new ExecuteStatementCommand({ Statement: insert })), transactional, 'PartiQLInsert');
      assert.equal(await stored('fg-partiql-tx', 'tx-only'), undefined);
      await client.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: insert }] }));
      assert.deepEqual(await stored('fg-partiql-tx', 'tx-only'), key('fg-partiql-tx', 'tx-only'));
    });

    test('the account\'s root: PartiQL statements are forwarded', async () => {
      const answer = await root.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${OTHER}"` }));
      assert.deepEqual(new Set(answer.Items?.map((item) => item['UserId']?.S)), new Set([ALICE, BOB]));
    });
  });
});
