import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate, matchTemplate, templateVariables } from './arn-template.ts';
import { bestTime } from '../../test/support/timing.ts';

describe('ARN formats of the Service Authorization Reference', () => {
  it('lists, fills and matches variables', () => {
    const queue = 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}';
    assert.deepEqual(templateVariables(queue), ['Partition', 'Region', 'Account', 'QueueName']);
    const values = new Map([['Partition', 'aws'], ['Region', 'eu-west-1'], ['Account', '123456789012'], ['QueueName', 'q']]);
    assert.equal(fillTemplate(queue, values), 'arn:aws:sqs:eu-west-1:123456789012:q');
    assert.equal(fillTemplate(queue, new Map([...values].filter(([name]) => name !== 'QueueName'))), undefined);
    assert.deepEqual(matchTemplate(queue, 'arn:aws:sqs:eu-west-1:123456789012:q'), values);
  });

  it('an object key may hold `:` and `/`; a name in the middle may not hold `:`', () => {
    const object = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
    assert.equal(matchTemplate(object, 'arn:aws:s3:::b/a:b/c')?.get('ObjectName'), 'a:b/c');
    assert.equal(matchTemplate(object, 'arn:aws:s3:::b'), undefined);
    const stream = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
    assert.equal(matchTemplate(stream, 'arn:aws:logs:us-east-1:1:log-group:g:log-stream:s')?.get('LogGroupName'), 'g');
    const fn = 'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}';
    assert.equal(matchTemplate(fn, 'arn:aws:lambda:us-east-1:1:function:f:live'), undefined, 'a qualified ARN is not the function');
    assert.equal(matchTemplate(fn, 'arn:aws:sqs:us-east-1:1:function:f'), undefined);
  });

  it('is linear on long hostile input', () => {
    const template = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
    const hostile = `arn:aws:logs:${':'.repeat(50_000)}log-group:`;
    const ms = bestTime(() => {
      for (let i = 0; i < 100; i++) matchTemplate(template, hostile);
    }, 500);
    assert.ok(ms < 500, `${ms.toFixed(0)} ms`);
  });
});
