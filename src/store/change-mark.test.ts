import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openSqliteStore } from './sqlite-store.ts';
import { ReadMirror } from './read-mirror.ts';
import type { NewEntity } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-mark-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(dir, `store-${++files}.db`);

const entity = (id: string, n: number): NewEntity<{ n: number }> =>
  ({ accountId: '111122223333', kind: 'thing', id, name: id, parentId: '', path: '/', data: { n }, createdAt: '2025-01-01T00:00:00Z' });

describe('SQLite change mark', () => {
  for (const [where, path] of [['a file', freshFile], ['memory (no other connection: data_version is never read)', () => ':memory:']] as const) test(`moves on this connection's commits that change rows, not on reads, read-only transactions or audit appends (${where})`, async () => {
    const store = await openSqliteStore(path());
    try {
      const m0 = store.changeMark();
      assert.equal(store.changeMark(), m0, 'nothing happened');
      await store.get('thing', 'a');
      await store.transaction(async (tx) => tx.get('thing', 'a'));
      await store.appendAudit([{ time: '2025-01-01T00:00:00Z', requestId: 'r', accountId: '', data: {} }]);
      assert.equal(store.changeMark(), m0, 'reads, a read-only transaction and an audit append');
      await store.insert(entity('a', 1));
      const m1 = store.changeMark();
      assert.notEqual(m1, m0, 'an insert');
      const a = (await store.get<{ n: number }>('thing', 'a'))!;
      await store.update({ ...a, data: { n: 2 } });
      assert.notEqual(store.changeMark(), m1, 'an update');
      const m2 = store.changeMark();
      await assert.rejects(store.transaction(async (tx) => {
        await tx.insert(entity('b', 1));
        throw new Error('rolled back');
      }));
      assert.equal(store.changeMark(), m2, 'a rolled-back transaction changed nothing');
    } finally {
      await store.close();
    }
    assert.equal(store.changeMark(), undefined, 'a closed store tells nothing');
  });

  test('moves when another connection to the same file commits (another process, as SQLite sees it)', async () => {
    const file = freshFile();
    const one = await openSqliteStore(file);
    const two = await openSqliteStore(file);
    try {
      await one.insert(entity('a', 1));
      const before = one.changeMark();
      const seenByTwo = two.changeMark();
      await two.insert(entity('b', 1));
      assert.notEqual(one.changeMark(), before, 'the other connection\'s commit is seen');
      const settled = one.changeMark();
      assert.equal(one.changeMark(), settled, 'and only once');
      await one.appendAudit([{ time: '2025-01-01T00:00:00Z', requestId: 'r', accountId: '', data: {} }]);
      // An audit append by one connection may move the other's mark (data_version cannot tell
      // tables apart): harmless, a reread. What matters is that a real change always moves it.
      assert.notEqual(two.changeMark(), seenByTwo);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('ReadMirror', () => {
  test('reuses a value while the mark holds, reads again once it moves, and never keeps what a moved mark may have changed', async () => {
    let mark: number | undefined = 1;
    let value = 10;
    let reads = 0;
    const mirror = new ReadMirror<number>({ changeMark: () => mark });
    const load = async () => {
      reads++;
      return value;
    };
    assert.equal(await mirror.read('k', load), 10);
    assert.equal(await mirror.read('k', load), 10);
    assert.equal(reads, 1, 'the second read came from the mirror');
    value = 11;
    mark = 2;
    assert.equal(await mirror.read('k', load), 11);
    assert.equal(reads, 2);
    // A write that commits while a read is in flight: the value read is kept under the mark
    // taken before the read, so the next call reads again.
    const slow = mirror.read('k2', async () => {
      reads++;
      mark = 3;
      return value;
    });
    assert.equal(await slow, 11);
    value = 12;
    assert.equal(await mirror.read('k2', load), 12, 'read again: the mark moved during the first read');
    mark = undefined;
    const before = reads;
    await mirror.read('k', load);
    await mirror.read('k', load);
    assert.equal(reads, before + 2, 'a store that cannot tell is read every time');
  });

  test('is bounded', async () => {
    const mirror = new ReadMirror<number>({ changeMark: () => 1 }, 2);
    let reads = 0;
    const load = async () => ++reads;
    await mirror.read('a', load);
    await mirror.read('b', load);
    await mirror.read('c', load);
    await mirror.read('a', load);
    assert.equal(reads, 4, 'the oldest entry was dropped');
  });
});
