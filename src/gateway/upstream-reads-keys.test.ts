import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBucketEncryption, readQueueKey, readSecureParameters, readTopicKey, s3EncryptionOf, UpstreamReadError, type ReadContext } from './upstream-reads.ts';

/** A read context whose upstream answers `answer(request)`; the requests are kept. */
function upstream(answer: (request: { method: string; path: string; query?: string; body?: Buffer }) => { status: number; body: string; headers?: Record<string, string> }) {
  const requests: { method: string; path: string; query?: string; body?: string }[] = [];
  const context: ReadContext = {
    upstream: new URL('http://127.0.0.1:1'),
    call: async (request) => {
      requests.push({ method: request.method, path: request.path, ...(request.query !== undefined ? { query: request.query } : {}), ...(request.body ? { body: request.body.toString('utf8') } : {}) });
      const out = answer(request);
      return { status: out.status, headers: out.headers ?? {}, body: Buffer.from(out.body) };
    },
  };
  return { context, requests };
}

test('S3 answer headers: SSE-KMS with its key and Bucket Key, SSE-S3, none', () => {
  assert.deepEqual(s3EncryptionOf({ 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:111122223333:key/k', 'x-amz-server-side-encryption-bucket-key-enabled': 'true' }),
    { algorithm: 'aws:kms', keyId: 'arn:aws:kms:us-east-1:111122223333:key/k', bucketKey: true });
  assert.deepEqual(s3EncryptionOf({ 'x-amz-server-side-encryption': 'AES256' }), { algorithm: 'AES256', bucketKey: false });
  assert.deepEqual(s3EncryptionOf({}), { bucketKey: false });
});

test('a bucket\'s default encryption: its rule, or none when S3 answers ServerSideEncryptionConfigurationNotFoundError', async () => {
  const configured = upstream(() => ({ status: 200, body: '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>' }));
  assert.deepEqual(await readBucketEncryption('b', configured.context), { algorithm: 'aws:kms', keyId: 'alias/k', bucketKey: true });
  assert.deepEqual(configured.requests, [{ method: 'GET', path: '/b', query: 'encryption=' }]);
  const none = upstream(() => ({ status: 404, body: '<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code></Error>' }));
  assert.equal(await readBucketEncryption('b', none.context), undefined);
  const failing = upstream(() => ({ status: 500, body: '<Error><Code>InternalError</Code></Error>' }));
  await assert.rejects(readBucketEncryption('b', failing.context), UpstreamReadError);
});

test('a queue\'s and a topic\'s KmsMasterKeyId', async () => {
  const queue = upstream(() => ({ status: 200, body: JSON.stringify({ Attributes: { KmsMasterKeyId: 'alias/q' } }) }));
  assert.equal(await readQueueKey('arn:aws:sqs:us-east-1:111122223333:q', queue.context), 'alias/q');
  assert.deepEqual(JSON.parse(queue.requests[0]!.body!), { QueueUrl: 'http://127.0.0.1:1/111122223333/q', AttributeNames: ['KmsMasterKeyId'] });
  const plain = upstream(() => ({ status: 200, body: JSON.stringify({ Attributes: { SqsManagedSseEnabled: 'true' } }) }));
  assert.equal(await readQueueKey('arn:aws:sqs:us-east-1:111122223333:q', plain.context), undefined);
  const topic = upstream(() => ({ status: 200, body: '<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes><entry><key>Policy</key><value>{}</value></entry><entry><key>KmsMasterKeyId</key><value>alias/aws/sns</value></entry></Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>' }));
  assert.equal(await readTopicKey('arn:aws:sns:us-east-1:111122223333:t', topic.context), 'alias/aws/sns');
});

test('SecureString parameters by name or path, page by page, bounded', async () => {
  const pages = upstream((request) => {
    const input = JSON.parse(request.body!.toString('utf8')) as { NextToken?: string };
    return input.NextToken === undefined
      ? { status: 200, body: JSON.stringify({ Parameters: [{ Name: '/a/x', Type: 'SecureString', KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }, { Name: '/a/y', Type: 'String' }], NextToken: 't' }) }
      : { status: 200, body: JSON.stringify({ Parameters: [{ Name: '/a/b/z', Type: 'SecureString' }] }) };
  });
  assert.deepEqual(await readSecureParameters({ path: '/a', recursive: true }, pages.context), [
    { name: '/a/x', keyId: 'arn:aws:kms:us-east-1:111122223333:key/k' },
    { name: '/a/b/z', keyId: 'alias/aws/ssm' },
  ]);
  assert.deepEqual(JSON.parse(pages.requests[0]!.body!).ParameterFilters, [{ Key: 'Path', Option: 'Recursive', Values: ['/a'] }, { Key: 'Type', Option: 'Equals', Values: ['SecureString'] }]);
  const endless = upstream(() => ({ status: 200, body: JSON.stringify({ Parameters: [], NextToken: 'more' }) }));
  await assert.rejects(readSecureParameters({ names: ['/a/x'] }, endless.context), UpstreamReadError);
  assert.deepEqual(await readSecureParameters({ names: [] }, endless.context), []);
});
