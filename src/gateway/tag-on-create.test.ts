import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapRequest } from './map-request.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { form, json, wire } from './testing/requests.ts';
import type { GatewayRequest } from './types.ts';

const authorizationData = authorizationDataForTests();
const map = (request: GatewayRequest) => mapped(mapRequest(authorizationData(), request));

describe('tag on create: a creating request that carries tags is authorized for the tagging action too', () => {
  const cases: [string, () => GatewayRequest, string[]][] = [
    ['SQS CreateQueue (JSON) needs sqs:TagQueue', () => json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'q', tags: { team: 'blue' } }, '1.0'),
      ['sqs:CreateQueue arn:aws:sqs:us-east-1:111111111111:q', 'sqs:TagQueue arn:aws:sqs:us-east-1:111111111111:q']],
    ['SQS CreateQueue (query Tag.N) needs sqs:TagQueue', () => form('sqs', { Action: 'CreateQueue', QueueName: 'q', 'Tag.1.Key': 'team', 'Tag.1.Value': 'blue' }),
      ['sqs:CreateQueue arn:aws:sqs:us-east-1:111111111111:q', 'sqs:TagQueue arn:aws:sqs:us-east-1:111111111111:q']],
    ['SNS CreateTopic needs sns:TagResource', () => form('sns', { Action: 'CreateTopic', Name: 't', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'ops' }),
      ['sns:CreateTopic arn:aws:sns:us-east-1:111111111111:t', 'sns:TagResource arn:aws:sns:us-east-1:111111111111:t']],
    ['KMS CreateKey needs kms:TagResource, on * (the key has no ARN yet)', () => json('kms', 'TrentService.CreateKey', { Tags: [{ TagKey: 'team', TagValue: 'a' }] }),
      ['kms:CreateKey *', 'kms:TagResource *']],
    ['Secrets Manager CreateSecret needs secretsmanager:TagResource', () => json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 's', SecretString: 'x', Tags: [{ Key: 'team', Value: 'a' }] }),
      ['secretsmanager:CreateSecret arn:aws:secretsmanager:us-east-1:111111111111:secret:s', 'secretsmanager:TagResource arn:aws:secretsmanager:us-east-1:111111111111:secret:s']],
    ['DynamoDB CreateTable needs dynamodb:TagResource', () => json('dynamodb', 'DynamoDB_20120810.CreateTable', { TableName: 'T', Tags: [{ Key: 'team', Value: 'a' }] }, '1.0'),
      ['dynamodb:CreateTable arn:aws:dynamodb:us-east-1:111111111111:table/T', 'dynamodb:TagResource arn:aws:dynamodb:us-east-1:111111111111:table/T']],
    ['SSM PutParameter needs ssm:AddTagsToResource', () => json('ssm', 'AmazonSSM.PutParameter', { Name: '/app/p', Value: 'v', Type: 'String', Tags: [{ Key: 'team', Value: 'a' }] }),
      ['ssm:PutParameter arn:aws:ssm:us-east-1:111111111111:parameter/app/p', 'ssm:AddTagsToResource arn:aws:ssm:us-east-1:111111111111:parameter/app/p']],
    ['CloudWatch Logs CreateLogGroup needs logs:TagResource', () => json('logs', 'Logs_20140328.CreateLogGroup', { logGroupName: '/app', tags: { team: 'a' } }),
      ['logs:CreateLogGroup arn:aws:logs:us-east-1:111111111111:log-group:/app:log-stream:', 'logs:TagResource arn:aws:logs:us-east-1:111111111111:log-group:/app:log-stream:']],
    ['Lambda CreateFunction needs lambda:TagResource', () => wire('lambda', 'POST', '/2015-03-31/functions', { body: Buffer.from(JSON.stringify({ FunctionName: 'f', Role: 'arn:aws:iam::111111111111:role/r', Code: { ZipFile: 'UEs=' }, Tags: { team: 'a' } })) }),
      ['lambda:CreateFunction arn:aws:lambda:us-east-1:111111111111:function:f', 'iam:PassRole arn:aws:iam::111111111111:role/r', 'lambda:TagResource arn:aws:lambda:us-east-1:111111111111:function:f'].sort()],
  ];
  for (const [name, request, expected] of cases) {
    it(name, () => {
      const got = checks(map(request()));
      assert.deepEqual(name.startsWith('Lambda') ? got.sort() : got, expected);
    });
  }

  it('the tagging check carries the request\'s tags as aws:RequestTag/… and aws:TagKeys', () => {
    const result = map(json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'q', tags: { team: 'blue', env: 'dev' } }, '1.0'));
    assert.deepEqual(result.targets[1]!.context, { 'aws:RequestTag/team': 'blue', 'aws:RequestTag/env': 'dev', 'aws:TagKeys': ['team', 'env'] });
  });

  it('no tags, or an empty tag list: no tagging check', () => {
    assert.deepEqual(checks(map(json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'q' }, '1.0'))), ['sqs:CreateQueue arn:aws:sqs:us-east-1:111111111111:q']);
    assert.deepEqual(checks(map(json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 's', Tags: [] }))), ['secretsmanager:CreateSecret arn:aws:secretsmanager:us-east-1:111111111111:secret:s']);
  });

  it('Secrets Manager decides CreateSecret and its tagging on the new secret\'s tags (aws:ResourceTag/…)', () => {
    const result = map(json('secretsmanager', 'secretsmanager.CreateSecret', { Name: 's', Tags: [{ Key: 'access-project', Value: 'peg' }] }));
    for (const target of result.targets) {
      assert.equal(target.context?.['aws:ResourceTag/access-project'], 'peg', target.action);
      assert.equal(target.context?.['secretsmanager:ResourceTag/access-project'], 'peg', target.action);
    }
  });

  it('Lambda too (its ABAC example requires aws:ResourceTag/project on CreateFunction)', () => {
    const result = map(wire('lambda', 'POST', '/2015-03-31/functions', { body: Buffer.from(JSON.stringify({ FunctionName: 'f', Role: 'arn:aws:iam::111111111111:role/r', Code: { ZipFile: 'UEs=' }, Tags: { project: 'alpha' } })) }));
    const lambdaChecks = result.targets.filter((target) => target.action.startsWith('lambda:'));
    assert.equal(lambdaChecks.length, 2);
    for (const target of lambdaChecks) assert.equal(target.context?.['aws:ResourceTag/project'], 'alpha', target.action);
  });

  it('other services do not: a new queue has no resource tags before it exists', () => {
    const result = map(json('sqs', 'AmazonSQS.CreateQueue', { QueueName: 'q', tags: { team: 'blue' } }, '1.0'));
    for (const target of result.targets) assert.equal(target.context?.['aws:ResourceTag/team'], undefined);
  });
});
