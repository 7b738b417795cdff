import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliveryContext, serviceMayDeliver } from './delivery-targets.ts';
import { aclGrantsLogDelivery, LOG_DELIVERY_GROUP, logGroupSourceArn, loggingTarget, logsDestination } from './invocation-and-log-deliveries.ts';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-01-02T03:04:05Z');

describe('logGroupSourceArn', () => {
  it('names the log group with `:*`, as CloudWatch Logs gives it to Lambda (and a permission must name it)', () => {
    const source = logGroupSourceArn('us-east-1', ACCOUNT, '/app/web');
    assert.equal(source, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/web:*`);
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`;
    const permission = (sourceArn: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: fn, Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } } }] });
    const base = deliveryContext({ arn: source, account: ACCOUNT }, NOW);
    const names = ['logs.us-east-1.amazonaws.com', 'logs.amazonaws.com'];
    const invoke = [{ action: 'lambda:InvokeFunction', resource: fn }];
    assert.equal(serviceMayDeliver(permission(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/web:*`), names, invoke, ACCOUNT, base), true);
    assert.equal(serviceMayDeliver(permission(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/other:*`), names, invoke, ACCOUNT, base), false);
  });
});

describe('logsDestination', () => {
  it('takes a destination\'s ARN, whole, and nothing else of CloudWatch Logs (moto would write into a log group of its last part)', () => {
    assert.deepEqual(logsDestination(`arn:aws:logs:us-east-1:${ACCOUNT}:destination:d`), { region: 'us-east-1', account: ACCOUNT, name: 'd' });
    assert.equal(logsDestination(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g`), undefined);
    assert.equal(logsDestination(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g:*`), undefined);
    assert.equal(logsDestination(`arn:aws:logs:us-east-1:${ACCOUNT}:destination:d:g`), undefined);
    assert.equal(logsDestination(`arn:aws:logs::${ACCOUNT}:destination:d`), undefined);
    assert.equal(logsDestination(`arn:aws:kinesis:us-east-1:${ACCOUNT}:destination:d`), undefined);
  });
});

describe('loggingTarget', () => {
  it('reads the TargetBucket and TargetPrefix of a BucketLoggingStatus, namespaced or not', () => {
    const body = Buffer.from('<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket> logs </TargetBucket><TargetPrefix>a/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>');
    assert.deepEqual(loggingTarget(body), { bucket: 'logs', prefix: 'a/' });
    assert.deepEqual(loggingTarget(Buffer.from('<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket></LoggingEnabled></BucketLoggingStatus>')), { bucket: 'logs', prefix: '' });
  });

  it('has no target when logging is disabled, and refuses what is not XML', () => {
    assert.equal(loggingTarget(Buffer.from('<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')), undefined);
    assert.equal(loggingTarget(Buffer.from('<BucketLoggingStatus><LoggingEnabled>')), 'malformed');
    assert.equal(loggingTarget(Buffer.from('<!DOCTYPE x [<!ENTITY e "logs">]><BucketLoggingStatus/>')), 'malformed');
  });
});

describe('aclGrantsLogDelivery', () => {
  const acl = (...grants: [string, string][]) => Buffer.from(`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList>${grants
    .map(([uri, permission]) => `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${uri}</URI></Grantee><Permission>${permission}</Permission></Grant>`)
    .join('')}</AccessControlList></AccessControlPolicy>`);

  it('needs WRITE and READ_ACP (or FULL_CONTROL) for the log-delivery group itself', () => {
    assert.equal(aclGrantsLogDelivery(acl([LOG_DELIVERY_GROUP, 'WRITE'], [LOG_DELIVERY_GROUP, 'READ_ACP'])), true);
    assert.equal(aclGrantsLogDelivery(acl([LOG_DELIVERY_GROUP, 'FULL_CONTROL'])), true);
    assert.equal(aclGrantsLogDelivery(acl([LOG_DELIVERY_GROUP, 'WRITE'])), false);
    assert.equal(aclGrantsLogDelivery(acl([LOG_DELIVERY_GROUP, 'WRITE'], ['http://acs.amazonaws.com/groups/global/AllUsers', 'READ_ACP'])), false);
    assert.equal(aclGrantsLogDelivery(acl()), false);
  });
});
