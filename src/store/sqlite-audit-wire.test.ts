import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromWire, toWire } from './sqlite-audit-wire.ts';

test('audit events cross to the writer thread unchanged: empty fields, no keys, many keys, JSON with escapes', () => {
  const events = [
    { time: '2026-12-06T10:00:00.000Z', requestId: 'r1', accountId: '111122223333', eventId: '', data: '{"a":"x\\u0000y \\"q\\""}', lookup: [] },
    { time: '2026-12-06T10:00:01.000Z', requestId: 'r2', accountId: '111122223333', eventId: 'e2', data: '{}', lookup: [{ attr: 'EventName', value: '' }, { attr: 'ResourceName', value: 'arn:aws:iam::111122223333:user/ü' }] },
    { time: '2026-12-06T10:00:02.000Z', requestId: 'r3', accountId: '444455556666', eventId: 'e3', data: '[]', lookup: [{ attr: 'EventId', value: 'e3' }] },
  ];
  assert.deepEqual(fromWire(toWire(events)), events);
  assert.deepEqual(fromWire(toWire([])), []);
});
