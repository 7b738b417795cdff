import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROOT, discardOutput, signedGetCallerIdentity } from './support/identity-request.ts';
import { startChild } from './support/child-server.ts';
import { runWrk } from './support/wrk.ts';

/**
 * CPU time per request, per thread, of a server under load — a figure that, unlike requests/s,
 * holds on a shared, busy machine: `node bench/cpu-per-request.ts [seconds] [concurrency]`
 * starts `tessera serve` (one worker, file store), sends SigV4-signed GetCallerIdentity from
 * wrk, and prints user+system CPU µs per request for each of the server's threads (Linux
 * /proc). Extra arguments after `--` are passed to `tessera serve`; BENCH_NODE_FLAGS (space
 * separated) to node itself. `--bare` measures the baseline instead — the bare node:http
 * server the server bench compares with, answering the same request — so that both figures
 * come from the same machine state.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ownArgs = process.argv.slice(2, process.argv.includes('--') ? process.argv.indexOf('--') : undefined);
const positional = ownArgs.filter((arg) => !arg.startsWith('--'));
const seconds = Number(positional[0] ?? '8');
const concurrency = Number(positional[1] ?? '32');
const extra = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
const BARE_ONLY = ownArgs.includes('--bare');
const BARE = fileURLToPath(new URL('./support/bare-server.ts', import.meta.url));
const TICK_US = 1e6 / 100; // USER_HZ

function threadTicks(pid: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      out.set(`${name}#${tid}`, [Number(fields[11]), Number(fields[12])]);
    } catch { /* thread gone */ }
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-cpu-'));
const nodeFlags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
const server = BARE_ONLY
  ? await startChild([...nodeFlags, BARE, '400'], { pinCpu: 0 })
  : await startChild([...nodeFlags, CLI, 'serve', '--workers', '1', '--port', '0', '--data-dir', dir, '--log-level', 'error',
  '--root-access-key-id', BENCH_ROOT.accessKeyId, '--root-secret-access-key', BENCH_ROOT.secretAccessKey, ...extra], { pinCpu: 0 });
discardOutput(server);
try {
  const request = signedGetCallerIdentity(server.url);
  await runWrk(server.url, request, { concurrency, seconds: 2, pinCpu: 1 });
  const pid = server.child.pid!;
  const before = threadTicks(pid);
  const result = await runWrk(server.url, request, { concurrency, seconds, pinCpu: 1 });
  const after = threadTicks(pid);
  process.stdout.write(`${result.rps.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms, errors ${result.errors}\n`);
  let total = 0;
  for (const [thread, [user, system]] of after) {
    const [user0, system0] = before.get(thread) ?? [0, 0];
    const perRequest = (ticks: number) => (ticks * TICK_US) / result.requests;
    const us = perRequest(user - user0 + system - system0);
    if (us === 0) continue;
    total += us;
    process.stdout.write(`  ${thread.padEnd(24)} ${us.toFixed(1)} µs/request (user ${perRequest(user - user0).toFixed(1)}, system ${perRequest(system - system0).toFixed(1)})\n`);
  }
  process.stdout.write(`  total                    ${total.toFixed(1)} µs/request\n`);
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
