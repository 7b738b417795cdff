import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerRewrite, clientOrigin, rewriteXmlElement, withOrigin } from './answer-rewrite.ts';

test('the client origin comes from a well-formed Host only', () => {
  assert.equal(clientOrigin('localhost:4600', false), 'http://localhost:4600');
  assert.equal(clientOrigin('[::1]:4600', true), 'https://[::1]:4600');
  for (const hostile of [undefined, '', 'evil.com/<x>', 'a b', 'host"><x', 'h:99999999', 'x'.repeat(301)]) assert.equal(clientOrigin(hostile, false), undefined, String(hostile));
});

test('withOrigin keeps the path and query, and leaves what is not an http URL', () => {
  assert.equal(withOrigin('https://sqs.us-east-1.amazonaws.com/123456789012/q', 'http://t:1'), 'http://t:1/123456789012/q');
  assert.equal(withOrigin('/bucket', 'http://t:1'), '/bucket');
  assert.equal(withOrigin('javascript:alert(1)', 'http://t:1'), 'javascript:alert(1)');
});

test('SQS answers: JSON QueueUrl and QueueUrls, Query XML; other services and operations untouched', () => {
  const origin = 'http://tessera:4600';
  const json = answerRewrite({ service: 'sqs', operation: 'ListQueues', protocol: 'json', origin, path: '/' })!;
  const listed = JSON.parse(json.body!(Buffer.from(JSON.stringify({ QueueUrls: ['http://moto:5000/1/a', 'http://moto:5000/1/b'] }))).toString());
  assert.deepEqual(listed.QueueUrls, ['http://tessera:4600/1/a', 'http://tessera:4600/1/b']);
  assert.equal(json.body!(Buffer.from('not json')).toString(), 'not json');
  const query = answerRewrite({ service: 'sqs', operation: 'CreateQueue', protocol: 'query', origin, path: '/' })!;
  assert.equal(query.body!(Buffer.from('<R><QueueUrl>http://moto:5000/1/a?x=1&amp;y=2</QueueUrl></R>')).toString(), '<R><QueueUrl>http://tessera:4600/1/a?x=1&amp;y=2</QueueUrl></R>');
  assert.equal(answerRewrite({ service: 'sqs', operation: 'SendMessage', protocol: 'json', origin, path: '/' }), undefined);
  assert.equal(answerRewrite({ service: 's3', operation: 'GetObject', protocol: 'rest-xml', origin, path: '/b/k' }), undefined);
  assert.equal(answerRewrite({ service: 'dynamodb', operation: 'CreateTable', protocol: 'json', origin, path: '/' }), undefined);
});

test('S3: CreateBucket\'s absolute Location and CompleteMultipartUpload\'s become the client\'s URL', () => {
  const origin = 'http://localhost:4600';
  const create = answerRewrite({ service: 's3', operation: 'CreateBucket', protocol: 'rest-xml', origin, path: '/b' })!;
  assert.equal(create.location!('http://b.s3.amazonaws.com/'), 'http://localhost:4600/b');
  assert.equal(create.location!('/b'), undefined);
  const complete = answerRewrite({ service: 's3', operation: 'CompleteMultipartUpload', protocol: 'rest-xml', origin, path: '/b/a%20b' })!;
  assert.equal(complete.body!(Buffer.from('<R><Location>http://b.s3.amazonaws.com/a%20b</Location><Key>a b</Key></R>')).toString(), '<R><Location>http://localhost:4600/b/a%20b</Location><Key>a b</Key></R>');
  // An error answered with 200 has no Location: unchanged.
  assert.equal(complete.body!(Buffer.from('<Error><Code>InternalError</Code></Error>')).toString(), '<Error><Code>InternalError</Code></Error>');
});

test('an unterminated element is left as it is', () => {
  assert.equal(rewriteXmlElement(Buffer.from('<QueueUrl>http://x/1'), 'QueueUrl', () => 'y').toString(), '<QueueUrl>http://x/1');
});
