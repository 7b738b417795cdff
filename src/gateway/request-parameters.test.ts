import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestParametersOf } from './request-parameters.ts';
import { form, json, wire } from './testing/requests.ts';

test('the members that name the call are recorded in CloudTrail\'s lowerCamelCase; content never', () => {
  const encrypt = requestParametersOf('kms', json('kms', 'TrentService.Encrypt', { KeyId: 'alias/app', Plaintext: 'c2VjcmV0', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', EncryptionContext: { tenant: 'a' } }));
  // The encryption context is no secret (KMS writes it in CloudTrail in plaintext); the plaintext is never recorded.
  assert.deepEqual(encrypt, { keyId: 'alias/app', encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { tenant: 'a' } });
  assert.equal(JSON.stringify(encrypt).includes('c2VjcmV0'), false);
  const secret = requestParametersOf('secretsmanager', json('secretsmanager', 'secretsmanager.PutSecretValue', { SecretId: 'db', SecretString: 'hunter2' }));
  assert.deepEqual(secret, { secretId: 'db' });
  const item = requestParametersOf('dynamodb', json('dynamodb', 'DynamoDB_20120810.PutItem', { TableName: 'Music', Item: { artist: { S: 'x' } }, ReturnValues: 'NONE' }));
  assert.deepEqual(item, { tableName: 'Music', returnValues: 'NONE' });
  const publish = requestParametersOf('sns', form('sns', { Action: 'Publish', TopicArn: 'arn:aws:sns:us-east-1:111111111111:alerts', Message: 'the message' }));
  assert.deepEqual(publish, { topicArn: 'arn:aws:sns:us-east-1:111111111111:alerts' });
  const parameters = requestParametersOf('ssm', json('ssm', 'AmazonSSM.GetParameters', { Names: ['/a', '/b'], WithDecryption: true }));
  assert.deepEqual(parameters, { names: ['/a', '/b'], withDecryption: true });
  // Lambda's path names the function; Invoke's payload is never read.
  const invoke = requestParametersOf('lambda', wire('lambda', 'POST', '/2015-03-31/functions/resize/invocations', { body: Buffer.from('{"password":"x"}') }));
  assert.deepEqual(invoke, { functionName: 'resize' });
  assert.equal(JSON.stringify(invoke).includes('password'), false);
  // S3's are the server's; a call naming nothing records nothing.
  assert.equal(requestParametersOf('s3', wire('s3', 'GET', '/bucket/key')), null);
  assert.equal(requestParametersOf('sqs', json('sqs', 'AmazonSQS.ListQueues', {})), null);
});
