import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../store/open-store.ts';
import type { EntityRecord, Store, StoreTx } from '../../store/types.ts';
import { commitOnStableSnapshot } from './stable-snapshot.ts';

async function counterStore(): Promise<Store> {
  const store = await openStore('sqlite::memory:');
  await store.transaction((tx) => tx.insert({ accountId: 'a', kind: 'counter', id: 'c', name: 'c', parentId: '', path: '/', data: { n: 0 }, createdAt: '2024-01-01T00:00:00Z' }));
  return store;
}

const read = async (tx: StoreTx) => (await tx.get<{ n: number }>('counter', 'c'))!;

test('commits what was prepared when nothing changed meanwhile', async () => {
  const store = await counterStore();
  let prepared = 0;
  const result = await commitOnStableSnapshot(store, {
    read,
    fingerprint: (r: EntityRecord<{ n: number }>) => String(r.version),
    prepare: async (r) => (prepared++, r.data.n + 1),
    commit: async (tx, r, next) => (await tx.update({ ...r, data: { n: next } })).data.n,
  });
  assert.equal(result, 1);
  assert.equal(prepared, 1);
  await store.close();
});

test('starts over when another write lands between prepare and commit, and never loses it', async () => {
  const store = await counterStore();
  let prepared = 0;
  const result = await commitOnStableSnapshot(store, {
    read,
    fingerprint: (r: EntityRecord<{ n: number }>) => String(r.version),
    async prepare(r) {
      prepared++;
      // Two concurrent increments sneak in while the (slow) preparation runs.
      if (prepared <= 2) await store.transaction(async (tx) => { const cur = await read(tx); await tx.update({ ...cur, data: { n: cur.data.n + 10 } }); });
      return r.data.n + 1;
    },
    commit: async (tx, r, next) => (await tx.update({ ...r, data: { n: next } })).data.n,
  });
  assert.equal(prepared, 3);
  assert.equal(result, 21, 'built on the state that includes both concurrent writes');
  await store.close();
});

test('after losing every optimistic round, the last attempt runs inside one transaction', async () => {
  const store = await counterStore();
  let prepared = 0;
  const result = await commitOnStableSnapshot(store, {
    read,
    fingerprint: (r: EntityRecord<{ n: number }>) => String(r.version),
    async prepare(r) {
      prepared++;
      // Every optimistic round is overtaken; the fifth preparation runs inside the transaction.
      if (prepared <= 4) await store.transaction(async (tx) => { const cur = await read(tx); await tx.update({ ...cur, data: { n: cur.data.n + 1 } }); });
      return r.data.n * 100;
    },
    commit: async (tx, r, next) => (await tx.update({ ...r, data: { n: next } })).data.n,
  });
  assert.equal(prepared, 5, 'four optimistic rounds, then one inside the transaction');
  assert.equal(result, 400);
  await store.close();
});
