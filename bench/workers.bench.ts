import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../src/sigv4/index.ts';
import { runLoad, type LoadResult, type PreparedRequest } from './support/load.ts';
import { startChild } from './support/child-server.ts';

/**
 * `tessera serve --workers 2` against `--workers 1`, same persistent store kind, same run, the
 * load generator (bench/support/load.ts, a Node process) on the same machine. On this 2-core
 * machine the generator takes a large share of one core, so this shows what a second process
 * adds when cores are contended — not the scaling on a machine with cores to spare (README,
 * "Every core").
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };

function signedPost(url: string, service: string, params: Record<string, string>): PreparedRequest {
  const body = new URLSearchParams(params).toString();
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host: new URL(url).host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    ROOT, { region: 'us-east-1', service, date: new Date() });
  return { method: 'POST', path: '/', headers: signed.headers, body };
}

async function serve(workers: number, dir: string) {
  return startChild([CLI, 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'error', '--workers', String(workers),
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey, '--quota', 'usersPerAccount=10000000']);
}

export interface WorkersBenchRow { name: string; concurrency: number; oneRps: number; twoRps: number; ratio: number }

export async function runWorkersBench(options: { seconds?: number; log?: (s: string) => void } = {}): Promise<WorkersBenchRow[]> {
  const seconds = options.seconds ?? 2;
  const log = options.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const dirs = [await mkdtemp(join(tmpdir(), 'tessera-bench-w1-')), await mkdtemp(join(tmpdir(), 'tessera-bench-w2-'))];
  const one = await serve(1, dirs[0]!);
  const two = await serve(2, dirs[1]!);
  const rows: WorkersBenchRow[] = [];
  try {
    const identity = (url: string) => signedPost(url, 'sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const reqOne = identity(one.url);
    const reqTwo = identity(two.url);
    await runLoad(one.url, () => reqOne, { concurrency: 8, seconds: 1 }); // warm-up (JIT, caches)
    await runLoad(two.url, () => reqTwo, { concurrency: 8, seconds: 1 });
    const best = async (run: () => Promise<LoadResult>, prior?: LoadResult) => {
      const r = await run();
      return !prior || r.rps > prior.rps ? r : prior;
    };
    for (const concurrency of [32]) {
      let a: LoadResult | undefined;
      let b: LoadResult | undefined;
      for (let round = 0; round < 3; round++) {
        a = await best(() => runLoad(one.url, () => reqOne, { concurrency, seconds }), a);
        b = await best(() => runLoad(two.url, () => reqTwo, { concurrency, seconds }), b);
      }
      rows.push({ name: 'GetCallerIdentity (SigV4)', concurrency, oneRps: a!.rps, twoRps: b!.rps, ratio: b!.rps / a!.rps });
    }
    const creates = (url: string, prefix: string) => Array.from({ length: 40_000 }, (_, i) => signedPost(url, 'iam', { Action: 'CreateUser', Version: '2010-05-08', UserName: `${prefix}-${i}` }));
    const c1 = creates(one.url, 'w1');
    const c2 = creates(two.url, 'w2');
    const a = await runLoad(one.url, (i) => c1[i % c1.length]!, { concurrency: 32, seconds });
    const b = await runLoad(two.url, (i) => c2[i % c2.length]!, { concurrency: 32, seconds });
    rows.push({ name: 'CreateUser (SQLite, durable)', concurrency: 32, oneRps: a.rps, twoRps: b.rps, ratio: b.rps / a.rps });
  } finally {
    await one.stop();
    await two.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
  log(`\nWorkers (requests/s; ratio = --workers 2 / --workers 1, same run, load generator on the same ${availableParallelism()}-core machine)`);
  log('operation                      conc   1 worker rps  2 workers rps   ratio');
  for (const r of rows) {
    log(`${r.name.padEnd(30)} ${String(r.concurrency).padStart(4)} ${r.oneRps.toFixed(0).padStart(13)} ${r.twoRps.toFixed(0).padStart(14)} ${r.ratio.toFixed(2).padStart(7)}`);
  }
  return rows;
}

if (import.meta.main) await runWorkersBench();
