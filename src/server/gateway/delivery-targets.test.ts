import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryContext, notificationDestinations, notificationRefusal, S3_UNVALIDATED, serviceMayDeliver, wellFormedTarget } from './delivery-targets.ts';

const ACCOUNT = '111122223333';
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:q`;
const BUCKET = 'arn:aws:s3:::source';
const NOW = new Date('2026-01-02T03:04:05Z');
const base = deliveryContext({ arn: BUCKET, account: ACCOUNT }, NOW);
const send = [{ action: 'sqs:SendMessage', resource: QUEUE }];

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

describe('serviceMayDeliver', () => {
  it('allows the service principal the policy names, with the source conditions evaluated on the source', () => {
    const text = policy({ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: QUEUE, Condition: { ArnEquals: { 'aws:SourceArn': BUCKET }, StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
    assert.equal(serviceMayDeliver(text, ['s3.amazonaws.com'], send, ACCOUNT, base), true);
    assert.equal(serviceMayDeliver(text, ['s3.amazonaws.com'], send, ACCOUNT, deliveryContext({ arn: 'arn:aws:s3:::other', account: ACCOUNT }, NOW)), false);
    assert.equal(serviceMayDeliver(text, ['sns.amazonaws.com'], send, ACCOUNT, base), false);
  });

  it('allows nothing without a policy, with an invalid one, or one that names only accounts', () => {
    assert.equal(serviceMayDeliver(undefined, ['s3.amazonaws.com'], send, ACCOUNT, base), false);
    assert.equal(serviceMayDeliver('{not json', ['s3.amazonaws.com'], send, ACCOUNT, base), false);
    assert.equal(serviceMayDeliver(policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sqs:*', Resource: '*' }), ['s3.amazonaws.com'], send, ACCOUNT, base), false);
  });

  it('lets an explicit Deny on any of the service\'s names win', () => {
    const text = policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Principal: { Service: 'logs.amazonaws.com' }, Action: 's3:PutObject', Resource: '*' },
    );
    const requests = [{ action: 's3:GetBucketAcl', resource: 'arn:aws:s3:::b' }, { action: 's3:PutObject', resource: 'arn:aws:s3:::b/x/aws-logs-write-test' }];
    assert.equal(serviceMayDeliver(text, ['logs.us-east-1.amazonaws.com'], requests, ACCOUNT, base), true);
    assert.equal(serviceMayDeliver(text, ['logs.us-east-1.amazonaws.com', 'logs.amazonaws.com'], requests, ACCOUNT, base), false);
  });

  it('needs every request allowed (GetBucketAcl and PutObject), by any of the names', () => {
    const text = policy(
      { Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::b' },
      { Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/x/*', Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    );
    const names = ['logs.us-east-1.amazonaws.com', 'logs.amazonaws.com'];
    const put = { action: 's3:PutObject', resource: 'arn:aws:s3:::b/x/aws-logs-write-test', context: { 's3:x-amz-acl': 'bucket-owner-full-control' } };
    assert.equal(serviceMayDeliver(text, names, [{ action: 's3:GetBucketAcl', resource: 'arn:aws:s3:::b' }, put], ACCOUNT, base), true);
    assert.equal(serviceMayDeliver(text, names, [{ action: 's3:GetBucketAcl', resource: 'arn:aws:s3:::b' }, { ...put, resource: 'arn:aws:s3:::b/y/aws-logs-write-test' }], ACCOUNT, base), false);
  });
});

describe('notificationDestinations', () => {
  it('finds every Queue, Topic and CloudFunction, namespaced or not', () => {
    const body = Buffer.from(`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
      <QueueConfiguration><Queue> ${QUEUE} </Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration>
      <TopicConfiguration><Topic>arn:aws:sns:us-east-1:${ACCOUNT}:t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration>
      <x:CloudFunctionConfiguration xmlns:x="urn:x"><x:CloudFunction>arn:aws:lambda:us-east-1:${ACCOUNT}:function:f</x:CloudFunction></x:CloudFunctionConfiguration>
    </NotificationConfiguration>`);
    assert.deepEqual(notificationDestinations(body), [
      { kind: 'sqs', arn: QUEUE },
      { kind: 'sns', arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` },
      { kind: 'lambda', arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` },
    ]);
  });

  it('refuses what is not XML, and a document type declaration', () => {
    assert.equal(notificationDestinations(Buffer.from('<NotificationConfiguration><Queue>')), 'malformed');
    assert.equal(notificationDestinations(Buffer.from('<!DOCTYPE x [<!ENTITY e "arn">]><NotificationConfiguration/>')), 'malformed');
    assert.deepEqual(notificationDestinations(Buffer.from('<NotificationConfiguration/>')), []);
  });
});

describe('notificationRefusal', () => {
  it('numbers one ArgumentName/ArgumentValue pair per destination, as S3 does', () => {
    const failure = notificationRefusal([{ kind: 'sqs', arn: QUEUE }, { kind: 'lambda', arn: 'arn:aws:lambda:us-east-1:1:function:f' }]);
    assert.equal(failure.code, 'InvalidArgument');
    assert.equal(failure.status, 400);
    assert.equal(failure.message, S3_UNVALIDATED);
    assert.deepEqual(failure.fields, {
      ArgumentName1: QUEUE,
      ArgumentValue1: 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
      ArgumentName2: 'arn:aws:lambda:us-east-1:1:function:f, null',
      ArgumentValue2: 'Not authorized to invoke function [arn:aws:lambda:us-east-1:1:function:f]',
    });
  });
});

describe('wellFormedTarget', () => {
  it('takes a queue, topic or function ARN whole, and nothing with more segments (moto delivers to the last one)', () => {
    assert.equal(wellFormedTarget('sqs', QUEUE), true);
    assert.equal(wellFormedTarget('sqs', `arn:aws:sqs:us-east-1:${ACCOUNT}:q.fifo`), true);
    assert.equal(wellFormedTarget('sqs', `arn:aws:sqs:us-east-1:${ACCOUNT}:open:closed`), false);
    assert.equal(wellFormedTarget('sqs', `arn:aws:sqs::${ACCOUNT}:q`), false);
    assert.equal(wellFormedTarget('sqs', `arn:aws:sns:us-east-1:${ACCOUNT}:q`), false);
    assert.equal(wellFormedTarget('sns', `arn:aws:sns:us-east-1:${ACCOUNT}:t`), true);
    assert.equal(wellFormedTarget('lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`), true);
    assert.equal(wellFormedTarget('lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f:live`), true);
    assert.equal(wellFormedTarget('lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f:live:x`), false);
  });
});
