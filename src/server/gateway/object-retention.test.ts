import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asksBypass, forwardedBypassHeaders } from './object-retention.ts';

test('a bypass is asked by one header saying true, as S3 reads it', () => {
  assert.equal(asksBypass({ 'x-amz-bypass-governance-retention': 'true' }), true);
  assert.equal(asksBypass({ 'x-amz-bypass-governance-retention': [' TRUE '] }), true);
  for (const value of ['false', '', 'yes', '1', ['true', 'false'], []]) assert.equal(asksBypass({ 'x-amz-bypass-governance-retention': value }), false, JSON.stringify(value));
  assert.equal(asksBypass({}), false);
});

test('a bypass header that does not ask for one is not forwarded (moto takes any value for a bypass)', () => {
  const kept = { host: 'h', 'x-amz-bypass-governance-retention': ['true'] };
  assert.equal(forwardedBypassHeaders(kept), kept);
  assert.deepEqual(forwardedBypassHeaders({ host: 'h', 'x-amz-bypass-governance-retention': ['false'] }), { host: 'h' });
  assert.deepEqual(forwardedBypassHeaders({ host: 'h', 'x-amz-bypass-governance-retention': ['true', 'true'] }), { host: 'h' });
  const none = { host: 'h' };
  assert.equal(forwardedBypassHeaders(none), none);
});
