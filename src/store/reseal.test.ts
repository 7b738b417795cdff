import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { findPostgresBinDir, startPostgresCluster } from '../../test/support/postgres-cluster.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { censusOfSealed, resealAll, type SealedField } from './reseal.ts';
import { createSecretBox, masterKeyId } from './secret-box.ts';
import type { Store } from './types.ts';

const OLD = createSecretKey(randomBytes(32));
const NEW = createSecretKey(randomBytes(32));
const oldBox = createSecretBox(OLD);
const rotating = createSecretBox(NEW, { retiredKeys: [OLD] });
const newOnly = createSecretBox(NEW);

/** A test kind with one sealed field, its context the record id (as access keys do). */
const FIELD: SealedField = {
  kind: 'thing',
  map: (record, each) => ({ ...(record.data as object), sealed: each({ sealed: (record.data as { sealed: string }).sealed, context: record.id }) }),
};

async function fill(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `T${String(i).padStart(3, '0')}`;
    await store.insert({ accountId: i % 2 ? '111122223333' : '444455556666', kind: 'thing', id, name: id, parentId: '', path: '/', data: { sealed: oldBox.seal(`secret-${i}`, id), n: i }, createdAt: '2024-01-01T00:00:00Z' });
  }
}

async function sealedValues(store: Store): Promise<{ id: string; sealed: string; n: number }[]> {
  return (await store.scan<{ sealed: string; n: number }>('thing', { limit: 1000 })).map((r) => ({ id: r.id, ...r.data }));
}

function suite(name: string, makeStore: () => Promise<Store>): void {
  describe(`re-sealing every secret: ${name}`, () => {
    test('a walk stopped between batches leaves every value openable; running it again finishes it', async () => {
      const store = await makeStore();
      try {
        await fill(store, 25);
        let batches = 0;
        await assert.rejects(
          resealAll(store, [FIELD], rotating, { batchSize: 10, afterBatch: () => { if (++batches === 1) throw new Error('crash'); } }),
          /crash/,
        );
        const midway = await censusOfSealed(store, [FIELD]);
        assert.deepEqual(midway.byKeyId, { [masterKeyId(NEW)]: 10, [masterKeyId(OLD)]: 15 });
        for (const value of await sealedValues(store)) assert.equal(rotating.open(value.sealed, value.id), `secret-${value.n}`);

        const report = await resealAll(store, [FIELD], rotating, { batchSize: 10 });
        assert.equal(report.records, 25);
        assert.equal(report.resealed, 15, 'only what was left');
        assert.deepEqual(report.failed, []);
        assert.deepEqual((await censusOfSealed(store, [FIELD])).byKeyId, { [masterKeyId(NEW)]: 25 });
        for (const value of await sealedValues(store)) {
          assert.equal(newOnly.open(value.sealed, value.id), `secret-${value.n}`);
          assert.throws(() => oldBox.open(value.sealed, value.id), /does not have/);
        }
        assert.equal((await resealAll(store, [FIELD], rotating)).resealed, 0, 'idempotent');
      } finally {
        await store.close();
      }
    });

    test('a damaged or foreign value is reported, the rest are re-sealed, the damaged one is left alone', async () => {
      const store = await makeStore();
      try {
        await fill(store, 3);
        const t1 = (await store.get<{ sealed: string; n: number }>('thing', 'T001'))!;
        const foreign = createSecretBox(createSecretKey(randomBytes(32))).seal('x', 'T001');
        await store.update({ ...t1, data: { ...t1.data, sealed: foreign } });
        const t2 = (await store.get<{ sealed: string; n: number }>('thing', 'T002'))!;
        await store.update({ ...t2, data: { ...t2.data, sealed: 'v1.not-sealed' } });
        const report = await resealAll(store, [FIELD], rotating, { batchSize: 2 });
        assert.equal(report.resealed, 1);
        assert.deepEqual(report.failed.map((f) => [f.id, f.reason.split(':')[0]]), [['T001', 'ERR_SECRET_BOX_UNKNOWN_KEY'], ['T002', 'ERR_SECRET_BOX_FORMAT']]);
        assert.equal((await store.get<{ sealed: string }>('thing', 'T001'))!.data.sealed, foreign);
        const census = await censusOfSealed(store, [FIELD]);
        assert.deepEqual(census.malformed.map((m) => m.id), ['T002']);
        assert.equal(census.byKeyId[masterKeyId(NEW)], 1);
      } finally {
        await store.close();
      }
    });
  });
}

suite('SQLite', () => openSqliteStore(':memory:'));

if (findPostgresBinDir()) {
  const cluster = await startPostgresCluster();
  after(() => cluster.stop());
  let n = 0;
  suite('PostgreSQL', async () => openPostgresStore(await cluster.createDatabase(`reseal_${++n}`)));
}
