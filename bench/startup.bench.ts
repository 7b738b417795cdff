import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../src/sigv4/index.ts';
import { loadAwsManagedCatalog, loadFastAwsManagedCatalog } from '../src/iam/policies/aws-managed.ts';

/**
 * Cold starts: from `tessera serve` being started to its first answered request, and the cost
 * of the first requests that used to load something big on first use — AttachRolePolicy of an
 * AWS managed policy (the catalog) and the first request carrying tags (the \p{L}\p{Z}\p{N}
 * class of the tag pattern). Baseline in the same run: loading the catalog from the package's
 * full data, as the first AttachRolePolicy did before the committed snapshot.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function call(url: string, service: string, params: Record<string, string>): Promise<number> {
  const body = new URLSearchParams(params).toString();
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host: new URL(url).host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    ROOT, { region: 'us-east-1', service, date: new Date() });
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${params['Action']} failed: ${res.status} ${text}`);
  return performance.now() - started;
}

interface StartupRow { mode: string; toListeningMs: number; toFirstAnswerMs: number; attachMs: number; tagMs: number }

async function measure(mode: string, args: string[]): Promise<StartupRow> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-level', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (https?:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const toListeningMs = performance.now() - started;
    await call(url, 'sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const toFirstAnswerMs = performance.now() - started;
    await call(url, 'iam', { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'bench-role', AssumeRolePolicyDocument: TRUST });
    const attachMs = await call(url, 'iam', { Action: 'AttachRolePolicy', Version: '2010-05-08', RoleName: 'bench-role', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    const tagMs = await call(url, 'iam', { Action: 'TagRole', Version: '2010-05-08', RoleName: 'bench-role', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'Équipe 7' });
    return { mode, toListeningMs, toFirstAnswerMs, attachMs, tagMs };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

export async function runStartupBench(options: { log?: (s: string) => void } = {}): Promise<StartupRow[]> {
  const log = options.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const rows: StartupRow[] = [];
  const rootFlags = ['--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey];
  rows.push(await measure('--dev', ['--dev', ...rootFlags]));
  for (const workers of ['1', '2']) {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-start-'));
    try {
      rows.push(await measure(`sqlite, first start, --workers ${workers}`, ['--data-dir', dir, '--workers', workers, ...rootFlags]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  let t = performance.now();
  await loadFastAwsManagedCatalog();
  const snapshotMs = performance.now() - t;
  t = performance.now();
  await loadAwsManagedCatalog();
  const packageMs = performance.now() - t;

  log('\nCold start (ms from spawning `tessera serve` to listening / to its first answered request; then the first');
  log('AttachRolePolicy of an AWS managed policy and the first TagRole after start, each as one request)');
  log('mode                                 listening  first answer  first AttachRolePolicy  first TagRole');
  for (const r of rows) {
    log(`${r.mode.padEnd(36)} ${r.toListeningMs.toFixed(0).padStart(9)} ${r.toFirstAnswerMs.toFixed(0).padStart(13)} ${r.attachMs.toFixed(0).padStart(23)} ${r.tagMs.toFixed(0).padStart(14)}`);
  }
  log(`AWS managed catalog, loaded in this process: snapshot ${snapshotMs.toFixed(0)} ms, package's full data ${packageMs.toFixed(0)} ms (ratio ${(snapshotMs / packageMs).toFixed(3)})`);
  return rows;
}

if (import.meta.main) await runStartupBench();
