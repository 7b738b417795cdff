import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identify } from './identify.ts';
import { mapRequest } from './map-request.ts';
import { loadGatewayModel } from './model.ts';
import { readShardIterator } from './services/dynamodb.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { json } from './testing/requests.ts';
import type { MapResult } from './types.ts';

const authorizationData = authorizationDataForTests();

const LABEL = '2015-05-20T20:51:10.252';
const STREAM = `arn:aws:dynamodb:us-east-1:111111111111:table/Forum/stream/${LABEL}`;
const OTHER_ACCOUNT_STREAM = `arn:aws:dynamodb:eu-west-1:333333333333:table/Shared/stream/${LABEL}`;
// The iterator form of AWS's API Reference examples and of moto: `<stream ARN>|1|<token>`.
const ITERATOR = `${STREAM}|1|AAAAAAAAAAEvJp6D+zaQ/x==`;

const streams = (operation: string, body: unknown): MapResult => mapRequest(authorizationData(), json('dynamodb', `DynamoDBStreams_20120810.${operation}`, body, '1.0'));

function refused(result: MapResult, reason: string, message: RegExp): void {
  assert.equal(result.kind, 'unmapped', JSON.stringify(result));
  if (result.kind !== 'unmapped') return;
  assert.equal(result.reason, reason);
  assert.match(result.message, message);
}

describe('DynamoDB Streams: the model', () => {
  it('its four operations join DynamoDB\'s, each with the Streams target prefix and its own shapes', () => {
    const model = loadGatewayModel('dynamodb');
    assert.deepEqual(model.targetPrefixes, ['DynamoDB_20120810', 'DynamoDBStreams_20120810']);
    for (const name of ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams']) {
      assert.equal(model.operations.get(name)?.targetPrefix, 'DynamoDBStreams_20120810', name);
    }
    assert.equal(model.operations.get('GetItem')?.targetPrefix, 'DynamoDB_20120810');
    // KeySchema is a shape of both models, and they differ: each operation reads its own.
    assert.notEqual(model.operations.get('GetRecords')!.shapes, model.shapes);
    assert.equal(model.operations.get('GetItem')!.shapes, model.shapes);
  });

  it('reads the input members of its own model', () => {
    const identified = identify('dynamodb', json('dynamodb', 'DynamoDBStreams_20120810.GetShardIterator', { StreamArn: STREAM, ShardId: 's-1', ShardIteratorType: 'TRIM_HORIZON', Unknown: 1 }, '1.0'));
    assert.ok(!('kind' in identified), JSON.stringify(identified));
    if ('kind' in identified) return;
    assert.equal(identified.operation.name, 'GetShardIterator');
    assert.deepEqual([...identified.input.keys()].sort(), ['ShardId', 'ShardIteratorType', 'StreamArn']);
  });
});

describe('DynamoDB Streams: the checks', () => {
  it('DescribeStream is dynamodb:DescribeStream on its StreamArn, whose own policy is read', () => {
    const result = mapped(streams('DescribeStream', { StreamArn: STREAM, Limit: 10 }));
    assert.equal(result.operation, 'DescribeStream');
    assert.equal(result.protocol, 'json');
    assert.deepEqual(checks(result), [`dynamodb:DescribeStream ${STREAM}`]);
    assert.equal(result.resourceAccountId, '111111111111');
    assert.deepEqual(result.lookups.filter((lookup) => lookup.kind === 'resource-policy'), [{ kind: 'resource-policy', check: 0, resource: STREAM }]);
  });

  it('GetShardIterator is dynamodb:GetShardIterator on its StreamArn; another account\'s stream is that account\'s', () => {
    assert.deepEqual(checks(streams('GetShardIterator', { StreamArn: STREAM, ShardId: 'shardId-1', ShardIteratorType: 'LATEST' })), [`dynamodb:GetShardIterator ${STREAM}`]);
    const cross = mapped(streams('GetShardIterator', { StreamArn: OTHER_ACCOUNT_STREAM, ShardId: 'shardId-1', ShardIteratorType: 'LATEST' }));
    assert.deepEqual(checks(cross), [`dynamodb:GetShardIterator ${OTHER_ACCOUNT_STREAM}`]);
    assert.equal(cross.resourceAccountId, '333333333333');
  });

  it('GetRecords is dynamodb:GetRecords on the stream its iterator starts with', () => {
    const result = mapped(streams('GetRecords', { ShardIterator: ITERATOR, Limit: 100 }));
    assert.equal(result.operation, 'GetRecords');
    assert.deepEqual(checks(result), [`dynamodb:GetRecords ${STREAM}`]);
    // Region, account and partition are the iterator's, not the request's.
    const cross = mapped(streams('GetRecords', { ShardIterator: `${OTHER_ACCOUNT_STREAM}|1|token` }));
    assert.deepEqual(checks(cross), [`dynamodb:GetRecords ${OTHER_ACCOUNT_STREAM}`]);
    assert.equal(cross.resourceAccountId, '333333333333');
    const china = mapped(streams('GetRecords', { ShardIterator: `arn:aws-cn:dynamodb:cn-north-1:444444444444:table/T/stream/${LABEL}|1|t` }));
    assert.deepEqual(checks(china), [`dynamodb:GetRecords arn:aws-cn:dynamodb:cn-north-1:444444444444:table/T/stream/${LABEL}`]);
  });

  it('ListStreams is dynamodb:ListStreams on *, with or without a TableName', () => {
    assert.deepEqual(checks(streams('ListStreams', {})), ['dynamodb:ListStreams *']);
    const byTable = mapped(streams('ListStreams', { TableName: 'Forum', ExclusiveStartStreamArn: STREAM }));
    assert.deepEqual(checks(byTable), ['dynamodb:ListStreams *']);
    assert.deepEqual(byTable.lookups, []);
  });
});

describe('DynamoDB Streams: what is refused', () => {
  it('a GetRecords whose iterator does not show its stream names no resource: never authorized on *', () => {
    for (const iterator of [
      'AAAAAAAAAAEvJp6D+zaQ',                                   // opaque
      STREAM,                                                   // no |<version>|<token>
      `${STREAM}|1|`,                                           // no token
      `${STREAM}||token`,                                       // no version
      `${STREAM}|v1|token`,                                     // version not a number
      `arn:aws:dynamodb:us-east-1:111111111111:table/Forum|1|t`,   // a table, not a stream
      `arn:aws:dynamodb:us-east-1:111111111111:table/Forum/stream/|1|t`,
      `arn:aws:dynamodb:us-east-1:111111111111:table/Forum/stream/a/b|1|t`,
      `arn:aws:s3:us-east-1:111111111111:table/Forum/stream/${LABEL}|1|t`,
      `arn:aws:dynamodb:us-east-1:1111|1|t`,
      `arn:aws:dynamodb:us-east-1:not-an-account:table/Forum/stream/${LABEL}|1|t`,
      `|1|${STREAM}`,
    ]) {
      refused(streams('GetRecords', { ShardIterator: iterator }), 'invalid-request', /GetRecords does not name the stream that dynamodb:GetRecords is authorized on/);
    }
    refused(streams('GetRecords', {}), 'invalid-request', /does not name the stream/);
    refused(streams('GetRecords', { ShardIterator: 42 }), 'invalid-request', /NUMBER_VALUE can not be converted to a String \(ShardIterator\)/);
  });

  it('DescribeStream and GetShardIterator without a stream ARN are refused', () => {
    refused(streams('DescribeStream', {}), 'invalid-request', /DescribeStream does not name the stream/);
    refused(streams('DescribeStream', { StreamArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/Forum' }), 'invalid-request', /does not name the stream/);
    refused(streams('GetShardIterator', { StreamArn: 'Forum', ShardId: 's', ShardIteratorType: 'LATEST' }), 'invalid-request', /GetShardIterator does not name the stream/);
  });

  it('a target names an operation of its own model only; unknown Streams targets stay unknown', () => {
    refused(mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.GetRecords', { ShardIterator: ITERATOR }, '1.0')), 'unknown-operation', /names no dynamodb operation/);
    refused(streams('GetItem', { TableName: 'Forum', Key: {} }), 'unknown-operation', /names no dynamodb operation/);
    refused(streams('DeleteStream', { StreamArn: STREAM }), 'unknown-operation', /names no dynamodb operation/);
    refused(mapRequest(authorizationData(), json('dynamodb', 'DynamoDBStreams_20120810', {}, '1.0')), 'unknown-operation', /names no dynamodb operation/);
    // DynamoDB's own operations are unchanged.
    assert.deepEqual(checks(mapRequest(authorizationData(), json('dynamodb', 'DynamoDB_20120810.DescribeTable', { TableName: 'Forum' }, '1.0'))), ['dynamodb:DescribeTable arn:aws:dynamodb:us-east-1:111111111111:table/Forum']);
  });
});

describe('readShardIterator', () => {
  it('reads the stream\'s variables from `<stream ARN>|<n>|<token>` only', () => {
    assert.deepEqual(readShardIterator(ITERATOR), { Partition: 'aws', Region: 'us-east-1', Account: '111111111111', TableName: 'Forum', StreamLabel: LABEL });
    assert.equal(readShardIterator('x'.repeat(100_000)), undefined);
    assert.equal(readShardIterator(`${'|'.repeat(50_000)}`), undefined);
  });
});
