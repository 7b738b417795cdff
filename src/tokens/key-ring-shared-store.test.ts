import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FixedClock } from '../kernel/clock.ts';
import type { SecretSealer } from '../kernel/operation.ts';
import { cryptoRandom } from '../kernel/random.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import { TOKEN_KEY_KIND, TokenKeyRing, type TokenKeyData } from './key-ring.ts';
import { issueSessionToken, openSessionToken } from './session-tokens.ts';
import { ROLE_SESSION } from './test-claims.ts';
import { freshSealer } from './test-support.ts';

/**
 * Two nodes on one store: two connections to one SQLite file, each with its own ring, sharing
 * the master key (as nodes of one deployment do) and a clock (time is the same everywhere).
 */

const HOUR = 3600;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-tokens-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Node {
  store: Store;
  ring: TokenKeyRing;
}

async function twoNodes(name: string, clock: FixedClock, secrets: SecretSealer = freshSealer()): Promise<[Node, Node]> {
  const url = `sqlite:${join(dir, name, 'db')}`;
  const node = async (): Promise<Node> => {
    const store = await openStore(url);
    return { store, ring: new TokenKeyRing({ store, secrets, clock, random: cryptoRandom }, { rotateAfterSeconds: 24 * HOUR }) };
  };
  return [await node(), await node()];
}

async function closeAll(nodes: Node[]): Promise<void> {
  for (const node of nodes) await node.store.close();
}

function claimsAt(now: Date) {
  return { ...ROLE_SESSION, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + HOUR * 1000).toISOString() };
}

test('two nodes starting at once on an empty store end up with one and the same key', async () => {
  const clock = new FixedClock('2024-05-17T00:00:00Z');
  const [a, b] = await twoNodes('start', clock);
  await Promise.all([a.ring.load(), b.ring.load()]);
  const [keyA, keyB] = await Promise.all([a.ring.current(), b.ring.current()]);
  assert.equal(keyA.id, keyB.id);
  assert.deepEqual(keyA.secret.export(), keyB.secret.export());
  assert.equal((await a.store.list('', TOKEN_KEY_KIND, { limit: 10 })).length, 1);
  await closeAll([a, b]);
});

test('a token sealed by one node opens on the other, also after the first rotates', async () => {
  const clock = new FixedClock('2024-05-17T00:00:00Z');
  const [a, b] = await twoNodes('rotate', clock);
  await a.ring.load();
  await b.ring.load();
  const token = await issueSessionToken(a.ring, claimsAt(clock.now()));
  assert.deepEqual(await openSessionToken(b.ring, token, clock.now()), { ok: true, claims: claimsAt(clock.now()) });

  // A rotates; B has not seen the new key, and finds it by re-reading once.
  clock.advanceSeconds(24 * HOUR);
  const rotated = await issueSessionToken(a.ring, claimsAt(clock.now()));
  const newKeyId = rotated.split('.')[1]!;
  assert.notEqual(newKeyId, token.split('.')[1]);
  assert.equal(b.ring.snapshot().has(newKeyId), false);
  const opened = await openSessionToken(b.ring, rotated, clock.now());
  assert.equal(opened.ok, true);
  assert.ok(b.ring.snapshot().has(newKeyId));

  // B, now due to rotate too, adopts A's key instead of making a third one.
  assert.equal((await b.ring.current()).id, newKeyId);
  assert.equal((await a.store.list('', TOKEN_KEY_KIND, { limit: 10 })).length, 2);
  await closeAll([a, b]);
});

test('two nodes rotating at the same moment make one new key between them', async () => {
  const clock = new FixedClock('2024-05-17T00:00:00Z');
  const [a, b] = await twoNodes('race', clock);
  await Promise.all([a.ring.load(), b.ring.load()]);
  clock.advanceSeconds(30 * HOUR);
  const [keyA, keyB] = await Promise.all([a.ring.current(), b.ring.current()]);
  assert.equal(keyA.id, keyB.id);
  assert.equal(keyA.generation, 2);
  assert.equal((await a.store.list('', TOKEN_KEY_KIND, { limit: 10 })).length, 2);
  await closeAll([a, b]);
});

test('a token naming a key no node has is refused as unknown-key', async () => {
  const clock = new FixedClock('2024-05-17T00:00:00Z');
  const [a, b] = await twoNodes('unknown', clock);
  await a.ring.load();
  const elsewhere = await twoNodes('elsewhere', clock);
  const foreign = await issueSessionToken(elsewhere[0].ring, claimsAt(clock.now()));
  assert.deepEqual(await openSessionToken(b.ring, foreign, clock.now()), { ok: false, reason: 'unknown-key' });
  assert.deepEqual(await openSessionToken(a.ring, `${foreign.slice(0, -1)}.`, clock.now()), { ok: false, reason: 'malformed' });
  await closeAll([a, b, ...elsewhere]);
});

test('key material is never stored in plain text', async () => {
  const clock = new FixedClock('2024-05-17T00:00:00Z');
  const [a, b] = await twoNodes('at-rest', clock);
  await a.ring.load();
  clock.advanceSeconds(25 * HOUR);
  await a.ring.current();
  const keys = [...a.ring.snapshot().values()];
  assert.equal(keys.length, 2);
  const records = await a.store.list<TokenKeyData>('', TOKEN_KEY_KIND, { limit: 10 });
  await closeAll([a, b]);

  const folder = join(dir, 'at-rest');
  const files = await Promise.all((await readdir(folder)).map((file) => readFile(join(folder, file))));
  const everything = Buffer.concat(files);
  // The search does find what is stored: each record's sealed text is in the files.
  for (const record of records) assert.ok(everything.includes(record.data.sealedSecret), 'sealed key not found in the store files');
  for (const key of keys) {
    const material = key.secret.export();
    for (const form of [material, material.toString('base64'), material.toString('base64url'), material.toString('hex'), material.toString('hex').toUpperCase()]) {
      assert.equal(everything.includes(form), false, 'key material found in the store files');
    }
  }
});
