import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Credentials } from './tessera-server.ts';

/** What an aws CLI run printed and how it ended. */
export type CliResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the aws CLI against `endpoint` asynchronously (the server may run on the test's own
 * thread) with only these credentials: `home` holds its `config`; every AWS_* setting of the
 * environment running the tests is left out.
 */
export function runAwsCli(endpoint: string, home: string, args: string[], credentials: Credentials, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['--endpoint-url', endpoint, ...args], {
      env: {
        PATH: process.env['PATH'],
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI's one-line error (`An error occurred (Code) when calling the Op operation: message`); the run must have failed. */
export function cliRefusal(result: CliResult): string {
  assert.notEqual(result.code, 0, `expected a refusal, got: ${result.stdout}`);
  return result.stderr.trim();
}

/** The CLI's output; the run must have succeeded. */
export function cliOutput(result: CliResult): string {
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}
