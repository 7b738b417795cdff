import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamodbExpressionAmbiguity } from './dynamodb-expression-ambiguity.ts';

const input = (members: Record<string, unknown>) => new Map(Object.entries(members));

test('ordinary expressions pass', () => {
  assert.equal(dynamodbExpressionAmbiguity(input({ ProjectionExpression: 'id, #s, a.b[2].c', ExpressionAttributeNames: { '#s': 'salary' } })), undefined);
  assert.equal(dynamodbExpressionAmbiguity(input({ UpdateExpression: 'SET a = a - :v, #b = :w', ConditionExpression: 'attribute_exists(id) AND size(#b) > :n' })), undefined);
  assert.equal(dynamodbExpressionAmbiguity(input({ TableName: 't', Key: { id: { S: 'sécret-value' } } })), undefined, 'values are not expressions');
});

test('a projection element moto reads whole is refused', () => {
  assert.match(dynamodbExpressionAmbiguity(input({ ProjectionExpression: 'id, card-no' }))!, /path element "card-no"/);
  assert.match(dynamodbExpressionAmbiguity(input({ ProjectionExpression: 'sécret' }))!, /outside ASCII/);
  assert.match(dynamodbExpressionAmbiguity(input({ ProjectionExpression: 'id,,x' }))!, /path element ""/);
});

test('an ExpressionAttributeNames key without # is refused', () => {
  assert.match(dynamodbExpressionAmbiguity(input({ ProjectionExpression: 'id', ExpressionAttributeNames: { id: 'salary' } }))!, /key "id"/);
});

test('non-ASCII names in other expressions are refused', () => {
  assert.match(dynamodbExpressionAmbiguity(input({ UpdateExpression: 'SET sécret = :v' }))!, /UpdateExpression holds a character outside ASCII/);
});

test('nested requests (batches, transactions) are read too', () => {
  assert.match(dynamodbExpressionAmbiguity(input({ RequestItems: { t: { Keys: [], ProjectionExpression: 'card-no' } } }))!, /card-no/);
  assert.match(dynamodbExpressionAmbiguity(input({ TransactItems: [{ Get: { TableName: 't', Key: {}, ProjectionExpression: 'x', ExpressionAttributeNames: { x: 'y' } } }] }))!, /key "x"/);
});
