import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { cryptoRandom } from '../kernel/random.ts';
import { newTokenKeyId } from './key-id.ts';
import { issueSessionToken, openSessionToken } from './session-tokens.ts';
import { tokenKeyFromBytes, type KeyRingSnapshot, type TokenKey } from './token-key.ts';
import { ROLE_SESSION } from './test-claims.ts';

const DURING = new Date('2024-05-17T09:45:00Z');

function newKey(): TokenKey {
  return tokenKeyFromBytes({ id: newTokenKeyId(cryptoRandom), generation: 1, createdAt: '2024-05-17T00:00:00Z' }, randomBytes(32));
}

/** A ring whose store holds `stored`, while the node holds `held` until it re-reads (if allowed). */
function fakeRing(held: TokenKey[], stored: TokenKey[], allowRefresh: boolean) {
  let snapshot: KeyRingSnapshot = new Map(held.map((k) => [k.id, k]));
  let refreshes = 0;
  return {
    ring: {
      snapshot: () => snapshot,
      refreshForUnknownKey: async () => {
        refreshes++;
        if (!allowRefresh) return false;
        snapshot = new Map(stored.map((k) => [k.id, k]));
        return true;
      },
      current: async () => stored[stored.length - 1]!,
    },
    refreshes: () => refreshes,
  };
}

test('a token of a key this node has not seen opens after one re-read', async () => {
  const oldKey = newKey();
  const newKeyMadeElsewhere = newKey();
  const { ring, refreshes } = fakeRing([oldKey], [oldKey, newKeyMadeElsewhere], true);
  const token = await issueSessionToken(ring, ROLE_SESSION);
  assert.equal(token.split('.')[1], newKeyMadeElsewhere.id);
  assert.deepEqual(await openSessionToken(ring, token, DURING), { ok: true, claims: ROLE_SESSION });
  assert.equal(refreshes(), 1);
  // Known now: no further re-read.
  assert.equal((await openSessionToken(ring, token, DURING)).ok, true);
  assert.equal(refreshes(), 1);
});

test('when the re-read is rate-limited the token is refused as unknown-key', async () => {
  const key = newKey();
  const { ring, refreshes } = fakeRing([], [key], false);
  const token = await issueSessionToken(ring, ROLE_SESSION);
  assert.deepEqual(await openSessionToken(ring, token, DURING), { ok: false, reason: 'unknown-key' });
  assert.equal(refreshes(), 1);
});

test('malformed, tampered and expired tokens never cause a re-read', async () => {
  const key = newKey();
  const { ring, refreshes } = fakeRing([key], [key], true);
  const token = await issueSessionToken(ring, ROLE_SESSION);
  const tampered = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
  assert.deepEqual(await openSessionToken(ring, 'garbage', DURING), { ok: false, reason: 'malformed' });
  assert.deepEqual(await openSessionToken(ring, tampered, DURING), { ok: false, reason: 'tampered' });
  assert.deepEqual(await openSessionToken(ring, token, new Date('2030-01-01T00:00:00Z')), { ok: false, reason: 'expired' });
  assert.equal(refreshes(), 0);
});
