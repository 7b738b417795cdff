import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, PutUserPolicyCommand, GetUserPolicyCommand } from '@aws-sdk/client-iam';
import { startServeProcess, type ServeProcess } from '../support/cli-process.ts';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';

const ROOT = { accessKeyId: 'AKIACRASHTESTROOT001', secretAccessKey: 'crash-test-secret-000000000000000000000000' };
const onPostgres = process.env['TESSERA_TEST_STORE'] === 'postgres';

/**
 * kill -9 in the middle of a stream of writes: every write the server acknowledged is there
 * after a restart, whole, and nothing half-written is visible (a user either exists with all
 * its tags and its inline policy, or not at all).
 */
describe(`a server killed with SIGKILL mid-writes loses nothing acknowledged (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dir: string;
  let cluster: PostgresCluster | undefined;
  let storeArgs: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
    if (onPostgres) {
      cluster = await startPostgresCluster();
      storeArgs = ['--store', cluster.url];
    }
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const serve = () => startServeProcess(['--data-dir', dir, '--port', '0', '--log-level', 'error', '--account-id', '121212121212',
    '--root-access-key-id', ROOT.accessKeyId, '--root-secret-access-key', ROOT.secretAccessKey, ...storeArgs]);

  test('acknowledged users and policies survive; nothing is half-written', async () => {
    let server: ServeProcess = await serve();
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const name = `crash-${worker}-${i}`;
        try {
          await iam.send(new CreateUserCommand({ UserName: name, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
          await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
          acknowledged.push(name);
        } catch {
          return; // the server died under us
        }
      }
    };
    const writers = [1, 2, 3, 4].map(writer);
    // Until 40 writes are acknowledged, or every writer has stopped on an error (then the
    // assertion below reports it, instead of a wait that never ends).
    let writing = true;
    void Promise.all(writers).then(() => (writing = false));
    while (acknowledged.length < 40 && writing) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    iam.destroy();
    assert.ok(acknowledged.length >= 40, `the writers stopped after ${acknowledged.length} acknowledged writes`);

    server = await serve();
    const after = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    try {
      for (const name of acknowledged) {
        const user = await after.send(new GetUserCommand({ UserName: name }));
        assert.deepEqual(user.User?.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }], name);
        const policy = await after.send(new GetUserPolicyCommand({ UserName: name, PolicyName: 'p' }));
        assert.match(decodeURIComponent(policy.PolicyDocument!), /s3:GetObject/);
      }
      // Users whose CreateUser was in flight either exist whole or not at all.
      const listed = await after.send(new ListUsersCommand({ MaxItems: 1000 }));
      for (const user of listed.Users ?? []) {
        const whole = await after.send(new GetUserCommand({ UserName: user.UserName! }));
        assert.equal(whole.User?.Tags?.length, 2, `${user.UserName} is whole`);
      }
    } finally {
      after.destroy();
      await server.stop();
    }
  });
});
