import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { auditFilePath } from './sqlite-audit-file.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { AuditEvent } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(dir, `store-${++files}.db`);

const ACCOUNT = '111122223333';

function event(n: number, accountId = ACCOUNT): AuditEvent {
  return {
    time: `2026-12-06T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    requestId: `request-${n}`,
    accountId,
    eventId: `event-${n}`,
    lookup: [{ attr: 'EventName', value: n % 2 === 0 ? 'GetUser' : 'ListUsers' }, { attr: 'EventId', value: `event-${n}` }],
    data: { n },
  };
}

function count(file: string, sql: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the SQLite event history file', () => {
  test('is named after the store file', () => {
    assert.equal(auditFilePath('/data/tessera.db'), '/data/tessera-audit.db');
    assert.equal(auditFilePath('/data/x.sqlite3'), '/data/x-audit.sqlite3');
    assert.equal(auditFilePath('/data/store'), '/data/store-audit');
    assert.equal(auditFilePath('/data.d/store'), '/data.d/store-audit');
  });

  test('a file store appends its events there, not to the store file, and reads them back after reopening', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await Promise.all([store.appendAudit([event(1), event(2)]), store.appendAudit([event(3)])]);
    await store.close();
    assert.equal(count(file, 'SELECT count(*) AS n FROM audit_events'), 0);
    assert.equal(count(auditFilePath(file), 'SELECT count(*) AS n FROM audit_events'), 3);
    assert.equal(count(auditFilePath(file), 'SELECT count(*) AS n FROM audit_lookup'), 6);

    const again = await openSqliteStore(file);
    try {
      const found = await again.queryAudit({ accountId: ACCOUNT, attribute: { attr: 'EventName', value: 'GetUser' }, limit: 10 });
      assert.deepEqual(found.map((e) => e.requestId), ['request-2']);
      assert.deepEqual((await again.auditByRequestId('request-3')).map((e) => e.data), [{ n: 3 }]);
    } finally {
      await again.close();
    }
  });

  test('an in-memory store keeps its events on its one connection (no file, no thread)', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      await store.appendAudit([event(1)]);
      assert.equal((await store.listAudit({ limit: 5 })).length, 1);
      assert.equal(existsSync(auditFilePath(':memory:')), false);
    } finally {
      await store.close();
    }
  });

  test('events a store kept in its own file are adopted on open, and sequence numbers continue above every one it gave', async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    // The layout of a store written before the history had a file of its own: events in the
    // store file, the sequence moved past them (the last ones pruned), and no audit file.
    rmSync(auditFilePath(file));
    for (const suffix of ['-wal', '-shm']) rmSync(auditFilePath(file) + suffix, { force: true });
    const raw = new DatabaseSync(file);
    for (let n = 1; n <= 2500; n++) {
      const e = event(n);
      raw.prepare('INSERT INTO audit_events (seq, time, request_id, account_id, data, event_id) VALUES (?, ?, ?, ?, ?, ?)').run(n, e.time, e.requestId, e.accountId, JSON.stringify(e.data), e.eventId!);
      for (const key of e.lookup!) raw.prepare('INSERT INTO audit_lookup (seq, attr, value, account_id, time) VALUES (?, ?, ?, ?, ?)').run(n, key.attr, key.value, ACCOUNT, e.time);
    }
    raw.prepare("UPDATE sqlite_sequence SET seq = 2600 WHERE name = 'audit_events'").run();
    raw.close();

    const store = await openSqliteStore(file);
    try {
      assert.equal(count(file, 'SELECT count(*) AS n FROM audit_events'), 0, 'the store file keeps no events');
      assert.equal(count(file, 'SELECT count(*) AS n FROM audit_lookup'), 0);
      const adopted = await store.auditAfter({ accountId: ACCOUNT, afterSeq: 0, limit: 1000 });
      assert.equal(adopted[0]!.seq, 1);
      assert.equal(adopted[999]!.seq, 1000);
      const byEventId = await store.queryAudit({ accountId: ACCOUNT, attribute: { attr: 'EventId', value: 'event-2345' }, limit: 5 });
      assert.deepEqual(byEventId.map((e) => e.seq), [2345]);
      await store.appendAudit([event(9001)]);
      const [newest] = await store.listAudit({ limit: 1 });
      assert.equal(newest!.requestId, 'request-9001');
      assert.equal(newest!.seq, 2601, 'a number the store once gave is never given again');
    } finally {
      await store.close();
    }
    assert.equal(count(auditFilePath(file), 'SELECT count(*) AS n FROM audit_events'), 2501);
  });

  test('two stores on one file (two processes) append side by side, nothing lost', async () => {
    const file = freshFile();
    const [a, b] = [await openSqliteStore(file), await openSqliteStore(file)];
    try {
      const writes: Promise<void>[] = [];
      for (let n = 0; n < 200; n++) writes.push((n % 2 === 0 ? a : b).appendAudit([event(n)]));
      await Promise.all(writes);
      assert.equal((await a.listAudit({ limit: 1000 })).length, 200);
      assert.equal((await b.listAudit({ limit: 1000 })).length, 200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('appends made in the turn the store is closed in are written before the writer stops', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    // Appends of one turn travel to the writer thread together, after the turn: close must send them first.
    const appends = [store.appendAudit([event(1)]), store.appendAudit([event(2), event(3)])];
    const closed = store.close();
    await Promise.all(appends);
    await closed;
    assert.equal(count(auditFilePath(file), 'SELECT count(*) AS n FROM audit_events'), 3);
  });

  test('an event the audit file refuses rejects its append, and the next append is written', async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    try {
      await store.appendAudit([event(1)]);
      const side = new DatabaseSync(auditFilePath(file));
      side.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit_events WHEN NEW.request_id = 'request-666' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
      // Sent together, the writer takes them in one transaction; the refusal fails only its own append.
      const [refused, innocent] = await Promise.allSettled([store.appendAudit([event(666)]), store.appendAudit([event(667)])]);
      assert.equal(refused.status, 'rejected');
      assert.match(String((refused as PromiseRejectedResult).reason), /audit write failed: refused by test/);
      assert.equal(innocent.status, 'fulfilled');
      side.exec('DROP TRIGGER refuse');
      side.close();
      await store.appendAudit([event(2)]);
      assert.deepEqual((await store.listAudit({ limit: 10 })).map((e) => e.requestId), ['request-2', 'request-667', 'request-1']);
      await assert.rejects(store.appendAudit([{ ...event(3), requestId: 'r\0' }]), TypeError);
    } finally {
      await store.close();
    }
    await assert.rejects(store.appendAudit([event(4)]), /closed/);
  });
});
