// A fidelity sweep of the gateway for SSM, Secrets Manager, DynamoDB, SQS, SNS and Lambda, with
// the aws CLI and the SDK against Tessera in front of moto_server: each test is a request that
// was authorized on the wrong resource, without a condition key it sets, or refused where AWS
// serves it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { awsCliAvailable } from '../support/cli-process.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

const REGION = 'us-east-1';

/** The CLI's error line: `An error occurred (<code>) when calling the <op> operation: <message>`. */
function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

describe('gateway sweep: SSM, Secrets Manager, DynamoDB, SQS, SNS, Lambda', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('SSM GetParameters: every name is checked, also when another is given as an ARN', async () => {
    const root = env.server.root;
    for (const name of ['/public/a', '/secret/x']) {
      assert.equal((await env.cli(['ssm', 'put-parameter', '--name', name, '--value', 'v', '--type', 'String'], root)).code, 0);
    }
    const reader = await env.user('ssm-public-reader', [allow('ssm:GetParameters', `arn:aws:ssm:${REGION}:${account}:parameter/public/*`)]);
    const mixed = await env.cli(['ssm', 'get-parameters', '--names', '/secret/x', `arn:aws:ssm:${REGION}:${account}:parameter/public/a`], reader);
    assert.notEqual(mixed.code, 0);
    const refused = cliError(mixed.stderr);
    assert.equal(refused.code, 'AccessDeniedException');
    assert.equal(refused.message, `User: ${reader.arn} is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:${REGION}:${account}:parameter/secret/x because no identity-based policy allows the ssm:GetParameters action`);
    const allowed = await env.cli(['ssm', 'get-parameters', '--names', '/public/a'], reader);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(JSON.parse(allowed.stdout).Parameters[0].Value, 'v');
  });

  test('SSM GetParameter with a version selector is decided on the parameter: a Deny on it applies', async () => {
    const root = env.server.root;
    assert.equal((await env.cli(['ssm', 'put-parameter', '--name', '/team/db', '--value', 'pw', '--type', 'String'], root)).code, 0);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' },
        { Effect: 'Deny', Action: 'ssm:GetParameter', Resource: `arn:aws:ssm:${REGION}:${account}:parameter/team/db` },
      ],
    };
    const user = await env.user('ssm-denied-db', [policy]);
    for (const name of ['/team/db:1', `arn:aws:ssm:${REGION}:${account}:parameter/team/db:1`]) {
      const result = await env.cli(['ssm', 'get-parameter', '--name', name], user);
      assert.notEqual(result.code, 0, `${name}: ${result.stdout}`);
      assert.equal(cliError(result.stderr).message, `User: ${user.arn} is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${REGION}:${account}:parameter/team/db with an explicit deny in an identity-based policy`);
    }
  });

  test('SSM GetParametersByPath of the root path is authorized on parameter/ (it was refused as a bad request)', async () => {
    const user = await env.user('ssm-path-root', [allow('ssm:GetParametersByPath', `arn:aws:ssm:${REGION}:${account}:parameter/*`)]);
    const result = await env.cli(['ssm', 'get-parameters-by-path', '--path', '/', '--recursive'], user);
    assert.equal(result.code, 0, result.stderr);
    const narrow = await env.user('ssm-path-narrow', [allow('ssm:GetParametersByPath', `arn:aws:ssm:${REGION}:${account}:parameter/public*`)]);
    const refused = await env.cli(['ssm', 'get-parameters-by-path', '--path', '/'], narrow);
    assert.equal(cliError(refused.stderr).message, `User: ${narrow.arn} is not authorized to perform: ssm:GetParametersByPath on resource: arn:aws:ssm:${REGION}:${account}:parameter/ because no identity-based policy allows the ssm:GetParametersByPath action`);
  });

  test('Secrets Manager BatchGetSecretValue needs secretsmanager:GetSecretValue on each secret (a refused one is an Errors entry)', async () => {
    const root = env.server.root;
    const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'app-token', '--secret-string', 's3cr3t'], root);
    assert.equal(created.code, 0, created.stderr);
    const batchOnly = await env.user('sm-batch-only', [allow('secretsmanager:BatchGetSecretValue')]);
    const refused = await env.cli(['secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'app-token'], batchOnly);
    // Secrets Manager answers each secret: the refused one is an Errors entry, named as given (AWS
    // names a secret as the request does, so a refusal never tells that it exists).
    assert.equal(refused.code, 0, refused.stderr);
    assert.deepEqual(JSON.parse(refused.stdout), {
      SecretValues: [],
      Errors: [{ SecretId: 'app-token', ErrorCode: 'AccessDeniedException', Message: `User: ${batchOnly.arn} is not authorized to perform: secretsmanager:GetSecretValue on resource: app-token because no identity-based policy allows the secretsmanager:GetSecretValue action` }],
    });
    const byFilter = await env.cli(['secretsmanager', 'batch-get-secret-value', '--filters', 'Key=name,Values=app'], batchOnly);
    assert.equal(cliError(byFilter.stderr).code, 'AccessDeniedException');

    const both = await env.user('sm-batch-reader', [allow('secretsmanager:BatchGetSecretValue'), allow('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${account}:secret:app-token-??????`)]);
    const served = await env.cli(['secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'app-token'], both);
    assert.equal(served.code, 0, served.stderr);
    assert.equal(JSON.parse(served.stdout).SecretValues[0].SecretString, 's3cr3t');
  });

  test('Secrets Manager: a partial ARN (no random suffix) is resolved: a Deny on name-?????? applies', async () => {
    const root = env.server.root;
    const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'ops-key', '--secret-string', 'k'], root);
    assert.equal(created.code, 0, created.stderr);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        { Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${REGION}:${account}:secret:ops-key-??????` },
      ],
    };
    const user = await env.user('sm-partial-arn', [policy]);
    const result = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', `arn:aws:secretsmanager:${REGION}:${account}:secret:ops-key`], user);
    assert.notEqual(result.code, 0, result.stdout);
    // Decided on ops-key-?????? (the Deny applies), named as the caller gave it.
    assert.equal(cliError(result.stderr).message, `User: ${user.arn} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:${REGION}:${account}:secret:ops-key with an explicit deny in an identity-based policy`);
  });

  test('DynamoDB: dynamodb:LeadingKeys of Query, BatchGetItem and BatchWriteItem; dynamodb:Attributes of an UpdateExpression', async () => {
    const ddb = env.dynamodb(env.server.root);
    for (const TableName of ['notes', 'drafts']) {
      await ddb.send(new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'owner', AttributeType: 'S' }, { AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
      for (const owner of ['erin', 'frank']) await ddb.send(new PutItemCommand({ TableName, Item: { owner: { S: owner }, id: { S: '1' }, bio: { S: `${owner}'s` } } }));
    }
    const tables = ['notes', 'drafts'].map((name) => `arn:aws:dynamodb:${REGION}:${account}:table/${name}`);
    const own = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
        Resource: tables,
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
      }],
    };
    const erin = await env.user('erin', [own]);
    const client = env.dynamodb(erin);
    const query = (owner: string) => new QueryCommand({ TableName: 'notes', KeyConditionExpression: '#o = :o AND id > :z', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: owner }, ':z': { S: '0' } } });
    assert.equal((await client.send(query('erin'))).Items?.length, 1);
    const theirs = await awsError(() => client.send(query('frank')));
    assert.equal(theirs.name, 'AccessDeniedException');
    assert.equal(theirs.message, `User: ${erin.arn} is not authorized to perform: dynamodb:Query on resource: ${tables[0]} because no identity-based policy allows the dynamodb:Query action`);
    // The legacy KeyConditions form too.
    const legacy = await awsError(() => client.send(new QueryCommand({ TableName: 'notes', KeyConditions: { owner: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'frank' }] } } })));
    assert.equal(legacy.name, 'AccessDeniedException');

    const got = await client.send(new BatchGetItemCommand({ RequestItems: { notes: { Keys: [{ owner: { S: 'erin' }, id: { S: '1' } }] }, drafts: { Keys: [{ owner: { S: 'erin' }, id: { S: '1' } }] } } }));
    assert.equal(got.Responses?.['drafts']?.length, 1);
    const batchGet = await awsError(() => client.send(new BatchGetItemCommand({ RequestItems: { notes: { Keys: [{ owner: { S: 'erin' }, id: { S: '1' } }] }, drafts: { Keys: [{ owner: { S: 'erin' }, id: { S: '1' } }, { owner: { S: 'frank' }, id: { S: '1' } }] } } })));
    assert.equal(batchGet.message, `User: ${erin.arn} is not authorized to perform: dynamodb:BatchGetItem on resource: ${tables[1]} because no identity-based policy allows the dynamodb:BatchGetItem action`);
    const batchWrite = await awsError(() => client.send(new BatchWriteItemCommand({ RequestItems: { notes: [{ PutRequest: { Item: { owner: { S: 'erin' }, id: { S: '2' } } } }, { DeleteRequest: { Key: { owner: { S: 'frank' }, id: { S: '1' } } } }] } })));
    assert.equal(batchWrite.message, `User: ${erin.arn} is not authorized to perform: dynamodb:BatchWriteItem on resource: ${tables[0]} because no identity-based policy allows the dynamodb:BatchWriteItem action`);

    const bioOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: tables[0], Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['owner', 'id', 'bio'] } } }],
    };
    const editor = await env.user('bio-editor', [bioOnly]);
    const key = { owner: { S: 'frank' }, id: { S: '1' } };
    await env.dynamodb(editor).send(new UpdateItemCommand({ TableName: 'notes', Key: key, UpdateExpression: 'SET bio = :b', ExpressionAttributeValues: { ':b': { S: 'new' } } }));
    const other = await awsError(() => env.dynamodb(editor).send(new UpdateItemCommand({ TableName: 'notes', Key: key, UpdateExpression: 'SET bio = :b, #r = :r', ExpressionAttributeNames: { '#r': 'role' }, ExpressionAttributeValues: { ':b': { S: 'x' }, ':r': { S: 'admin' } } })));
    assert.equal(other.name, 'AccessDeniedException');
  });

  test('DynamoDB: a Query on an index keyed by another attribute gets dynamodb:LeadingKeys too (the index key\'s value)', async () => {
    const ddb = env.dynamodb(env.server.root);
    await ddb.send(new CreateTableCommand({
      TableName: 'tasks',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'assignee', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'ByAssignee', KeySchema: [{ AttributeName: 'assignee', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await ddb.send(new PutItemCommand({ TableName: 'tasks', Item: { id: { S: 't1' }, assignee: { S: 'gina' } } }));
    const index = `arn:aws:dynamodb:${REGION}:${account}:table/tasks/index/ByAssignee`;
    const gina = await env.user('gina', [allow('dynamodb:Query', index, { Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } } })]);
    const query = (who: string) => new QueryCommand({ TableName: 'tasks', IndexName: 'ByAssignee', KeyConditionExpression: 'assignee = :a', ExpressionAttributeValues: { ':a': { S: who } } });
    assert.equal((await env.dynamodb(gina).send(query('gina'))).Items?.length, 1);
    const refused = await awsError(() => env.dynamodb(gina).send(query('hank')));
    assert.equal(refused.message, `User: ${gina.arn} is not authorized to perform: dynamodb:Query on resource: ${index} because no identity-based policy allows the dynamodb:Query action`);
  });

  test('SQS: GetQueueUrl of another account\'s queue is decided on that account\'s queue', async () => {
    const other = await env.account();
    await env.sqs(other).send(new CreateQueueCommand({ QueueName: 'shared-in' }));
    const user = await env.user('sqs-own-only', [allow('sqs:GetQueueUrl', `arn:aws:sqs:${REGION}:${account}:*`)]);
    const refused = await awsError(() => env.sqs(user).send(new GetQueueUrlCommand({ QueueName: 'shared-in', QueueOwnerAWSAccountId: other.accountId })));
    assert.equal(refused.name, 'AccessDenied');
    assert.equal(refused.message, `User: ${user.arn} is not authorized to perform: sqs:GetQueueUrl on resource: arn:aws:sqs:${REGION}:${other.accountId}:shared-in because no identity-based policy allows the sqs:GetQueueUrl action`);
  });

  test('SQS StartMessageMoveTask is decided on its source queue', async () => {
    const sqs = env.sqs(env.server.root);
    await sqs.send(new CreateQueueCommand({ QueueName: 'work' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'work-dlq' }));
    const source = `arn:aws:sqs:${REGION}:${account}:work-dlq`;
    const destination = `arn:aws:sqs:${REGION}:${account}:work`;
    const user = await env.user('sqs-mover', [allow(['sqs:StartMessageMoveTask', 'sqs:SendMessage'], destination)]);
    const result = await env.cli(['sqs', 'start-message-move-task', '--source-arn', source, '--destination-arn', destination], user);
    assert.notEqual(result.code, 0, result.stdout);
    assert.equal(cliError(result.stderr).message, `User: ${user.arn} is not authorized to perform: sqs:StartMessageMoveTask on resource: ${source} because no identity-based policy allows the sqs:StartMessageMoveTask action`);
  });

  test('SNS Publish to a phone number is sns:Publish on * (it was refused as naming no topic)', async () => {
    const sms = await env.user('sns-sms', [allow('sns:Publish', '*')]);
    const sent = await env.cli(['sns', 'publish', '--phone-number', '+15555550100', '--message', 'hi'], sms);
    assert.equal(sent.code, 0, sent.stderr);
    assert.ok(JSON.parse(sent.stdout).MessageId);
    const topicOnly = await env.user('sns-topic-only', [allow('sns:Publish', `arn:aws:sns:${REGION}:${account}:*`)]);
    const refused = await env.cli(['sns', 'publish', '--phone-number', '+15555550100', '--message', 'hi'], topicOnly);
    const error = cliError(refused.stderr);
    assert.equal(error.code, 'AuthorizationError');
    assert.equal(error.message, `User: ${topicOnly.arn} is not authorized to perform: SNS:Publish because no identity-based policy allows the SNS:Publish action`);
  });

  test('Lambda CreateEventSourceMapping sets lambda:FunctionArn (a Deny on it applies)', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'lambda:CreateEventSourceMapping', Resource: '*' },
        { Effect: 'Deny', Action: 'lambda:CreateEventSourceMapping', Resource: '*', Condition: { ArnLike: { 'lambda:FunctionArn': `arn:aws:lambda:${REGION}:${account}:function:payroll*` } } },
      ],
    };
    const user = await env.user('lambda-esm', [policy]);
    const result = await env.cli(['lambda', 'create-event-source-mapping', '--function-name', 'payroll:live', '--event-source-arn', `arn:aws:sqs:${REGION}:${account}:work`], user);
    assert.notEqual(result.code, 0, result.stdout);
    const error = cliError(result.stderr);
    assert.equal(error.code, 'AccessDeniedException');
    assert.equal(error.message, `User: ${user.arn} is not authorized to perform: lambda:CreateEventSourceMapping with an explicit deny in an identity-based policy`);
  });
});
