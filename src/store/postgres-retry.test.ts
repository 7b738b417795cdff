import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable, retryDelayMs, type RetryPolicy } from './postgres-retry.ts';

const policy: RetryPolicy = { maxAttempts: 10, baseDelayMs: 4, maxDelayMs: 50 };

test('only serialization failures and deadlocks are retried', () => {
  assert.equal(isRetryable({ code: '40001' }), true);
  assert.equal(isRetryable({ code: '40P01' }), true);
  assert.equal(isRetryable({ code: '23505' }), false);
  assert.equal(isRetryable(new Error('connection terminated')), false);
  assert.equal(isRetryable(undefined), false);
});

test('the pause window doubles per attempt and stops at the cap', () => {
  const almostOne = () => 0.999999;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 100].map((attempt) => retryDelayMs(attempt, policy, almostOne)),
    [3, 7, 15, 31, 49, 49, 49],
  );
});

test('the pause is drawn uniformly from the whole window', () => {
  assert.equal(retryDelayMs(3, policy, () => 0), 0);
  assert.equal(retryDelayMs(3, policy, () => 0.5), 8);
});
