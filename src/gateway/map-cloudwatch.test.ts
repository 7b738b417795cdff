import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cbor } from '@smithy/core/cbor';
import { protocolOf, renderError, accessDenied, missingAuthentication } from './errors.ts';
import { mapRequest } from './map-request.ts';
import { loadGatewayModel } from './model.ts';
import { routeRequest, unsignedService } from './route.ts';
import { authorizationDataForTests, checks, mapped } from './testing/mapping.ts';
import { form, json, wire } from './testing/requests.ts';
import type { MapResult } from './types.ts';

const authorizationData = authorizationDataForTests();
const PREFIX = 'GraniteServiceVersion20100801';
const ALARM = (name: string, account = '111111111111', region = 'us-east-1') => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

const call = (operation: string, body: unknown): MapResult => mapRequest(authorizationData(), json('monitoring', `${PREFIX}.${operation}`, body, '1.0'));
const query = (params: Record<string, string>): MapResult => mapRequest(authorizationData(), form('monitoring', { Version: '2010-08-01', ...params }));
const context = (result: MapResult, index = 0) => mapped(result).targets[index]!.context ?? {};

function refused(result: MapResult, reason: string, message: RegExp): void {
  assert.equal(result.kind, 'unmapped', JSON.stringify(result));
  if (result.kind !== 'unmapped') return;
  assert.equal(result.reason, reason);
  assert.match(result.message, message);
}

describe('CloudWatch: the model and its protocols', () => {
  it('is signed as monitoring, read as JSON 1.0 (the first of its protocols Tessera reads), Query-compatible, listing CBOR', () => {
    const model = loadGatewayModel('monitoring');
    assert.equal(model.protocol, 'json');
    assert.equal(model.targetPrefix, PREFIX);
    assert.equal(model.jsonVersion, '1.0');
    assert.equal(model.queryCompatible, true);
    assert.equal(model.cbor, true);
    assert.equal(model.operations.size, 46);
  });

  it('the JSON form (what the aws CLI 1.45 sends: X-Amz-Target, x-amzn-query-mode) and the Query form map alike', () => {
    const viaJson = mapped(call('PutMetricData', { Namespace: 'App/Orders', MetricData: [{ MetricName: 'Count', Value: 1 }] }));
    assert.equal(viaJson.protocol, 'json');
    assert.deepEqual(checks(viaJson), ['cloudwatch:PutMetricData *']);
    assert.deepEqual(viaJson.targets[0]!.context, { 'cloudwatch:namespace': 'App/Orders' });
    const viaQuery = mapped(query({ Action: 'PutMetricData', Namespace: 'App/Orders', 'MetricData.member.1.MetricName': 'Count', 'MetricData.member.1.Value': '1' }));
    assert.equal(viaQuery.protocol, 'query');
    assert.deepEqual(checks(viaQuery), ['cloudwatch:PutMetricData *']);
    assert.deepEqual(viaQuery.targets[0]!.context, { 'cloudwatch:namespace': 'App/Orders' });
  });

  it('a Query Action it does not have, or another API version, names no operation', () => {
    refused(query({ Action: 'PutMetricThing' }), 'unknown-operation', /PutMetricThing names no monitoring operation/);
    refused(mapRequest(authorizationData(), form('monitoring', { Action: 'ListMetrics', Version: '2009-05-15' })), 'unknown-operation', /version 2009-05-15/);
    refused(call('Nope', {}), 'unknown-operation', /names no monitoring operation/);
  });

  it('Smithy RPC v2 CBOR (what the newest SDKs send) is refused naming its operation, never read', () => {
    const request = wire('monitoring', 'POST', `/service/${PREFIX}/operation/PutMetricData`, {
      headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
      body: Buffer.from([0xa0]),
    });
    const result = mapRequest(authorizationData(), request);
    refused(result, 'refused-operation', /PutMetricData is not forwarded: Tessera does not read the Smithy RPC v2 CBOR protocol/);
    assert.equal(result.kind === 'unmapped' ? result.protocol : undefined, 'rpc-v2-cbor');
    assert.equal(protocolOf('monitoring', { has: () => false, get: (name) => (name === 'smithy-protocol' ? 'rpc-v2-cbor' : undefined) }, '/'), 'rpc-v2-cbor');
  });
});

describe('CloudWatch: the checks', () => {
  it('alarms by name, one check per name of a list; an ARN\'s account is the resource\'s', () => {
    assert.deepEqual(checks(call('DeleteAlarms', { AlarmNames: ['a', 'b'] })), [`cloudwatch:DeleteAlarms ${ALARM('a')}`, `cloudwatch:DeleteAlarms ${ALARM('b')}`]);
    assert.deepEqual(checks(call('SetAlarmState', { AlarmName: 'a', StateValue: 'ALARM', StateReason: 'x' })), [`cloudwatch:SetAlarmState ${ALARM('a')}`]);
    assert.deepEqual(checks(call('DisableAlarmActions', { AlarmNames: ['a'] })), [`cloudwatch:DisableAlarmActions ${ALARM('a')}`]);
    assert.deepEqual(checks(query({ Action: 'EnableAlarmActions', 'AlarmNames.member.1': 'a', 'AlarmNames.member.2': 'c' })), [`cloudwatch:EnableAlarmActions ${ALARM('a')}`, `cloudwatch:EnableAlarmActions ${ALARM('c')}`]);
    const other = ALARM('shared', '333333333333', 'eu-west-1');
    const tagged = mapped(call('ListTagsForResource', { ResourceARN: other }));
    assert.deepEqual(checks(tagged), [`cloudwatch:ListTagsForResource ${other}`]);
    assert.equal(tagged.resourceAccountId, '333333333333');
    assert.deepEqual(tagged.lookups, [{ kind: 'resource-tags', check: 0, resource: other }]);
  });

  it('DescribeAlarms: each named alarm; a prefix, a composite\'s children or parents, or nothing: every alarm of the account', () => {
    assert.deepEqual(checks(call('DescribeAlarms', { AlarmNames: ['a', 'b'] })), [`cloudwatch:DescribeAlarms ${ALARM('a')}`, `cloudwatch:DescribeAlarms ${ALARM('b')}`]);
    assert.deepEqual(checks(call('DescribeAlarms', {})), [`cloudwatch:DescribeAlarms ${ALARM('*')}`]);
    assert.deepEqual(checks(call('DescribeAlarms', { AlarmNamePrefix: 'prod-' })), [`cloudwatch:DescribeAlarms ${ALARM('*')}`]);
    assert.deepEqual(checks(call('DescribeAlarms', { AlarmNames: ['a'], ChildrenOfAlarmName: 'a' })), [`cloudwatch:DescribeAlarms ${ALARM('*')}`]);
    assert.deepEqual(checks(call('DescribeAlarmHistory', { AlarmName: 'a' })), [`cloudwatch:DescribeAlarmHistory ${ALARM('a')}`]);
    assert.deepEqual(checks(call('DescribeAlarmHistory', {})), [`cloudwatch:DescribeAlarmHistory ${ALARM('*')}`]);
    // The wildcard names no one alarm: no tags are read for it (a tag condition sees none).
    assert.deepEqual(mapped(call('DescribeAlarms', {})).lookups, []);
  });

  it('dashboards have no region; insight rules, metric streams and mute rules by their names', () => {
    assert.deepEqual(checks(call('GetDashboard', { DashboardName: 'ops' })), ['cloudwatch:GetDashboard arn:aws:cloudwatch::111111111111:dashboard/ops']);
    assert.deepEqual(checks(call('DeleteDashboards', { DashboardNames: ['a', 'b'] })), ['cloudwatch:DeleteDashboards arn:aws:cloudwatch::111111111111:dashboard/a', 'cloudwatch:DeleteDashboards arn:aws:cloudwatch::111111111111:dashboard/b']);
    assert.deepEqual(checks(call('GetInsightRuleReport', { RuleName: 'r', StartTime: 1, EndTime: 2, Period: 60 })), ['cloudwatch:GetInsightRuleReport arn:aws:cloudwatch:us-east-1:111111111111:insight-rule/r']);
    assert.deepEqual(checks(call('StopMetricStreams', { Names: ['s1'] })), ['cloudwatch:StopMetricStreams arn:aws:cloudwatch:us-east-1:111111111111:metric-stream/s1']);
    assert.deepEqual(checks(call('GetAlarmMuteRule', { AlarmMuteRuleName: 'm' })), ['cloudwatch:GetAlarmMuteRule arn:aws:cloudwatch:us-east-1:111111111111:alarm-mute-rule:m']);
    assert.deepEqual(checks(call('ListAlarmMuteRules', { AlarmName: 'a' })), ['cloudwatch:ListAlarmMuteRules arn:aws:cloudwatch:us-east-1:111111111111:alarm-mute-rule:*']);
    assert.deepEqual(checks(call('PutAlarmMuteRule', { Name: 'm', Rule: {}, MuteTargets: { AlarmNames: ['a'] } })), [
      'cloudwatch:PutAlarmMuteRule arn:aws:cloudwatch:us-east-1:111111111111:alarm-mute-rule:m',
      `cloudwatch:PutAlarmMuteRule ${ALARM('a')}`,
    ]);
  });

  it('actions the reference gives no resource (or only an optional dataset the request never names) are on *', () => {
    for (const [operation, body] of [['ListMetrics', {}], ['GetMetricData', { MetricDataQueries: [], StartTime: 1, EndTime: 2 }], ['GetMetricStatistics', {}], ['ListDashboards', {}], ['DescribeAlarmsForMetric', {}], ['PutAnomalyDetector', {}], ['GetOTelEnrichment', {}]] as const) {
      assert.deepEqual(checks(call(operation, body)), [`cloudwatch:${operation} *`], operation);
    }
  });

  it('PutMetricAlarm: the alarm, cloudwatch:AlarmActions (every action list), tags as aws:RequestTag and cloudwatch:TagResource', () => {
    const result = call('PutMetricAlarm', {
      AlarmName: 'high', MetricName: 'M', Namespace: 'N', AlarmActions: ['arn:aws:sns:us-east-1:111111111111:ops'], OKActions: ['arn:aws:sns:us-east-1:111111111111:ok'],
      Tags: [{ Key: 'team', Value: 'red' }],
    });
    assert.deepEqual(checks(result), [`cloudwatch:PutMetricAlarm ${ALARM('high')}`, `cloudwatch:TagResource ${ALARM('high')}`]);
    assert.deepEqual(context(result), {
      'aws:RequestTag/team': 'red', 'aws:TagKeys': ['team'],
      'cloudwatch:AlarmActions': ['arn:aws:sns:us-east-1:111111111111:ops', 'arn:aws:sns:us-east-1:111111111111:ok'],
    });
    assert.deepEqual(context(result, 1), { 'aws:RequestTag/team': 'red', 'aws:TagKeys': ['team'] });
    // No tags: no tagging check.
    assert.deepEqual(checks(call('PutMetricAlarm', { AlarmName: 'high' })), [`cloudwatch:PutMetricAlarm ${ALARM('high')}`]);
    // The Query form's tags (Tags.member.N.Key) too.
    assert.deepEqual(checks(query({ Action: 'PutCompositeAlarm', AlarmName: 'c', AlarmRule: 'ALARM(high)', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red' })), [
      `cloudwatch:PutCompositeAlarm ${ALARM('c')}`, `cloudwatch:TagResource ${ALARM('c')}`,
    ]);
  });

  it('PutInsightRule: its rule definition\'s log groups; PutMetricStream: iam:PassRole on its role for CloudWatch metric streams', () => {
    const rule = call('PutInsightRule', { RuleName: 'r', RuleDefinition: JSON.stringify({ Schema: { Name: 'CloudWatchLogRule', Version: 1 }, LogGroupNames: ['/app/a', '/app/b'] }), Tags: [{ Key: 'k', Value: 'v' }] });
    assert.deepEqual(checks(rule), ['cloudwatch:PutInsightRule arn:aws:cloudwatch:us-east-1:111111111111:insight-rule/r', 'cloudwatch:TagResource arn:aws:cloudwatch:us-east-1:111111111111:insight-rule/r']);
    assert.deepEqual(context(rule)['cloudwatch:requestInsightRuleLogGroups'], ['/app/a', '/app/b']);
    const role = 'arn:aws:iam::111111111111:role/streams';
    const stream = mapped(call('PutMetricStream', { Name: 's', FirehoseArn: 'arn:aws:firehose:us-east-1:111111111111:deliverystream/d', RoleArn: role, OutputFormat: 'json' }));
    assert.deepEqual(checks(stream), ['cloudwatch:PutMetricStream arn:aws:cloudwatch:us-east-1:111111111111:metric-stream/s', `iam:PassRole ${role}`]);
    assert.deepEqual(stream.targets[1]!.context, { 'iam:PassedToService': 'streams.metrics.cloudwatch.amazonaws.com' });
  });

  it('PutManagedInsightRules: its rules\' resources and tags', () => {
    const result = call('PutManagedInsightRules', { ManagedRules: [{ TemplateName: 't', ResourceARN: 'arn:aws:dynamodb:us-east-1:111111111111:table/T', Tags: [{ Key: 'team', Value: 'red' }] }] });
    assert.deepEqual(checks(result), ['cloudwatch:PutManagedInsightRules *']);
    assert.deepEqual(context(result), {
      'cloudwatch:requestManagedResourceARNs': ['arn:aws:dynamodb:us-east-1:111111111111:table/T'], 'aws:RequestTag/team': 'red', 'aws:TagKeys': ['team'],
    });
  });

  it('refuses what it cannot authorize, naming it', () => {
    refused(call('DescribeAlarmContributors', { AlarmName: 'a' }), 'refused-operation', /DescribeAlarmContributors is not forwarded/);
    refused(call('DeleteAlarms', {}), 'invalid-request', /DeleteAlarms does not name the alarm/);
    refused(call('TagResource', { ResourceARN: 'arn:aws:sns:us-east-1:111111111111:topic', Tags: [] }), 'invalid-request', /TagResource does not name/);
  });
});

describe('CloudWatch: refusals and routing', () => {
  it('AccessDenied 403 in Query XML; in JSON AccessDeniedException with the Query code in x-amzn-query-error; in CBOR a CBOR map', () => {
    const failure = accessDenied('monitoring', 'User: arn:aws:iam::111111111111:user/u is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action').failure;
    const xml = renderError('monitoring', 'query', failure, 'req-1', 'POST');
    assert.equal(xml.status, 403);
    assert.match(xml.body, /<ErrorResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>User: arn:aws:iam::111111111111:user\/u is not authorized/);
    const viaJson = renderError('monitoring', 'json', failure, 'req-1', 'POST');
    assert.equal(viaJson.status, 403);
    assert.equal(viaJson.headers['x-amzn-query-error'], 'AccessDenied;Sender');
    assert.equal(viaJson.headers['Content-Type'], 'application/x-amz-json-1.0');
    assert.equal(JSON.parse(viaJson.body).__type, 'AccessDeniedException');
    const viaCbor = renderError('monitoring', 'rpc-v2-cbor', failure, 'req-1', 'POST');
    assert.equal(viaCbor.headers['smithy-protocol'], 'rpc-v2-cbor');
    assert.deepEqual(cbor.deserialize(new Uint8Array(viaCbor.binary!)), { __type: 'AccessDeniedException', message: failure.message });
  });

  it('an unsigned request is MissingAuthenticationToken (403), in its protocol', () => {
    const failure = missingAuthentication('monitoring', 'json');
    assert.equal(failure.status, 403);
    const rendered = renderError('monitoring', 'json', failure, 'r', 'POST');
    assert.equal(JSON.parse(rendered.body).__type, 'MissingAuthenticationTokenException');
    assert.equal(rendered.headers['x-amzn-query-error'], 'MissingAuthenticationToken;Sender');
    assert.match(renderError('monitoring', 'query', failure, 'r', 'POST').body, /<Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token</);
  });

  it('unsigned requests are told apart as CloudWatch\'s: its X-Amz-Target, its Query Action and Version, its Host, its CBOR path', () => {
    const head = (path: string, query: string, headers: Record<string, string>) => ({ method: 'POST', path, query, headers });
    assert.equal(unsignedService(head('/', '', { 'x-amz-target': `${PREFIX}.ListMetrics` })), 'monitoring');
    assert.equal(unsignedService(head('/', 'Action=ListMetrics&Version=2010-08-01', {})), 'monitoring');
    assert.equal(unsignedService(head('/', '', { host: 'monitoring.us-east-1.localhost:4600' })), 'monitoring');
    assert.equal(unsignedService(head(`/service/${PREFIX}/operation/ListMetrics`, '', {})), 'monitoring');
    const signed = routeRequest(head('/', '', { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240501/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=00' }), { served: new Set(['iam', 'sts']), s3Upstream: false });
    assert.deepEqual(signed, { kind: 'gateway', service: 'monitoring', unsigned: false });
  });
});
