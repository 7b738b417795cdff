import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../../store/open-store.ts';
import { createRequestMapper } from '../../gateway/index.ts';
import { QUERY_RESULTS_KEPT_MS, queryIdOf, startedQueryGroups, storeLogsQueries } from './logs-queries.ts';

const A = '111111111111';
const B = '222222222222';
const group = (name: string, account = A) => `arn:aws:logs:us-east-1:${account}:log-group:${name}`;

test('a query\'s groups are kept per account and region, once, for 7 days', async () => {
  const store = await openStore('sqlite::memory:');
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const queries = storeLogsQueries(store, () => new Date(now));
  await queries.remember(A, 'us-east-1', 'q1', [group('a'), group('b')]);
  // The first answer stands: a repeat does not replace it.
  await queries.remember(A, 'us-east-1', 'q1', [group('c')]);
  assert.deepEqual(await queries.groups(A, 'us-east-1', 'q1'), [group('a'), group('b')]);
  assert.equal(await queries.groups(B, 'us-east-1', 'q1'), undefined, 'another account does not know it');
  assert.equal(await queries.groups(A, 'eu-west-1', 'q1'), undefined, 'nor another region');
  assert.equal(await queries.groups(A, 'us-east-1', 'q2'), undefined);
  now += QUERY_RESULTS_KEPT_MS - 1;
  assert.deepEqual(await queries.groups(A, 'us-east-1', 'q1'), [group('a'), group('b')]);
  now += 1;
  assert.equal(await queries.groups(A, 'us-east-1', 'q1'), undefined, 'expired after 7 days');
  await store.close();
});

test('remembering a query forgets expired ones, oldest first, a bounded number at a time', async () => {
  const store = await openStore('sqlite::memory:');
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const queries = storeLogsQueries(store, () => new Date(now));
  for (let i = 0; i < 40; i++) {
    await queries.remember(A, 'us-east-1', `old-${String(i).padStart(2, '0')}`, [group('a')]);
    now += 1000;
  }
  const count = async () => (await store.scan('gateway-logs-query', { limit: 1000 })).length;
  assert.equal(await count(), 40);
  now += QUERY_RESULTS_KEPT_MS;
  await queries.remember(A, 'us-east-1', 'new-1', [group('a')]);
  assert.equal(await count(), 41 - 16, 'at most 16 expired ones go per remembered query');
  await queries.remember(A, 'us-east-1', 'new-2', [group('a')]);
  await queries.remember(A, 'us-east-1', 'new-3', [group('a')]);
  const left = await store.scan<{ groups: string[] }>('gateway-logs-query', { limit: 1000 });
  assert.deepEqual(left.map((record) => record.name).sort(), ['us-east-1/new-1', 'us-east-1/new-2', 'us-east-1/new-3']);
  await store.close();
});

test('the queryId of a StartQuery answer', () => {
  assert.equal(queryIdOf(Buffer.from('{"queryId": "f47c45d8-edc0-1ef6-beb4-72e45f2b4b0a"}')), 'f47c45d8-edc0-1ef6-beb4-72e45f2b4b0a');
  assert.equal(queryIdOf(Buffer.from('{"queryId": ""}')), undefined);
  assert.equal(queryIdOf(Buffer.from('{"queryId": 5}')), undefined);
  assert.equal(queryIdOf(Buffer.from('not json')), undefined);
  assert.equal(queryIdOf(Buffer.from('null')), undefined);
  assert.equal(queryIdOf(undefined), undefined);
});

test('the groups of a StartQuery are those its checks named, without CloudWatch Logs\' :log-stream: suffix, each once', () => {
  assert.deepEqual(startedQueryGroups([
    { action: 'logs:StartQuery', resource: `${group('a')}:log-stream:` },
    { action: 'logs:StartQuery', resource: `${group('b', B)}:log-stream:` },
    { action: 'logs:StartQuery', resource: `${group('a')}:log-stream:` },
    { action: 'iam:PassRole', resource: 'arn:aws:iam::111111111111:role/r' },
  ]), [group('a'), group('b', B)]);
});

test('GetQueryResults maps to logs:GetQueryResults on each remembered group; without them it is refused', async () => {
  const mapper = await createRequestMapper();
  const request = (queryLogGroups?: string[]) => mapper.mapRequest({
    service: 'logs', method: 'POST', path: '/', query: '', headers: { 'x-amz-target': 'Logs_20140328.GetQueryResults', 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from('{"queryId":"q1"}'), region: 'us-east-1', ownerAccountId: A, requestAccountId: A, ...(queryLogGroups ? { queryLogGroups } : {}),
  });
  const mapped = request([group('a'), group('b')]);
  assert.equal(mapped.kind, 'mapped');
  if (mapped.kind !== 'mapped') return;
  assert.deepEqual(mapped.targets.map((target) => [target.action, target.resource]), [
    ['logs:GetQueryResults', `${group('a')}:log-stream:`],
    ['logs:GetQueryResults', `${group('b')}:log-stream:`],
  ]);
  // The groups' tags are read, as for StartQuery (aws:ResourceTag/…).
  assert.deepEqual(mapped.lookups.map((lookup) => lookup.kind), ['resource-tags', 'resource-tags']);
  for (const groups of [undefined, []]) {
    const refused = request(groups);
    assert.equal(refused.kind, 'unmapped');
    if (refused.kind === 'unmapped') {
      assert.equal(refused.reason, 'refused-operation');
      assert.match(refused.message, /not started through this gateway in the last 7 days/);
    }
  }
});
