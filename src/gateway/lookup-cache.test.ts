import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookupCache } from './lookup-cache.ts';
import { BucketOwners, type BucketOwnerTable } from './bucket-owners.ts';

test('lookups are cached for their TTL, shared while in flight, bounded, and dropped by a write', async () => {
  let now = 0;
  let reads = 0;
  const cache = new LookupCache({ now: () => now, ttlMs: 1000, maxEntries: 3 });
  const read = async () => ++reads;
  const [a, b] = await Promise.all([cache.get('policy', '1', 'arn:x', read), cache.get('policy', '1', 'arn:x', read)]);
  assert.deepEqual([a, b, reads], [1, 1, 1]);
  now = 999;
  assert.equal(await cache.get('policy', '1', 'arn:x', read), 1);
  now = 1000;
  assert.equal(await cache.get('policy', '1', 'arn:x', read), 2);
  cache.invalidate('arn:x');
  assert.equal(await cache.get('policy', '1', 'arn:x', read), 3);
  for (const name of ['a', 'b', 'c', 'd']) await cache.get('tags', '1', name, read);
  assert.equal(cache.size, 3);
  // A failed read is not kept.
  await assert.rejects(cache.get('policy', '1', 'arn:bad', async () => { throw new Error('upstream down'); }));
  assert.equal(await cache.get('policy', '1', 'arn:bad', async () => 'later'), 'later');
});

test('bucket owners: recorded by CreateBucket, discovered from ListBuckets, unknown when no account lists an existing bucket', async () => {
  const rows = new Map<string, string>();
  const table: BucketOwnerTable = { get: async (bucket) => rows.get(bucket), put: async (bucket, account) => void rows.set(bucket, account), delete: async (bucket) => void rows.delete(bucket) };
  const listed: Record<string, string[]> = { '111111111111': ['mine'], '999999999999': ['defaults'] };
  const existing = new Set(['mine', 'defaults', 'strangers']);
  let lists = 0;
  const owners = new BucketOwners({
    table, now: () => 0, defaultAccount: () => '999999999999',
    discovery: { listBuckets: async (account) => (lists++, listed[account] ?? []), exists: async (bucket) => existing.has(bucket) },
  });
  await owners.created('made', '222222222222');
  assert.deepEqual(await owners.ownerOf('made', '111111111111'), { kind: 'owned', accountId: '222222222222' });
  assert.equal(lists, 0);
  assert.deepEqual(await owners.ownerOf('mine', '111111111111'), { kind: 'owned', accountId: '111111111111' });
  assert.equal(rows.get('mine'), '111111111111');
  assert.deepEqual(await owners.ownerOf('defaults', '111111111111'), { kind: 'owned', accountId: '999999999999' });
  assert.deepEqual(await owners.ownerOf('strangers', '111111111111'), { kind: 'unknown' });
  assert.deepEqual(await owners.ownerOf('nowhere', '111111111111'), { kind: 'absent' });
  await owners.deleted('made');
  assert.equal(rows.has('made'), false);
});
