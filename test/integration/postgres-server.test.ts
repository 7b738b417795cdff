import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteUserPolicyCommand, GetUserCommand, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { runInvalidationScenario } from '../support/cache-invalidation.ts';

const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

describe('two stateless nodes on one PostgreSQL', { skip: findPostgresBinDir() === undefined && 'PostgreSQL binaries (initdb, pg_ctl) not installed' }, () => {
  let cluster: PostgresCluster;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    cluster = await startPostgresCluster();
    // Both nodes share the store and the master key; each has its own data directory.
    // They start at the same moment: bootstrapping one store twice must be idempotent.
    [a, b] = await Promise.all([
      startTestServer({ store: cluster.url, masterKey: MASTER_KEY, accountId: '123412341234' }),
      startTestServer({ store: cluster.url, masterKey: MASTER_KEY, accountId: '123412341234' }),
    ]);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await cluster?.stop();
  });

  test('what one node writes, the other reads and authenticates', async () => {
    assert.equal(a.accountId, b.accountId);
    await a.iam().send(new CreateUserCommand({ UserName: 'pg-alice', Tags: [{ Key: 'team', Value: 'red' }] }));
    const got = await b.iam().send(new GetUserCommand({ UserName: 'PG-ALICE' }));
    assert.equal(got.User?.Arn, 'arn:aws:iam::123412341234:user/pg-alice');
    const key = (await a.iam().send(new CreateAccessKeyCommand({ UserName: 'pg-alice' }))).AccessKey!;
    const who = await b.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::123412341234:user/pg-alice');
  });

  test('parallel CreateUser of one name across both nodes: exactly one succeeds', async () => {
    const calls = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).iam().send(new CreateUserCommand({ UserName: 'pg-racer' })));
    const results = await Promise.allSettled(calls);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'EntityAlreadyExistsException');
    }
    const listed = await b.iam().send(new ListUsersCommand({}));
    assert.equal(listed.Users!.filter((u) => u.UserName === 'pg-racer').length, 1);
  });

  test('a policy change made through one node applies to the next request on the other', async () => {
    await a.iam().send(new CreateUserCommand({ UserName: 'pg-flip' }));
    const key = (await a.iam().send(new CreateAccessKeyCommand({ UserName: 'pg-flip' }))).AccessKey!;
    const flipOnB = b.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    assert.equal((await awsError(() => flipOnB.send(new ListUsersCommand({})))).name, 'AccessDenied');
    await a.iam().send(new PutUserPolicyCommand({ UserName: 'pg-flip', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }) }));
    assert.ok((await flipOnB.send(new ListUsersCommand({}))).Users);
    await a.iam().send(new DeleteUserPolicyCommand({ UserName: 'pg-flip', PolicyName: 'p' }));
    assert.equal((await awsError(() => flipOnB.send(new ListUsersCommand({})))).name, 'AccessDenied');
  });

  test('cached keys, tags and policies: a change through either node applies to the next request on both', async () => {
    const node = (name: string, server: TestServer) => ({ name, iam: server.iam.bind(server), sts: server.sts.bind(server) });
    await runInvalidationScenario(node('a', a), [node('b', b)], 'pg-cache');
    await runInvalidationScenario(node('b', b), [node('a', a)], 'pg-cache-2');
  });

  test('errors are the same as on SQLite', async () => {
    const err = await awsError(() => b.iam().send(new GetUserCommand({ UserName: 'nobody' })));
    assert.equal(err.name, 'NoSuchEntityException');
    assert.equal(err.message, 'The user with name nobody cannot be found.');
  });
});
