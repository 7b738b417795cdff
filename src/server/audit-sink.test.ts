import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditEvent, Store } from '../store/types.ts';
import { AuditSink } from './audit-sink.ts';
import type { Logger } from './logger.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

function event(requestId: string): AuditEvent {
  return { time: '2026-12-06T10:00:00.000Z', requestId, accountId: '111122223333', data: {} };
}

/** A store whose writes finish when the test says so. */
function manualStore() {
  const writes: { ids: string[]; finish: (error?: Error) => void }[] = [];
  const store = {
    appendAudit: (events: AuditEvent[]) =>
      new Promise<void>((resolve, reject) => writes.push({ ids: events.map((e) => e.requestId), finish: (error) => (error ? reject(error) : resolve()) })),
  } as unknown as Store;
  return { store, writes };
}

test('requests finishing in one turn share a write; at most two writes are in flight; the rest wait and go together', async () => {
  const { store, writes } = manualStore();
  const sink = new AuditSink(store, silent);
  const settled: string[] = [];
  const write = (id: string) => sink.write([event(id)]).then(() => settled.push(id));
  const first = [write('a'), write('b')];
  await nextTurn();
  assert.deepEqual(writes.map((w) => w.ids), [['a', 'b']]);
  const second = [write('c')];
  await nextTurn();
  assert.deepEqual(writes.map((w) => w.ids), [['a', 'b'], ['c']], 'a second write starts while the first is in flight');
  const third = [write('d'), write('e')];
  await nextTurn();
  await nextTurn();
  assert.equal(writes.length, 2, 'no third write while two are in flight');
  assert.deepEqual(settled, [], 'nothing is answered before its events are committed');
  writes[0]!.finish();
  await Promise.all(first);
  assert.deepEqual(writes.map((w) => w.ids), [['a', 'b'], ['c'], ['d', 'e']]);
  writes[2]!.finish();
  await Promise.all(third);
  const flushed = sink.flush();
  writes[1]!.finish();
  await Promise.all(second);
  await flushed;
  assert.deepEqual(settled, ['a', 'b', 'd', 'e', 'c']);
});

test('a failed write rejects exactly its own requests', async () => {
  const { store, writes } = manualStore();
  const sink = new AuditSink(store, silent);
  const failing = sink.write([event('x')]);
  await nextTurn();
  const fine = sink.write([event('y')]);
  await nextTurn();
  writes[0]!.finish(new Error('disk full'));
  writes[1]!.finish();
  await assert.rejects(failing, /disk full/);
  await fine;
});
