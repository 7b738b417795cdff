import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from './errors.ts';
import { BOTH_MEMBERS_MESSAGE, forwardedLogsBody, takesNameAndIdentifier } from './logs-group-identifier.ts';
import { mapRequest } from './map-request.ts';
import { loadGatewayModel } from './model.ts';
import { authorizationDataForTests, checks } from './testing/mapping.ts';
import { json, OWNER } from './testing/requests.ts';
import type { GatewayRequest, MapResult } from './types.ts';

const authorizationData = authorizationDataForTests();
const map = (request: GatewayRequest): MapResult => mapRequest(authorizationData(), request);
const logs = (operation: string, body: unknown) => json('logs', `Logs_20140328.${operation}`, body);
const GROUP_ARN = `arn:aws:logs:us-east-1:${OWNER}:log-group:app`;
const ACTING = { region: 'us-east-1', accountId: OWNER };

function refused(result: MapResult, pattern: RegExp): void {
  assert.equal(result.kind, 'unmapped', JSON.stringify(result));
  assert.equal(result.kind === 'unmapped' && result.reason, 'invalid-request');
  assert.match(result.kind === 'unmapped' ? result.message : '', pattern);
}

/** The body as forwarded, failing the test when it is not rewritten. */
function rewritten(operation: string, body: string): string {
  const sent = Buffer.from(body);
  const result = forwardedLogsBody('logs', operation, ACTING, sent);
  assert.notEqual(result, sent, 'rewritten');
  return result.toString('utf8');
}

describe('CloudWatch Logs logGroupIdentifier forwarded as logGroupName (logs-group-identifier.ts)', () => {
  it('applies to the operations whose input takes both members, read from the model', () => {
    const model = loadGatewayModel('logs');
    const both = [...model.operations.values()].filter(takesNameAndIdentifier).map((operation) => operation.name).sort();
    assert.deepEqual(both, ['DescribeLogStreams', 'FilterLogEvents', 'GetLogEvents', 'GetLogGroupFields']);
  });

  it('mapping: a name or a log group ARN of the request\'s account and region is decided on that group', () => {
    for (const identifier of ['app', GROUP_ARN, `${GROUP_ARN}:*`]) {
      assert.deepEqual(checks(map(logs('GetLogEvents', { logGroupIdentifier: identifier, logStreamName: 's' }))), [`logs:GetLogEvents ${GROUP_ARN}:log-stream:s`]);
      for (const operation of ['FilterLogEvents', 'DescribeLogStreams', 'GetLogGroupFields']) {
        assert.deepEqual(checks(map(logs(operation, { logGroupIdentifier: identifier }))), [`logs:${operation} ${GROUP_ARN}:log-stream:`]);
      }
    }
  });

  it('mapping: an ARN of another account, region or partition, or no log group ARN, is refused as before', () => {
    for (const operation of ['GetLogEvents', 'DescribeLogStreams', 'FilterLogEvents', 'GetLogGroupFields']) {
      refused(map(logs(operation, { logGroupIdentifier: 'arn:aws:logs:us-east-1:333333333333:log-group:app', logStreamName: 's' })), /account 333333333333/);
    }
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws:logs:us-east-1:333333333333:log-group:app:*`, logStreamName: 's' })), /account 333333333333/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws:logs:eu-west-1:${OWNER}:log-group:app`, logStreamName: 's' })), /region eu-west-1/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws-cn:logs:us-east-1:${OWNER}:log-group:app`, logStreamName: 's' })), /partition aws-cn/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws:logs:us-east-1::log-group:app`, logStreamName: 's' })), /account/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws:logs:us-east-1:${OWNER}:log-group:app:log-stream:s`, logStreamName: 's' })), /neither a log group name nor a log group ARN/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: `arn:aws:s3:::app`, logStreamName: 's' })), /neither/);
    refused(map(logs('GetLogEvents', { logGroupIdentifier: '', logStreamName: 's' })), /must name a log group/);
    // A number where the model has a string: refused before anything is read (SerializationException).
    refused(map(logs('GetLogEvents', { logGroupIdentifier: 7, logStreamName: 's' })), /NUMBER_VALUE can not be converted to a String \(logGroupIdentifier\)/);
  });

  it('mapping: named by both members, the request is decided on logGroupName (the forwarder answers it); identifier-only operations as before', () => {
    assert.deepEqual(checks(map(logs('GetLogEvents', { logGroupName: 'app', logGroupIdentifier: 'arn:aws:logs:us-east-1:333333333333:log-group:x', logStreamName: 's' }))), [`logs:GetLogEvents ${GROUP_ARN}:log-stream:s`]);
    assert.deepEqual(checks(map(logs('GetDataProtectionPolicy', { logGroupIdentifier: 'arn:aws:logs:us-east-1:333333333333:log-group:shared' }))), ['logs:GetDataProtectionPolicy arn:aws:logs:us-east-1:333333333333:log-group:shared:log-stream:']);
  });

  it('forwarding: the identifier becomes logGroupName where it stood; the other members as they were', () => {
    assert.equal(rewritten('GetLogEvents', '{"logGroupIdentifier":"app","logStreamName":"s"}'), '{"logGroupName":"app","logStreamName":"s"}');
    assert.equal(rewritten('GetLogEvents', `{ "startTime" : 1700000000000,\n "logGroupIdentifier" : "${GROUP_ARN}:*" ,"logStreamName":"s\\u00e9"}`), '{"startTime":1700000000000,"logGroupName":"app","logStreamName":"sé"}');
    assert.equal(rewritten('FilterLogEvents', `{"filterPattern":"{ $.logGroupIdentifier = \\"x\\" }","logStreamNames":["a","b"],"logGroupIdentifier":"${GROUP_ARN}"}`), '{"filterPattern":"{ $.logGroupIdentifier = \\"x\\" }","logStreamNames":["a","b"],"logGroupName":"app"}');
    // A member name is compared decoded, as every JSON reader reads it.
    assert.equal(rewritten('DescribeLogStreams', '{"logGroup\\u0049dentifier":"app"}'), '{"logGroupName":"app"}');
    // A nested member of that name is not the operation's; a `__proto__` member stays a member.
    assert.equal(rewritten('GetLogGroupFields', '{"x":{"logGroupIdentifier":"other"},"__proto__":{"a":1},"logGroupIdentifier":"app"}'), '{"x":{"logGroupIdentifier":"other"},"__proto__":{"a":1},"logGroupName":"app"}');
  });

  it('forwarding: both members given is CloudWatch Logs\' InvalidParameterException; an identifier the mapping refuses is never rewritten', () => {
    const refusal = (operation: string, body: unknown): unknown => {
      try {
        forwardedLogsBody('logs', operation, ACTING, Buffer.from(JSON.stringify(body)));
      } catch (err) {
        return err instanceof GatewayError ? { code: err.failure.code, status: err.failure.status, message: err.failure.message } : err;
      }
      return undefined;
    };
    assert.deepEqual(refusal('GetLogEvents', { logGroupName: 'app', logGroupIdentifier: 'app', logStreamName: 's' }), { code: 'InvalidParameterException', status: 400, message: BOTH_MEMBERS_MESSAGE });
    for (const identifier of ['arn:aws:logs:us-east-1:333333333333:log-group:app', `arn:aws:logs:eu-west-1:${OWNER}:log-group:app`, `arn:aws:logs:us-east-1:${OWNER}:log-group:app:x`, '']) {
      assert.equal((refusal('FilterLogEvents', { logGroupIdentifier: identifier }) as { code?: string } | undefined)?.code, 'InvalidParameterException', identifier);
    }
  });

  it('forwarding: other operations and services go as they are', () => {
    const body = Buffer.from('{"logGroupIdentifier":"app"}');
    assert.equal(forwardedLogsBody('logs', 'GetTransformer', ACTING, body), body);
    const named = Buffer.from('{"logGroupName":"app","logStreamName":"s"}');
    assert.equal(forwardedLogsBody('logs', 'GetLogEvents', ACTING, named), named);
    const item = Buffer.from('{"TableName":"t","Key":{"logGroupIdentifier":{"S":"x"}}}');
    assert.equal(forwardedLogsBody('dynamodb', 'GetItem', ACTING, item), item);
  });
});
