import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asksBypass, forwardedBypassHeaders, retentionWeakening } from './object-retention.ts';
import type { ReadContext } from '../../gateway/upstream-reads.ts';

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

test('a running retention whose date cannot be read is taken as running: no weakening without the bypass, none at all under COMPLIANCE', async () => {
  const retentionIs = (mode: string, until: string): ReadContext => ({
    upstream: new URL('http://upstream.invalid'),
    call: async () => ({ status: 200, headers: { 'x-amz-object-lock-mode': mode, 'x-amz-object-lock-retain-until-date': until }, body: Buffer.alloc(0) }),
  });
  const body = Buffer.from('<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2020-01-01T00:00:00Z</RetainUntilDate></Retention>');
  const request = (bypass: boolean) => ({ operation: 'PutObjectRetention', bucket: 'b', key: 'k', query: 'retention=', body, bypass, now: new Date('2026-01-01T00:00:00Z') });
  assert.equal((await retentionWeakening(retentionIs('GOVERNANCE', 'not a date'), request(false)))?.code, 'AccessDenied');
  assert.equal(await retentionWeakening(retentionIs('GOVERNANCE', 'not a date'), request(true)), undefined);
  assert.equal((await retentionWeakening(retentionIs('COMPLIANCE', 'not a date'), request(true)))?.code, 'AccessDenied');
  // A retention that has run out may be changed; one still running may not be shortened.
  assert.equal(await retentionWeakening(retentionIs('GOVERNANCE', '2025-01-01T00:00:00Z'), request(false)), undefined);
  assert.equal((await retentionWeakening(retentionIs('GOVERNANCE', '2027-01-01T00:00:00Z'), request(false)))?.code, 'AccessDenied');
});
