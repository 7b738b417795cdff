import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { signRequest, EMPTY_PAYLOAD_HASH } from '../src/sigv4/index.ts';
import { runLoad, type LoadResult, type PreparedRequest } from './support/load.ts';
import { runWrk, wrkAvailable } from './support/wrk.ts';
import { startChild } from './support/child-server.ts';

/**
 * The gateway against a baseline measured in the same run: the same requests sent directly to
 * a fast S3 stand-in (a bare node:http server answering S3 XML) and through Tessera in front of
 * it. Tessera authenticates (SigV4), maps, reads the bucket policy (cached), decides and
 * forwards re-signed; the stand-in checks nothing.
 *
 *   GetObject (1 KiB) and ListBuckets, requests/s at concurrency 32   — target ≥ 0.5 of direct
 *   a 100 MB streamed upload (PutObject, UNSIGNED-PAYLOAD and signed)  — target ≥ 0.7 of direct
 *   Tessera's RSS during a 1 GiB upload                               — bounded (reported)
 *
 * Uploads: best of 3 interleaved runs each way. Beside the ratio, the CPU time each process
 * spent on one 100 MB upload (the median run; from /proc), which a busy shared machine
 * disturbs far less than MB/s: Tessera's against the stand-in's own, for the same bytes.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const STAND_IN = fileURLToPath(new URL('./support/s3-stand-in.ts', import.meta.url));
const BARE_PROXY = fileURLToPath(new URL('./support/bare-proxy.ts', import.meta.url));
const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };
const SECONDS = 4;
const ROUNDS = 2;

function signed(url: string, method: string, path: string, headers: Record<string, string> = {}): PreparedRequest {
  const host = new URL(url).host;
  const out = signRequest({ method, path, query: '', headers: { host, 'x-amz-content-sha256': EMPTY_PAYLOAD_HASH, ...headers }, body: '' }, ROOT, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false });
  return { method, path, headers: out.headers, body: '' };
}

async function best(run: () => Promise<LoadResult>): Promise<LoadResult> {
  let top: LoadResult | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const result = await run();
    if (top === undefined || result.rps > top.rps) top = result;
  }
  return top!;
}

/** Sends `size` bytes in 64 KiB chunks as one PUT; resolves with MB/s and the status. */
function upload(url: string, size: number, declared: string, onProgress?: () => void): Promise<{ mbps: number; status: number }> {
  const target = new URL(url);
  const path = '/bench/upload.bin';
  const chunk = Buffer.alloc(64 * 1024, 'u');
  const headers = signRequest(
    { method: 'PUT', path, query: '', headers: { host: target.host, 'x-amz-content-sha256': declared, 'content-length': String(size) }, body: '' },
    ROOT, { region: 'us-east-1', service: 's3', date: new Date(), normalizePath: false },
  ).headers;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: target.hostname, port: target.port, method: 'PUT', path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ mbps: size / 1e6 / ((performance.now() - started) / 1000), status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = sent + chunk.length <= size ? chunk : chunk.subarray(0, size - sent);
        sent += piece.length;
        onProgress?.();
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** The SHA-256 of `size` bytes of 'u' (what `upload` sends), for a signed payload. */
async function sha256Of(size: number): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(64 * 1024, 'u');
  for (let sent = 0; sent < size; sent += chunk.length) hash.update(sent + chunk.length <= size ? chunk : chunk.subarray(0, size - sent));
  return hash.digest('hex');
}

export async function runGatewayBench(): Promise<void> {
  const standIn = await startChild([STAND_IN]);
  // TESSERA_BENCH_PROFILE_DIR=DIR: Tessera writes a CPU profile there when it exits (bench/profile-summary.ts reads it).
  const profile = process.env['TESSERA_BENCH_PROFILE_DIR'];
  const tessera = await startChild([...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), CLI, 'serve', '--dev', '--port', '0', '--log-level', 'silent', '--upstream', `s3=${standIn.url}`]);
  try {
    // Warm up: the bucket's owner is discovered once, the bucket policy read and cached.
    for (const url of [standIn.url, tessera.url]) {
      const warm = await fetch(`${url}/bench/object`, { headers: signed(url, 'GET', '/bench/object').headers as Record<string, string> });
      if (warm.status !== 200) throw new Error(`warm-up failed at ${url}: ${warm.status} ${await warm.text()}`);
      await warm.arrayBuffer();
    }
    // The load generator: wrk in its own process when installed (far cheaper per request than
    // a Node client, so it takes less of the cores the two servers share), else in-process.
    const wrk = process.env['TESSERA_BENCH_GENERATOR'] !== 'node' && (await wrkAvailable());
    const load = (url: string, request: PreparedRequest) =>
      wrk ? runWrk(url, request, { concurrency: 32, seconds: SECONDS }) : runLoad(url, () => request, { concurrency: 32, seconds: SECONDS });
    console.log(`\ngateway: through Tessera ÷ directly to the same S3 stand-in (c=32, best of 2 runs each; load: ${wrk ? 'wrk, separate process' : 'in-process'})`);
    // The ceiling of any node:http forwarder on this machine (bench/support/bare-proxy.ts): the
    // same requests through a proxy that does nothing but pass them on.
    const proxy = await startChild([BARE_PROXY, standIn.url]);
    try {
      for (const [name, path] of [['GetObject 1 KiB', '/bench/object'], ['ListBuckets', '/']] as const) {
        const direct = signed(standIn.url, 'GET', path);
        const through = signed(tessera.url, 'GET', path);
        const d = await best(() => load(standIn.url, direct));
        const t = await best(() => load(tessera.url, through));
        const p = await best(() => load(proxy.url, signed(proxy.url, 'GET', path)));
        console.log(`  ${name.padEnd(16)} direct ${d.rps.toFixed(0).padStart(6)} req/s   Tessera ${t.rps.toFixed(0).padStart(6)} req/s (p50 ${t.p50ms.toFixed(1)} ms, p99 ${t.p99ms.toFixed(1)} ms, errors ${t.errors})   ratio ${(t.rps / d.rps).toFixed(2)}`
          + `   (a bare node:http proxy: ${p.rps.toFixed(0)} req/s, ratio ${(p.rps / d.rps).toFixed(2)}; Tessera ÷ bare proxy ${(t.rps / p.rps).toFixed(2)})`);
      }
    } finally {
      await proxy.stop();
    }
    const size = 100 * 1000 * 1000;
    const hash = await sha256Of(size);
    const [standInPid, tesseraPid] = [standIn.child.pid!, tessera.child.pid!];
    for (const [form, declared] of [['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD'], ['signed payload', hash]] as const) {
      let [direct, through] = [0, 0];
      const cpu = { standIn: [] as number[], tessera: [] as number[] };
      for (let i = 0; i < 3; i++) {
        const before = cpuSeconds(standInPid);
        direct = Math.max(direct, (await upload(standIn.url, size, declared)).mbps);
        cpu.standIn.push(cpuSeconds(standInPid) - before);
        const tesseraBefore = cpuSeconds(tesseraPid);
        const result = await upload(tessera.url, size, declared);
        if (result.status !== 200) throw new Error(`upload through Tessera answered ${result.status}`);
        cpu.tessera.push(cpuSeconds(tesseraPid) - tesseraBefore);
        through = Math.max(through, result.mbps);
      }
      console.log(`  100 MB PutObject (${form.padEnd(16)}) direct ${direct.toFixed(0).padStart(5)} MB/s   Tessera ${through.toFixed(0).padStart(5)} MB/s   ratio ${(through / direct).toFixed(2)}   CPU: Tessera ${median(cpu.tessera).toFixed(2)} s, stand-in ${median(cpu.standIn).toFixed(2)} s`);
    }
    const pid = tesseraPid;
    const before = rssMb(pid);
    let peak = before;
    let calls = 0;
    const gib = 1024 * 1024 * 1024;
    const big = await upload(tessera.url, gib, 'UNSIGNED-PAYLOAD', () => {
      if (++calls % 256 === 0) peak = Math.max(peak, rssMb(pid));
    });
    peak = Math.max(peak, rssMb(pid));
    console.log(`  1 GiB PutObject through Tessera: ${big.mbps.toFixed(0)} MB/s, status ${big.status}; Tessera RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB during (+${(peak - before).toFixed(0)} MB)`);
  } finally {
    await tessera.stop();
    await standIn.stop();
  }
}

if (import.meta.main) await runGatewayBench();
