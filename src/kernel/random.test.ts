import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom, seededRandom } from './random.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('time-ordered UUIDs are version 7: the time in milliseconds first, then random bits', () => {
  const before = Date.now();
  const id = cryptoRandom.timeOrderedUuid();
  const after = Date.now();
  assert.match(id, V7);
  const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  assert.ok(ms >= before && ms <= after, `${ms} not within ${before}..${after}`);
  const many = new Set(Array.from({ length: 1000 }, () => cryptoRandom.timeOrderedUuid()));
  assert.equal(many.size, 1000);
});

test('time-ordered UUIDs sort by creation time across milliseconds', async () => {
  const first = cryptoRandom.timeOrderedUuid();
  await new Promise((resolve) => setTimeout(resolve, 3));
  const second = cryptoRandom.timeOrderedUuid();
  assert.ok(first < second);
});

test('seeded time-ordered UUIDs are repeatable and ordered', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const ids = [a.timeOrderedUuid(), a.timeOrderedUuid()];
  assert.deepEqual(ids, [b.timeOrderedUuid(), b.timeOrderedUuid()]);
  assert.match(ids[0]!, V7);
  assert.ok(ids[0]! < ids[1]!);
});
