import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { startMoto, type MotoServer } from '../support/moto-server.ts';
import { signedJson } from '../support/raw-request.ts';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';

/**
 * PostgreSQL-only defects found by running the gateway / CloudTrail / simulator / sweep suites
 * with TESSERA_TEST_STORE=postgres. Each scenario runs the same calls against a SQLite server
 * and a PostgreSQL server (its own throwaway cluster, so this file does not depend on that
 * variable) and holds both to the same rule.
 */

const pgBin = findPostgresBinDir();

describe('PostgreSQL store: behaviour the SQLite store has', { skip: pgBin === undefined && 'PostgreSQL binaries (initdb, pg_ctl) are not installed' }, () => {
  let cluster: PostgresCluster | undefined;
  let moto: MotoServer | undefined;
  let sqliteDir: string | undefined;
  const servers = new Map<'sqlite' | 'postgres', TestServer>();

  before(async () => {
    cluster = await startPostgresCluster();
    moto = await startMoto();
    const gateway = { ...parseUpstreams([moto.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'enforce' as const };
    // An explicit SQLite file, so TESSERA_TEST_STORE=postgres cannot turn this one into PostgreSQL too.
    sqliteDir = await mkdtemp(join(tmpdir(), 'tessera-pg-coverage-'));
    servers.set('sqlite', await startTestServer({ gateway, store: `sqlite:${join(sqliteDir, 'tessera.db')}` }));
    servers.set('postgres', await startTestServer({ gateway, store: await cluster.createDatabase('coverage_sweep') }));
  });

  after(async () => {
    for (const server of servers.values()) await server.stop();
    await moto?.stop();
    await cluster?.stop();
    if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
  });

  /** SSM GetParameter through the gateway, as the account's root; the gateway records `name` in requestParameters. */
  const getParameter = (server: TestServer, name: string) => signedJson(server.url, server.root, 'AmazonSSM.GetParameter', { Name: name }, { service: 'ssm' });

  /** The `name` request parameter of every GetParameter event the server holds. */
  const recordedNames = async (server: TestServer): Promise<string[]> => {
    const events = await server.tessera.deps.store.listAudit({ accountId: server.accountId, limit: 500 });
    return events.flatMap((event) => {
      const record = (event.data as { record?: { eventName?: string; requestParameters?: { name?: unknown } } }).record;
      return record?.eventName === 'GetParameter' && typeof record.requestParameters?.name === 'string' ? [record.requestParameters.name] : [];
    });
  };

  for (const store of ['sqlite', 'postgres'] as const) {
    test(`${store}: a lone surrogate in a recorded request parameter loses no event — neither its own nor those written with it`, async () => {
      const server = servers.get(store)!;
      const prefix = `/${store}-${Date.now()}`;
      // JSON.stringify writes the lone surrogate as the escape "\ud800" (valid JSON; JSON.parse
      // gives it back). moto answers ParameterNotFound for every name: the calls are answered.
      // The innocent calls finish in the same turn of the event loop as the hostile one, so the
      // audit sink's group commit writes their events in the same batch.
      const answers = await Promise.all([
        getParameter(server, `${prefix}/lone-\ud800`),
        ...Array.from({ length: 8 }, (_, i) => getParameter(server, `${prefix}/innocent-${i}`)),
      ]);
      for (const answer of answers) {
        assert.equal(answer.status, 400, answer.body);
        assert.match(answer.body, /ParameterNotFound/);
      }
      // README "What is never lost": an answered request is in the audit log. A forwarded
      // call's event is committed just after its answer streamed (gateway-request.ts): wait for
      // the writes in flight.
      await server.tessera.deps.audit.flush();
      const names = (await recordedNames(server)).filter((name) => name.startsWith(prefix));
      const innocent = names.filter((name) => name.includes('/innocent-')).sort();
      assert.deepEqual(innocent, Array.from({ length: 8 }, (_, i) => `${prefix}/innocent-${i}`), 'another caller\'s lone surrogate must not erase these events');
      assert.equal(names.filter((name) => name.startsWith(`${prefix}/lone-`)).length, 1, 'the call with the lone surrogate was answered, so its event is in the log');
    });
  }
});
