import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { runStoreContract } from './contract.ts';
import { entityListQuery, linkListQuery, type SqlQuery } from './list-queries.ts';
import { loadMigrations, migration } from './migrations.ts';
import { READ_BUSY_TIMEOUT_MS } from './sqlite-lock.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshFile = () => join(dir, `store-${++files}.db`);

runStoreContract('sqlite file', () => openSqliteStore(freshFile()));
runStoreContract('sqlite :memory:', () => openSqliteStore(':memory:'));

const ACCOUNT = '111122223333';

describe('SQLite specifics', () => {
  test('a file store runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout', async () => {
    const store = await openSqliteStore(freshFile());
    try {
      assert.deepEqual(await store.settings(), { journalMode: 'wal', synchronous: 'full', foreignKeys: true, busyTimeoutMs: READ_BUSY_TIMEOUT_MS });
    } finally {
      await store.close();
    }
  });

  test('reopening applies nothing twice; an edited migration is refused', async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    await (await openSqliteStore(file)).close();
    const shipped = await loadMigrations('sqlite');
    assert.deepEqual(appliedVersions(file), shipped.map((m) => m.version));
    const edited = shipped.map((m) => migration(m.version, m.name, `${m.sql}\n-- edited`));
    await assert.rejects(openSqliteStore(file, { migrations: edited }), /changed after it was applied/);
  });

  test('a failing migration leaves no trace and is applied once fixed', async () => {
    const file = freshFile();
    const shipped = await loadMigrations('sqlite');
    // The next version after the shipped ones.
    const next = shipped.length + 1;
    const shippedVersions = shipped.map((m) => m.version);
    const broken = migration(next, 'extra', 'CREATE TABLE extra (x INTEGER); INSERT INTO no_such_table VALUES (1);');
    await assert.rejects(openSqliteStore(file, { migrations: [...shipped, broken] }), /no_such_table/);
    assert.deepEqual(appliedVersions(file), shippedVersions);
    assert.equal(tableExists(file, 'extra'), false, 'the failed migration’s CREATE TABLE was rolled back');
    const fixed = migration(next, 'extra', 'CREATE TABLE extra (x INTEGER);');
    await (await openSqliteStore(file, { migrations: [...shipped, fixed] })).close();
    assert.deepEqual(appliedVersions(file), [...shippedVersions, next]);
    assert.equal(tableExists(file, 'extra'), true);
  });

  test('two connections to one file (as two processes would) lose no update', async () => {
    const file = freshFile();
    const [a, b] = [await openSqliteStore(file), await openSqliteStore(file)];
    try {
      await a.insert({ accountId: ACCOUNT, kind: 'counter', id: 'C', name: 'c', parentId: '', path: '/', data: { n: 0 }, createdAt: 't' });
      const increment = (store: typeof a) =>
        store.transaction(async (tx) => {
          const counter = await tx.get<{ n: number }>('counter', 'C');
          await new Promise((resolve) => setImmediate(resolve));
          await tx.update({ ...counter!, data: { n: counter!.data.n + 1 } });
        });
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
      assert.equal((await b.get<{ n: number }>('counter', 'C'))?.data.n, 40);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('keyset pages are served from an index in order: page 1,000 of 100,000 costs what page 1 does', async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const db = new DatabaseSync(file);
    try {
      db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
        INSERT INTO entities (kind, id, account_id, parent_id, name, name_key, path, data, created_at, version)
        SELECT 'user', printf('AIDA%06d', i), '${ACCOUNT}', '', printf('User-%06d', i), printf('user-%06d', i),
               '/', '{}', '2024-01-01T00:00:00Z', 1 FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
        INSERT INTO links (kind, from_id, to_id, account_id) SELECT 'member', 'G1', printf('AIDA%06d', i), '${ACCOUNT}' FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
        INSERT INTO links (kind, from_id, to_id, account_id) SELECT 'member', printf('G%06d', i), 'U1', '${ACCOUNT}' FROM n;
        ANALYZE;`);
      const deep = 'user-099900';
      const cases: [string, SqlQuery, RegExp][] = [
        ['one parent', entityListQuery('sqlite', ACCOUNT, 'user', { parentId: '', after: deep, limit: 101 }), /INDEX entities_by_parent_name/],
        ['any parent', entityListQuery('sqlite', ACCOUNT, 'user', { after: deep, limit: 101 }), /INDEX entities_by_name/],
        ['with a path prefix', entityListQuery('sqlite', ACCOUNT, 'user', { parentId: '', pathPrefix: '/', after: deep, limit: 101 }), /INDEX entities_by_parent_name/],
        ['links from', linkListQuery('sqlite', 'from', 'member', 'G1', { after: 'AIDA099900', limit: 101 }), /PRIMARY KEY|sqlite_autoindex_links/],
        ['links to', linkListQuery('sqlite', 'to', 'member', 'U1', { after: 'G099900', limit: 101 }), /INDEX links_by_to/],
      ];
      for (const [label, query, index] of cases) {
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${query.text}`)
          .all(...query.values)
          .map((row) => String(row.detail))
          .join('; ');
        assert.match(plan, /^SEARCH /, `${label}: ${plan}`);
        assert.match(plan, index, `${label}: ${plan}`);
        assert.doesNotMatch(plan, /TEMP B-TREE/, `${label} must not sort: ${plan}`);
        assert.equal(db.prepare(query.text).all(...query.values).length, 100, label);
      }
    } finally {
      db.close();
    }
  });
});

function appliedVersions(file: string): number[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => Number(row.version));
  } finally {
    db.close();
  }
}

function tableExists(file: string, name: string): boolean {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
  } finally {
    db.close();
  }
}
