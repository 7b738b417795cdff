import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs the real `tessera` CLI as a child process (on this Node), for end-to-end tests. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** How long a started server may take to say it is listening before the test gives up. */
export const SERVER_START_MS = 60_000;

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/** How long output may still arrive after a child's exit (a grandchild holding the pipes). */
const OUTPUT_AFTER_EXIT_MS = 5_000;

/**
 * The child's exit code once its output has been read to the end. 'exit' may come before the
 * last of the output has been read (Node's documentation says so): a test that reads the
 * output then can miss the last line. 'close' comes after it.
 */
function exitedWithOutput(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('close', (code: number | null) => resolve(code));
    child.once('exit', (code) => setTimeout(() => resolve(code), OUTPUT_AFTER_EXIT_MS).unref());
  });
}

export async function startServeProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = exitedWithOutput(child);
  const url = await new Promise<string>((resolve, reject) => {
    // A deadline for a server that never starts, not a speed test: a loaded machine may take
    // many seconds to start a Node process that loads the whole server.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, SERVER_START_MS);
    const check = () => {
      const match = /listening on (https?:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function awsCliAvailable(): boolean {
  return spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** The aws CLI's environment: only these credentials — any AWS_* setting of the environment running the tests is dropped. */
export function awsEnv(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
}

/** Runs the aws CLI against a Tessera endpoint with the given credentials; JSON output parsed. */
export function awsCli(url: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, args: string[]): { status: number | null; json: any; stderr: string } {
  const r = spawnSync('aws', ['--endpoint-url', url, '--output', 'json', ...args], { encoding: 'utf8', env: awsEnv(credentials) });
  let json: any;
  try {
    json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, json, stderr: r.stderr };
}

/**
 * awsCli without blocking this process: for a server running in the test's own process (a
 * synchronous child would stop it from answering).
 */
export function awsCliAsync(url: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, args: string[]): Promise<{ status: number | null; json: any; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', url, '--output', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: awsEnv(credentials) }, (error, stdout, stderr) => {
      let json: any;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ status, json, stderr });
    });
  });
}
