import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { cryptoRandom } from '../../src/kernel/random.ts';
import type { Clock } from '../../src/kernel/clock.ts';
import { startWorkload, type RunningWorkload, type WorkloadSpec } from '../../src/workloads/start-workload.ts';
import { CLI } from './cli-process.ts';
import type { Credentials, TestServer } from './tessera-server.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The environment of the test run without any AWS_* setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('TESSERA_')) env[k] = v;
  return { ...env, ...extra };
}

export function callerEnv(credentials: Credentials, extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv({
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_CONFIG_FILE: '/dev/null',
    ...extra,
  });
}

/**
 * Runs a command asynchronously (the server under test answers in this process). `input` is
 * written to its stdin; `detached` runs it in a session of its own (no controlling terminal).
 */
export function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000, options: { input?: string; detached?: boolean } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: REPO_ROOT, stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** `tessera run …` as a child process. */
export function tesseraRun(server: TestServer, caller: Credentials, args: string[]) {
  return run(process.execPath, [CLI, 'run', '--endpoint-url', server.url, ...args], callerEnv(caller));
}

/** A workload started in this process (its endpoint too), launched with `caller`'s credentials. */
export function workload(server: TestServer, caller: Credentials, spec: WorkloadSpec, clock: Clock, extra: { durationSeconds?: number; grantDurationSeconds?: number } = {}): Promise<RunningWorkload> {
  return startWorkload({
    endpointUrl: server.url,
    caller: { credentials: { ...caller, source: 'test' }, region: 'us-east-1' },
    spec,
    clock,
    random: cryptoRandom,
    ...extra,
  });
}

/** A clock this far from the real one, movable: the server, the endpoint and the tests share it. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** An IAM user with an access key and one inline policy. */
export async function userWithPolicy(iam: IAMClient, name: string, statements: object[]): Promise<Credentials> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements.length > 0) {
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

export function trust(service: string, condition?: object): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }] });
}

/**
 * A Node child process whose STS client uses the AWS SDK v3 default credential chain (no
 * credentials given: environment only). Each `call()` makes one GetCallerIdentity and reports
 * the caller's ARN and the access key the SDK signed with.
 */
export function sdkChild(env: Record<string, string>) {
  const script = `
    import { createInterface } from 'node:readline';
    import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
    const client = new STSClient({ maxAttempts: 1 });
    for await (const line of createInterface({ input: process.stdin })) {
      if (line !== 'call') break;
      try {
        const out = await client.send(new GetCallerIdentityCommand({}));
        const creds = await client.config.credentials();
        console.log(JSON.stringify({ arn: out.Arn, key: creds.accessKeyId }));
      } catch (err) {
        console.log(JSON.stringify({ error: err.name + ': ' + err.message }));
      }
    }
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async call(): Promise<{ arn?: string; key?: string; error?: string }> {
      child.stdin.write('call\n');
      const next = await lines.next();
      if (next.done) throw new Error(`the SDK child ended: ${stderr}`);
      return JSON.parse(next.value) as { arn?: string; key?: string; error?: string };
    },
    stop(): Promise<void> {
      return new Promise((resolve) => {
        child.once('close', () => resolve());
        child.stdin.end();
      });
    },
  };
}
