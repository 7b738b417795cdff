import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeRequest, unsignedService } from './route.ts';

const SERVED = new Set(['iam', 'sts', 'organizations', 'cloudtrail']);
const head = (h: { method?: string; path?: string; query?: string; headers?: Record<string, string> }) => ({ method: h.method ?? 'POST', path: h.path ?? '/', query: h.query ?? '', headers: h.headers ?? {} });

test('an unsigned request names its protected service by target prefix, Host, Lambda path or Query Action with Version', () => {
  assert.equal(unsignedService(head({ headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' } })), 'dynamodb');
  assert.equal(unsignedService(head({ headers: { 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' } })), 'dynamodb');
  assert.equal(unsignedService(head({ headers: { 'x-amz-target': 'AmazonSQS.SendMessage' } })), 'sqs');
  assert.equal(unsignedService(head({ headers: { 'x-amz-target': 'TrentService.Decrypt' } })), 'kms');
  assert.equal(unsignedService(head({ headers: { 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' } })), undefined);
  assert.equal(unsignedService(head({ headers: { host: 'sqs.us-east-1.localhost:4600' } })), 'sqs');
  assert.equal(unsignedService(head({ headers: { host: 'streams.dynamodb.eu-west-1.amazonaws.com' } })), 'dynamodb');
  assert.equal(unsignedService(head({ headers: { host: 'sqs.localhost' } })), undefined);
  assert.equal(unsignedService(head({ headers: { host: 'iam.us-east-1.amazonaws.com' } })), undefined);
  assert.equal(unsignedService(head({ method: 'GET', path: '/2015-03-31/functions/fn/configuration' })), 'lambda');
  assert.equal(unsignedService(head({ method: 'GET', path: '/2015-03-31/other' })), undefined);
  assert.equal(unsignedService(head({ method: 'GET', query: 'Action=ListQueues&Version=2012-11-05' })), 'sqs');
  assert.equal(unsignedService(head({ method: 'GET', path: '/123456789012/q', query: 'Action=ReceiveMessage' })), 'sqs');
  assert.equal(unsignedService(head({ method: 'GET', query: 'Action=Publish&Version=2010-03-31' })), 'sns');
  // Without a version an Action could be another Query service's: not claimed.
  assert.equal(unsignedService(head({ method: 'GET', query: 'Action=ListQueues' })), undefined);
  assert.equal(unsignedService(head({ method: 'GET', query: 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15' })), undefined);
});

test('routed to the gateway only without any Authorization header and with that service\'s upstream', () => {
  const dynamo = head({ headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' } });
  const route = (h: ReturnType<typeof head>, upstream: (service: string) => boolean, s3Upstream = false) => routeRequest(h, { served: SERVED, s3Upstream, upstream });
  assert.deepEqual(route(dynamo, () => true), { kind: 'gateway', service: 'dynamodb', unsigned: true });
  assert.deepEqual(route(dynamo, (service) => service === 's3', true), { kind: 'tessera' });
  assert.deepEqual(route({ ...dynamo, headers: { ...dynamo.headers, authorization: 'Bearer x' } }, () => true), { kind: 'tessera' });
  // Unidentified: S3's with an S3 upstream, as before.
  assert.deepEqual(route(head({ method: 'GET', path: '/bucket/key' }), () => true, true), { kind: 'gateway', service: 's3', unsigned: true });
});
