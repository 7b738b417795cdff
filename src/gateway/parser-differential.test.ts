import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { mapRequest } from './map-request.ts';
import { duplicateJsonKey, forwardedJsonBody } from './parser-differential.ts';
import { form, json, wire } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';

let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/allowed';

function invalid(request: GatewayRequest, pattern: RegExp): void {
  const result: MapResult = mapRequest(data, request);
  assert.equal(result.kind, 'unmapped', JSON.stringify(result).slice(0, 300));
  assert.equal((result as { reason: string }).reason, 'invalid-request', (result as { message: string }).message);
  assert.match((result as { message: string }).message, pattern);
}

function mapped(request: GatewayRequest): MapResult & { kind: 'mapped' } {
  const result = mapRequest(data, request);
  assert.equal(result.kind, 'mapped', JSON.stringify(result).slice(0, 300));
  return result as MapResult & { kind: 'mapped' };
}

const withQuery = (request: GatewayRequest, query: string): GatewayRequest => ({ ...request, query });
const withHeaders = (request: GatewayRequest, headers: Record<string, string>): GatewayRequest => ({ ...request, headers: { ...request.headers, ...headers } });

describe('parser differentials: what an upstream could read otherwise is refused', () => {
  it('a raw # in any service\'s URL (moto ends the URL there): Lambda, SQS, DynamoDB', () => {
    const deleteAlias = wire('lambda', 'DELETE', '/2015-03-31/functions/secret#/aliases/a');
    invalid(deleteAlias, /raw # in its URL/);
    invalid({ ...deleteAlias, path: '/2015-03-31/functions/secret/aliases/a', query: 'Qualifier=x#' }, /raw # in its URL/);
    invalid({ ...json('sqs', 'AmazonSQS.GetQueueUrl', { QueueName: 'allowed' }, '1.0'), path: '/#x' }, /raw # in its URL/);
    invalid({ ...json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 't', Key: {} }, '1.0'), path: '/#' }, /raw # in its URL/);
    // Encoded, it is a character like any other.
    const encoded = mapRequest(data, { ...deleteAlias, path: '/2015-03-31/functions/secret%23/aliases/a' });
    assert.doesNotMatch((encoded as { message?: string }).message ?? '', /raw #/);
  });
  it('JSON protocol: query parameters (an Action above all), a form Content-Type, a Content-Encoding, a member twice', () => {
    const getUrl = json('sqs', 'AmazonSQS.GetQueueUrl', { QueueName: 'allowed' }, '1.0');
    invalid(withQuery(getUrl, 'Action=DeleteQueue&QueueUrl=x'), /takes no query parameters \(it has Action\)/);
    invalid(withQuery(json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 't', Key: {} }, '1.0'), 'TableName=secret'), /takes no query parameters/);
    invalid(withHeaders(getUrl, { 'content-type': 'application/x-www-form-urlencoded' }), /sent as JSON/);
    invalid(withHeaders(getUrl, { 'content-type': 'multipart/form-data; boundary=x' }), /sent as JSON/);
    invalid(withHeaders(getUrl, { 'content-encoding': 'gzip' }), /Content-Encoding gzip/);
    invalid(json('dynamodb', 'DynamoDB_20120810.GetItem', '{"TableName":"a","Key":{},"TableName":"b"}', '1.0'), /TableName twice/);
    invalid(json('dynamodb', 'DynamoDB_20120810.GetItem', '{"TableName":"a","Key":{"k":{"S":"1"},"\\u006b":{"S":"2"}}}', '1.0'), /member k twice/);
    // SigV4's own query parameters, JSON's media types (with parameters) and identity stay fine.
    mapped(withQuery(getUrl, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Date=20240501T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00'));
    mapped(withHeaders(getUrl, { 'content-type': 'application/x-amz-json-1.0; charset=utf-8', 'content-encoding': 'identity' }));
    mapped(withHeaders(getUrl, { 'content-type': 'application/json' }));
  });

  it('Query protocol: a parameter twice, in both the URL and the body, a body that is not a form, a GET with a body, gzip', () => {
    const send = { Action: 'SendMessage', Version: '2012-11-05', QueueUrl: QUEUE_URL, MessageBody: 'x' };
    const body = new URLSearchParams(send).toString();
    invalid({ ...form('sqs', send), body: Buffer.from(`${body}&QueueUrl=other`) }, /QueueUrl is given more than once/);
    invalid(withQuery(form('sqs', send), 'QueueUrl=other'), /both its query string \(QueueUrl\) and its body/);
    invalid(withQuery(form('sqs', send), 'Other=1'), /both its query string/);
    invalid(withHeaders(form('sqs', send), { 'content-type': 'text/plain' }), /is a form/);
    invalid({ ...form('sqs', send), headers: { host: 'x' } }, /is a form \(Content-Type application\/x-www-form-urlencoded\), not untyped/);
    invalid(wire('sqs', 'GET', `/?${body}&Action=GetQueueUrl`), /Action is given more than once/);
    invalid(wire('sqs', 'GET', `/?${body}`, { body: Buffer.from('Action=DeleteQueue') }), /GET request of the Query protocol has no body/);
    invalid({ ...withHeaders(form('sns', { Action: 'Publish' }), { 'content-encoding': 'gzip' }), body: gzipSync(body) }, /Content-Encoding gzip/);
    // The forms clients send: a form body, or everything in a GET's URL (with SigV4's parameters).
    mapped(form('sqs', send));
    mapped(wire('sqs', 'GET', `/?${body}&X-Amz-Signature=00`));
    mapped(withQuery(form('sqs', send), 'X-Amz-Date=20240501T120000Z'));
  });

  it('S3: a copy source whose key holds a raw # or ; is refused; encoded, it is one key', () => {
    const copy = (source: string) => wire('s3', 'PUT', '/b/public/copy', { headers: { 'x-amz-copy-source': source } });
    invalid(copy('b/secret.bin#.txt'), /percent-encode #/);
    invalid(copy('/b/secret.bin;.txt?versionId=1'), /percent-encode/);
    const encoded = mapped(copy('b/notes%23.txt'));
    assert.ok(encoded.targets.some((target) => target.action === 's3:GetObject' && target.resource === 'arn:aws:s3:::b/notes#.txt'));
  });
});

describe('duplicateJsonKey', () => {
  const dup = (text: string) => duplicateJsonKey(Buffer.from(text));
  it('finds a name twice in one object, at any depth, compared decoded', () => {
    assert.equal(dup('{"a":1,"a":2}'), 'a');
    assert.equal(dup('{"x":[{"b":1},{"b":2,"c":{"d":1,"\\u0064":2}}]}'), 'd');
    assert.equal(dup('{"a\\"":1,"a\\u0022":2}'), 'a"');
  });
  it('does not mistake values, strings with structure characters or sibling objects for duplicates', () => {
    assert.equal(dup('{"a":"a","b":{"a":1},"c":[{"a":1},{"a":2}]}'), undefined);
    assert.equal(dup('{"a":"{\\"a\\":1,\\"a\\":2}","b":"\\\\","c":",\\"c\\":"}'), undefined);
    assert.equal(dup('{}'), undefined);
    assert.equal(dup(''), undefined);
  });
});

describe('forwardedJsonBody', () => {
  it('escapes every & (only ever inside strings) and keeps the meaning; an empty body goes as {}', () => {
    const body = Buffer.from(JSON.stringify({ MessageBody: 'a&Action=DeleteQueue&b=é\\&', Q: ['&'] }));
    const forwarded = forwardedJsonBody(body);
    assert.ok(!forwarded.includes('&'));
    assert.deepEqual(JSON.parse(forwarded.toString('utf8')), JSON.parse(body.toString('utf8')));
    assert.equal(forwardedJsonBody(Buffer.alloc(0)).toString(), '{}');
    const plain = Buffer.from('{"a":"b"}');
    assert.equal(forwardedJsonBody(plain), plain);
  });
});
