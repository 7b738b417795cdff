import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { signRequest } from '../src/sigv4/index.ts';
import { startChild } from './support/child-server.ts';
import { runLoad, type LoadResult, type PreparedRequest } from './support/load.ts';

/**
 * STS, with baselines from the same run:
 *   - AssumeRole per second (trust policy + identity policy evaluated, token sealed);
 *   - GetCallerIdentity signed with temporary credentials (token opened, no store read) as a
 *     ratio of the same request signed with a long-term key (one store read) — target ≥ 0.9.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };
const ACCOUNT = '111122223333';

function signed(url: string, service: string, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, params: Record<string, string>): PreparedRequest {
  const host = new URL(url).host;
  const body = new URLSearchParams(params).toString();
  const s = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, creds, { region: 'us-east-1', service, date: new Date() });
  return { method: 'POST', path: '/', headers: s.headers, body };
}

async function best(rounds: number, run: () => Promise<LoadResult>): Promise<LoadResult> {
  let top: LoadResult | undefined;
  for (let i = 0; i < rounds; i++) {
    const r = await run();
    if (!top || r.rps > top.rps) top = r;
  }
  return top!;
}

export async function runStsBench(options: { seconds?: number; log?: (s: string) => void } = {}): Promise<void> {
  const log = options.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const seconds = options.seconds ?? 2;
  const dir = await mkdtemp(join(tmpdir(), 'tessera-sts-bench-'));
  const server = await startChild([CLI, 'serve', '--workers', '1', '--port', '0', '--data-dir', dir, '--log-level', 'error', '--account-id', ACCOUNT,
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey]);
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
  try {
    await iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'Deploy', AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/deployer` }, Action: 'sts:AssumeRole' }],
    }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Deploy', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }] }) }));
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: user, maxAttempts: 1 });
    const session = (await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'bench' }))).Credentials!;
    sts.destroy();
    const temp = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };

    const assume = signed(server.url, 'sts', user, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: role.Role!.Arn!, RoleSessionName: 'bench' });
    const longTerm = signed(server.url, 'sts', user, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    const temporary = signed(server.url, 'sts', temp, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
    await runLoad(server.url, () => temporary, { concurrency: 8, seconds: 1 });
    await runLoad(server.url, () => longTerm, { concurrency: 8, seconds: 1 });
    log('\nSTS (requests/s, best of 3 runs)');
    for (const concurrency of [1, 32]) {
      const a = await best(3, () => runLoad(server.url, () => assume, { concurrency, seconds }));
      log(`  AssumeRole c=${concurrency}: ${a.rps.toFixed(0)} /s (p50 ${a.p50ms.toFixed(2)} ms, errors ${a.errors})`);
    }
    for (const concurrency of [1, 32]) {
      let l: LoadResult | undefined;
      let t: LoadResult | undefined;
      for (let i = 0; i < 3; i++) {
        const li = await runLoad(server.url, () => longTerm, { concurrency, seconds });
        const ti = await runLoad(server.url, () => temporary, { concurrency, seconds });
        if (!l || li.rps > l.rps) l = li;
        if (!t || ti.rps > t.rps) t = ti;
      }
      log(`  GetCallerIdentity c=${concurrency}: long-term key ${l!.rps.toFixed(0)} /s, temporary credentials ${t!.rps.toFixed(0)} /s, ratio ${(t!.rps / l!.rps).toFixed(2)} (errors ${l!.errors}/${t!.errors})`);
    }
  } finally {
    iam.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await runStsBench();
