import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetQueueUrlCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * moto reads a Query list as `Tag.1`, `Tag.2`, … and stops at the first missing number. Before the
 * gateway refused other numberings, `Tag.1 team=blue` + `Tag.3 team=red` was decided on both tags
 * (the policy's `aws:RequestTag/team=red` held) while moto applied only `team=blue` — seen with
 * SQS's Query form. Each case checks moto's state through the root user.
 */
describe('Query lists numbered 1..n (SQS, SNS through the gateway, moto)', () => {
  let env: GatewayEnv;
  let tagger: Credentials;

  async function query(credentials: Credentials, service: string, body: string): Promise<RawResponse> {
    const host = new URL(env.server.url).host;
    const headers = { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body }, credentials, { region: 'us-east-1', service, date: new Date() });
    return sendRaw(env.server.url, { method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body });
  }

  before(async () => {
    env = await startGatewayEnv();
    tagger = await env.user('red-tagger', [{
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sqs:CreateQueue', 'sqs:TagQueue', 'sns:CreateTopic', 'sns:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'red' } } }],
    }]);
  });
  after(() => env?.stop());

  test('SQS CreateQueue with Tag.1 and Tag.3 is refused and creates nothing; Tag.1 alone is decided and applied', async () => {
    const gap = await query(tagger, 'sqs', 'Action=CreateQueue&Version=2012-11-05&QueueName=gapq&Tag.1.Key=team&Tag.1.Value=blue&Tag.3.Key=team&Tag.3.Value=red');
    assert.equal(gap.status, 400, gap.body);
    assert.match(gap.body, /<Code>InvalidParameterValue<\/Code><Message>The list Tag is not numbered 1 to 2: Tag\.2 is missing<\/Message>/);
    const sqs = env.sqs(env.server.root);
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'gapq' })), /does not exist/);

    const blue = await query(tagger, 'sqs', 'Action=CreateQueue&Version=2012-11-05&QueueName=blueq&Tag.1.Key=team&Tag.1.Value=blue');
    assert.equal(blue.status, 403, blue.body);
    const red = await query(tagger, 'sqs', 'Action=CreateQueue&Version=2012-11-05&QueueName=redq&Tag.1.Key=team&Tag.1.Value=red');
    assert.equal(red.status, 200, red.body);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'redq' }))).QueueUrl!;
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'red' });
  });

  test('SNS CreateTopic with Tags.member.1 and .3 is refused and creates nothing', async () => {
    const gap = await query(tagger, 'sns', 'Action=CreateTopic&Version=2010-03-31&Name=gapt&Tags.member.1.Key=team&Tags.member.1.Value=blue&Tags.member.3.Key=team&Tags.member.3.Value=red');
    assert.equal(gap.status, 400, gap.body);
    assert.match(gap.body, /Tags\.member is not numbered 1 to 2/);
    const topics = await query(env.server.root, 'sns', 'Action=ListTopics&Version=2010-03-31');
    assert.equal(topics.status, 200, topics.body);
    assert.doesNotMatch(topics.body, /:gapt</);
  });
});
