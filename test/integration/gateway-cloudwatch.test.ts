import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { cbor } from '@smithy/core/cbor';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { signedQuery } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Amazon CloudWatch (signed as `monitoring`, actions `cloudwatch:*`) through the gateway with the
 * aws CLI 1.45 — which speaks CloudWatch's JSON protocol (X-Amz-Target
 * GraniteServiceVersion20100801.<Operation>, x-amzn-query-mode: true) — in front of moto_server:
 * refusals as CloudWatch's AccessDenied, PutMetricData limited by cloudwatch:namespace, alarms
 * decided by their ARNs and tags (read upstream), tagging on create needing
 * cloudwatch:TagResource, iam:PassRole for a metric stream's role; the Query form, unsigned
 * requests and the Smithy RPC v2 CBOR form answered as CloudWatch answers.
 */
describe('CloudWatch through the gateway (aws CLI)', () => {
  let env: GatewayEnv;
  let account: string;
  const alarmArn = (name: string) => `arn:aws:cloudwatch:us-east-1:${account}:alarm:${name}`;
  const putAlarm = (name: string, extra: string[] = []) => [
    'cloudwatch', 'put-metric-alarm', '--alarm-name', name, '--metric-name', 'Latency', '--namespace', 'App/Orders', '--statistic', 'Average',
    '--period', '60', '--evaluation-periods', '1', '--threshold', '100', '--comparison-operator', 'GreaterThanThreshold', ...extra,
  ];
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('a user without rights is refused in CloudWatch\'s words; nothing reaches moto', async () => {
    const nobody = await env.user('cw-nobody');
    const put = await env.cli(['cloudwatch', 'put-metric-data', '--namespace', 'Secret/NS', '--metric-name', 'M', '--value', '1'], nobody);
    assert.equal(put.code, 255);
    assert.equal(put.stderr.trim(), `An error occurred (AccessDenied) when calling the PutMetricData operation: User: ${nobody.arn} is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action`);
    const alarm = await env.cli(['cloudwatch', 'describe-alarms', '--alarm-names', 'a1'], nobody);
    assert.equal(alarm.stderr.trim(), `An error occurred (AccessDenied) when calling the DescribeAlarms operation: User: ${nobody.arn} is not authorized to perform: cloudwatch:DescribeAlarms on resource: ${alarmArn('a1')} because no identity-based policy allows the cloudwatch:DescribeAlarms action`);
    const listed = await env.cli(['cloudwatch', 'list-metrics', '--namespace', 'Secret/NS', '--query', 'length(Metrics)'], env.server.root);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout.trim(), '0');
  });

  test('PutMetricData allowed for one cloudwatch:namespace only; the data reaches moto (list-metrics through Tessera)', async () => {
    const writer = await env.user('cw-writer', [allow('cloudwatch:PutMetricData', '*', { Condition: { StringEquals: { 'cloudwatch:namespace': 'App/Orders' } } })]);
    const ok = await env.cli(['cloudwatch', 'put-metric-data', '--namespace', 'App/Orders', '--metric-name', 'Placed', '--value', '3'], writer);
    assert.equal(ok.code, 0, ok.stderr);
    const other = await env.cli(['cloudwatch', 'put-metric-data', '--namespace', 'App/Billing', '--metric-name', 'Placed', '--value', '3'], writer);
    assert.equal(other.stderr.trim(), `An error occurred (AccessDenied) when calling the PutMetricData operation: User: ${writer.arn} is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action`);
    const orders = await env.cli(['cloudwatch', 'list-metrics', '--namespace', 'App/Orders', '--query', 'Metrics[].MetricName', '--output', 'text'], env.server.root);
    assert.equal(orders.code, 0, orders.stderr);
    assert.equal(orders.stdout.trim(), 'Placed');
    const billing = await env.cli(['cloudwatch', 'list-metrics', '--namespace', 'App/Billing', '--query', 'length(Metrics)'], env.server.root);
    assert.equal(billing.stdout.trim(), '0');
    // The writer may not read them back: ListMetrics is an action of its own.
    const read = await env.cli(['cloudwatch', 'list-metrics'], writer);
    assert.match(read.stderr, /\(AccessDenied\) when calling the ListMetrics operation: User: .* is not authorized to perform: cloudwatch:ListMetrics because/);
  });

  test('alarms are decided by their ARNs and their tags (read upstream); tagging on create needs cloudwatch:TagResource', async () => {
    // An operator may put alarms named team-red-*, and tag them only with team=red.
    const operator = await env.user('cw-operator', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'cloudwatch:PutMetricAlarm', Resource: `arn:aws:cloudwatch:us-east-1:${account}:alarm:team-red-*` },
        { Effect: 'Allow', Action: 'cloudwatch:TagResource', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'red' } } },
        { Effect: 'Allow', Action: ['cloudwatch:SetAlarmState', 'cloudwatch:DeleteAlarms'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'red' } } },
        { Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      ],
    }]);
    const untagged = await env.cli(putAlarm('team-red-latency'), operator);
    assert.equal(untagged.code, 0, untagged.stderr);
    const outside = await env.cli(putAlarm('team-blue-latency'), operator);
    assert.equal(outside.stderr.trim(), `An error occurred (AccessDenied) when calling the PutMetricAlarm operation: User: ${operator.arn} is not authorized to perform: cloudwatch:PutMetricAlarm on resource: ${alarmArn('team-blue-latency')} because no identity-based policy allows the cloudwatch:PutMetricAlarm action`);
    const tagged = await env.cli(putAlarm('team-red-errors', ['--tags', 'Key=team,Value=red']), operator);
    assert.equal(tagged.code, 0, tagged.stderr);
    const wrongTag = await env.cli(putAlarm('team-red-cpu', ['--tags', 'Key=team,Value=blue']), operator);
    assert.equal(wrongTag.stderr.trim(), `An error occurred (AccessDenied) when calling the PutMetricAlarm operation: User: ${operator.arn} is not authorized to perform: cloudwatch:TagResource on resource: ${alarmArn('team-red-cpu')} because no identity-based policy allows the cloudwatch:TagResource action`);

    // Without cloudwatch:TagResource at all, a tagged alarm is refused; the same alarm untagged is not.
    const noTagging = await env.user('cw-no-tagging', [allow('cloudwatch:PutMetricAlarm')]);
    const refused = await env.cli(putAlarm('plain', ['--tags', 'Key=team,Value=red']), noTagging);
    assert.match(refused.stderr, new RegExp(`\\(AccessDenied\\) when calling the PutMetricAlarm operation: User: ${noTagging.arn} is not authorized to perform: cloudwatch:TagResource on resource: ${alarmArn('plain')} because`));
    assert.equal((await env.cli(putAlarm('plain'), noTagging)).code, 0);

    // The root user makes a blue alarm; the tags decide SetAlarmState and DeleteAlarms.
    assert.equal((await env.cli(putAlarm('team-blue-latency', ['--tags', 'Key=team,Value=blue']), env.server.root)).code, 0);
    const setRed = await env.cli(['cloudwatch', 'set-alarm-state', '--alarm-name', 'team-red-errors', '--state-value', 'ALARM', '--state-reason', 'test'], operator);
    assert.equal(setRed.code, 0, setRed.stderr);
    const setBlue = await env.cli(['cloudwatch', 'set-alarm-state', '--alarm-name', 'team-blue-latency', '--state-value', 'ALARM', '--state-reason', 'test'], operator);
    assert.equal(setBlue.stderr.trim(), `An error occurred (AccessDenied) when calling the SetAlarmState operation: User: ${operator.arn} is not authorized to perform: cloudwatch:SetAlarmState on resource: ${alarmArn('team-blue-latency')} because no identity-based policy allows the cloudwatch:SetAlarmState action`);
    const deleteBoth = await env.cli(['cloudwatch', 'delete-alarms', '--alarm-names', 'team-red-errors', 'team-blue-latency'], operator);
    assert.match(deleteBoth.stderr, /cloudwatch:DeleteAlarms on resource: .*:alarm:team-blue-latency because/);

    // What moto holds, read through Tessera: the alarms, their tags and the state set.
    const alarms = await env.cli(['cloudwatch', 'describe-alarms', '--query', 'MetricAlarms[].[AlarmName,StateValue]', '--output', 'text'], operator);
    assert.equal(alarms.code, 0, alarms.stderr);
    const states = Object.fromEntries(alarms.stdout.trim().split('\n').map((line) => line.split('\t')));
    assert.deepEqual(Object.keys(states).sort(), ['plain', 'team-blue-latency', 'team-red-errors', 'team-red-latency']);
    assert.equal(states['team-red-errors'], 'ALARM');
    assert.notEqual(states['team-blue-latency'], 'ALARM');
    const tags = await env.cli(['cloudwatch', 'list-tags-for-resource', '--resource-arn', alarmArn('team-red-errors'), '--query', 'Tags[].[Key,Value]', '--output', 'text'], env.server.root);
    assert.equal(tags.stdout.trim(), 'team\tred');
    // The red alarm goes; the blue one stays.
    assert.equal((await env.cli(['cloudwatch', 'delete-alarms', '--alarm-names', 'team-red-errors'], operator)).code, 0);
    const left = await env.cli(['cloudwatch', 'describe-alarms', '--alarm-names', 'team-red-errors', 'team-blue-latency', '--query', 'MetricAlarms[].AlarmName', '--output', 'text'], env.server.root);
    assert.equal(left.stdout.trim(), 'team-blue-latency');
  });

  test('PutMetricStream passes its role: iam:PassRole for streams.metrics.cloudwatch.amazonaws.com', async () => {
    const role = `arn:aws:iam::${account}:role/metric-streams`;
    const streamer = await env.user('cw-streamer', [allow('cloudwatch:PutMetricStream')]);
    const args = ['cloudwatch', 'put-metric-stream', '--name', 's1', '--firehose-arn', `arn:aws:firehose:us-east-1:${account}:deliverystream/d`, '--role-arn', role, '--output-format', 'json'];
    const refused = await env.cli(args, streamer);
    assert.equal(refused.stderr.trim(), `An error occurred (AccessDenied) when calling the PutMetricStream operation: User: ${streamer.arn} is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the iam:PassRole action`);
    const wrongService = await env.user('cw-streamer-ec2', [allow('cloudwatch:PutMetricStream'), allow('iam:PassRole', role, { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })]);
    assert.match((await env.cli(args, wrongService)).stderr, /not authorized to perform: iam:PassRole on resource/);
    const passer = await env.user('cw-streamer-pass', [allow('cloudwatch:PutMetricStream'), allow('iam:PassRole', role, { Condition: { StringEquals: { 'iam:PassedToService': 'streams.metrics.cloudwatch.amazonaws.com' } } })]);
    // Authorized, and forwarded: moto 5.2.1 has no metric streams, so the answer is moto's own, not a refusal.
    const passed = await env.cli(args, passer, { AWS_MAX_ATTEMPTS: '1' });
    assert.doesNotMatch(passed.stderr, /AccessDenied|NotImplemented/);
  });

  test('the Query form (Action=PutMetricData) is decided alike and refused in Query XML', async () => {
    const writer = await env.user('cw-query-writer', [allow('cloudwatch:PutMetricData', '*', { Condition: { StringEquals: { 'cloudwatch:namespace': 'Query/NS' } } })]);
    const params = (namespace: string) => ({ Action: 'PutMetricData', Version: '2010-08-01', Namespace: namespace, 'MetricData.member.1.MetricName': 'Q', 'MetricData.member.1.Value': '1' });
    const ok = await signedQuery(env.server.url, writer, params('Query/NS'), { service: 'monitoring' });
    assert.equal(ok.status, 200, ok.body);
    const refused = await signedQuery(env.server.url, writer, params('Other/NS'), { service: 'monitoring' });
    assert.equal(refused.status, 403);
    assert.match(refused.body, new RegExp(`^<\\?xml version="1\\.0"\\?>\\n<ErrorResponse xmlns="http://monitoring\\.amazonaws\\.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: ${writer.arn} is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action</Message></Error><RequestId>[^<]+</RequestId></ErrorResponse>$`));
    const listed = await env.cli(['cloudwatch', 'list-metrics', '--namespace', 'Query/NS', '--query', 'Metrics[].MetricName', '--output', 'text'], env.server.root);
    assert.equal(listed.stdout.trim(), 'Q');
  });

  test('unsigned requests are MissingAuthenticationToken (403) in their protocol; Smithy RPC v2 CBOR is refused in CBOR, naming the operation', async () => {
    const json = await fetch(`${env.server.url}/`, { method: 'POST', headers: { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    assert.equal(json.status, 403);
    assert.equal(json.headers.get('x-amzn-query-error'), 'MissingAuthenticationToken;Sender');
    assert.deepEqual(await json.json(), { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
    const query = await fetch(`${env.server.url}/?Action=ListMetrics&Version=2010-08-01`);
    assert.equal(query.status, 403);
    assert.match(await query.text(), /<Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/);

    // Signature failures keep their Query codes (the CLI reads x-amzn-query-error).
    const root = env.server.root;
    const unknownKey = await env.cli(['cloudwatch', 'list-metrics'], { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' });
    assert.match(unknownKey.stderr, /An error occurred \(InvalidClientTokenId\) when calling the ListMetrics operation: /);
    const wrongSecret = await env.cli(['cloudwatch', 'list-metrics'], { accessKeyId: root.accessKeyId, secretAccessKey: `${root.secretAccessKey}x` });
    assert.match(wrongSecret.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the ListMetrics operation: /);

    const answer = await cborCall(env.server.url, env.server.root, 'ListMetrics');
    assert.equal(answer.status, 501);
    assert.equal(answer.headers['smithy-protocol'], 'rpc-v2-cbor');
    assert.equal(answer.headers['content-type'], 'application/cbor');
    const body = cbor.deserialize(new Uint8Array(answer.body)) as { __type: string; message: string };
    assert.equal(body.__type, 'NotImplemented');
    assert.match(body.message, /^ListMetrics is not forwarded: Tessera does not read the Smithy RPC v2 CBOR protocol; call monitoring with its JSON protocol/);
  });
});

/** A signed Smithy RPC v2 CBOR call, as the newest SDKs make it (an empty map as input). */
async function cborCall(baseUrl: string, credentials: Credentials, operation: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(baseUrl);
  const path = `/service/GraniteServiceVersion20100801/operation/${operation}`;
  const payload = Buffer.from([0xa0]);
  const signed = signRequest(
    { method: 'POST', path, query: '', headers: { host: url.host, 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' }, body: payload },
    credentials,
    { region: 'us-east-1', service: 'monitoring', date: new Date() },
  );
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers: signed.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
