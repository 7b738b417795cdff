// A list or map the gateway reads for authorization is read whole or the request is refused:
// reading the first LIMITS.fanOut entries and forwarding the rest left every later tag, key,
// attribute name or table unchecked — a Deny on the 1,001st never applied.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { mapRequest } from './map-request.ts';
import { json, wire } from './testing/requests.ts';
import type { GatewayRequest, MappedRequest } from './types.ts';
import { LIMITS } from './wire/limits.ts';

let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

const N = LIMITS.fanOut;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const KEY = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function mapped(request: GatewayRequest): MappedRequest {
  const result = mapRequest(data, request);
  assert.equal(result.kind, 'mapped', JSON.stringify(result).slice(0, 300));
  return result as MappedRequest;
}

function refusedBeyond(request: GatewayRequest, what: string): void {
  const result = mapRequest(data, request);
  assert.equal(result.kind, 'unmapped', `mapped: ${JSON.stringify(result).slice(0, 200)}`);
  assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
  assert.match(result.kind === 'unmapped' ? result.message : '', new RegExp(`^${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has more than ${N} entries`));
}

/** All condition values of the request's checks, by key. */
function context(request: GatewayRequest): Record<string, unknown> {
  return Object.assign({}, ...mapped(request).targets.map((target) => target.context));
}

describe('lists and maps read for authorization: whole, or the request is refused', () => {
  it('a KMS encryption context: every pair a condition key, or refused past the bound', () => {
    const pairs = (n: number) => Object.fromEntries(range(n).map((i) => [`k${i}`, `v${i}`]));
    const whole = context(json('kms', 'TrentService.Encrypt', { KeyId: KEY, Plaintext: 'eA==', EncryptionContext: pairs(N) }));
    assert.equal(whole[`kms:EncryptionContext:k${N - 1}`], `v${N - 1}`);
    assert.equal((whole['kms:EncryptionContextKeys'] as string[]).length, N);
    refusedBeyond(json('kms', 'TrentService.Encrypt', { KeyId: KEY, Plaintext: 'eA==', EncryptionContext: pairs(N + 1) }), 'EncryptionContext');
    refusedBeyond(json('kms', 'TrentService.GenerateDataKeyWithoutPlaintext', { KeyId: KEY, EncryptionContext: pairs(10_000) }), 'EncryptionContext');
  });

  it('request tags, as a map (SQS) and as a list (KMS): aws:TagKeys holds every key, or refused', () => {
    const queue = 'https://sqs.us-east-1.amazonaws.com/111111111111/q';
    const tags = (n: number) => Object.fromEntries(range(n).map((i) => [`t${i}`, 'x']));
    const whole = context(json('sqs', 'AmazonSQS.TagQueue', { QueueUrl: queue, Tags: tags(N) }, '1.0'));
    assert.equal((whole['aws:TagKeys'] as string[]).at(-1), `t${N - 1}`);
    assert.equal(whole[`aws:RequestTag/t${N - 1}`], 'x');
    refusedBeyond(json('sqs', 'AmazonSQS.TagQueue', { QueueUrl: queue, Tags: tags(N + 1) }, '1.0'), 'Tags');
    const list = (n: number) => range(n).map((i) => ({ TagKey: `t${i}`, TagValue: 'x' }));
    assert.equal((context(json('kms', 'TrentService.TagResource', { KeyId: KEY, Tags: list(N) }))['aws:TagKeys'] as string[]).length, N);
    refusedBeyond(json('kms', 'TrentService.TagResource', { KeyId: KEY, Tags: list(N + 1) }), 'Tags');
  });

  it('DynamoDB: an item\'s attribute names, a batch\'s tables and writes, a transaction\'s items', () => {
    const item = (n: number) => Object.fromEntries([['pk', { S: 'me' }], ...range(n - 1).map((i) => [`a${i}`, { S: 'x' }])]);
    const attributes = context(json('dynamodb', 'DynamoDB_20120810.PutItem', { TableName: 'T', Item: item(N) }, '1.0'))['dynamodb:Attributes'] as string[];
    assert.equal(attributes.length, N);
    assert.ok(attributes.includes(`a${N - 2}`));
    refusedBeyond(json('dynamodb', 'DynamoDB_20120810.PutItem', { TableName: 'T', Item: item(N + 1) }, '1.0'), 'dynamodb:Attributes (the attribute names the request reads or writes)');
    const key = { pk: { S: 'me' } };
    const tables = (n: number) => Object.fromEntries(range(n).map((i) => [`T${i}`, { Keys: [key] }]));
    refusedBeyond(json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: tables(N + 1) }, '1.0'), 'RequestItems');
    const writes = range(N + 1).map(() => ({ DeleteRequest: { Key: key } }));
    refusedBeyond(json('dynamodb', 'DynamoDB_20120810.BatchWriteItem', { RequestItems: { T: writes } }, '1.0'), 'RequestItems.T');
    const transaction = range(N + 1).map((i) => ({ Delete: { TableName: `T${i}`, Key: key } }));
    refusedBeyond(json('dynamodb', 'DynamoDB_20120810.TransactWriteItems', { TransactItems: transaction }, '1.0'), 'TransactItems');
    const keys = range(N + 1).map((i) => ({ pk: { S: `k${i}` } }));
    refusedBeyond(json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: { T: { Keys: keys } } }, '1.0'), 'Keys');
  });

  it('S3: an object\'s tag set', () => {
    const tagging = (n: number) => Buffer.from(`<Tagging><TagSet>${range(n).map((i) => `<Tag><Key>t${i}</Key><Value>x</Value></Tag>`).join('')}</TagSet></Tagging>`);
    const put = (n: number) => wire('s3', 'PUT', '/b/k?tagging', { body: tagging(n) });
    assert.equal(context(put(N))[`s3:RequestObjectTag/t${N - 1}`], 'x');
    refusedBeyond(put(N + 1), 'The Tagging document\'s TagSet');
  });

  it('Secrets Manager: a batch\'s secrets and a replication\'s Regions', () => {
    const ids = (n: number) => range(n).map((i) => `arn:aws:secretsmanager:us-east-1:111111111111:secret:s${i}-AbCdEf`);
    refusedBeyond(json('secretsmanager', 'secretsmanager.BatchGetSecretValue', { SecretIdList: ids(N + 1) }), 'SecretIdList');
    const regions = range(N + 1).map((i) => ({ Region: `r-${i}` }));
    refusedBeyond(json('secretsmanager', 'secretsmanager.ReplicateSecretToRegions', { SecretId: 's', AddReplicaRegions: regions }), 'AddReplicaRegions');
  });
});
