import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../src/sigv4/index.ts';
import { runLoad, type LoadResult, type PreparedRequest } from './support/load.ts';
import { startChild } from './support/child-server.ts';

/**
 * Server throughput against a baseline measured in the same run: a bare node:http server
 * answering with a body of the same size. Both run as child processes on this machine; the
 * load generator runs here with requests signed up front.
 *
 *   GetCallerIdentity (SigV4-authenticated) at concurrency 1 and 32 — target ≥ 50% of bare
 *   CreateUser (durable SQLite write per request)                    — reported
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./support/bare-server.ts', import.meta.url));
const ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };

export interface ServerBenchRow {
  name: string;
  concurrency: number;
  tesseraRps: number;
  bareRps: number;
  ratio: number;
  tesseraP50ms: number;
  tesseraP99ms: number;
  errors: number;
}

function signedPost(url: string, service: string, params: Record<string, string>): PreparedRequest {
  const host = new URL(url).host;
  const body = new URLSearchParams(params).toString();
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    ROOT,
    { region: 'us-east-1', service, date: new Date() },
  );
  return { method: 'POST', path: '/', headers: signed.headers, body };
}

async function responseSize(url: string, req: PreparedRequest): Promise<number> {
  const res = await fetch(url, { method: req.method, headers: req.headers as Record<string, string>, body: req.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`bench request failed: ${res.status} ${text}`);
  return Buffer.byteLength(text);
}

/**
 * Runs baseline and subject alternately, ROUNDS times each, and keeps each one's best run:
 * on a shared, noisy machine the best of several interleaved runs is the fairest estimate
 * of what each can do, and interleaving exposes both to the same background load.
 */
const ROUNDS = 3;
async function interleaved(bare: () => Promise<LoadResult>, tessera: () => Promise<LoadResult>): Promise<{ b: LoadResult; t: LoadResult }> {
  let b: LoadResult | undefined;
  let t: LoadResult | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const bi = await bare();
    const ti = await tessera();
    if (!b || bi.rps > b.rps) b = bi;
    if (!t || ti.rps > t.rps) t = ti;
  }
  return { b: b!, t: t! };
}

export async function runServerBench(options: { seconds?: number; log?: (s: string) => void } = {}): Promise<ServerBenchRow[]> {
  const seconds = options.seconds ?? 2;
  const log = options.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const tessera = await startChild([CLI, 'serve', '--workers', '1', '--port', '0', '--data-dir', dir, '--log-level', 'error',
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey, '--quota', 'usersPerAccount=10000000']);
  const rows: ServerBenchRow[] = [];
  try {
    const identity = signedPost(tessera.url, 'sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const identitySize = await responseSize(tessera.url, identity);
    const bare = await startChild([BARE, String(identitySize)]);
    try {
      await runLoad(tessera.url, () => identity, { concurrency: 8, seconds: 1 }); // warm-up (JIT, caches)
      await runLoad(bare.url, () => identity, { concurrency: 8, seconds: 1 });
      for (const concurrency of [1, 32]) {
        const { b, t } = await interleaved(
          () => runLoad(bare.url, () => identity, { concurrency, seconds }),
          () => runLoad(tessera.url, () => identity, { concurrency, seconds }),
        );
        rows.push({ name: 'GetCallerIdentity (SigV4)', concurrency, tesseraRps: t.rps, bareRps: b.rps, ratio: t.rps / b.rps, tesseraP50ms: t.p50ms, tesseraP99ms: t.p99ms, errors: t.errors });
      }
    } finally {
      await bare.stop();
    }

    const expected = Math.ceil(seconds * 20000);
    const creates = Array.from({ length: expected }, (_, i) =>
      signedPost(tessera.url, 'iam', { Action: 'CreateUser', Version: '2010-05-08', UserName: `bench-user-${i}` }));
    const createSize = await responseSize(tessera.url, signedPost(tessera.url, 'iam', { Action: 'CreateUser', Version: '2010-05-08', UserName: 'bench-size-probe' }));
    const bare2 = await startChild([BARE, String(createSize)]);
    try {
      for (const concurrency of [1, 32]) {
        const offset = concurrency === 1 ? 0 : Math.floor(expected / 2);
        const b = await runLoad(bare2.url, (i) => creates[(offset + i) % expected]!, { concurrency, seconds });
        const t = await runLoad(tessera.url, (i) => creates[(offset + i) % expected]!, { concurrency, seconds: Math.min(seconds, 2) });
        rows.push({ name: 'CreateUser (SQLite, durable)', concurrency, tesseraRps: t.rps, bareRps: b.rps, ratio: t.rps / b.rps, tesseraP50ms: t.p50ms, tesseraP99ms: t.p99ms, errors: t.errors });
      }
    } finally {
      await bare2.stop();
    }
  } finally {
    await tessera.stop();
    await rm(dir, { recursive: true, force: true });
  }
  log('\nServer throughput (requests/s, best of 3 interleaved runs each; ratio = Tessera / bare node:http with a same-size response, same run)');
  log('operation                      conc   tessera rps    bare rps   ratio   p50 ms   p99 ms  errors');
  for (const r of rows) {
    log(`${r.name.padEnd(30)} ${String(r.concurrency).padStart(4)} ${r.tesseraRps.toFixed(0).padStart(13)} ${r.bareRps.toFixed(0).padStart(11)} ${r.ratio.toFixed(2).padStart(7)} ${r.tesseraP50ms.toFixed(2).padStart(8)} ${r.tesseraP99ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)}`);
  }
  return rows;
}

if (import.meta.main) await runServerBench();
