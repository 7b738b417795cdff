import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncMutex } from './async-mutex.ts';

test('holders never overlap and run in arrival order', async () => {
  const mutex = new AsyncMutex();
  const events: string[] = [];
  let inside = 0;
  let maxInside = 0;
  const holders = [30, 0, 10, 0, 5].map((delay, i) =>
    mutex.run(async () => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      events.push(`start ${i}`);
      await sleep(delay);
      events.push(`end ${i}`);
      inside--;
      return i;
    }),
  );
  assert.deepEqual(await Promise.all(holders), [0, 1, 2, 3, 4]);
  assert.equal(maxInside, 1);
  assert.deepEqual(events, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
});

test('a holder that throws releases the lock for the next one', async () => {
  const mutex = new AsyncMutex();
  const failing = mutex.run(async () => {
    throw new Error('boom');
  });
  const next = mutex.run(async () => 'ran');
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 'ran');
});
