import { after, before, describe, test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { nodeAt, runInvalidationScenario } from '../support/cache-invalidation.ts';
import { SERVER_START_MS } from '../support/cli-process.ts';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
const ACCOUNT = '432143214321';

/**
 * Resolved access keys, policy sets and authorization epochs are cached; a change must still
 * apply to the next request — in the process that made it, and in another process serving
 * the same SQLite file (the epoch mirror's change mark: SQLite's data_version).
 */
describe('cached credentials and policies are never stale (SQLite)', () => {
  let a: TestServer;
  before(async () => {
    a = await startTestServer({ masterKey: MASTER_KEY, accountId: ACCOUNT });
  });
  after(async () => {
    await a?.stop();
  });

  test('one process: a change applies to its next request', async () => {
    const node = { name: 'a', iam: a.iam.bind(a), sts: a.sts.bind(a) };
    await runInvalidationScenario(node, [], 'cache-solo');
  });

  test('two processes on one SQLite file: a change through either applies to the next request on both', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tessera-second-'));
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--store', `sqlite:${join(a.dataDir, 'tessera.db')}`,
      '--master-key', MASTER_KEY, '--account-id', ACCOUNT, '--root-access-key-id', a.root.accessKeyId, '--root-secret-access-key', a.root.secretAccessKey,
      '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = nodeAt('b (second process)', await listeningUrl(child), a.root);
    try {
      await runInvalidationScenario({ name: 'a', iam: a.iam.bind(a), sts: a.sts.bind(a) }, [b], 'cache-pair');
      // And the other way round: b writes, a reads.
      await runInvalidationScenario(b, [{ name: 'a', iam: a.iam.bind(a), sts: a.sts.bind(a) }], 'cache-pair-2');
    } finally {
      b.destroy();
      await stop(child);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the second server did not start: ${out}`)), SERVER_START_MS);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second server exited (${code}): ${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('dev mode reset', () => {
  test('a key cached before a reset is not accepted after it, even once the account epoch has come round again', async () => {
    const dev = await startTestServer({ dev: true });
    try {
      await dev.iam().send(new CreateUserCommand({ UserName: 'before-reset' }));
      const key = (await dev.iam().send(new CreateAccessKeyCommand({ UserName: 'before-reset' }))).AccessKey!;
      const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      assert.match((await dev.sts(creds).send(new GetCallerIdentityCommand({}))).Arn!, /:user\/before-reset$/);
      assert.equal((await fetch(`${dev.url}/_tessera/reset`, { method: 'POST' })).status, 200);
      // The emptied store counts epochs from zero again: as many writes as before bring the
      // account back to the epoch the key was cached at.
      await dev.iam().send(new CreateUserCommand({ UserName: 'after-1' }));
      await dev.iam().send(new CreateUserCommand({ UserName: 'after-2' }));
      const err = await awsError(() => dev.sts(creds).send(new GetCallerIdentityCommand({})));
      assert.equal(err.name, 'InvalidClientTokenId');
    } finally {
      await dev.stop();
    }
  });
});
