import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts a server script with this Node as a child process and waits for its "listening on URL" line. */
export async function startChild(args: string[], options: { env?: NodeJS.ProcessEnv; pinCpu?: number } = {}): Promise<Child> {
  return startProcess(process.execPath, args, options);
}

/**
 * Starts `command` (pinned to one CPU with taskset when `pinCpu` is given; its children
 * inherit the pinning) and waits for a "listening on URL" line — or, with `url`, for that URL
 * to answer (servers that print nothing useful, such as moto_server).
 */
export async function startProcess(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; pinCpu?: number; url?: string; cwd?: string } = {}): Promise<Child> {
  const [file, argv] = options.pinCpu === undefined ? [command, args] : ['taskset', ['-c', String(options.pinCpu), command, ...args]];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
    const done = (value: string) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${out}`));
    });
    if (options.url !== undefined) {
      const probe = () => {
        if (exited) return;
        fetch(options.url!).then(() => done(options.url!), () => setTimeout(probe, 100));
      };
      probe();
      return;
    }
    child.stdout!.on('data', () => {
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) done(m[1]!);
    });
  });
  return {
    url,
    child,
    output: () => out,
    stop: () => new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
