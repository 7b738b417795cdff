import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import { MemoryAuditLog } from './memory-audit-log.ts';
import { encodeAuditEvent, SqliteAuditOperations } from './sqlite-audit-operations.ts';
import type { AuditEvent, AuditLookupKey } from './types.ts';

/**
 * The in-memory history must answer what SQLite's answers: the same random workload — events
 * arriving out of time order, several streams, shared and repeated lookup keys, prunes and
 * clears between reads — is run against both, and every read is compared.
 */

const SCHEMA = readFileSync(new URL('./migrations/sqlite-audit/001_audit_log.sql', import.meta.url), 'utf8');

function sqliteLog(): { append(events: AuditEvent[]): void; ops: SqliteAuditOperations; db: DatabaseSync } {
  const db = new DatabaseSync(':memory:');
  db.exec(SCHEMA);
  const ops = new SqliteAuditOperations(db);
  return {
    db,
    ops,
    append: (events) => {
      const encoded = events.map(encodeAuditEvent);
      db.exec('BEGIN');
      ops.append(encoded);
      db.exec('COMMIT');
    },
  };
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREAMS = ['111111111111', '222222222222', 'data:111111111111'];
const NAMES = ['GetUser', 'CreateRole', 'GetObject'];

function timeAt(second: number): string {
  return new Date(Date.UTC(2026, 0, 1) + second * 1000).toISOString();
}

describe('in-memory event history', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`answers as SQLite does (random workload, seed ${seed})`, () => {
      const random = generator(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const memory = new MemoryAuditLog();
      const sqlite = sqliteLog();
      let clock = 1000;
      let n = 0;
      const newEvent = (): AuditEvent => {
        // Mostly forward in time; sometimes far back (a long upload finishing), sometimes equal.
        const r = random();
        clock += r < 0.3 ? 0 : 1;
        const time = timeAt(r < 0.1 ? clock - Math.floor(random() * 200) : clock);
        const requestId = `req-${r < 0.15 && n > 0 ? n - 1 : n}`;
        const eventId = `ev-${n++}`;
        const name = pick(NAMES);
        const lookup: AuditLookupKey[] = [
          { attr: 'EventId', value: eventId },
          { attr: 'EventName', value: name },
          { attr: 'ReadOnly', value: String(name.startsWith('Get')) },
        ];
        if (random() < 0.5) lookup.push({ attr: 'ResourceName', value: 'shared' }, { attr: 'ResourceName', value: 'shared' });
        return { time, requestId, accountId: pick(STREAMS), eventId, lookup, data: { name, n } };
      };
      for (let step = 0; step < 400; step++) {
        const what = random();
        if (what < 0.55) {
          const events = Array.from({ length: 1 + Math.floor(random() * 3) }, newEvent);
          memory.append(events);
          sqlite.append(events);
        } else if (what < 0.75) {
          const query = {
            accountId: pick(STREAMS),
            ...(random() < 0.5 ? { attribute: random() < 0.5 ? { attr: 'EventName', value: pick(NAMES) } : { attr: 'ResourceName', value: 'shared' } } : {}),
            ...(random() < 0.3 ? { startTime: timeAt(clock - Math.floor(random() * 300)) } : {}),
            ...(random() < 0.3 ? { endTime: timeAt(clock - Math.floor(random() * 100)) } : {}),
            limit: 1 + Math.floor(random() * 20),
          };
          // Walk every page, each keyed on the last event of the one before.
          let page = sqlite.ops.query(query);
          let before: { time: string; seq: number } | undefined;
          for (let pages = 0; pages < 50; pages++) {
            const withBefore = before ? { ...query, before } : query;
            page = sqlite.ops.query(withBefore);
            assert.deepEqual(memory.query(withBefore), page, JSON.stringify(withBefore));
            if (page.length < query.limit) break;
            const last = page[page.length - 1]!;
            before = { time: last.time, seq: last.seq };
          }
        } else if (what < 0.85) {
          const afterSeq = Math.floor(random() * n);
          const limit = 1 + Math.floor(random() * 30);
          const one = { afterSeq, limit, accountId: pick(STREAMS) };
          assert.deepEqual(memory.after(one), sqlite.ops.after(one));
          const several = { afterSeq, limit, accountIds: [pick(STREAMS), pick(STREAMS)] };
          assert.deepEqual(memory.after(several), sqlite.ops.after(several));
        } else if (what < 0.9) {
          const listing = { ...(random() < 0.5 ? { accountId: pick(STREAMS) } : {}), limit: 1 + Math.floor(random() * 40) };
          assert.deepEqual(memory.list(listing), sqlite.ops.list(listing));
          const requestId = `req-${Math.floor(random() * n)}`;
          assert.deepEqual(memory.byRequestId(requestId), sqlite.ops.byRequestId(requestId));
        } else if (what < 0.99) {
          const before = timeAt(clock - Math.floor(random() * 150));
          const limit = Math.floor(random() * 15);
          sqlite.db.exec('BEGIN');
          const pruned = sqlite.ops.prune(before, limit);
          sqlite.db.exec('COMMIT');
          assert.equal(memory.prune(before, limit), pruned);
        } else {
          memory.clear();
          sqlite.ops.clear();
        }
      }
      // Whatever is left, all of it, the same.
      assert.deepEqual(memory.list({ limit: 100_000 }), sqlite.ops.list({ limit: 100_000 }));
      for (const accountId of STREAMS) {
        assert.deepEqual(memory.query({ accountId, limit: 100_000 }), sqlite.ops.query({ accountId, limit: 100_000 }));
      }
      sqlite.db.close();
    });
  }

  test('events pruned before anything read them, and events read then pruned, leave the same history as SQLite', () => {
    const memory = new MemoryAuditLog();
    const sqlite = sqliteLog();
    const event = (i: number, time: number): AuditEvent => ({
      time: timeAt(time), requestId: `r${i % 7}`, accountId: STREAMS[i % 3]!, eventId: `e${i}`,
      lookup: [{ attr: 'EventId', value: `e${i}` }, { attr: 'EventName', value: NAMES[i % 3]! }, { attr: 'EventName', value: NAMES[i % 3]! }], data: { i },
    });
    const append = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const events = [event(i, i % 10 === 0 ? i - 5 : i)];
        memory.append(events);
        sqlite.append(events);
      }
    };
    const prune = (before: number, limit: number) => {
      sqlite.db.exec('BEGIN');
      const pruned = sqlite.ops.prune(timeAt(before), limit);
      sqlite.db.exec('COMMIT');
      assert.equal(memory.prune(timeAt(before), limit), pruned);
    };
    const compare = () => {
      for (const accountId of STREAMS) {
        assert.deepEqual(memory.query({ accountId, limit: 1_000 }), sqlite.ops.query({ accountId, limit: 1_000 }));
        for (const value of NAMES) {
          const query = { accountId, attribute: { attr: 'EventName', value }, limit: 1_000 };
          assert.deepEqual(memory.query(query), sqlite.ops.query(query));
        }
        assert.deepEqual(memory.after({ accountId, afterSeq: 0, limit: 1_000 }), sqlite.ops.after({ accountId, afterSeq: 0, limit: 1_000 }));
        assert.deepEqual(memory.list({ accountId, limit: 1_000 }), sqlite.ops.list({ accountId, limit: 1_000 }));
      }
      for (let i = 0; i < 7; i++) assert.deepEqual(memory.byRequestId(`r${i}`), sqlite.ops.byRequestId(`r${i}`));
      for (const i of [0, 5, 25, 60, 119]) {
        const query = { accountId: STREAMS[i % 3]!, attribute: { attr: 'EventId', value: `e${i}` }, limit: 10 };
        assert.deepEqual(memory.query(query), sqlite.ops.query(query));
      }
      assert.deepEqual(memory.list({ limit: 1_000 }), sqlite.ops.list({ limit: 1_000 }));
    };
    append(0, 40);
    prune(20, 15); // none of these was ever read
    append(40, 80);
    compare(); // indexes what is left
    append(80, 120);
    prune(90, 40); // read and unread alike
    compare();
    prune(200, 1_000);
    compare();
    sqlite.db.close();
  });

  test('keeps at most its limit (plus a tenth): the oldest by time go first, in batches', () => {
    const memory = new MemoryAuditLog({ maxEvents: 100 });
    const event = (i: number, time: number): AuditEvent => ({ time: timeAt(time), requestId: `r${i}`, accountId: '111111111111', eventId: `e${i}`, lookup: [{ attr: 'EventName', value: 'GetUser' }], data: {} });
    // Event 0 is the newest by time although written first.
    memory.append([event(0, 10_000)]);
    for (let i = 1; i <= 109; i++) memory.append([event(i, i)]);
    assert.equal(memory.list({ limit: 1_000 }).length, 110);
    memory.append([event(110, 110)]);
    const left = memory.query({ accountId: '111111111111', limit: 1_000 });
    assert.equal(left.length, 100);
    assert.equal(left[0]!.requestId, 'r0');
    assert.equal(left[left.length - 1]!.requestId, 'r12');
    assert.equal(memory.query({ accountId: '111111111111', attribute: { attr: 'EventName', value: 'GetUser' }, limit: 1_000 }).length, 100);
    assert.deepEqual(memory.byRequestId('r11'), []);
  });

  test('sequence numbers are never reused, not even after a clear', () => {
    const memory = new MemoryAuditLog();
    const event = { time: timeAt(1), requestId: 'r', accountId: '111111111111', eventId: 'e', data: {} };
    memory.append([event, { ...event, eventId: 'f' }]);
    memory.clear();
    memory.append([event]);
    assert.deepEqual(memory.list({ limit: 10 }).map((e) => e.seq), [3]);
  });

  test('a NUL in the caller\'s text is kept as U+FFFD; one in Tessera\'s own fields stores nothing of the batch', () => {
    const memory = new MemoryAuditLog();
    const good = { time: timeAt(1), requestId: 'r', accountId: '111111111111', eventId: 'e', data: {} };
    assert.throws(() => memory.append([good, { ...good, requestId: 'r\u0000' }]), TypeError);
    assert.deepEqual(memory.list({ limit: 10 }), []);
    memory.append([good, { ...good, eventId: 'e2', lookup: [{ attr: 'Username', value: 'a\u0000b' }], data: { note: 'x\u0000' } }]);
    assert.deepEqual(memory.list({ limit: 10 }).map((event) => event.data), [{ note: 'x\uFFFD' }, {}]);
    assert.equal(memory.query({ accountId: '111111111111', attribute: { attr: 'Username', value: 'a\uFFFDb' }, limit: 10 }).length, 1);
  });

  test('what a reader gets back is a copy: changing it changes nothing stored', () => {
    const memory = new MemoryAuditLog();
    memory.append([{ time: timeAt(1), requestId: 'r', accountId: '111111111111', eventId: 'e', data: { record: { eventName: 'GetUser' } } }]);
    const [read] = memory.list({ limit: 1 });
    (read!.data['record'] as Record<string, unknown>)['eventName'] = 'Tampered';
    assert.deepEqual(memory.list({ limit: 1 })[0]!.data, { record: { eventName: 'GetUser' } });
  });

  test('pruning a 200,000-event history takes its oldest without a pass over every index', () => {
    const memory = new MemoryAuditLog({ maxEvents: 1_000_000 });
    const batch: AuditEvent[] = [];
    for (let i = 0; i < 200_000; i++) {
      batch.push({ time: timeAt(i), requestId: `r${i}`, accountId: '111111111111', eventId: `e${i}`, lookup: [{ attr: 'EventId', value: `e${i}` }, { attr: 'EventName', value: 'GetUser' }], data: {} });
    }
    memory.append(batch);
    const started = performance.now();
    let pruned = 0;
    for (let round = 0; round < 100; round++) pruned += memory.prune(timeAt(1_000), 10);
    assert.equal(pruned, 1_000);
    assert.equal(memory.query({ accountId: '111111111111', limit: 1, before: { time: timeAt(1_000), seq: Infinity } })[0]!.time, timeAt(1_000));
    assert.equal(memory.query({ accountId: '111111111111', limit: 5, endTime: timeAt(999) }).length, 0);
    assert.equal(memory.query({ accountId: '111111111111', attribute: { attr: 'EventId', value: 'e999' }, limit: 1 }).length, 0);
    // Generous: a whole-index pass per prune would take seconds here.
    assert.ok(performance.now() - started < 1_500, `${performance.now() - started} ms`);
  });
});
