import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw, type RawResponse } from '../support/raw-request.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * CloudWatch Logs Insights through the gateway: GetQueryResults names only its query and is
 * authorized on the log groups the query read, which the gateway remembered when StartQuery
 * passed through it (src/server/gateway/logs-queries.ts). Against moto_server, with the aws CLI
 * and signed JSON requests.
 */
describe('CloudWatch Logs Insights queries through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let querier: Credentials;
  let halfReader: Credentials;
  let starterOnly: Credentials;
  let otherAccount: Credentials & { accountId: string };
  const upstreamCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const arnOf = (name: string) => `arn:aws:logs:us-east-1:${account}:log-group:${name}`;

  async function call(base: string, credentials: Credentials, operation: string, body: unknown, extra: Record<string, string> = {}): Promise<RawResponse> {
    const host = new URL(base).host;
    const text = JSON.stringify(body);
    const headers = { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}`, ...extra };
    const signed = signRequest({ method: 'POST', path: '/', query: '', headers, body: text }, credentials, { region: 'us-east-1', service: 'logs', date: new Date() });
    return sendRaw(base, { method: 'POST', path: '/', query: '', headers: signed.headers as Record<string, string>, body: text });
  }
  const tessera = (credentials: Credentials, operation: string, body: unknown) => call(env.server.url, credentials, operation, body);
  const moto = (operation: string, body: unknown) => call(env.moto.url, upstreamCredentials, operation, body, { 'x-moto-account-id': account });
  const ok = (answer: RawResponse) => assert.ok(answer.status >= 200 && answer.status < 300, `${answer.status} ${answer.body}`);
  const errorOf = (answer: RawResponse) => JSON.parse(answer.body) as { __type?: string; message?: string; Message?: string };
  const messageOf = (answer: RawResponse) => { const e = errorOf(answer); return e.message ?? e.Message ?? ''; };
  const window = () => ({ startTime: Math.floor(Date.now() / 1000) - 3600, endTime: Math.floor(Date.now() / 1000) + 60 });
  const start = async (credentials: Credentials, groups: string[]) => {
    const answer = await tessera(credentials, 'StartQuery', { logGroupNames: groups, queryString: 'fields @message', ...window() });
    ok(answer);
    return (JSON.parse(answer.body) as { queryId: string }).queryId;
  };

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    for (const name of ['a', 'b']) {
      ok(await moto('CreateLogGroup', { logGroupName: name }));
      ok(await moto('CreateLogStream', { logGroupName: name, logStreamName: 's' }));
      ok(await moto('PutLogEvents', { logGroupName: name, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: `event of ${name}` }] }));
    }
    querier = await env.user('insights-querier', [allow(['logs:StartQuery', 'logs:GetQueryResults'], [`${arnOf('a')}:*`, `${arnOf('b')}:*`])]);
    // May start queries on both groups, read results of a only.
    halfReader = await env.user('insights-half-reader', [allow('logs:StartQuery', [`${arnOf('a')}:*`, `${arnOf('b')}:*`]), allow('logs:GetQueryResults', `${arnOf('a')}:*`)]);
    starterOnly = await env.user('insights-starter-only', [allow('logs:StartQuery', '*')]);
    otherAccount = await env.account();
  });
  after(() => env?.stop());

  test('the aws CLI: start-query, then get-query-results of that query, through the gateway', async () => {
    const started = await env.cli(['logs', 'start-query', '--log-group-names', 'a', 'b', '--query-string', 'fields @message', '--start-time', String(window().startTime), '--end-time', String(window().endTime)], querier);
    assert.equal(started.code, 0, started.stderr);
    const queryId = (JSON.parse(started.stdout) as { queryId: string }).queryId;
    assert.ok(queryId);
    const results = await env.cli(['logs', 'get-query-results', '--query-id', queryId], querier);
    assert.equal(results.code, 0, results.stderr);
    const answer = JSON.parse(results.stdout) as { status: string; results: { field: string; value: string }[][] };
    assert.ok(typeof answer.status === 'string' && answer.status !== '', results.stdout);
    const messages = answer.results.flat().filter((field) => field.field === '@message').map((field) => field.value).sort();
    assert.deepEqual(messages, ['event of a', 'event of b']);
  });

  test('GetQueryResults is decided on every group the query read: one the caller may not read refuses it, naming that group', async () => {
    const both = await start(halfReader, ['a', 'b']);
    const refused = await tessera(halfReader, 'GetQueryResults', { queryId: both });
    assert.equal(refused.status, 400, refused.body);
    assert.equal(errorOf(refused).__type, 'AccessDeniedException');
    assert.match(messageOf(refused), /not authorized to perform: logs:GetQueryResults on resource: arn:aws:logs:us-east-1:\d{12}:log-group:b:log-stream:/);
    const onlyA = await start(halfReader, ['a']);
    ok(await tessera(halfReader, 'GetQueryResults', { queryId: onlyA }));
  });

  test('a caller who may start queries but not read their results is refused the results of its own query', async () => {
    const queryId = await start(starterOnly, ['a']);
    const refused = await tessera(starterOnly, 'GetQueryResults', { queryId });
    assert.equal(errorOf(refused).__type, 'AccessDeniedException', refused.body);
    assert.match(messageOf(refused), /logs:GetQueryResults on resource: arn:aws:logs:us-east-1:\d{12}:log-group:a:log-stream:/);
  });

  test('another identity of the account with the right to read the groups reads a query the first started; one without it is refused', async () => {
    const queryId = await start(starterOnly, ['b']);
    ok(await tessera(querier, 'GetQueryResults', { queryId }));
    const refused = await tessera(halfReader, 'GetQueryResults', { queryId });
    assert.equal(errorOf(refused).__type, 'AccessDeniedException', refused.body);
  });

  test('a query the gateway did not see start (started directly upstream, or an unknown id) is refused, never forwarded undecided', async () => {
    const direct = await moto('StartQuery', { logGroupName: 'a', queryString: 'fields @message', ...window() });
    ok(direct);
    const directId = (JSON.parse(direct.body) as { queryId: string }).queryId;
    for (const queryId of [directId, '00000000-0000-0000-0000-000000000000']) {
      const refused = await tessera(querier, 'GetQueryResults', { queryId });
      assert.equal(refused.status, 501, refused.body);
      assert.match(messageOf(refused), /GetQueryResults is not forwarded: the query was not started through this gateway in the last 7 days/);
    }
  });

  test('another account cannot read a query by its id: the query is known only to the account that started it', async () => {
    const queryId = await start(querier, ['a']);
    // The other account's root user: every action on its own account's resources.
    const refused = await tessera(otherAccount, 'GetQueryResults', { queryId });
    assert.equal(refused.status, 501, refused.body);
    assert.match(messageOf(refused), /not started through this gateway/);
  });
});
