import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAuthorizationData, type AuthorizationData } from './authorization-data.ts';
import { mapRequest } from './map-request.ts';
import { form } from './testing/requests.ts';
import type { GatewayRequest } from './types.ts';

// moto reads a Query list as `Name.1`, `Name.2`, … and stops at the first number it does not
// find; the gateway would read every number. So in every Query-protocol service (not EC2 alone) a
// list numbered otherwise than 1..n is refused: `Tag.1` + `Tag.3` would be decided on a tag the
// upstream never applies.
let data: AuthorizationData;
before(async () => {
  data = await loadAuthorizationData();
});

function refusedAs(request: GatewayRequest, pattern: RegExp): void {
  const result = mapRequest(data, request);
  assert.equal(result.kind, 'unmapped', JSON.stringify(result).slice(0, 300));
  assert.equal((result as { reason: string }).reason, 'invalid-request');
  assert.match((result as { message: string }).message, pattern);
}

function accepted(request: GatewayRequest): void {
  assert.equal(mapRequest(data, request).kind, 'mapped');
}

describe('Query lists are numbered 1..n in every Query-protocol service', () => {
  it('a gap, a 0 or a leading zero is refused (SQS, SNS, CloudWatch)', () => {
    const createQueue = (tags: Record<string, string>) => form('sqs', { Action: 'CreateQueue', Version: '2012-11-05', QueueName: 'q', ...tags });
    refusedAs(createQueue({ 'Tag.1.Key': 'team', 'Tag.1.Value': 'blue', 'Tag.3.Key': 'team', 'Tag.3.Value': 'red' }), /Tag is not numbered 1 to 2: Tag\.2 is missing/);
    refusedAs(createQueue({ 'Tag.0.Key': 'team', 'Tag.0.Value': 'red' }), /list index in Tag\.0\.Key/);
    refusedAs(createQueue({ 'Tag.01.Key': 'team', 'Tag.01.Value': 'red' }), /list index in Tag\.01\.Key/);
    refusedAs(form('sns', { Action: 'CreateTopic', Version: '2010-03-31', Name: 't', 'Tags.member.2.Key': 'team', 'Tags.member.2.Value': 'red' }), /Tags\.member\.1 is missing/);
    refusedAs(form('monitoring', { Action: 'PutMetricData', Version: '2010-08-01', Namespace: 'N', 'MetricData.member.1.MetricName': 'm', 'MetricData.member.1.Dimensions.member.2.Name': 'd', 'MetricData.member.1.Dimensions.member.2.Value': 'v' }), /Dimensions\.member\.1 is missing/);
  });

  it('lists numbered 1..n, nested too, are read', () => {
    accepted(form('sqs', { Action: 'CreateQueue', Version: '2012-11-05', QueueName: 'q', 'Tag.1.Key': 'a', 'Tag.1.Value': '1', 'Tag.2.Key': 'b', 'Tag.2.Value': '2' }));
    accepted(form('monitoring', { Action: 'PutMetricData', Version: '2010-08-01', Namespace: 'N', 'MetricData.member.1.MetricName': 'm', 'MetricData.member.1.Dimensions.member.1.Name': 'd', 'MetricData.member.1.Dimensions.member.1.Value': 'v', 'MetricData.member.2.MetricName': 'n' }));
  });
});
