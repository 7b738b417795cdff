import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * CloudWatch Logs' logGroupIdentifier where the operation also takes logGroupName (GetLogEvents,
 * FilterLogEvents, DescribeLogStreams, GetLogGroupFields): authorized on the group it names and
 * forwarded as logGroupName (src/gateway/logs-group-identifier.ts). moto_server's own lookup of
 * an identifier ends on the newest log group of the region, and its FilterLogEvents ignores the
 * member: each test reads what moto answered — the events of the group the identifier names.
 */
describe('CloudWatch Logs logGroupIdentifier through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let other: string;
  let reader: Credentials;
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

  interface Raw { headers?: Record<string, string>; body?: string }

  async function call(base: string, credentials: Credentials, raw: Raw): Promise<RawResponse> {
    const host = new URL(base).host;
    const body = raw.body ?? '';
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host, ...raw.headers }, body }, credentials, { region: 'us-east-1', service: 'logs', date: new Date() });
    return sendRaw(base, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body });
  }
  const json = (operation: string, body: unknown): Raw => ({ headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` }, body: JSON.stringify(body) });
  const tessera = (credentials: Credentials, operation: string, body: unknown) => call(env.server.url, credentials, json(operation, body));
  /** moto itself, in an account: what is really there. */
  const moto = (inAccount: string, operation: string, body: unknown) => call(env.moto.url, upstreamCredentials, { ...json(operation, body), headers: { ...json(operation, body).headers, 'x-moto-account-id': inAccount } });
  const ok = (answer: RawResponse) => assert.ok(answer.status >= 200 && answer.status < 300, `${answer.status} ${answer.body}`);
  const errorCode = (answer: RawResponse) => (answer.headers['x-amzn-errortype'] as string | undefined)?.split(':')[0] ?? (JSON.parse(answer.body) as { __type?: string }).__type;
  const messages = (answer: RawResponse) => (JSON.parse(answer.body) as { events: { message: string }[] }).events.map((event) => event.message);
  const arnOf = (name: string, inAccount = account) => `arn:aws:logs:us-east-1:${inAccount}:log-group:${name}`;

  async function group(inAccount: string, name: string, message: string): Promise<void> {
    ok(await moto(inAccount, 'CreateLogGroup', { logGroupName: name }));
    ok(await moto(inAccount, 'CreateLogStream', { logGroupName: name, logStreamName: 's' }));
    ok(await moto(inAccount, 'PutLogEvents', { logGroupName: name, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message }] }));
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    other = (await env.account()).accountId;
    // `z` is created after `a`: moto's own identifier lookup ends on it whatever the identifier names.
    await group(account, 'a', 'event of a');
    await group(account, 'z', 'event of z');
    await group(other, 'a', 'event of the other account\'s a');
    reader = await env.user('logs-a-reader', [allow(['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:DescribeLogStreams'], `${arnOf('a')}:*`)]);
  });
  after(() => env?.stop());

  test('GetLogEvents by identifier — a name, an ARN, an ARN with :* — reads that group\'s events (not the newest group\'s)', async () => {
    for (const identifier of ['a', arnOf('a'), `${arnOf('a')}:*`]) {
      const answer = await tessera(reader, 'GetLogEvents', { logGroupIdentifier: identifier, logStreamName: 's', startFromHead: true });
      ok(answer);
      assert.deepEqual(messages(answer), ['event of a'], identifier);
    }
  });

  test('FilterLogEvents and DescribeLogStreams by identifier read that group', async () => {
    for (const identifier of ['a', arnOf('a')]) {
      const filtered = await tessera(reader, 'FilterLogEvents', { logGroupIdentifier: identifier });
      ok(filtered);
      assert.deepEqual(messages(filtered), ['event of a'], identifier);
      const streams = await tessera(reader, 'DescribeLogStreams', { logGroupIdentifier: identifier });
      ok(streams);
      const described = (JSON.parse(streams.body) as { logStreams: { logStreamName: string; arn: string }[] }).logStreams;
      assert.deepEqual(described.map((stream) => stream.arn), [`${arnOf('a')}:log-stream:s`], identifier);
    }
  });

  test('the aws CLI\'s --log-group-identifier is served', async () => {
    const events = await env.cli(['logs', 'get-log-events', '--log-group-identifier', 'a', '--log-stream-name', 's'], reader);
    assert.equal(events.code, 0, events.stderr);
    assert.deepEqual((JSON.parse(events.stdout) as { events: { message: string }[] }).events.map((event) => event.message), ['event of a']);
    const filtered = await env.cli(['logs', 'filter-log-events', '--log-group-identifier', arnOf('a')], reader);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual((JSON.parse(filtered.stdout) as { events: { message: string }[] }).events.map((event) => event.message), ['event of a']);
  });

  test('a group the caller may not read, named by identifier, is AccessDeniedException', async () => {
    for (const identifier of ['z', arnOf('z'), `${arnOf('z')}:*`]) {
      for (const [operation, body] of [['GetLogEvents', { logGroupIdentifier: identifier, logStreamName: 's' }], ['FilterLogEvents', { logGroupIdentifier: identifier }]] as const) {
        const answer = await tessera(reader, operation, body);
        assert.equal(answer.status, 400, answer.body);
        assert.equal(errorCode(answer), 'AccessDeniedException', answer.body);
        assert.match(answer.body, new RegExp(`log-group:z:log-stream:`));
        assert.doesNotMatch(answer.body, /event of/);
      }
    }
  });

  test('logGroupName and logGroupIdentifier both: InvalidParameterException, as CloudWatch Logs answers', async () => {
    for (const [operation, body] of [
      ['GetLogEvents', { logGroupName: 'a', logGroupIdentifier: 'a', logStreamName: 's' }],
      ['GetLogEvents', { logGroupName: 'a', logGroupIdentifier: arnOf('z'), logStreamName: 's' }],
      ['FilterLogEvents', { logGroupName: 'a', logGroupIdentifier: arnOf('a') }],
    ] as const) {
      const answer = await tessera(reader, operation, body);
      assert.equal(answer.status, 400, answer.body);
      assert.equal(errorCode(answer), 'InvalidParameterException', answer.body);
      assert.match(answer.body, /logGroupIdentifier or logGroupName, but not both/);
      assert.doesNotMatch(answer.body, /event of/);
    }
  });

  test('a log group ARN of another account (or region) is refused as before, never read as a name in the caller\'s account', async () => {
    const wide = await env.user('logs-wide-reader', [allow(['logs:GetLogEvents', 'logs:FilterLogEvents'], 'arn:aws:logs:*:*:log-group:*')]);
    for (const identifier of [arnOf('a', other), `${arnOf('a', other)}:*`, arnOf('a').replace('us-east-1', 'eu-west-1')]) {
      for (const [operation, body] of [['GetLogEvents', { logGroupIdentifier: identifier, logStreamName: 's' }], ['FilterLogEvents', { logGroupIdentifier: identifier }]] as const) {
        const answer = await tessera(wide, operation, body);
        assert.equal(answer.status, 400, answer.body);
        assert.equal(errorCode(answer), 'InvalidParameterException', answer.body);
        assert.match(answer.body, /logGroupIdentifier names a log group (of the account|in the region)/);
        assert.doesNotMatch(answer.body, /event of/);
      }
    }
    // Both groups named `a` are as they were, each with its own event.
    assert.deepEqual(messages(await moto(other, 'GetLogEvents', { logGroupName: 'a', logStreamName: 's' })), ['event of the other account\'s a']);
    assert.deepEqual(messages(await moto(account, 'GetLogEvents', { logGroupName: 'a', logStreamName: 's' })), ['event of a']);
  });
});
