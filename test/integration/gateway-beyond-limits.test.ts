// The gateway reads a list or map it authorizes whole, or refuses the request. It used to read
// the first 1,000 entries and forward the rest: an attribute an attribute-limited caller may not
// write, given as an item's 1,001st attribute, was stored. Through Tessera, with the AWS SDK v3,
// against moto (which stores an item of any number of attributes).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

describe('gateway: a list or map past the bound is refused, not read in part', () => {
  let env: GatewayEnv;
  let user: Awaited<ReturnType<GatewayEnv['user']>>;

  before(async () => {
    env = await startGatewayEnv();
    user = await env.user('beyond-limits', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'dynamodb:CreateTable', Resource: '*' },
        // The guide's attribute-limiting policy: the caller writes only pk and a* attributes.
        { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*', Condition: { 'ForAllValues:StringLike': { 'dynamodb:Attributes': ['pk', 'a*'] } } },
      ],
    }]);
    await env.dynamodb(user).send(new CreateTableCommand({
      TableName: 'beyond-limits', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    }));
  });
  after(async () => env?.stop());

  test('an attribute the caller may not write, as an item\'s 1,001st, is refused and nothing is stored', async () => {
    const dynamodb = env.dynamodb(user);
    const allowed = Object.fromEntries(Array.from({ length: 999 }, (_, i) => [`a${i}`, { S: 'x' }]));
    // Within the bound the policy decides: an a* item is written, a `secret` attribute refused.
    await dynamodb.send(new PutItemCommand({ TableName: 'beyond-limits', Item: { pk: { S: 'ok' }, ...allowed } }));
    await assert.rejects(dynamodb.send(new PutItemCommand({ TableName: 'beyond-limits', Item: { pk: { S: 'small' }, secret: { S: 'x' } } })), /not authorized to perform: dynamodb:PutItem/);
    const refused = await dynamodb.send(new PutItemCommand({ TableName: 'beyond-limits', Item: { pk: { S: 'big' }, ...allowed, secret: { S: 'x' } } })).then(() => undefined, (error: Error) => error);
    assert.ok(refused, 'the item was forwarded');
    assert.equal((refused as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
    assert.equal(refused.name, 'ValidationException');
    assert.match(refused.message, /^dynamodb:Attributes \(the attribute names the request reads or writes\) has more than 1000 entries/);
    const direct = new DynamoDBClient({ endpoint: env.moto.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    direct.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = env.server.accountId;
      return next(args);
    }, { step: 'build' });
    try {
      assert.equal((await direct.send(new GetItemCommand({ TableName: 'beyond-limits', Key: { pk: { S: 'big' } } }))).Item, undefined);
      assert.ok((await direct.send(new GetItemCommand({ TableName: 'beyond-limits', Key: { pk: { S: 'ok' } } }))).Item);
    } finally {
      direct.destroy();
    }
  });
});
