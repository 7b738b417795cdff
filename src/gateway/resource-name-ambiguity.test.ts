import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from './map-request.ts';
import { authorizationDataForTests, checks } from './testing/mapping.ts';
import { form, json, wire } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';

const authorizationData = authorizationDataForTests();
const map = (request: GatewayRequest): MapResult => mapRequest(authorizationData(), request);

function refused(result: MapResult, pattern: RegExp): void {
  assert.equal(result.kind, 'unmapped', JSON.stringify(result));
  assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
  assert.match(result.kind === 'unmapped' ? result.message : '', pattern);
}

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ec2 = (params: Record<string, string>) => form('ec2', { Version: '2016-11-15', ...params });

describe('one resource named two ways (resource-name-ambiguity.ts)', () => {
  it('CloudWatch Logs: logGroupIdentifier of another account is refused where logGroupName is taken; kept where it is the only way', () => {
    // (Of the request's own account it is forwarded as logGroupName: logs-group-identifier.test.ts.)
    for (const operation of ['GetLogEvents', 'DescribeLogStreams', 'FilterLogEvents', 'GetLogGroupFields']) {
      refused(map(json('logs', `Logs_20140328.${operation}`, { logGroupIdentifier: 'arn:aws:logs:us-east-1:333333333333:log-group:app', logStreamName: 's' })), /account 333333333333/);
    }
    assert.deepEqual(checks(map(json('logs', 'Logs_20140328.GetLogEvents', { logGroupName: 'app', logStreamName: 's' }))), ['logs:GetLogEvents arn:aws:logs:us-east-1:111111111111:log-group:app:log-stream:s']);
    assert.equal(map(json('logs', 'Logs_20140328.GetTransformer', { logGroupIdentifier: 'app' })).kind, 'mapped');
  });

  it('KMS: a key or alias ARN of another partition or region is refused, in any key member', () => {
    refused(map(json('kms', 'TrentService.DisableKey', { KeyId: `arn:aws-cn:kms:us-east-1:111111111111:key/${KEY_ID}` })), /partition aws-cn/);
    refused(map(json('kms', 'TrentService.DisableKey', { KeyId: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` })), /region eu-west-1/);
    refused(map(json('kms', 'TrentService.Encrypt', { KeyId: 'arn:aws:kms:eu-west-1:111111111111:alias/app', Plaintext: 'eA==' })), /region/);
    refused(map(json('kms', 'TrentService.CreateAlias', { AliasName: 'alias/x', TargetKeyId: `arn:aws-us-gov:kms:us-east-1:111111111111:key/${KEY_ID}` })), /TargetKeyId/);
    refused(map(json('kms', 'TrentService.ReEncrypt', { CiphertextBlob: 'eA==', DestinationKeyId: `arn:aws:kms:us-west-2:111111111111:key/${KEY_ID}` })), /DestinationKeyId/);
    for (const resource of [`key/${KEY_ID}:key/x`, `key/${KEY_ID}:alias/a`, `key/${KEY_ID}/x`, 'alias/a:key/x']) {
      refused(map(json('kms', 'TrentService.DisableKey', { KeyId: `arn:aws:kms:us-east-1:111111111111:${resource}` })), /neither key/);
    }
    assert.equal(map(json('kms', 'TrentService.Encrypt', { KeyId: 'arn:aws:kms:us-east-1:111111111111:alias/aws/s3', Plaintext: 'eA==' })).kind, 'mapped');
    for (const account of ['xyz', '', ' 111111111111']) {
      refused(map(json('kms', 'TrentService.DisableKey', { KeyId: `arn:aws:kms:us-east-1:${account}:key/${KEY_ID}` })), /no account ID/);
    }
    // The request's own partition and region, of this account or another: decided as before.
    assert.deepEqual(checks(map(json('kms', 'TrentService.DisableKey', { KeyId: `arn:aws:kms:us-east-1:333333333333:key/${KEY_ID}` }))), [`kms:DisableKey arn:aws:kms:us-east-1:333333333333:key/${KEY_ID}`]);
    assert.equal(map(json('kms', 'TrentService.DisableKey', { KeyId: KEY_ID })).kind, 'mapped');
  });

  it('Lambda: a function ARN of another partition is refused, as FunctionName or as a tagged Resource', () => {
    refused(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('arn:aws-cn:lambda:us-east-1:111111111111:function:f')}`)), /partition/);
    refused(map(wire('lambda', 'POST', `/2017-03-31/tags/${encodeURIComponent('arn:aws-cn:lambda:us-east-1:111111111111:function:f')}`, { headers: { 'content-type': 'application/json' }, body: Buffer.from('{"Tags":{"a":"b"}}') })), /Resource names a resource in the partition aws-cn/);
    refused(map(wire('lambda', 'DELETE', `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:xyz:function:f')}`)), /no account ID/);
    refused(map(wire('lambda', 'DELETE', `/2015-03-31/functions/${encodeURIComponent('xyz:function:f')}`)), /no account ID/);
    assert.equal(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:111111111111:function:f')}`)).kind, 'mapped');
    assert.equal(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('111111111111:function:f')}`)).kind, 'mapped');
  });

  it('Lambda: `function:<x>` and `<account>:<x>`, the function <x> to Lambda but <x> a qualifier to moto, are refused', () => {
    refused(map(wire('lambda', 'POST', `/2015-03-31/functions/${encodeURIComponent('function:secret')}/invocations`, { body: Buffer.from('{}') })), /is the function secret to Lambda but the function function with the qualifier secret/);
    refused(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('111111111111:secret')}`)), /is the function secret to Lambda but the function 111111111111 with the qualifier secret/);
    // A name with a qualifier, and the partial ARN: one reading only.
    assert.deepEqual(checks(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('secret:prod')}`))), ['lambda:GetFunction arn:aws:lambda:us-east-1:111111111111:function:secret:prod']);
    assert.equal(map(wire('lambda', 'GET', `/2015-03-31/functions/${encodeURIComponent('111111111111:function:secret:prod')}`)).kind, 'mapped');
  });

  it('SSM: a name under /aws/reference/ is refused, by name, by ARN, with a selector, in a list', () => {
    refused(map(json('ssm', 'AmazonSSM.GetParameter', { Name: '/aws/reference/secretsmanager/db', WithDecryption: true })), /Secrets Manager/);
    refused(map(json('ssm', 'AmazonSSM.GetParameter', { Name: '/AWS/Reference/secretsmanager/db:1' })), /Secrets Manager/);
    refused(map(json('ssm', 'AmazonSSM.GetParameter', { Name: 'arn:aws:ssm:us-east-1:111111111111:parameter/aws/reference/secretsmanager/db' })), /Secrets Manager/);
    refused(map(json('ssm', 'AmazonSSM.GetParameters', { Names: ['plain', '/aws/reference/secretsmanager/db'] })), /Names/);
    assert.equal(map(json('ssm', 'AmazonSSM.GetParameter', { Name: '/aws/service/global-infrastructure/regions' })).kind, 'mapped');
    // A parameter ARN with more than a selector's `:` (moto strips its prefix wherever it occurs).
    const prefix = 'arn:aws:ssm:us-east-1:111111111111:parameter';
    refused(map(json('ssm', 'AmazonSSM.GetParameter', { Name: `${prefix}/secret${prefix}` })), /selector/);
    refused(map(json('ssm', 'AmazonSSM.GetParameters', { Names: ['a', `${prefix}/a:1:2`] })), /selector/);
    assert.deepEqual(checks(map(json('ssm', 'AmazonSSM.GetParameter', { Name: `${prefix}/a/b:prod` }))), [`ssm:GetParameter ${prefix}/a/b`]);
    assert.equal(map(json('ssm', 'AmazonSSM.GetParameter', { Name: '/app/aws/reference/x' })).kind, 'mapped');
  });

  it('DynamoDB: RestoreTableToPointInTime with both SourceTableArn and SourceTableName is refused; either alone is decided', () => {
    const arn = 'arn:aws:dynamodb:us-east-1:111111111111:table/a';
    refused(map(json('dynamodb', 'DynamoDB_20120810.RestoreTableToPointInTime', { SourceTableArn: arn, SourceTableName: 'b', TargetTableName: 'c' }, '1.0')), /SourceTableArn and SourceTableName/);
    assert.equal(map(json('dynamodb', 'DynamoDB_20120810.RestoreTableToPointInTime', { SourceTableArn: arn, TargetTableName: 'c' }, '1.0')).kind, 'mapped');
    assert.equal(map(json('dynamodb', 'DynamoDB_20120810.RestoreTableToPointInTime', { SourceTableName: 'b', TargetTableName: 'c' }, '1.0')).kind, 'mapped');
  });

  it('any other service: a resource ARN whose account is no account ID is refused', () => {
    refused(map(json('dynamodb', 'DynamoDB_20120810.DeleteTable', { TableName: 'arn:aws:dynamodb:us-east-1:xyz:table/t' }, '1.0')), /no account ID/);
    refused(map(form('sns', { Action: 'DeleteTopic', TopicArn: 'arn:aws:sns:us-east-1:12345678901x:t' })), /no account ID/);
    // Empty is some formats' own (an AWS-owned document, an image).
    assert.equal(map(json('ssm', 'AmazonSSM.SendCommand', { DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-1'] })).kind, 'mapped');
  });

  it('another account\'s resource first, then one of the caller\'s account, is refused; the reverse is decided as before', () => {
    const shared = 'arn:aws:dynamodb:us-east-1:333333333333:table/shared';
    refused(map(json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: { [shared]: { Keys: [{ pk: { S: 'k' } }] }, ledger: { Keys: [{ pk: { S: 'k' } }] } } }, '1.0')), /account 333333333333 first/);
    refused(map(json('dynamodb', 'DynamoDB_20120810.TransactGetItems', { TransactItems: [{ Get: { TableName: shared, Key: { pk: { S: 'k' } } } }, { Get: { TableName: 'ledger', Key: { pk: { S: 'k' } } } }] }, '1.0')), /account/);
    refused(map(json('ssm', 'AmazonSSM.GetParameters', { Names: ['arn:aws:ssm:us-east-1:333333333333:parameter/shared', 'mine'] })), /account/);
    assert.deepEqual(checks(map(json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: { ledger: { Keys: [{ pk: { S: 'k' } }] }, [shared]: { Keys: [{ pk: { S: 'k' } }] } } }, '1.0'))), [
      'dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:111111111111:table/ledger', `dynamodb:BatchGetItem ${shared}`,
    ]);
    assert.equal(map(json('dynamodb', 'DynamoDB_20120810.BatchGetItem', { RequestItems: { [shared]: { Keys: [{ pk: { S: 'k' } }] }, 'arn:aws:dynamodb:us-east-1:333333333333:table/other': { Keys: [{ pk: { S: 'k' } }] } } }, '1.0')).kind, 'mapped');
  });

  it('EC2: GroupName beside GroupId, or on an operation without GroupName, is refused', () => {
    for (const Action of ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'UpdateSecurityGroupRuleDescriptionsIngress', 'DeleteSecurityGroup', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress']) {
      refused(map(ec2({ Action, GroupId: 'sg-1', GroupName: 'sg-2' })), /both GroupId and GroupName/);
    }
    refused(map(ec2({ Action: 'AuthorizeSecurityGroupEgress', GroupName: 'web' })), /takes no GroupName/);
    // Any case of the parameter's name, and in the URL's query too.
    refused(map(ec2({ Action: 'DeleteSecurityGroup', GroupId: 'sg-1', groupname: 'web' })), /GroupName/);
    refused(map(wire('ec2', 'GET', '/?Action=DeleteSecurityGroup&Version=2016-11-15&GroupId=sg-1&GroupName=web')), /GroupName/);
    // GroupId alone, and an empty GroupName (moto falls back to GroupId), are decided as before.
    assert.deepEqual(checks(map(ec2({ Action: 'DeleteSecurityGroup', GroupId: 'sg-1' }))), ['ec2:DeleteSecurityGroup arn:aws:ec2:us-east-1:111111111111:security-group/sg-1']);
    assert.equal(map(ec2({ Action: 'DeleteSecurityGroup', GroupId: 'sg-1', GroupName: '' })).kind, 'mapped');
    // RunInstances: groups by name beside IDs.
    const run = { Action: 'RunInstances', ImageId: 'ami-1', MinCount: '1', MaxCount: '1' };
    refused(map(ec2({ ...run, 'SecurityGroupId.1': 'sg-1', 'SecurityGroup.1': 'web' })), /SecurityGroup\.N/);
    refused(map(ec2({ ...run, 'SecurityGroup.1': 'web', 'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-1' })), /SecurityGroup\.N/);
    assert.equal(map(ec2({ ...run, 'SecurityGroupId.1': 'sg-1' })).kind, 'mapped');
    assert.equal(map(ec2({ ...run, 'SecurityGroup.1': 'web' })).kind, 'mapped');
  });
});
