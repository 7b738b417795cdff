import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDataEvent } from './data-events.ts';

describe('which forwarded calls are CloudTrail data events', () => {
  it('data plane operations of S3, DynamoDB, SQS, SNS and Lambda', () => {
    for (const [service, operation] of [['s3', 'GetObject'], ['s3', 'UploadPart'], ['s3', 'ListObjectsV2'], ['dynamodb', 'Query'], ['dynamodb', 'TransactWriteItems'],
      ['sqs', 'ReceiveMessage'], ['sqs', 'DeleteMessageBatch'], ['sns', 'Publish'], ['lambda', 'Invoke']]) {
      assert.equal(isDataEvent(service!, operation!), true, `${service} ${operation}`);
    }
  });
  it('control plane operations, and every call of KMS, Secrets Manager, SSM and Logs, are management events', () => {
    for (const [service, operation] of [['s3', 'CreateBucket'], ['s3', 'PutBucketPolicy'], ['dynamodb', 'CreateTable'], ['sqs', 'CreateQueue'], ['sqs', 'SetQueueAttributes'],
      ['sns', 'Subscribe'], ['lambda', 'CreateFunction'], ['kms', 'Decrypt'], ['secretsmanager', 'GetSecretValue'], ['ssm', 'GetParameter'], ['logs', 'PutLogEvents'], ['sqs', 'constructor'], ['sqs', '__proto__']]) {
      assert.equal(isDataEvent(service!, operation!), false, `${service} ${operation}`);
    }
  });
});
