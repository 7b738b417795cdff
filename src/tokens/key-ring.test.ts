import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixedClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import { isWellFormedTokenKeyId } from './key-id.ts';
import { TOKEN_KEY_KIND, TokenKeyRing, type TokenKeyData, type TokenKeyRingOptions } from './key-ring.ts';
import { openSession, sealSession } from './seal.ts';
import { ROLE_SESSION } from './test-claims.ts';
import { countingStore, freshSealer } from './test-support.ts';

const HOUR = 3600;
const START = '2024-05-17T00:00:00Z';

async function setUp(options: TokenKeyRingOptions = {}, store?: Store) {
  const actualStore = store ?? (await openStore('sqlite::memory:'));
  const clock = new FixedClock(START);
  const secrets = freshSealer();
  const ring = new TokenKeyRing({ store: actualStore, secrets, clock, random: cryptoRandom }, options);
  return { store: actualStore, clock, secrets, ring };
}

async function storedKeys(store: Store) {
  return store.list<TokenKeyData>('', TOKEN_KEY_KIND, { parentId: '', limit: 100 });
}

/** Role-session claims issued at `now`, living `seconds`. */
function claimsAt(now: Date, seconds: number) {
  return { ...ROLE_SESSION, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
}

test('load() on an empty store creates the first key, once; it is a global, sealed record', async () => {
  const { store, ring, secrets } = await setUp();
  await ring.load();
  await ring.load();
  const records = await storedKeys(store);
  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record!.accountId, '');
  assert.equal(record!.name, 'generation-1');
  assert.equal(record!.data.generation, 1);
  assert.ok(isWellFormedTokenKeyId(record!.id));
  const key = await ring.current();
  assert.equal(key.id, record!.id);
  assert.equal(key.generation, 1);
  assert.equal(key.createdAt, '2024-05-17T00:00:00.000Z');
  // The record holds the key sealed under its ID; opening it gives exactly the ring's key.
  const material = Buffer.from(secrets.open(record!.data.sealedSecret, record!.id), 'base64url');
  assert.deepEqual(material, key.secret.export());
  assert.throws(() => secrets.open(record!.data.sealedSecret, 'another-id'));
  assert.deepEqual([...ring.snapshot().keys()], [key.id]);
  await store.close();
});

test('current() loads on first use, and rotates once the newest key is older than rotateAfter', async () => {
  const { store, ring, clock } = await setUp({ rotateAfterSeconds: 24 * HOUR });
  const first = await ring.current();
  clock.advanceSeconds(24 * HOUR - 1);
  assert.equal((await ring.current()).id, first.id);
  clock.advanceSeconds(1);
  const second = await ring.current();
  assert.notEqual(second.id, first.id);
  assert.equal(second.generation, 2);
  assert.equal((await ring.current()).id, second.id);
  assert.deepEqual(new Set(ring.snapshot().keys()), new Set([first.id, second.id]));
  assert.deepEqual((await storedKeys(store)).map((r) => r.name).sort(), ['generation-1', 'generation-2']);
  await store.close();
});

test('callers asking for the key together while it is due rotate it once', async () => {
  const { store, ring, clock } = await setUp();
  await ring.load();
  clock.advanceSeconds(25 * HOUR);
  const keys = await Promise.all(Array.from({ length: 8 }, () => ring.current()));
  assert.equal(new Set(keys.map((k) => k.id)).size, 1);
  assert.equal(keys[0]!.generation, 2);
  assert.equal((await storedKeys(store)).length, 2);
  await store.close();
});

test('an old key opens its tokens after rotation, until retire() removes it once they have all expired', async () => {
  // The defaults: rotate after 24 h, tokens live at most 36 h, 300 s of grace for clock skew.
  const { store, ring, clock } = await setUp();
  const old = await ring.current();
  // The last moment the old key seals, with the longest lifetime a token can have.
  clock.advanceSeconds(24 * HOUR - 1);
  const token = sealSession(claimsAt(clock.now(), 36 * HOUR), await ring.current());
  clock.advanceSeconds(1);
  const fresh = await ring.current();
  assert.notEqual(fresh.id, old.id);
  assert.equal(openSession(token, ring.snapshot(), clock.now()).ok, true);

  // Just before the token expires: retire() keeps the old key and the token still opens.
  clock.advanceSeconds(36 * HOUR - 2);
  assert.deepEqual(await ring.retire(), []);
  assert.equal(openSession(token, ring.snapshot(), clock.now()).ok, true);

  // Past rotateAfter + maxTokenLifetime but within the grace: still kept.
  clock.advanceSeconds(2 + 299);
  assert.deepEqual(await ring.retire(), []);
  clock.advanceSeconds(1);
  assert.deepEqual(await ring.retire(), [old.id]);
  assert.deepEqual([...ring.snapshot().keys()], [fresh.id]);
  assert.deepEqual(openSession(token, ring.snapshot(), clock.now()), { ok: false, reason: 'unknown-key' });
  assert.deepEqual((await storedKeys(store)).map((r) => r.id), [fresh.id]);
  await store.close();
});

test('retire() never deletes the newest key, however old', async () => {
  const { store, ring, clock } = await setUp({ rotateAfterSeconds: HOUR, maxTokenLifetimeSeconds: HOUR, retireGraceSeconds: 0 });
  const only = await ring.current();
  clock.advanceSeconds(365 * 24 * HOUR);
  assert.deepEqual(await ring.retire(), []);
  assert.equal((await storedKeys(store)).length, 1);
  assert.ok(ring.snapshot().has(only.id));
  await store.close();
});

test('re-reads for unknown keys are rate-limited, and a read under way is joined, not repeated', async () => {
  const memory = await openStore('sqlite::memory:');
  const counted = countingStore(memory);
  const { ring, clock } = await setUp({ minRefreshIntervalSeconds: 1 }, counted.store);
  await ring.load();
  const before = counted.lists();
  assert.equal(await ring.refreshForUnknownKey(), true);
  assert.equal(counted.lists(), before + 1);
  // Within the interval: no store read.
  clock.advanceSeconds(0.5);
  assert.equal(await ring.refreshForUnknownKey(), false);
  assert.equal(counted.lists(), before + 1);
  clock.advanceSeconds(0.5);
  // A burst: one read, every caller waits for it.
  const burst = await Promise.all(Array.from({ length: 5 }, () => ring.refreshForUnknownKey()));
  assert.deepEqual(burst, [true, true, true, true, true]);
  assert.equal(counted.lists(), before + 2);
  // refresh() itself is never rate-limited.
  await ring.refresh();
  assert.equal(counted.lists(), before + 3);
  await memory.close();
});

test('keys sealed under another master key fail loudly rather than open nothing', async () => {
  const { store, ring } = await setUp();
  await ring.load();
  const other = new TokenKeyRing({ store, secrets: freshSealer(), clock: new FixedClock(START), random: cryptoRandom });
  await assert.rejects(other.load());
  await store.close();
});

test('options must be positive durations', async () => {
  const store = await openStore('sqlite::memory:');
  const deps = { store, secrets: freshSealer(), clock: new FixedClock(START), random: cryptoRandom };
  assert.throws(() => new TokenKeyRing(deps, { rotateAfterSeconds: 0 }), RangeError);
  assert.throws(() => new TokenKeyRing(deps, { maxTokenLifetimeSeconds: -1 }), RangeError);
  assert.throws(() => new TokenKeyRing(deps, { retireGraceSeconds: Number.NaN }), RangeError);
  assert.ok(new TokenKeyRing(deps, { retireGraceSeconds: 0, minRefreshIntervalSeconds: 0 }));
  await store.close();
});
