import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../../test/support/postgres-cluster.ts';
import { runStoreContract } from './contract.ts';
import { entityListQuery, linkListQuery, type SqlQuery } from './list-queries.ts';
import { loadMigrations, migration } from './migrations.ts';
import { openStore } from './open-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { StoreConflictError, type NewEntity } from './types.ts';

const ACCOUNT = '111122223333';

if (!findPostgresBinDir()) {
  test('PostgreSQL store', (t) => {
    t.skip('PostgreSQL is not installed (no initdb/pg_ctl in PATH or /usr/lib/postgresql/*/bin)');
  });
} else {
  // One throwaway cluster for the whole file; tests that change the schema get their own database.
  const cluster = await startPostgresCluster();
  after(() => cluster.stop());
  runStoreContract('postgres', () => openPostgresStore(cluster.url));
  postgresSpecifics(cluster);
}

function postgresSpecifics(cluster: PostgresCluster): void {
  let databases = 0;
  const freshDatabase = () => cluster.createDatabase(`specific_${++databases}`);

  describe('PostgreSQL specifics', () => {
    test('openStore opens a migrated PostgreSQL store from a postgresql:// URL', async () => {
      const url = await freshDatabase();
      const store = await openStore(url);
      try {
        assert.equal(store.dialect, 'postgres');
        await store.insert(user('U1', 'alice'));
        assert.equal((await store.get('user', 'U1'))?.name, 'alice');
      } finally {
        await store.close();
      }
    });

    test('nodes starting at once on a fresh database apply each migration once', async () => {
      const url = await freshDatabase();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
      try {
        const shipped = await loadMigrations('postgres');
        const rows = await sql(url, 'SELECT version, checksum FROM schema_migrations ORDER BY version');
        assert.deepEqual(rows, shipped.map((m) => ({ version: m.version, checksum: m.checksum })));
        await stores[0]!.insert(user('U1', 'alice'));
        assert.equal((await stores[3]!.getByName(ACCOUNT, 'user', 'ALICE'))?.id, 'U1');
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    test('a failing migration leaves no trace and is applied once fixed; an edited one is refused', async () => {
      const url = await freshDatabase();
      const shipped = await loadMigrations('postgres');
      // The next version after the shipped ones.
      const next = shipped.length + 1;
      const shippedVersions = shipped.map((m) => ({ version: m.version }));
      const broken = migration(next, 'extra', 'CREATE TABLE extra (x int); SELECT 1 / 0;');
      await assert.rejects(openPostgresStore(url, { migrations: [...shipped, broken] }), /division by zero/);
      assert.deepEqual(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version'), shippedVersions);
      assert.deepEqual(await sql(url, "SELECT to_regclass('extra') AS t"), [{ t: null }]);
      const fixed = migration(next, 'extra', 'CREATE TABLE extra (x int);');
      await (await openPostgresStore(url, { migrations: [...shipped, fixed] })).close();
      assert.deepEqual(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version'), [...shippedVersions, { version: next }]);
      const edited = migration(next, 'extra', 'CREATE TABLE extra (x bigint);');
      await assert.rejects(openPostgresStore(url, { migrations: [...shipped, edited] }), /changed after it was applied/);
    });

    test('keyset pages walk an index in order: page 1,000 of 100,000 reads what page 1 reads', async () => {
      const url = await freshDatabase();
      await (await openPostgresStore(url)).close();
      await sql(
        url,
        `INSERT INTO entities (kind, id, account_id, parent_id, name, name_key, path, data, created_at, version)
         SELECT 'user', 'AIDA' || lpad(i::text, 6, '0'), '${ACCOUNT}', '', 'User-' || lpad(i::text, 6, '0'),
                'user-' || lpad(i::text, 6, '0'), '/', '{}', '2024-01-01T00:00:00Z', 1
         FROM generate_series(1, 100000) AS i`,
      );
      await sql(url, `INSERT INTO links (kind, from_id, to_id, account_id) SELECT 'member', 'G1', 'AIDA' || lpad(i::text, 6, '0'), '${ACCOUNT}' FROM generate_series(1, 100000) AS i`);
      await sql(url, `INSERT INTO links (kind, from_id, to_id, account_id) SELECT 'member', 'G' || lpad(i::text, 6, '0'), 'U1', '${ACCOUNT}' FROM generate_series(1, 100000) AS i`);
      await sql(url, 'ANALYZE');
      const cases: [string, (after: string | undefined) => SqlQuery, string][] = [
        ['one parent', (after) => entityListQuery('postgres', ACCOUNT, 'user', { parentId: '', ...(after ? { after } : {}), limit: 100 }), 'user-099900'],
        ['any parent', (after) => entityListQuery('postgres', ACCOUNT, 'user', { ...(after ? { after } : {}), limit: 100 }), 'user-099900'],
        ['links from', (after) => linkListQuery('postgres', 'from', 'member', 'G1', { ...(after ? { after } : {}), limit: 100 }), 'AIDA099900'],
        ['links to', (after) => linkListQuery('postgres', 'to', 'member', 'U1', { ...(after ? { after } : {}), limit: 100 }), 'G099900'],
      ];
      for (const [label, query, deepAfter] of cases) {
        const first = await explain(url, query(undefined));
        const deep = await explain(url, query(deepAfter));
        for (const [page, plan] of [['page 1', first], ['page 1,000', deep]] as const) {
          const nodes = planNodes(plan);
          assert.ok(!nodes.some((n) => /Sort/.test(String(n['Node Type']))), `${label}, ${page}: sorts\n${JSON.stringify(plan)}`);
          const scan = nodes.find((n) => /Index/.test(String(n['Node Type'])));
          assert.ok(scan, `${label}, ${page}: no index scan\n${JSON.stringify(plan)}`);
          assert.equal(scan['Actual Rows'], 100, `${label}, ${page}: the index scan stops at the page`);
          assert.equal(scan['Rows Removed by Filter'] ?? 0, 0, `${label}, ${page}: rows read and thrown away`);
        }
        const buffers = (plan: PlanNode) => Number(plan['Shared Hit Blocks'] ?? 0) + Number(plan['Shared Read Blocks'] ?? 0);
        assert.ok(buffers(deep) <= buffers(first) + 3, `${label}: page 1,000 touched ${buffers(deep)} pages, page 1 ${buffers(first)}`);
      }
    });

    test('a unique violation raised by the server (a rename racing another) is a StoreConflictError', async () => {
      const url = await freshDatabase();
      const store = await openPostgresStore(url);
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await store.insert(user('U1', 'alice'));
        const bob = await store.insert(user('U2', 'bob'));
        const carol = await store.insert(user('U3', 'carol'));
        for (const [label, rename] of [
          ['outside a transaction', () => store.update({ ...bob, name: 'Taken' })],
          ['in a transaction', () => store.transaction((tx) => tx.update({ ...carol, name: 'TAKEN' }))],
        ] as const) {
          await other.query('BEGIN');
          await other.query(`UPDATE entities SET name = 'taken', name_key = 'taken', version = version + 1 WHERE id = 'U1'`);
          // The store's write now waits on the uncommitted index entry; the clash only shows
          // once the other rename commits.
          const outcome = rename().then(
            () => 'renamed',
            (err: unknown) => err,
          );
          await waitForLockWait(url);
          await other.query('COMMIT');
          assert.ok((await outcome) instanceof StoreConflictError, `${label}: ${String(await outcome)}`);
          await other.query(`UPDATE entities SET name = 'alice', name_key = 'alice', version = version + 1 WHERE id = 'U1'`);
        }
        assert.equal((await store.get('user', 'U2'))?.name, 'bob');
        assert.equal((await store.get('user', 'U3'))?.name, 'carol');
      } finally {
        await other.end();
        await store.close();
      }
    });

    test('a serialization failure the callback swallows is still retried, not committed', async () => {
      const url = await freshDatabase();
      const store = await openPostgresStore(url);
      try {
        await store.insert(counter(0));
        const swallowed: unknown[] = [];
        let runs = 0;
        const saw = await store.transaction(async (tx) => {
          runs++;
          const c = await tx.get<{ n: number }>('counter', 'C');
          if (runs === 1) await sql(url, `UPDATE entities SET data = '{"n": 100}', version = version + 1 WHERE id = 'C'`);
          try {
            await tx.update({ ...c!, data: { n: c!.data.n + 1 } });
          } catch (err) {
            swallowed.push(err);
          }
          return c!.data.n;
        });
        assert.equal(runs, 2);
        assert.equal(saw, 100);
        assert.deepEqual(swallowed.map((e) => (e as { code?: string }).code), ['40001']);
        assert.deepEqual((await store.get('counter', 'C'))?.data, { n: 101 });
      } finally {
        await store.close();
      }
    });

    test('retries are bounded: past the last attempt the serialization failure reaches the caller', async () => {
      const url = await freshDatabase();
      const store = await openPostgresStore(url, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      try {
        await store.insert(counter(0));
        let runs = 0;
        await assert.rejects(
          store.transaction(async (tx) => {
            runs++;
            const c = await tx.get<{ n: number }>('counter', 'C');
            await sql(url, `UPDATE entities SET version = version + 1 WHERE id = 'C'`);
            await tx.update({ ...c!, data: { n: 1 } });
          }),
          (err: { code?: string }) => err.code === '40001',
        );
        assert.equal(runs, 3);
        assert.deepEqual((await store.get('counter', 'C'))?.data, { n: 0 });
      } finally {
        await store.close();
      }
    });

    test('a failed statement the callback swallows fails the transaction instead of committing part of it', async () => {
      const url = await freshDatabase();
      const store = await openPostgresStore(url);
      try {
        await sql(url, `ALTER TABLE entities ADD CONSTRAINT no_forbidden CHECK (name <> 'forbidden')`);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insert(user('U1', 'fine'));
            await assert.rejects(tx.insert(user('U2', 'forbidden')), (err: { code?: string }) => err.code === '23514');
            await assert.rejects(tx.insert(user('U3', 'later')), /earlier statement of this transaction failed/);
            return 'done';
          }),
          (err: { code?: string }) => err.code === '23514',
        );
        assert.equal(await store.count(ACCOUNT, 'user'), 0);
      } finally {
        await store.close();
      }
    });

    test('a pooled connection killed while idle is reported and replaced, not fatal', async () => {
      const url = await freshDatabase();
      const idleErrors: Error[] = [];
      const store = await openPostgresStore(url, { onIdleClientError: (err) => idleErrors.push(err) });
      try {
        await store.insert(user('U1', 'alice'));
        await sql(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tessera' AND datname = current_database()`);
        for (let i = 0; i < 100 && idleErrors.length === 0; i++) await sleep(20);
        assert.ok(idleErrors.length > 0, 'the pool reported the dead connection');
        assert.equal((await store.get('user', 'U1'))?.name, 'alice');
      } finally {
        await store.close();
      }
    });
  });
}

function user(id: string, name: string): NewEntity {
  return { accountId: ACCOUNT, kind: 'user', id, name, parentId: '', path: '/', data: {}, createdAt: '2024-01-01T00:00:00Z' };
}

function counter(n: number): NewEntity<{ n: number }> {
  return { accountId: ACCOUNT, kind: 'counter', id: 'C', name: 'c', parentId: '', path: '/', data: { n }, createdAt: '2024-01-01T00:00:00Z' };
}

/** Runs one statement on its own connection (outside any store). */
async function sql(url: string, text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

async function explain(url: string, query: SqlQuery): Promise<PlanNode> {
  const [row] = await sql(url, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`, query.values);
  return (row!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
}

function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** Resolves once a connection of the store ('tessera') is waiting on a lock. */
async function waitForLockWait(url: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const rows = await sql(url, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'tessera' AND wait_event_type = 'Lock'`);
    if (rows.length > 0) return;
    await sleep(20);
  }
  throw new Error('the store never waited on the lock');
}
