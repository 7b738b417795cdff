import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchClient, DescribeAlarmsCommand, ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';

/**
 * CloudWatch through the gateway with the AWS SDK for JavaScript v3, which speaks CloudWatch's
 * JSON protocol with its Query compatibility (the error code the SDK raises is the Query code
 * of x-amzn-query-error): allowed calls reach moto, refusals are AccessDenied with AWS's text,
 * a wrong secret is SignatureDoesNotMatch.
 */
describe('CloudWatch through the gateway (AWS SDK v3)', () => {
  let env: GatewayEnv;
  let account: string;
  const client = (credentials: Credentials) => new CloudWatchClient({ endpoint: env.server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('metrics and alarms: allowed by the policy, refused outside it in CloudWatch\'s words', async () => {
    const user = await env.user('cw-sdk', [
      allow('cloudwatch:PutMetricData', '*', { Condition: { StringEquals: { 'cloudwatch:namespace': 'Sdk/App' } } }),
      allow(['cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarms']),
      allow('cloudwatch:PutMetricAlarm', `arn:aws:cloudwatch:us-east-1:${account}:alarm:sdk-*`),
    ]);
    const cw = client(user);
    await cw.send(new PutMetricDataCommand({ Namespace: 'Sdk/App', MetricData: [{ MetricName: 'Requests', Value: 7, Unit: 'Count' }] }));
    const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Sdk/App' }));
    assert.deepEqual(listed.Metrics?.map((m) => m.MetricName), ['Requests']);

    const refused = await awsError(() => cw.send(new PutMetricDataCommand({ Namespace: 'Sdk/Other', MetricData: [{ MetricName: 'Requests', Value: 1 }] })));
    assert.equal(refused.name, 'AccessDenied');
    assert.equal(refused.message, `User: ${user.arn} is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action`);

    const alarm = (AlarmName: string) => new PutMetricAlarmCommand({
      AlarmName, Namespace: 'Sdk/App', MetricName: 'Requests', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold',
    });
    await cw.send(alarm('sdk-requests'));
    const described = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-requests'] }));
    assert.equal(described.MetricAlarms?.[0]?.AlarmArn, `arn:aws:cloudwatch:us-east-1:${account}:alarm:sdk-requests`);
    const outside = await awsError(() => cw.send(alarm('ops-requests')));
    assert.equal(outside.name, 'AccessDenied');
    assert.match(outside.message, new RegExp(`on resource: arn:aws:cloudwatch:us-east-1:${account}:alarm:ops-requests because no identity-based policy allows`));
  });

  test('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidClientTokenId (the Query codes)', async () => {
    const user = await env.user('cw-sdk-keys', [allow('cloudwatch:ListMetrics')]);
    const wrong = await awsError(() => client({ accessKeyId: user.accessKeyId, secretAccessKey: 'not-the-secret' }).send(new ListMetricsCommand({})));
    assert.equal(wrong.name, 'SignatureDoesNotMatch');
    assert.equal(wrong.status, 403);
    const unknown = await awsError(() => client({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new ListMetricsCommand({})));
    assert.equal(unknown.name, 'InvalidClientTokenId');
  });
});
