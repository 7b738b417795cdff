import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withOpenCache } from './secrets.ts';

test('the open cache answers repeats without the inner sealer, keyed by sealed text and context', () => {
  let opens = 0;
  const inner = { seal: (p: string, c: string) => `${c}:${p}`, open: (s: string, c: string) => { opens++; if (!s.startsWith(`${c}:`)) throw new Error('context mismatch'); return s.slice(c.length + 1); } };
  const cached = withOpenCache(inner, 2);
  assert.equal(cached.open('k1:a', 'k1'), 'a');
  assert.equal(cached.open('k1:a', 'k1'), 'a');
  assert.equal(opens, 1);
  assert.throws(() => cached.open('k1:a', 'k2'), /context mismatch/, 'another context is never served from the cache');
  cached.open('k3:c', 'k3');
  cached.open('k4:d', 'k4');
  cached.open('k1:a', 'k1');
  assert.equal(opens, 5, 'bounded: the oldest entry was evicted');
});
