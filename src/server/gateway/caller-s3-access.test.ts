import { test } from 'node:test';
import assert from 'node:assert/strict';
import { s3UsesOf } from './caller-s3-access.ts';

const body = (input: unknown) => Buffer.from(JSON.stringify(input));

test('DynamoDB imports read under their prefix; exports write under <prefix>/AWSDynamoDB/; S3BucketOwner is kept to check', () => {
  assert.deepEqual(s3UsesOf('dynamodb', 'ImportTable', body({ S3BucketSource: { S3Bucket: 'b', S3KeyPrefix: 'in/', S3BucketOwner: '111122223333' } })), [{ kind: 'import', bucket: 'b', prefix: 'in/', expectedOwner: '111122223333' }]);
  assert.deepEqual(s3UsesOf('dynamodb', 'ImportTable', body({ S3BucketSource: { S3Bucket: 'b' } })), [{ kind: 'import', bucket: 'b', prefix: '' }]);
  assert.deepEqual(s3UsesOf('dynamodb', 'ExportTableToPointInTime', body({ S3Bucket: 'b', S3Prefix: 'out' })), [{ kind: 'write', bucket: 'b', key: 'out/AWSDynamoDB/' }]);
  assert.deepEqual(s3UsesOf('dynamodb', 'ExportTableToPointInTime', body({ S3Bucket: 'b' })), [{ kind: 'write', bucket: 'b', key: 'AWSDynamoDB/' }]);
});

test('Lambda code from S3: CreateFunction, UpdateFunctionCode and PublishLayerVersion, with the object version', () => {
  assert.deepEqual(s3UsesOf('lambda', 'CreateFunction', body({ Code: { S3Bucket: 'b', S3Key: 'k.zip', S3ObjectVersion: 'v1' } })), [{ kind: 'read', bucket: 'b', key: 'k.zip', versionId: 'v1' }]);
  assert.deepEqual(s3UsesOf('lambda', 'UpdateFunctionCode', body({ S3Bucket: 'b', S3Key: 'k.zip' })), [{ kind: 'read', bucket: 'b', key: 'k.zip' }]);
  assert.deepEqual(s3UsesOf('lambda', 'PublishLayerVersion', body({ Content: { S3Bucket: 'b', S3Key: 'layer.zip' } })), [{ kind: 'read', bucket: 'b', key: 'layer.zip' }]);
  assert.deepEqual(s3UsesOf('lambda', 'CreateFunction', body({ Code: { ZipFile: 'UEsDBA==' } })), []);
});

test('other calls, bodies that are no JSON and members that are not strings use no S3', () => {
  assert.deepEqual(s3UsesOf('dynamodb', 'GetItem', body({ S3Bucket: 'b' })), []);
  assert.deepEqual(s3UsesOf('lambda', 'CreateFunction', Buffer.from('not json')), []);
  assert.deepEqual(s3UsesOf('lambda', 'CreateFunction', body({ Code: { S3Bucket: 7, S3Key: 'k' } })), []);
  assert.deepEqual(s3UsesOf('dynamodb', 'ImportTable', undefined), []);
});
