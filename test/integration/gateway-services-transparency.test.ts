// Transparency of the gateway for the non-S3 protected services: for a caller allowed
// everything (an IAM user with Allow * on *, and the account's root), a request through Tessera
// must get the answer moto gives it directly — same exit, same error code and message, the same
// document once random IDs, times and the URL's host are masked. Two moto_servers serve the same
// account: one behind Tessera, one called directly (MOTO_ACCOUNT_ID), and every workflow runs on
// both, step by step.
//
// Deliberate strictness that docs/gateway*.md document (PartiQL read only in its plain forms, SNS→SQS subscriptions
// checked against the queue's policy, logGroupIdentifier forwarded as logGroupName, KMS blobs
// that name no key, Logs subscriptions to a log group ARN) is left out of the table.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand, UpdateItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import type { Credentials } from '../support/tessera-server.ts';
import { comparable, normalize, runCli, type Side } from './gateway-services-transparency-harness.ts';

const R = 'us-east-1';
const MOTO_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

type Step = [label: string, args: (s: Side) => string[], capture?: (out: any, s: Side) => void];

/** Runs each step on both sides (the same step at once), and returns the steps whose answers differ. */
async function compareSteps(service: string, steps: Step[], through: Side, direct: Side): Promise<string[]> {
  const differences: string[] = [];
  for (const [label, args, capture] of steps) {
    const started = Date.now();
    const [a, b] = await Promise.all([runCli(through, args(through)), runCli(direct, args(direct))]);
    if (process.env['TRANSPARENCY_TIMES']) console.log(`${service} ${label}: ${Date.now() - started} ms`);
    if (capture) {
      for (const [side, answer] of [[through, a], [direct, b]] as const) {
        if (answer.code === 0) capture(JSON.parse(answer.stdout || '{}'), side);
      }
    }
    const [ca, cb] = [comparable(a), comparable(b)];
    if (!isDeepStrictEqual(ca, cb)) differences.push(`${service} ${label}\n  through Tessera: ${JSON.stringify(ca)}\n  direct:          ${JSON.stringify(cb)}`);
  }
  return differences;
}

/** A KMS blob captured on a side, as a file the CLI reads raw. */
function blob(s: Side, name: string): string {
  const path = `${process.env['TMPDIR'] ?? '/tmp'}/gateway-services-transparency-${process.pid}-${s.name}-${name}.bin`;
  writeFileSync(path, Buffer.from(s.vars[name] ?? '', 'base64'));
  return `fileb://${path}`;
}

function rows(A: string, zip: string, message: string): Record<string, Step[]> {
  const q = (s: Side, name: string) => `${s.endpoint}/${A}/${name}`;
  const topic = `arn:aws:sns:${R}:${A}:news`;
  const queuePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${R}:${A}:news-sub`, Condition: { ArnEquals: { 'aws:SourceArn': topic } } }] });
  return {
    sqs: [
      ['create-queue with attributes and tags', () => ['sqs', 'create-queue', '--queue-name', 'orders', '--attributes', 'VisibilityTimeout=40,MessageRetentionPeriod=3600', '--tags', 'team=a']],
      ['create-queue again, other attributes', () => ['sqs', 'create-queue', '--queue-name', 'orders', '--attributes', 'VisibilityTimeout=50']],
      ['create FIFO queue', () => ['sqs', 'create-queue', '--queue-name', 'jobs.fifo', '--attributes', 'FifoQueue=true,ContentBasedDeduplication=true']],
      ['get-queue-url with owner account', () => ['sqs', 'get-queue-url', '--queue-name', 'orders', '--queue-owner-aws-account-id', A]],
      ['get-queue-url of a missing queue', () => ['sqs', 'get-queue-url', '--queue-name', 'nope']],
      ['send-message with String/Binary/Number attributes', (s) => ['sqs', 'send-message', '--queue-url', q(s, 'orders'), '--message-body', 'hello', '--message-attributes', JSON.stringify({ a: { DataType: 'String', StringValue: 'x' }, b: { DataType: 'Binary', BinaryValue: 'AAEC' }, n: { DataType: 'Number', StringValue: '42' } })]],
      ['send-message-batch with a repeated Id', (s) => ['sqs', 'send-message-batch', '--queue-url', q(s, 'orders'), '--entries', JSON.stringify([{ Id: '1', MessageBody: 'one' }, { Id: '1', MessageBody: 'two' }])]],
      ['send to FIFO without a group', (s) => ['sqs', 'send-message', '--queue-url', q(s, 'jobs.fifo'), '--message-body', 'j']],
      ['receive-message, all attributes', (s) => ['sqs', 'receive-message', '--queue-url', q(s, 'orders'), '--message-attribute-names', 'All', '--attribute-names', 'All'], (out, s) => (s.vars['rh'] = out?.Messages?.[0]?.ReceiptHandle)],
      ['delete-message-batch, one bad handle', (s) => ['sqs', 'delete-message-batch', '--queue-url', q(s, 'orders'), '--entries', JSON.stringify([{ Id: 'a', ReceiptHandle: s.vars['rh'] }, { Id: 'b', ReceiptHandle: 'bogus' }])]],
      ['list-queues with a prefix', () => ['sqs', 'list-queues', '--queue-name-prefix', 'ord']],
      ['get-queue-attributes, unknown name', (s) => ['sqs', 'get-queue-attributes', '--queue-url', q(s, 'orders'), '--attribute-names', 'Bogus']],
    ],
    sns: [
      ['create-topic with tags', () => ['sns', 'create-topic', '--name', 'news', '--tags', 'Key=team,Value=a']],
      ['create-topic, invalid name', () => ['sns', 'create-topic', '--name', 'bad name']],
      ['create-topic FIFO', () => ['sns', 'create-topic', '--name', 'news.fifo', '--attributes', 'FifoTopic=true,ContentBasedDeduplication=true']],
      ['queue allowing the topic', () => ['sqs', 'create-queue', '--queue-name', 'news-sub', '--attributes', JSON.stringify({ Policy: queuePolicy })]],
      ['subscribe the queue, raw delivery', () => ['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', `arn:aws:sqs:${R}:${A}:news-sub`, '--attributes', 'RawMessageDelivery=true', '--return-subscription-arn'], (out, s) => (s.vars['sub'] = out?.SubscriptionArn)],
      ['set-subscription-attributes', (s) => ['sns', 'set-subscription-attributes', '--subscription-arn', s.vars['sub'] ?? 'x', '--attribute-name', 'FilterPolicy', '--attribute-value', '{"k":["v"]}']],
      ['publish with attributes', () => ['sns', 'publish', '--topic-arn', topic, '--message', 'hi', '--message-attributes', JSON.stringify({ k: { DataType: 'String', StringValue: 'v' } })]],
      ['publish-batch', () => ['sns', 'publish-batch', '--topic-arn', topic, '--publish-batch-request-entries', JSON.stringify([{ Id: '1', Message: 'a', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }, { Id: '2', Message: 'b' }])]],
      ['publish to FIFO without a group', () => ['sns', 'publish', '--topic-arn', `${topic}.fifo`, '--message', 'hi']],
      ['publish to a missing topic', () => ['sns', 'publish', '--topic-arn', `${topic}-nope`, '--message', 'hi']],
      ['the queue got the filtered messages', (s) => ['sqs', 'receive-message', '--queue-url', q(s, 'news-sub'), '--max-number-of-messages', '10']],
      ['list-subscriptions-by-topic', () => ['sns', 'list-subscriptions-by-topic', '--topic-arn', topic]],
      ['create-platform-application', () => ['sns', 'create-platform-application', '--name', 'app', '--platform', 'GCM', '--attributes', 'PlatformCredential=key']],
      ['unsubscribe', (s) => ['sns', 'unsubscribe', '--subscription-arn', s.vars['sub'] ?? 'x']],
    ],
    dynamodb: [
      ['create-table with GSI, LSI, stream, tags', () => ['dynamodb', 'create-table', '--table-name', 'music', '--attribute-definitions', 'AttributeName=artist,AttributeType=S', 'AttributeName=song,AttributeType=S', 'AttributeName=year,AttributeType=N', '--key-schema', 'AttributeName=artist,KeyType=HASH', 'AttributeName=song,KeyType=RANGE', '--billing-mode', 'PAY_PER_REQUEST',
        '--global-secondary-indexes', JSON.stringify([{ IndexName: 'by-year', KeySchema: [{ AttributeName: 'year', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }]),
        '--local-secondary-indexes', JSON.stringify([{ IndexName: 'by-artist-year', KeySchema: [{ AttributeName: 'artist', KeyType: 'HASH' }, { AttributeName: 'year', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }]),
        '--stream-specification', 'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES', '--tags', 'Key=team,Value=a']],
      ['create-table, key not in the definitions', () => ['dynamodb', 'create-table', '--table-name', 'x', '--attribute-definitions', 'AttributeName=a,AttributeType=S', '--key-schema', 'AttributeName=b,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST']],
      ['put-item, nested types', () => ['dynamodb', 'put-item', '--table-name', 'music', '--item', '{"artist":{"S":"a"},"song":{"S":"s1"},"year":{"N":"1990"},"tags":{"SS":["x"]},"m":{"M":{"k":{"L":[{"N":"1"},{"B":"AAE="}]}}}}', '--return-consumed-capacity', 'TOTAL']],
      ['put-item, condition fails, ALL_OLD', () => ['dynamodb', 'put-item', '--table-name', 'music', '--item', '{"artist":{"S":"a"},"song":{"S":"s1"}}', '--condition-expression', 'attribute_not_exists(artist)', '--return-values-on-condition-check-failure', 'ALL_OLD']],
      ['update-item with expressions', () => ['dynamodb', 'update-item', '--table-name', 'music', '--key', '{"artist":{"S":"a"},"song":{"S":"s1"}}', '--update-expression', 'SET plays = if_not_exists(plays, :z) + :one ADD tags :t REMOVE m', '--condition-expression', '#y = :y', '--expression-attribute-names', '{"#y":"year"}', '--expression-attribute-values', '{":z":{"N":"0"},":one":{"N":"1"},":t":{"SS":["z"]},":y":{"N":"1990"}}', '--return-values', 'ALL_NEW']],
      ['update-item, bad expression', () => ['dynamodb', 'update-item', '--table-name', 'music', '--key', '{"artist":{"S":"a"},"song":{"S":"s1"}}', '--update-expression', 'SET = :one', '--expression-attribute-values', '{":one":{"N":"1"}}']],
      ['query the GSI', () => ['dynamodb', 'query', '--table-name', 'music', '--index-name', 'by-year', '--key-condition-expression', '#y = :y', '--expression-attribute-names', '{"#y":"year"}', '--expression-attribute-values', '{":y":{"N":"1990"}}']],
      ['scan, paginated', () => ['dynamodb', 'scan', '--table-name', 'music', '--page-size', '1']],
      ['transact-write-items cancelled', () => ['dynamodb', 'transact-write-items', '--transact-items', JSON.stringify([{ ConditionCheck: { TableName: 'music', Key: { artist: { S: 'a' }, song: { S: 's1' } }, ConditionExpression: 'attribute_not_exists(artist)' } }, { Put: { TableName: 'music', Item: { artist: { S: 'd' }, song: { S: 'x' } } } }])]],
      ['batch-get-item of a missing table', () => ['dynamodb', 'batch-get-item', '--request-items', JSON.stringify({ nope: { Keys: [{ a: { S: 'a' } }] } })]],
      ['update-time-to-live', () => ['dynamodb', 'update-time-to-live', '--table-name', 'music', '--time-to-live-specification', 'Enabled=true,AttributeName=exp']],
      ['describe-limits', () => ['dynamodb', 'describe-limits']],
      ['create-backup', () => ['dynamodb', 'create-backup', '--table-name', 'music', '--backup-name', 'bk1']],
      ['describe-table of a missing table', () => ['dynamodb', 'describe-table', '--table-name', 'nope']],
    ],
    kms: [
      ['create-key with tags', () => ['kms', 'create-key', '--description', 'sym', '--tags', 'TagKey=t,TagValue=v'], (o, s) => (s.vars['sym'] = o?.KeyMetadata?.KeyId)],
      ['create-key RSA_2048 SIGN_VERIFY', () => ['kms', 'create-key', '--key-spec', 'RSA_2048', '--key-usage', 'SIGN_VERIFY'], (o, s) => (s.vars['rsa'] = o?.KeyMetadata?.KeyId)],
      ['create-key, invalid spec and usage', () => ['kms', 'create-key', '--key-spec', 'RSA_2048', '--key-usage', 'GENERATE_VERIFY_MAC']],
      ['create-alias', (s) => ['kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', s.vars['sym']!]],
      ['encrypt by alias with a context', () => ['kms', 'encrypt', '--key-id', 'alias/app', '--plaintext', message, '--encryption-context', 'a=b'], (o, s) => (s.vars['ct'] = o?.CiphertextBlob)],
      ['decrypt with the context', (s) => ['kms', 'decrypt', '--ciphertext-blob', blob(s, 'ct'), '--encryption-context', 'a=b']],
      ['decrypt with another context', (s) => ['kms', 'decrypt', '--ciphertext-blob', blob(s, 'ct'), '--encryption-context', 'a=c']],
      ['generate-data-key without a spec', () => ['kms', 'generate-data-key', '--key-id', 'alias/app']],
      ['sign', (s) => ['kms', 'sign', '--key-id', s.vars['rsa']!, '--message', message, '--signing-algorithm', 'RSASSA_PSS_SHA_256'], (o, s) => (s.vars['sig'] = o?.Signature)],
      ['verify', (s) => ['kms', 'verify', '--key-id', s.vars['rsa']!, '--message', message, '--signing-algorithm', 'RSASSA_PSS_SHA_256', '--signature', blob(s, 'sig')]],
      ['create-grant, revoke a missing one', (s) => ['kms', 'revoke-grant', '--key-id', s.vars['sym']!, '--grant-id', 'nope']],
      ['describe-key of a missing alias', () => ['kms', 'describe-key', '--key-id', 'alias/nope']],
      ['schedule-key-deletion', (s) => ['kms', 'schedule-key-deletion', '--key-id', s.vars['rsa']!, '--pending-window-in-days', '7']],
      ['sign with a key pending deletion', (s) => ['kms', 'sign', '--key-id', s.vars['rsa']!, '--message', message, '--signing-algorithm', 'RSASSA_PSS_SHA_256']],
    ],
    secretsmanager: [
      ['create-secret with tags', () => ['secretsmanager', 'create-secret', '--name', 'db/pass', '--secret-string', 'p1', '--tags', 'Key=team,Value=a']],
      ['create-secret again', () => ['secretsmanager', 'create-secret', '--name', 'db/pass', '--secret-string', 'p1']],
      ['put-secret-value with a token', () => ['secretsmanager', 'put-secret-value', '--secret-id', 'db/pass', '--secret-string', 'p2', '--client-request-token', '11111111-1111-1111-1111-111111111111']],
      ['get-secret-value AWSPREVIOUS', () => ['secretsmanager', 'get-secret-value', '--secret-id', 'db/pass', '--version-stage', 'AWSPREVIOUS']],
      ['batch-get-secret-value, one missing', () => ['secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'db/pass', 'nope']],
      ['list-secrets with filters', () => ['secretsmanager', 'list-secrets', '--filters', 'Key=name,Values=db', 'Key=tag-key,Values=team']],
      ['delete-secret with a recovery window', () => ['secretsmanager', 'delete-secret', '--secret-id', 'db/pass', '--recovery-window-in-days', '7']],
      ['get-secret-value of a deleted secret', () => ['secretsmanager', 'get-secret-value', '--secret-id', 'db/pass']],
      ['restore-secret', () => ['secretsmanager', 'restore-secret', '--secret-id', 'db/pass']],
      ['get-secret-value of a missing secret', () => ['secretsmanager', 'get-secret-value', '--secret-id', 'nope']],
    ],
    ssm: [
      ['put-parameter String with tags', () => ['ssm', 'put-parameter', '--name', '/app/prod/url', '--value', 'hx', '--type', 'String', '--tags', 'Key=team,Value=a']],
      ['put-parameter SecureString', () => ['ssm', 'put-parameter', '--name', '/app/prod/db/pw', '--value', 's3cret', '--type', 'SecureString']],
      ['put-parameter exists', () => ['ssm', 'put-parameter', '--name', '/app/prod/url', '--value', 'v2', '--type', 'String']],
      ['put-parameter, bad type', () => ['ssm', 'put-parameter', '--name', '/x', '--value', 'v', '--type', 'Bogus']],
      ['get-parameter with decryption', () => ['ssm', 'get-parameter', '--name', '/app/prod/db/pw', '--with-decryption']],
      ['get-parameters-by-path recursive, filtered', () => ['ssm', 'get-parameters-by-path', '--path', '/app', '--recursive', '--with-decryption', '--parameter-filters', 'Key=Type,Option=Equals,Values=SecureString']],
      ['get-parameters-by-path, invalid filter', () => ['ssm', 'get-parameters-by-path', '--path', '/app', '--parameter-filters', 'Key=Name,Values=x']],
      ['label-parameter-version', () => ['ssm', 'label-parameter-version', '--name', '/app/prod/url', '--parameter-version', '1', '--labels', 'stable']],
      ['get-parameter by label', () => ['ssm', 'get-parameter', '--name', '/app/prod/url:stable']],
      ['get-parameter-history', () => ['ssm', 'get-parameter-history', '--name', '/app/prod/url']],
      ['delete-parameters, one missing', () => ['ssm', 'delete-parameters', '--names', '/app/prod/url', '/nope']],
      ['get-parameter of a missing one', () => ['ssm', 'get-parameter', '--name', '/nope']],
    ],
    logs: [
      ['create-log-group with tags', () => ['logs', 'create-log-group', '--log-group-name', '/app/web', '--tags', 'team=a']],
      ['create-log-group again', () => ['logs', 'create-log-group', '--log-group-name', '/app/web']],
      ['create-log-stream', () => ['logs', 'create-log-stream', '--log-group-name', '/app/web', '--log-stream-name', 's1']],
      ['put-log-events', () => ['logs', 'put-log-events', '--log-group-name', '/app/web', '--log-stream-name', 's1', '--log-events', 'timestamp=1700000000000,message=hello ERROR', 'timestamp=1700000000001,message=second']],
      ['put-log-events to a missing stream', () => ['logs', 'put-log-events', '--log-group-name', '/app/web', '--log-stream-name', 'nope', '--log-events', 'timestamp=1700000000000,message=x']],
      ['filter-log-events', () => ['logs', 'filter-log-events', '--log-group-name', '/app/web', '--filter-pattern', 'ERROR']],
      ['describe-log-groups with a prefix', () => ['logs', 'describe-log-groups', '--log-group-name-prefix', '/app']],
      ['put-retention-policy, invalid days', () => ['logs', 'put-retention-policy', '--log-group-name', '/app/web', '--retention-in-days', '8']],
      ['tag-log-group', () => ['logs', 'tag-log-group', '--log-group-name', '/app/web', '--tags', 'x=y']],
      ['list-tags-for-resource', () => ['logs', 'list-tags-for-resource', '--resource-arn', `arn:aws:logs:${R}:${A}:log-group:/app/web`]],
      ['put-metric-filter', () => ['logs', 'put-metric-filter', '--log-group-name', '/app/web', '--filter-name', 'errors', '--filter-pattern', 'ERROR', '--metric-transformations', 'metricName=Errors,metricNamespace=App,metricValue=1']],
      ['delete-log-group of a missing group', () => ['logs', 'delete-log-group', '--log-group-name', '/nope']],
    ],
    lambda: [
      ['create-function from a zip', () => ['lambda', 'create-function', '--function-name', 'fn', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${A}:role/fn-role`, '--zip-file', zip, '--tags', 'team=a', '--environment', 'Variables={K=V}']],
      ['create-function again', () => ['lambda', 'create-function', '--function-name', 'fn', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${A}:role/fn-role`, '--zip-file', zip]],
      ['publish-version', () => ['lambda', 'publish-version', '--function-name', 'fn']],
      ['create-alias', () => ['lambda', 'create-alias', '--function-name', 'fn', '--name', 'live', '--function-version', '1']],
      ['get-function by alias', () => ['lambda', 'get-function', '--function-name', 'fn', '--qualifier', 'live']],
      ['add-permission', () => ['lambda', 'add-permission', '--function-name', 'fn', '--statement-id', 's1', '--action', 'lambda:InvokeFunction', '--principal', 's3.amazonaws.com', '--source-arn', 'arn:aws:s3:::b']],
      ['get-policy', () => ['lambda', 'get-policy', '--function-name', 'fn']],
      ['create-function-url-config', () => ['lambda', 'create-function-url-config', '--function-name', 'fn', '--auth-type', 'AWS_IAM']],
      ['list-tags', () => ['lambda', 'list-tags', '--resource', `arn:aws:lambda:${R}:${A}:function:fn`]],
      ['publish-layer-version', () => ['lambda', 'publish-layer-version', '--layer-name', 'lib', '--zip-file', zip]],
      ['get-function of a missing one', () => ['lambda', 'get-function', '--function-name', 'nope']],
    ],
  };
}

describe('gateway transparency: SQS, SNS, DynamoDB, KMS, Lambda, Secrets Manager, SSM, Logs', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let direct: MotoServer;
  let account: string;
  let user: Credentials & { arn: string };
  const dir = `${process.env['TMPDIR'] ?? '/tmp'}/gateway-services-transparency-${process.pid}`;
  const sides = (credentials: Credentials): [Side, Side] => [
    { name: 'tessera', endpoint: env.server.url, credentials, vars: {} },
    { name: 'direct', endpoint: direct.url, credentials: MOTO_CREDENTIALS, vars: {} },
  ];

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    // The direct moto serves Tessera's default account without the x-moto-account-id header.
    const previous = process.env['MOTO_ACCOUNT_ID'];
    process.env['MOTO_ACCOUNT_ID'] = account;
    try {
      direct = await startMoto();
    } finally {
      if (previous === undefined) delete process.env['MOTO_ACCOUNT_ID'];
      else process.env['MOTO_ACCOUNT_ID'] = previous;
    }
    user = await env.user('allow-all', [ALLOW_ALL]);
    // Lambda's execution role lives in each moto's own IAM (Tessera serves IAM itself).
    for (const endpoint of [env.moto.url, direct.url]) {
      const body = new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'fn-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' });
      const answer = await fetch(`${endpoint}/`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-moto-account-id': account, authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' } });
      assert.equal(answer.status, 200, await answer.text());
    }
    // A zip with one file (stored, no compression), built by hand: index.py.
    writeFileSync(`${dir}-message.txt`, 'hello');
    writeFileSync(`${dir}-fn.zip`, storedZip('index.py', 'def handler(e, c):\n    return e\n'));
  });
  after(async () => {
    await direct?.stop();
    await env?.stop();
  });

  // Discrepancy 1: a KMS key the upstream does not know.
  test('KMS: DescribeKey of a key that does not exist answers NotFoundException, as moto does (user allowed everything, and root)', async () => {
    const missing = '11111111-2222-3333-4444-555555555555';
    for (const credentials of [user, env.server.root]) {
      const [through, straight] = sides(credentials);
      for (const args of [['kms', 'describe-key', '--key-id', missing], ['kms', 'encrypt', '--key-id', `arn:aws:kms:${R}:${account}:key/${missing}`, '--plaintext', `fileb://${dir}-message.txt`]]) {
        const [a, b] = await Promise.all([runCli(through, args), runCli(straight, args)]);
        assert.match(b.stderr, /NotFoundException/);
        assert.deepEqual(comparable(a), comparable(b), a.stderr);
      }
    }
    // The SDK v3 client: the same error name and message.
    const sdk = async (client: KMSClient) => {
      try {
        await client.send(new DescribeKeyCommand({ KeyId: missing }));
        return 'ok';
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    };
    const motoKms = new KMSClient({ endpoint: direct.url, region: R, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    try {
      assert.equal(await sdk(env.kms(user)), await sdk(motoKms));
    } finally {
      motoKms.destroy();
    }
  });

  // Discrepancy 2: DescribeMetricFilters without logGroupName.
  test('Logs: DescribeMetricFilters by metric name (no logGroupName) is served as moto serves it', async () => {
    const [through, straight] = sides(user);
    const setup = [
      ['logs', 'create-log-group', '--log-group-name', '/mf/web'],
      ['logs', 'put-metric-filter', '--log-group-name', '/mf/web', '--filter-name', 'errors', '--filter-pattern', 'ERROR', '--metric-transformations', 'metricName=MfErrors,metricNamespace=Mf,metricValue=1'],
    ];
    for (const args of setup) {
      const [a, b] = await Promise.all([runCli(through, args), runCli(straight, args)]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
    }
    for (const args of [['logs', 'describe-metric-filters', '--metric-name', 'MfErrors', '--metric-namespace', 'Mf'], ['logs', 'describe-metric-filters', '--filter-name-prefix', 'err']]) {
      const [a, b] = await Promise.all([runCli(through, args), runCli(straight, args)]);
      assert.equal(b.code, 0, b.stderr);
      assert.deepEqual(comparable(a), comparable(b), a.stderr);
    }
  });

  test('operations that match: the aws CLI (JSON protocols, SNS Query), the allow-all user', async () => {
    const table = rows(account, `fileb://${dir}-fn.zip`, `fileb://${dir}-message.txt`);
    // The rows run here (the CLI costs about a second a call on each side); the others stay
    // listed above for a longer run: TRANSPARENCY_ALL_ROWS=1.
    const keep: Record<string, number[]> = { sqs: [0, 3, 4, 5], sns: [0, 3, 4, 6], dynamodb: [0, 2, 3, 8], kms: [0, 3, 4, 5], secretsmanager: [0, 2, 3, 4], ssm: [0, 1, 4, 5], logs: [0, 2, 3, 5], lambda: [0, 2, 3, 4] };
    if (process.env['TRANSPARENCY_ALL_ROWS'] !== '1') for (const [service, steps] of Object.entries(table)) table[service] = keep[service]!.map((index) => steps[index]!);
    const differences = (await Promise.all(Object.entries(table).map(([service, steps]) => {
      const [through, straight] = sides(user);
      return compareSteps(service, steps, through, straight);
    }))).flat();
    assert.deepEqual(differences, []);
  });

  test('operations that match: the account root', async () => {
    const A = account;
    const steps: Step[] = [
      ['sqs create-queue', () => ['sqs', 'create-queue', '--queue-name', 'root-q']],
      ['sqs send-message', (s) => ['sqs', 'send-message', '--queue-url', `${s.endpoint}/${A}/root-q`, '--message-body', 'x']],
      ['kms list-aliases', () => ['kms', 'list-aliases']],
      ['logs describe-log-groups', () => ['logs', 'describe-log-groups']],
      ['sns list-topics', () => ['sns', 'list-topics']],
    ];
    const [through, straight] = sides(env.server.root);
    assert.deepEqual(await compareSteps('root', steps, through, straight), []);
  });

  test('operations that match: SDK v3 clients (SQS JSON, DynamoDB, KMS)', async () => {
    const motoConfig = { endpoint: direct.url, region: R, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
    const pairs = { sqs: [env.sqs(user), new SQSClient(motoConfig)], ddb: [env.dynamodb(user), new DynamoDBClient(motoConfig)], kms: [env.kms(user), new KMSClient(motoConfig)] } as const;
    const outcome = async (promise: Promise<unknown>) => {
      try {
        const { $metadata: _, ...out } = (await promise) as Record<string, unknown>;
        return normalize(JSON.parse(JSON.stringify(out, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))));
      } catch (err) {
        const e = err as Error & { $metadata?: { httpStatusCode?: number } };
        return { error: e.name, message: normalize(e.message), status: e.$metadata?.httpStatusCode };
      }
    };
    const differences: string[] = [];
    const both = async (label: string, run: (client: any, i: number) => Promise<unknown>, clients: readonly unknown[], vars?: unknown[]) => {
      const [a, b] = await Promise.all(clients.map((client, i) => outcome(run(client, i))));
      if (!isDeepStrictEqual(a, b)) differences.push(`${label}\n  through Tessera: ${JSON.stringify(a)}\n  direct:          ${JSON.stringify(b)}`);
      return vars;
    };
    try {
      const queueUrls: string[] = [];
      await both('sqs CreateQueue FIFO', (c, i) => c.send(new CreateQueueCommand({ QueueName: 'sdk.fifo', Attributes: { FifoQueue: 'true' } })).then((o: any) => ((queueUrls[i] = o.QueueUrl), o)), pairs.sqs);
      await both('sqs SendMessage FIFO dedup', (c, i) => c.send(new SendMessageCommand({ QueueUrl: queueUrls[i], MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd', MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2]) } } })), pairs.sqs);
      await both('sqs SendMessageBatch', (c, i) => c.send(new SendMessageBatchCommand({ QueueUrl: queueUrls[i], Entries: [{ Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'e' }] })), pairs.sqs);
      await both('sqs ReceiveMessage', (c, i) => c.send(new ReceiveMessageCommand({ QueueUrl: queueUrls[i], MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] })), pairs.sqs);
      await both('sqs GetQueueAttributes missing queue', (c) => c.send(new GetQueueAttributesCommand({ QueueUrl: `${c === pairs.sqs[0] ? env.server.url : direct.url}/${account}/nope`, AttributeNames: ['All'] })), pairs.sqs);
      await both('dynamodb CreateTable', (c) => c.send(new CreateTableCommand({ TableName: 'sdk', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' })), pairs.ddb);
      await both('dynamodb PutItem', (c) => c.send(new PutItemCommand({ TableName: 'sdk', Item: { pk: { S: 'a' }, n: { N: '1' } } })), pairs.ddb);
      await both('dynamodb UpdateItem condition fails', (c) => c.send(new UpdateItemCommand({ TableName: 'sdk', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :v', ConditionExpression: 'n > :v', ExpressionAttributeValues: { ':v': { N: '5' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })), pairs.ddb);
      await both('dynamodb TransactWriteItems cancellation reasons', (c) => c.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName: 'sdk', Key: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' } }] })).catch((e: any) => Promise.reject(Object.assign(new Error(JSON.stringify(e.CancellationReasons)), { name: e.name }))), pairs.ddb);
      await both('dynamodb Query', (c) => c.send(new QueryCommand({ TableName: 'sdk', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } })), pairs.ddb);
      await both('dynamodb GetItem missing table', (c) => c.send(new GetItemCommand({ TableName: 'nope', Key: { pk: { S: 'a' } } })), pairs.ddb);
      const keys: string[] = [];
      await both('kms CreateKey', (c, i) => c.send(new CreateKeyCommand({ Description: 'sdk' })).then((o: any) => ((keys[i] = o.KeyMetadata.KeyId), o)), pairs.kms);
      const blobs: Uint8Array[] = [];
      await both('kms Encrypt', (c, i) => c.send(new EncryptCommand({ KeyId: keys[i], Plaintext: Buffer.from('hi'), EncryptionContext: { a: 'b' } })).then((o: any) => ((blobs[i] = o.CiphertextBlob), o)), pairs.kms);
      await both('kms Decrypt', (c, i) => c.send(new DecryptCommand({ CiphertextBlob: blobs[i], EncryptionContext: { a: 'b' } })), pairs.kms);
      await both('kms GenerateDataKey', (c, i) => c.send(new GenerateDataKeyCommand({ KeyId: keys[i], NumberOfBytes: 16 })), pairs.kms);
    } finally {
      pairs.sqs[1].destroy();
      pairs.ddb[1].destroy();
      pairs.kms[1].destroy();
    }
    assert.deepEqual(differences, []);
  });
});

/** A zip archive of one stored (uncompressed) file. */
function storedZip(name: string, text: string): Buffer {
  const data = Buffer.from(text);
  const file = Buffer.from(name);
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  crc = ~crc >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  const centralOffset = local.length + file.length + data.length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12); end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}
