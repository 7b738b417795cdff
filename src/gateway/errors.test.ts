import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDenied, inServiceDialect, protocolOf, renderError } from './errors.ts';

const none = { has: () => false };
const target = { has: (name: string) => name === 'x-amz-target' };

test('a refusal in each protocol, as the service writes it', () => {
  const s3 = renderError('s3', protocolOf('s3', none), accessDenied('s3', 'User: a & <b> is not authorized').failure, 'req-1', 'GET');
  assert.equal(s3.status, 403);
  assert.equal(s3.body, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>User: a &amp; &lt;b&gt; is not authorized</Message><RequestId>req-1</RequestId><HostId>req-1</HostId></Error>');
  assert.equal(renderError('s3', 'rest-xml', accessDenied('s3', 'x').failure, 'r', 'HEAD').body, '');

  const kms = renderError('kms', protocolOf('kms', target), accessDenied('kms', 'no').failure, 'r', 'POST');
  assert.deepEqual([kms.status, kms.headers['Content-Type'], JSON.parse(kms.body)], [400, 'application/x-amz-json-1.1', { __type: 'AccessDeniedException', message: 'no' }]);
  const dynamodb = renderError('dynamodb', 'json', accessDenied('dynamodb', 'no').failure, 'r', 'POST');
  assert.equal(dynamodb.headers['Content-Type'], 'application/x-amz-json-1.0');

  const sqsJson = renderError('sqs', protocolOf('sqs', target), accessDenied('sqs', 'no').failure, 'r', 'POST');
  assert.equal(sqsJson.headers['x-amzn-query-error'], 'AccessDenied;Sender');
  assert.equal(protocolOf('sqs', none), 'query');

  const sns = renderError('sns', 'query', accessDenied('sns', 'no').failure, 'r', 'POST');
  assert.match(sns.body, /<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>AuthorizationError<\/Code><Message>no<\/Message><\/Error><RequestId>r<\/RequestId><\/ErrorResponse>/);

  const lambda = renderError('lambda', 'rest-json', accessDenied('lambda', 'no').failure, 'r', 'GET');
  assert.deepEqual([lambda.status, lambda.headers['x-amzn-ErrorType'], JSON.parse(lambda.body).message], [403, 'AccessDeniedException', 'no']);
  assert.equal(protocolOf('ec2', none), 'ec2');
  assert.equal(protocolOf('rds', none), 'query');
});

test('authentication failures in the protected service\'s dialect', () => {
  const failure = (code: string, status = 403) => ({ code, message: 'm', status });
  assert.equal(inServiceDialect('s3', 'rest-xml', failure('InvalidClientTokenId')).code, 'InvalidAccessKeyId');
  assert.deepEqual(inServiceDialect('s3', 'rest-xml', failure('RequestExpired', 400)), { code: 'AccessDenied', message: 'Request has expired', status: 403 });
  assert.equal(inServiceDialect('s3', 'rest-xml', failure('SignatureDoesNotMatch')).code, 'SignatureDoesNotMatch');
  assert.deepEqual(inServiceDialect('kms', 'json', failure('SignatureDoesNotMatch')), { code: 'InvalidSignatureException', message: 'm', status: 400 });
  assert.equal(inServiceDialect('dynamodb', 'json', failure('InvalidClientTokenId')).code, 'UnrecognizedClientException');
  assert.equal(inServiceDialect('sns', 'query', failure('InvalidClientTokenId')).code, 'InvalidClientTokenId');
});
