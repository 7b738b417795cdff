import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROOT, discardOutput, signedGetCallerIdentity } from './support/identity-request.ts';
import { runLoad } from './support/load.ts';
import { startChild } from './support/child-server.ts';
import { runWrk, wrkAvailable } from './support/wrk.ts';

/**
 * Takes a CPU profile of the server under load:
 * `node bench/profile-server.ts DIR [seconds] [log-level]` starts `tessera serve` with
 * `--cpu-prof --cpu-prof-dir DIR` and `--log-level` (default error; `info` is what users get
 * by default), sends SigV4-signed GetCallerIdentity at 32 connections for `seconds` (from wrk
 * when installed, else from this process), and stops it; the profile is written to DIR when
 * the server exits (open it in Chrome DevTools, or `node bench/profile-summary.ts FILE`).
 * TESSERA_BENCH_PIN=1 pins the server to CPU 0 and wrk to CPU 1, as the server bench does;
 * TESSERA_BENCH_DEV=1 profiles the in-memory `--dev` server instead of a file store.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const PIN = process.env['TESSERA_BENCH_PIN'] === '1';
const out = process.argv[2];
if (!out) throw new Error('usage: node bench/profile-server.ts PROFILE_DIR [seconds] [log-level]');
const seconds = Number(process.argv[3] ?? '5');
const logLevel = process.argv[4] ?? 'error';
const dir = await mkdtemp(join(tmpdir(), 'tessera-profile-'));
const server = await startChild(['--cpu-prof', '--cpu-prof-dir', out, CLI, 'serve', '--workers', '1', '--port', '0', ...(process.env['TESSERA_BENCH_DEV'] === '1' ? ['--dev'] : ['--data-dir', dir]), '--log-level', logLevel,
  '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey], PIN ? { pinCpu: 0 } : {});
discardOutput(server);
try {
  const request = signedGetCallerIdentity(server.url);
  const wrk = await wrkAvailable();
  const result = wrk
    ? await runWrk(server.url, request, { concurrency: 32, seconds, ...(PIN ? { pinCpu: 1 } : {}) })
    : await runLoad(server.url, () => request, { concurrency: 32, seconds });
  process.stdout.write(`${wrk ? 'wrk' : 'in-process'}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms, errors ${result.errors}\n`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
