import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IAMClient, ListUsersCommand, GetAccountAuthorizationDetailsCommand, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { openStore } from '../src/store/open-store.ts';
import { isoSeconds } from '../src/kernel/clock.ts';
import { Kind } from '../src/iam/kinds.ts';
import { signRequest } from '../src/sigv4/index.ts';
import { startChild } from './support/child-server.ts';
import { encodeMarker } from '../src/iam/paging.ts';
import { runLoad, type PreparedRequest } from './support/load.ts';

/**
 * IAM at scale, with baselines from the same run:
 *   - ListUsers and GetAccountAuthorizationDetails page times at 100, 10,000 and 100,000 users
 *     (first page and a page deep in the listing): the cost of a page must not grow with the
 *     number of users (keyset paging);
 *   - an authorized IAM read (GetUser) by a non-root user, decided by the policy engine, as a
 *     ratio of the same read by the root user (target ≥ 0.8).
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = { accessKeyId: 'AKIABENCHROOTKEY0001', secretAccessKey: 'bench-secret-0000000000000000000000000000' };
const ACCOUNT = '111122223333';

async function populate(storeUrl: string, users: number): Promise<void> {
  const store = await openStore(storeUrl);
  try {
    const createdAt = isoSeconds(new Date());
    for (let start = 0; start < users; start += 5000) {
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(users, start + 5000); i++) {
          const name = `user-${String(i).padStart(6, '0')}`;
          await tx.insert({ accountId: ACCOUNT, kind: Kind.user, id: `AIDABENCH${String(i).padStart(12, '0')}`, name, parentId: '', path: '/bench/', data: { tags: [] }, createdAt });
        }
      });
    }
  } finally {
    await store.close();
  }
}

async function timePages(iam: IAMClient, pages: number, listPage: (marker?: string) => Promise<string | undefined>, startMarker?: string): Promise<{ firstMs: number; deepMs: number }> {
  let marker: string | undefined = startMarker;
  const times: number[] = [];
  for (let i = 0; i < pages; i++) {
    const t0 = performance.now();
    marker = await listPage(marker);
    times.push(performance.now() - t0);
    if (!marker) break;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { firstMs: median(times.slice(0, 3)), deepMs: median(times.slice(-3)) };
}

function signedPost(url: string, creds: { accessKeyId: string; secretAccessKey: string }, params: Record<string, string>): PreparedRequest {
  const host = new URL(url).host;
  const body = new URLSearchParams(params).toString();
  const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body }, creds, { region: 'us-east-1', service: 'iam', date: new Date() });
  return { method: 'POST', path: '/', headers: signed.headers, body };
}

export async function runIamBench(options: { seconds?: number; sizes?: number[]; log?: (s: string) => void } = {}): Promise<void> {
  const log = options.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const seconds = options.seconds ?? 3;
  const sizes = options.sizes ?? [100, 10_000, 100_000];
  log('\nIAM paging (median ms per page of 100 over HTTP; ListUsers: first pages vs pages from the middle of the listing; GetAccountAuthorizationDetails: first pages vs page 30)');
  log('users      ListUsers first  deep   GetAccountAuthorizationDetails first  deep');
  for (const size of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-iam-bench-'));
    const storeUrl = `sqlite:${join(dir, 'tessera.db')}`;
    await populate(storeUrl, size);
    const server = await startChild([CLI, 'serve', '--workers', '1', '--port', '0', '--data-dir', dir, '--log-level', 'error', '--account-id', ACCOUNT,
      '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey]);
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    try {
      const listPage = async (marker?: string) => (await iam.send(new ListUsersCommand({ MaxItems: 100, Marker: marker }))).Marker;
      const first = await timePages(iam, 10, listPage);
      // Deep pages start from a marker in the middle of the listing, so "deep" is really deep.
      const middle = await timePages(iam, 10, listPage, encodeMarker(`user-${String(Math.floor(size / 2)).padStart(6, '0')}`));
      const list = { firstMs: first.firstMs, deepMs: middle.deepMs };
      let gaad = { firstMs: NaN, deepMs: NaN };
      try {
        gaad = await timePages(iam, 30, async (marker) => (await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], MaxItems: 100, Marker: marker }))).Marker);
      } catch (err) {
        log(`  GetAccountAuthorizationDetails unavailable: ${(err as Error).name}`);
      }
      log(`${String(size).padEnd(10)} ${list.firstMs.toFixed(2).padStart(15)} ${list.deepMs.toFixed(2).padStart(6)} ${gaad.firstMs.toFixed(2).padStart(37)} ${gaad.deepMs.toFixed(2).padStart(5)}`);
    } finally {
      iam.destroy();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }

  // Authorization cost: GetUser by root (no policy evaluation) vs by a user whose identity
  // policies the engine evaluates on every request.
  const dir = await mkdtemp(join(tmpdir(), 'tessera-iam-bench-'));
  const server = await startChild([CLI, 'serve', '--workers', '1', '--port', '0', '--data-dir', dir, '--log-level', 'error', '--account-id', ACCOUNT,
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey]);
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
  try {
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ],
    }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const reader = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const asRoot = signedPost(server.url, ROOT, { Action: 'GetUser', Version: '2010-05-08', UserName: 'reader' });
    const asUser = signedPost(server.url, reader, { Action: 'GetUser', Version: '2010-05-08', UserName: 'reader' });
    await runLoad(server.url, () => asUser, { concurrency: 8, seconds: 1 });
    for (const concurrency of [1, 32]) {
      const r = await runLoad(server.url, () => asRoot, { concurrency, seconds });
      const u = await runLoad(server.url, () => asUser, { concurrency, seconds });
      log(`\nGetUser c=${concurrency}: root ${r.rps.toFixed(0)} req/s, policy-authorized user ${u.rps.toFixed(0)} req/s, ratio ${(u.rps / r.rps).toFixed(2)} (errors: ${r.errors}/${u.errors})`);
    }
  } finally {
    iam.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await runIamBench();
