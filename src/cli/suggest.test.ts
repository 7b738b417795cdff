import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance } from './suggest.ts';
import { bestTime } from '../../test/support/timing.ts';

const SERVE = ['host', 'port', 'data-dir', 'store', 'account-id', 'log-level', 'quota', 'dev', 'dev-allow-remote', 'help'];

test('typos find the flag they meant', () => {
  assert.equal(closestName('prot', SERVE), 'port');
  assert.equal(closestName('lgo-level', SERVE), 'log-level');
  assert.equal(closestName('datadir', SERVE), 'data-dir');
  assert.equal(closestName('data', SERVE), 'data-dir', 'a clipped name');
  assert.equal(closestName('dev-allow-remot', SERVE), 'dev-allow-remote');
});

test('words that are not typos get no suggestion', () => {
  assert.equal(closestName('x', SERVE), undefined);
  assert.equal(closestName('verbose', SERVE), undefined);
  assert.equal(closestName('', SERVE), undefined);
  assert.equal(closestName('de', SERVE), 'dev', 'one edit away from a short name');
});

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('prot', 'port'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('hostile: a huge unknown name is not compared (no quadratic work)', () => {
  const huge = 'p'.repeat(1_000_000);
  const ms = bestTime(() => assert.equal(closestName(huge, SERVE), undefined), 50);
  assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
});
