import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, describe, it } from 'node:test';
import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { GATEWAY_SERVICES } from './services.ts';
import { mapRequest } from './map-request.ts';
import { form, json, wire } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';
import { bestTime } from '../../test/support/timing.ts';

let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

/** Mapped quickly to a refusal, never a throw. */
function refused(request: GatewayRequest, reasons: string[]): MapResult & { kind: 'unmapped' } {
  let result!: MapResult;
  const elapsed = bestTime(() => (result = mapRequest(data, request)), 250);
  assert.ok(elapsed < 250, `answered in ${elapsed.toFixed(1)} ms`);
  assert.equal(result.kind, 'unmapped', JSON.stringify(result).slice(0, 300));
  const unmapped = result as MapResult & { kind: 'unmapped' };
  assert.ok(reasons.includes(unmapped.reason), `${unmapped.reason}: ${unmapped.message}`);
  assert.ok(unmapped.message.length < 600, 'the message does not echo the whole input');
  return unmapped;
}

describe('hostile requests are refused quickly, as data', () => {
  it('__proto__ and constructor as operations (JSON target, Query action, S3 path)', () => {
    refused(json('kms', 'TrentService.__proto__', {}), ['unknown-operation']);
    refused(json('kms', 'TrentService.constructor', {}), ['unknown-operation']);
    refused(form('sns', { Action: '__proto__' }), ['unknown-operation']);
    refused(form('sqs', { Action: 'hasOwnProperty' }), ['unknown-operation']);
    refused(json('__proto__', 'X.Y', {}), ['unknown-service']);
  });

  it('__proto__ as a header, a JSON member or a tag key does not pollute anything', () => {
    const request = json('sqs', 'AmazonSQS.TagQueue', '{"QueueUrl":"https://q/111111111111/q","Tags":{"__proto__":{"polluted":"yes"},"constructor":"x"},"__proto__":{"QueueUrl":"evil"}}', '1.0');
    const headers: Record<string, string> = { ...(request.headers as Record<string, string>) };
    Object.defineProperty(headers, '__proto__', { value: 'x', enumerable: true });
    Object.defineProperty(headers, 'x-amz-target', { value: 'AmazonSQS.TagQueue', enumerable: true });
    request.headers = headers;
    assert.ok(Object.hasOwn(request.headers, '__proto__'));
    const result = mapRequest(data, request);
    assert.equal(result.kind, 'mapped');
    assert.equal(result.kind === 'mapped' && result.targets[0]!.resource, 'arn:aws:sqs:us-east-1:111111111111:q');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(result.kind === 'mapped' && result.targets[0]!.context, { 'aws:RequestTag/constructor': 'x', 'aws:TagKeys': ['constructor'] });
  });

  it('a huge path, query or body', () => {
    refused(wire('s3', 'GET', `/b/${'a/'.repeat(10_000)}`), ['invalid-request']);
    refused(wire('s3', 'GET', `/b?prefix=${'x'.repeat(20_000)}`), ['invalid-request']);
    refused(wire('s3', 'GET', `/b?${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`), ['invalid-request']);
    refused({ ...json('dynamodb', 'DynamoDB_20120810.GetItem', {}, '1.0'), body: Buffer.alloc(7 * 1024 * 1024, 0x20) }, ['invalid-request']);
  });

  it('malformed, non-object and deeply nested JSON bodies', () => {
    refused(json('dynamodb', 'DynamoDB_20120810.GetItem', '{"TableName": "Music"', '1.0'), ['invalid-request']);
    refused(json('dynamodb', 'DynamoDB_20120810.GetItem', '[1,2,3]', '1.0'), ['invalid-request']);
    refused(json('dynamodb', 'DynamoDB_20120810.GetItem', 'null', '1.0'), ['invalid-request']);
    refused(json('dynamodb', 'DynamoDB_20120810.GetItem', `{"TableName":"T","Key":${'['.repeat(5000)}${']'.repeat(5000)}}`, '1.0'), ['invalid-request']);
    refused(wire('lambda', 'POST', '/2015-03-31/functions/f/policy', { body: Buffer.from('{"StatementId":') }), ['invalid-request']);
  });

  it('members of the wrong type name no resource', () => {
    refused(json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: { S: 'Music' } }, '1.0'), ['invalid-request']);
    refused(json('sqs', 'AmazonSQS.SendMessage', { QueueUrl: 42 }, '1.0'), ['invalid-request']);
    refused(json('ssm', 'AmazonSSM.GetParameters', { Names: Array.from({ length: 5000 }, (_, i) => `p${i}`) }), ['invalid-request']);
  });

  it('malformed percent-encoding, a missing target, a wrong method', () => {
    refused(wire('s3', 'GET', '/b/%E0%A4%A'), ['unknown-operation', 'invalid-request']);
    refused(wire('kms', 'POST', '/', { body: Buffer.from('{}') }), ['unknown-operation']);
    refused({ ...json('kms', 'TrentService.ListKeys', {}), method: 'GET' }, ['unknown-operation']);
    refused(wire('s3', 'GET', 'no-slash'), ['invalid-request']);
    refused(form('sns', { Action: 'Publish', Version: '1999-01-01', TopicArn: 'arn:aws:sns:us-east-1:111111111111:t' }), ['unknown-operation']);
  });

  it('deeply nested and oversized Query parameters', () => {
    refused(form('sns', { Action: 'Publish', [`${'a.'.repeat(100)}b`]: 'x' }), ['invalid-request']);
    refused(form('sns', Object.fromEntries([['Action', 'ListTopics'], ...Array.from({ length: 1500 }, (_, i) => [`p${i}`, 'x'])])), ['invalid-request']);
  });

  it('EC2: a fan-out past the limit, deep TagSpecification nesting and a huge tag are refused quickly', () => {
    const ids = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`InstanceId.${i + 1}`, `i-${String(i).padStart(17, '0')}`]));
    refused(form('ec2', { Action: 'StopInstances', Version: '2016-11-15', ...ids }), ['invalid-request']);
    refused(form('ec2', { Action: 'RunInstances', Version: '2016-11-15', ImageId: 'ami-12345678', MinCount: '1', MaxCount: '1', [`TagSpecification.1${'.Tag.1'.repeat(60)}.Key`]: 'k' }), ['invalid-request']);
    const result = mapRequest(data, form('ec2', { Action: 'CreateTags', Version: '2016-11-15', 'ResourceId.1': 'x-unknown', 'Tag.1.Key': 'k'.repeat(100_000), 'Tag.1.Value': 'v' }));
    assert.equal(result.kind, 'unmapped', 'an ID of no known type names no resource');
  });

  it('DynamoDB Streams: a shard iterator that does not show a whole stream ARN is refused, whatever it holds', () => {
    for (const iterator of ['', '|||', 'arn:aws:dynamodb:us-east-1:1:table/T/stream/L|1|x', `arn:aws:dynamodb:us-east-1:111111111111:table/T|1|x`, `${'a'.repeat(100_000)}|1|x`, '__proto__|1|x']) {
      refused(json('dynamodb', 'DynamoDBStreams_20120810.GetRecords', { ShardIterator: iterator }, '1.0'), ['invalid-request']);
    }
  });

  it('an object key with every kind of character stays inside its bucket\'s ARN', () => {
    const result = mapRequest(data, wire('s3', 'GET', '/b/..%2F..%2Fother%2Fsecret'));
    assert.equal(result.kind === 'mapped' && result.targets[0]!.resource, 'arn:aws:s3:::b/../../other/secret');
  });

  it('random requests never throw', () => {
    const services = GATEWAY_SERVICES;
    const pieces = ['/', '%', '?', '&', '=', '{', '}', '__proto__', 'a', '..', '%2F', '+', ' ', '\u0000', 'arn:aws:s3:::x', '"', '[', ']', ':'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const text = (length: number): string => Array.from({ length }, () => pieces[next(pieces.length)]).join('');
    for (let i = 0; i < 500; i++) {
      const request = wire(services[next(services.length)]!, ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'][next(5)]!, `/${text(next(12))}?${text(next(8))}`, {
        headers: { 'x-amz-target': text(next(6)), 'x-amz-copy-source': text(next(6)) },
        body: Buffer.from(text(next(20))),
      });
      const result = mapRequest(data, request);
      assert.ok(['mapped', 'unmapped', 'needs-body'].includes(result.kind));
    }
  });
});
