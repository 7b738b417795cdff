import { Agent, request } from 'node:http';

/**
 * A closed-loop load generator: `concurrency` workers, each sending its next request as
 * soon as the previous answer arrives, for `seconds`. Requests are prepared beforehand (the
 * SigV4 signing is done up front) so the generator measures the server, not itself.
 */
export interface PreparedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: string;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** CPU time the generator itself used, as a share of one core over the run (in-process generator only). */
  generatorCpu?: number;
}

export async function runLoad(url: string, next: (i: number) => PreparedRequest, options: { concurrency: number; seconds: number; expectStatus?: number }): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const req = next(sent++);
      const t0 = performance.now();
      const status = await send(agent, target, req);
      latencies.push(performance.now() - t0);
      if (status !== (options.expectStatus ?? 200)) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50ms: pick(0.5), p99ms: pick(0.99), generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds };
}

function send(agent: Agent, target: URL, req: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ agent, host: target.hostname, port: target.port, method: req.method, path: req.path, headers: req.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end(req.body);
  });
}
