import { execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, PreparedRequest } from './load.ts';

/**
 * wrk as the load generator, in its own process (pinned to a CPU of its own when asked), so
 * that the generator's work does not share the measured server's core. One thread, one
 * prepared request repeated; latencies from wrk's --latency percentiles.
 */
export async function wrkAvailable(): Promise<boolean> {
  return new Promise((resolve) => execFile('wrk', ['--version'], (err, stdout, stderr) => resolve(/^wrk /m.test(stdout + stderr))));
}

export async function runWrk(url: string, req: PreparedRequest, options: { concurrency: number; seconds: number; pinCpu?: number }): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    const headers = Object.entries(req.headers)
      .filter(([name]) => name.toLowerCase() !== 'host' && name.toLowerCase() !== 'content-length')
      .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(Array.isArray(value) ? value.join(', ') : value)}`);
    await writeFile(script, [`wrk.method = ${JSON.stringify(req.method)}`, `wrk.path = ${JSON.stringify(req.path)}`, `wrk.body = ${JSON.stringify(req.body)}`, ...headers].join('\n') + '\n');
    const args = ['-t1', `-c${options.concurrency}`, `-d${options.seconds}s`, '--latency', '-s', script, url];
    const [file, argv] = options.pinCpu === undefined ? ['wrk', args] : ['taskset', ['-c', String(options.pinCpu), 'wrk', ...args]];
    const output = await new Promise<string>((resolve, reject) =>
      execFile(file, argv, { timeout: (options.seconds + 30) * 1000 }, (err, stdout, stderr) => (err ? reject(new Error(`wrk failed: ${stderr || err.message}`)) : resolve(stdout))));
    return parseWrk(output, options.seconds);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseWrk(output: string, seconds: number): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 'NaN');
  const requests = number(/(\d+) requests in/);
  const rps = number(/Requests\/sec:\s+([\d.]+)/);
  const errors = number(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socket = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const percentile = (line: RegExp) => {
    const m = line.exec(output);
    if (!m) return NaN;
    const value = Number(m[1]);
    return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
  };
  return { requests, errors: errors + socket, seconds, rps, p50ms: percentile(/^\s+50%\s+([\d.]+)(us|ms|s)\s*$/m), p99ms: percentile(/^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m) };
}
