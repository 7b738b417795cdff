import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A real upstream for the gateway's tests: moto_server on a free loopback port, started for a
 * suite and stopped after it. A machine without moto_server fails the suite (never skips it).
 */
export const MOTO_SERVER = process.env['MOTO_SERVER'] ?? '/root/.pyenv/shims/moto_server';

export interface MotoServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Werkzeug's start-up line, naming the port the server is listening on. */
const RUNNING_ON = /Running on http:\/\/127\.0\.0\.1:(\d+)/;

export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) throw new Error(`moto_server is not installed at ${MOTO_SERVER} (set MOTO_SERVER): the gateway's tests need a real upstream`);
  // Port 0: moto binds a free port itself and names it. A port probed free beforehand could be
  // taken by another test's server before moto binds it, and answer the readiness check instead.
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  let port = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    port ||= Number(RUNNING_ON.exec(stderr)?.[1] ?? 0);
    if (port === 0) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not start within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await answer.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not start within 30 s: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
