import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unsignedAmzHeaders } from './unsigned-headers.ts';

test('x-amz-* headers SignedHeaders does not list, in the request\'s order', () => {
  const headers = { host: 'h', 'x-amz-date': 'd', 'x-amz-acl': 'public-read', 'content-type': 'text/plain', 'x-amz-copy-source': 'a/b', 'x-amzn-trace-id': 't' };
  assert.deepEqual(unsignedAmzHeaders(headers, ['host', 'x-amz-date']), ['x-amz-acl', 'x-amz-copy-source']);
  assert.deepEqual(unsignedAmzHeaders(headers, ['host', 'x-amz-date', 'x-amz-acl', 'x-amz-copy-source']), []);
});

test('other headers may go unsigned, as may the two the signature binds another way', () => {
  assert.deepEqual(unsignedAmzHeaders({ host: 'h', 'content-type': 'x', 'user-agent': 'u', 'x-amzn-trace-id': 't', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-security-token': 'tok' }, ['host']), []);
});

test('names compare without regard to case', () => {
  assert.deepEqual(unsignedAmzHeaders({ 'X-Amz-Target': 'DynamoDB_20120810.DeleteItem' }, ['host']), ['x-amz-target']);
  assert.deepEqual(unsignedAmzHeaders({ 'x-amz-target': 'T' }, ['host', 'X-Amz-Target']), []);
});
