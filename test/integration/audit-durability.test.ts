import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startServeProcess } from '../support/cli-process.ts';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { openStore } from '../../src/store/open-store.ts';

const ROOT = { accessKeyId: 'AKIAAUDITKILLTEST001', secretAccessKey: 'audit-kill-secret-00000000000000000000000' };
const onPostgres = process.env['TESSERA_TEST_STORE'] === 'postgres';

/**
 * "Nothing lost that was acknowledged": a server killed with SIGKILL in the middle of a stream
 * of requests — writes, reads, refusals — has, after the kill, an audit event for every request
 * it answered. (A request cut off before its answer may or may not have one: it was never
 * acknowledged.)
 */
describe(`kill -9 loses no audit event of an answered request (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dir: string;
  let cluster: PostgresCluster | undefined;
  let storeArgs: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-audit-kill-'));
    if (onPostgres) {
      cluster = await startPostgresCluster();
      storeArgs = ['--store', cluster.url];
    }
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('every acknowledged request ID is in the audit log after SIGKILL', async () => {
    const server = await startServeProcess(['--data-dir', dir, '--port', '0', '--log-level', 'error', '--account-id', '131313131313',
      '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey, ...storeArgs]);
    const config = { endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
    const iam = new IAMClient(config);
    const sts = new STSClient(config);
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const kind = i % 3;
          const out = kind === 0
            ? await iam.send(new CreateUserCommand({ UserName: `kill-${n}-${i}` }))
            : kind === 1
              ? await sts.send(new GetCallerIdentityCommand({}))
              : await iam.send(new GetUserCommand({ UserName: `missing-${n}-${i}` })).catch((err: { $metadata?: { requestId?: string; httpStatusCode?: number } }) => {
                  // An error answer is an answer too: NoSuchEntity (404) is acknowledged.
                  if (err.$metadata?.httpStatusCode === 404) return { $metadata: err.$metadata };
                  throw err;
                });
          if (out.$metadata.requestId) acknowledged.push(out.$metadata.requestId);
        } catch {
          return; // the server died under us
        }
      }
    };
    const workers = [1, 2, 3, 4, 5, 6].map(worker);
    // Until 150 answers, or every worker has stopped on an error (then the assertion below
    // reports it, instead of a wait that never ends).
    let working = true;
    void Promise.all(workers).then(() => (working = false));
    while (acknowledged.length < 150 && working) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    iam.destroy();
    sts.destroy();
    await new Promise((resolve) => (server.child.exitCode !== null || server.child.signalCode !== null ? resolve(undefined) : server.child.once('exit', resolve)));

    const store = await openStore(onPostgres ? cluster!.url : `sqlite:${join(dir, 'tessera.db')}`);
    try {
      const missing: string[] = [];
      for (const requestId of acknowledged) {
        if ((await store.auditByRequestId(requestId)).length === 0) missing.push(requestId);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged requests have no audit event`);
      assert.ok(acknowledged.length >= 150);
    } finally {
      await store.close();
    }
  });
});
