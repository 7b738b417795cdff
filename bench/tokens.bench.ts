/**
 * Session-token cost against its baseline, measured in the same run: opening a typical
 * AssumeRole session token (AES-256-GCM open, decode, expiry check) versus what a long-term
 * key costs on the same path, one `store.get` of its access-key record from a SQLite file
 * store (the default store). Target: opening a token costs about as much as reading a key,
 * so a stateless session is no slower to authenticate than a stored one.
 *
 *   node bench/tokens.bench.ts
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '../src/kernel/clock.ts';
import { cryptoRandom } from '../src/kernel/random.ts';
import { Kind } from '../src/iam/kinds.ts';
import { openStore } from '../src/store/open-store.ts';
import { createSecretBox, generateMasterKeyBase64, masterKeyFromConfig } from '../src/store/secret-box.ts';
import type { SessionClaims } from '../src/kernel/session.ts';
import { TokenKeyRing } from '../src/tokens/key-ring.ts';
import { openSession, sealSession } from '../src/tokens/seal.ts';
import { openSessionToken } from '../src/tokens/session-tokens.ts';

export interface TokensBenchResult {
  /** `store.get` of an access-key record per second (the baseline). */
  storeGetsPerSecond: number;
  /** openSession per second, synchronous, from the ring's snapshot. */
  opensPerSecond: number;
  /** openSessionToken per second: the server's (async) entry point. */
  serverOpensPerSecond: number;
  /** sealSession per second (STS issuing). */
  sealsPerSecond: number;
  /** serverOpensPerSecond / storeGetsPerSecond: ≥ ~1 means a token is no dearer than a key read. */
  openOverStoreGet: number;
  tokenLength: number;
}

export interface TokensBenchOptions {
  /** Time spent measuring each case, after a short warm-up. Default 500 ms. */
  durationMs?: number;
  log?: (line: string) => void;
}

const NOW = new Date('2024-05-17T09:30:15Z');
const ACCESS_KEY_ID = 'AKIAQ3EGRB7LBENCH001';

const CLAIMS: SessionClaims = {
  v: 1,
  kind: 'role-session',
  accountId: '111122223333',
  accessKeyId: 'ASIAQ3EGRB7LQX2KDCPJ',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
  issuedAt: '2024-05-17T09:30:15Z',
  expiresAt: '2024-05-17T10:30:15Z',
  role: { id: 'AROAQ3EGRB7LRZQ5XPLHC', arn: 'arn:aws:iam::111122223333:role/ops/Deploy', name: 'Deploy', path: '/ops/' },
  sessionName: 'ci-job-4711',
  tags: { team: 'red' },
};

/** Operations per second of `op`, over about `durationMs` (awaited one at a time, as a request would). */
async function measure(op: () => unknown, durationMs: number): Promise<number> {
  const warmUpEnd = performance.now() + Math.min(100, durationMs / 5);
  while (performance.now() < warmUpEnd) await op();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 100; i++) await op();
    count += 100;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  return (count * 1000) / elapsed;
}

export async function runTokensBench(options: TokensBenchOptions = {}): Promise<TokensBenchResult> {
  const durationMs = options.durationMs ?? 500;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-tokens-bench-'));
  const store = await openStore(`sqlite:${join(dir, 'tessera.db')}`);
  try {
    const secrets = createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));
    await store.insert({
      accountId: CLAIMS.accountId,
      kind: Kind.accessKey,
      id: ACCESS_KEY_ID,
      name: ACCESS_KEY_ID,
      parentId: '',
      path: '/',
      data: { status: 'Active', sealedSecret: secrets.seal(CLAIMS.secretAccessKey, ACCESS_KEY_ID) },
      createdAt: '2024-05-17T00:00:00Z',
    });
    const ring = new TokenKeyRing({ store, secrets, clock: new FixedClock(NOW), random: cryptoRandom });
    await ring.load();
    const key = await ring.current();
    const token = sealSession(CLAIMS, key);
    const snapshot = ring.snapshot();

    const check = (ok: boolean, what: string) => {
      if (!ok) throw new Error(`benchmark ${what} failed`);
    };
    check((await store.get(Kind.accessKey, ACCESS_KEY_ID)) !== undefined, 'store.get');
    check(openSession(token, snapshot, NOW).ok, 'openSession');

    // Interleaved, best of three per case, so a noisy neighbour on a shared machine skews
    // both sides alike rather than one.
    const best = { get: 0, open: 0, serverOpen: 0, seal: 0 };
    for (let round = 0; round < 3; round++) {
      best.get = Math.max(best.get, await measure(() => store.get(Kind.accessKey, ACCESS_KEY_ID), durationMs / 3));
      best.open = Math.max(best.open, await measure(() => openSession(token, snapshot, NOW), durationMs / 3));
      best.serverOpen = Math.max(best.serverOpen, await measure(() => openSessionToken(ring, token, NOW), durationMs / 3));
      best.seal = Math.max(best.seal, await measure(() => sealSession(CLAIMS, key), durationMs / 3));
    }
    const result: TokensBenchResult = {
      storeGetsPerSecond: best.get,
      opensPerSecond: best.open,
      serverOpensPerSecond: best.serverOpen,
      sealsPerSecond: best.seal,
      openOverStoreGet: best.serverOpen / best.get,
      tokenLength: token.length,
    };
    (options.log ?? console.log)(formatTokensBench(result));
    return result;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatTokensBench(result: TokensBenchResult): string {
  const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`.padStart(12);
  return [
    `tokens: AssumeRole session token (${result.tokenLength} characters) vs a stored access key`,
    `  store.get access key (SQLite file)  ${perSecond(result.storeGetsPerSecond)}   baseline`,
    `  openSession (snapshot, sync)        ${perSecond(result.opensPerSecond)}`,
    `  openSessionToken (server path)      ${perSecond(result.serverOpensPerSecond)}`,
    `  sealSession                         ${perSecond(result.sealsPerSecond)}`,
    `  token open / store.get              ${result.openOverStoreGet.toFixed(2)}x`,
  ].join('\n');
}

if (import.meta.main) await runTokensBench();
