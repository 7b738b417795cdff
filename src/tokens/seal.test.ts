import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { FixedClock } from '../kernel/clock.ts';
import { cryptoRandom } from '../kernel/random.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { newTokenKeyId } from './key-id.ts';
import { MAX_ISSUED_TOKEN_LENGTH, openSession, sealSession, SessionTooLargeError, type OpenResult } from './seal.ts';
import { tokenKeyFromBytes, type KeyRingSnapshot, type TokenKey } from './token-key.ts';
import { EVERY_FIELD, FEDERATED_USER, ROLE_SESSION, ROOT_USER_SESSION } from './test-claims.ts';

function newKey(generation = 1): TokenKey {
  return tokenKeyFromBytes({ id: newTokenKeyId(cryptoRandom), generation, createdAt: '2024-05-17T00:00:00Z' }, randomBytes(32));
}

function ringOf(...keys: TokenKey[]): KeyRingSnapshot {
  return new Map(keys.map((key) => [key.id, key]));
}

const key = newKey();
const ring = ringOf(key);
/** Within every test claim's validity. */
const DURING = new Date('2024-05-17T09:45:00Z');

function reasonOf(result: OpenResult): string {
  return result.ok ? 'ok' : result.reason;
}

test('a sealed session opens to exactly its claims', () => {
  for (const claims of [ROLE_SESSION, EVERY_FIELD, FEDERATED_USER, ROOT_USER_SESSION]) {
    const result = openSession(sealSession(claims, key), ring, DURING);
    assert.deepStrictEqual(result, { ok: true, claims });
  }
});

test('tokens are v1.<keyId>.<base64url>, small, and differ every time (fresh nonce)', () => {
  const first = sealSession(ROLE_SESSION, key);
  const second = sealSession(ROLE_SESSION, key);
  assert.match(first, new RegExp(`^v1\\.${key.id}\\.[A-Za-z0-9_-]+$`));
  assert.notEqual(first, second);
  assert.notEqual(first.split('.')[2]!.slice(0, 16), second.split('.')[2]!.slice(0, 16));
  // Nothing of the claims is readable in the token.
  for (const secret of [ROLE_SESSION.secretAccessKey, ROLE_SESSION.sessionName!, 'Deploy']) {
    assert.ok(!first.includes(secret) && !Buffer.from(first.split('.')[2]!, 'base64url').includes(secret));
  }
  // A typical AssumeRole session fits comfortably in a header (AWS's own are ~1 KB).
  assert.ok(first.length < 450, `token is ${first.length} characters`);
});

test('claims no token could carry are refused when sealed, never issued unusable', () => {
  const withKeys = (values: string[]): SessionClaims => ({ ...EVERY_FIELD, federation: { ...EVERY_FIELD.federation!, keys: { 'saml:edupersonentitlement': values } } });
  // Incompressible values: the token would pass the length a request's headers can hold.
  const random = Array.from({ length: 200 }, () => randomBytes(60).toString('base64'));
  assert.throws(() => sealSession(withKeys(random), key), SessionTooLargeError);
  // Values that deflate to a short token but inflate past what openSession accepts.
  const repetitive = Array.from({ length: 80 }, (_, i) => `${i}`.padEnd(1000, 'a'));
  assert.throws(() => sealSession(withKeys(repetitive), key), SessionTooLargeError);
  // Just under both: issued, and it opens.
  const fits = withKeys(random.slice(0, 100));
  const token = sealSession(fits, key);
  assert.ok(token.length <= MAX_ISSUED_TOKEN_LENGTH);
  assert.deepStrictEqual(openSession(token, ring, DURING), { ok: true, claims: fits });
});

test('a large session policy is deflated: the token is shorter than its claims', () => {
  const statement = (i: number) => ({ Effect: 'Allow', Action: [`s3:GetObject`, `s3:ListBucket`], Resource: [`arn:aws:s3:::bucket-${i}`, `arn:aws:s3:::bucket-${i}/*`] });
  const inline = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 12 }, (_, i) => statement(i)) });
  assert.ok(inline.length > 1500);
  const claims: SessionClaims = { ...ROLE_SESSION, sessionPolicies: { inline } };
  const token = sealSession(claims, key);
  assert.ok(token.length < inline.length, `${token.length} vs policy ${inline.length}`);
  assert.deepStrictEqual(openSession(token, ring, DURING), { ok: true, claims });
});

test('every single-byte change of a token, header included, is refused as tampered or malformed', () => {
  for (const claims of [ROLE_SESSION, EVERY_FIELD]) {
    const token = sealSession(claims, key);
    const bytes = Buffer.from(token, 'latin1');
    const headerLength = token.lastIndexOf('.') + 1;
    const seen = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      // Every other byte value in the header; every single-bit flip and every base64url
      // character in the body (a byte change that keeps the body decodable is the hard case).
      const replacements = i < headerLength
        ? Array.from({ length: 256 }, (_, b) => b)
        : [...Array.from({ length: 8 }, (_, bit) => bytes[i]! ^ (1 << bit)), ...Buffer.from('AQgw_-09zZ', 'latin1')];
      for (const value of replacements) {
        if (value === bytes[i]) continue;
        const changed = Buffer.from(bytes);
        changed[i] = value;
        const reason = reasonOf(openSession(changed.toString('latin1'), ring, DURING));
        assert.ok(reason === 'tampered' || reason === 'malformed', `byte ${i} -> ${value}: ${reason}`);
        seen.add(reason);
      }
    }
    assert.deepEqual([...seen].sort(), ['malformed', 'tampered']);
  }
});

test('a token moved under another key ID of the ring does not open (the header is authenticated)', () => {
  const other = newKey(2);
  const token = sealSession(ROLE_SESSION, key);
  const moved = token.replace(key.id, other.id);
  assert.equal(reasonOf(openSession(moved, ringOf(key, other), DURING)), 'tampered');
  // Even where the other ID holds the very same material, the changed header is caught.
  const alias: TokenKey = { ...other, secret: key.secret };
  assert.equal(reasonOf(openSession(moved, ringOf(key, alias), DURING)), 'tampered');
  // Same ID, different material (e.g. a ring from another deployment): tampered too.
  const impostor = tokenKeyFromBytes({ id: key.id, generation: 1, createdAt: key.createdAt }, randomBytes(32));
  assert.equal(reasonOf(openSession(token, ringOf(impostor), DURING)), 'tampered');
});

test('a token naming a key the ring does not hold is unknown-key', () => {
  const token = sealSession(ROLE_SESSION, newKey());
  assert.equal(reasonOf(openSession(token, ring, DURING)), 'unknown-key');
  assert.equal(reasonOf(openSession(token, new Map(), DURING)), 'unknown-key');
});

test('truncated, empty, oversized and garbage input is refused, never thrown', () => {
  const token = sealSession(EVERY_FIELD, key);
  for (let length = 0; length < token.length; length++) {
    const reason = reasonOf(openSession(token.slice(0, length), ring, DURING));
    assert.ok(reason === 'malformed' || reason === 'tampered', `prefix of ${length}: ${reason}`);
  }
  const garbage: unknown[] = [
    '', 'v1', 'v1.', 'v1..', `v1.${key.id}`, `v1.${key.id}.`, `v1.${key.id}.=`, `v2.${key.id}.${token.split('.')[2]}`,
    `${token}.`, `${token}==`, ` ${token}`, `${token} `, token.replace(/-/g, '+'), `v1.${key.id}.${'A'.repeat(20_000)}`,
    'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD', '\u0000', '\u{1F511}'.repeat(10),
    undefined, null, 42, {}, [], Symbol('token'),
  ];
  for (const input of garbage) {
    assert.equal(reasonOf(openSession(input as string, ring, DURING)), 'malformed', String(input).slice(0, 60));
  }
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 600 }), (text, bytes) => {
      const binary = Buffer.from(bytes);
      for (const input of [text, `v1.${key.id}.${text}`, binary.toString('latin1'), `v1.${key.id}.${binary.toString('base64url')}`]) {
        const result = openSession(input, ring, DURING);
        assert.equal(result.ok, false);
      }
    }),
    { numRuns: 300 },
  );
});

test('expiry is judged against the given time: valid until the instant it expires', () => {
  const clock = new FixedClock(ROLE_SESSION.issuedAt);
  const token = sealSession(ROLE_SESSION, key);
  assert.equal(reasonOf(openSession(token, ring, clock.now())), 'ok');
  clock.set('2024-05-17T10:30:14.999Z');
  assert.equal(reasonOf(openSession(token, ring, clock.now())), 'ok');
  clock.advanceSeconds(0.001);
  assert.equal(reasonOf(openSession(token, ring, clock.now())), 'expired');
  clock.advanceSeconds(3600);
  assert.equal(reasonOf(openSession(token, ring, clock.now())), 'expired');
  // An invalid time never makes a token valid.
  assert.equal(reasonOf(openSession(token, ring, new Date(Number.NaN))), 'expired');
  // A forged or damaged token is refused as such, whatever the time: expiry is only read once authentic.
  const damaged = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.slice(-1);
  assert.notEqual(damaged, token);
  assert.equal(reasonOf(openSession(damaged, ring, new Date('2030-01-01T00:00:00Z'))), 'tampered');
});
