import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, CreateUserCommand, ListUsersCommand, PutUserPolicyCommand, DeleteUserPolicyCommand, CreateAccessKeyCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { startServeProcess, runCli } from '../support/cli-process.ts';
import { descendants, isAlive, waitUntil } from '../support/process-tree.ts';
import { parseServeConfig } from '../../src/cli/flags.ts';
import { workerCount } from '../../src/cli/serve-command.ts';

/**
 * `tessera serve --workers N`: the primary prepares the first start once, N workers share the
 * port and the store, changes made through one worker decide the next request to another, and
 * a stop stops them all gracefully.
 */

function rootFrom(file: string): { accessKeyId: string; secretAccessKey: string } {
  const id = /aws_access_key_id = (\S+)/.exec(file)![1]!;
  const secret = /aws_secret_access_key = (\S+)/.exec(file)![1]!;
  return { accessKeyId: id, secretAccessKey: secret };
}

/** A client that opens a new connection for every request, so requests spread over the workers. */
function freshConnections(url: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  return new IAMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: false }) } });
}

test('two workers: first start once, writes from both, an authorization change seen by the next request to either', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-workers-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '2', '--log-level', 'info']);
  try {
    assert.match(server.output(), /listening on http:\/\/127\.0\.0\.1:\d+ \(sqlite:.*, 2 worker processes\)/);
    assert.equal(server.output().match(/created the default account/g)?.length, 1, 'bootstrapped once');
    assert.equal(descendants(server.child.pid!).length, 2, 'the primary has two worker processes');
    const root = rootFrom(await readFile(join(dir, 'root-credentials'), 'utf8'));
    const iam = freshConnections(server.url, root);

    // Concurrent writes land on both workers and one SQLite file: none lost, none refused.
    await Promise.all(Array.from({ length: 40 }, (_, i) => iam.send(new CreateUserCommand({ UserName: `w-${i}` }))));
    const listed = await iam.send(new ListUsersCommand({ MaxItems: 1000 }));
    assert.equal(listed.Users?.filter((u) => u.UserName?.startsWith('w-')).length, 40);

    await iam.send(new PutUserPolicyCommand({ UserName: 'w-0', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'w-0' }))).AccessKey!;
    const user = freshConnections(server.url, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:GetUser', Resource: '*' }] });
    for (let round = 0; round < 4; round++) {
      // Each request on a new connection: round robin sends consecutive ones to different workers.
      for (let i = 0; i < 3; i++) assert.equal((await user.send(new GetUserCommand({}))).User?.UserName, 'w-0', `round ${round}: allowed`);
      await iam.send(new PutUserPolicyCommand({ UserName: 'w-0', PolicyName: 'deny', PolicyDocument: deny }));
      for (let i = 0; i < 3; i++) await assert.rejects(user.send(new GetUserCommand({})), { name: 'AccessDenied' }, `round ${round}: denied at once`);
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'w-0', PolicyName: 'deny' }));
    }
    iam.destroy();
    user.destroy();
  } finally {
    const workers = descendants(server.child.pid!);
    const code = await server.stop();
    assert.equal(code, 0);
    assert.match(server.output(), /"msg":"Tessera stopped","reason":"SIGTERM"/);
    assert.ok(await waitUntil(() => workers.every((pid) => !isAlive(pid)), 5000), 'every worker is gone');
    await rm(dir, { recursive: true, force: true });
  }
});

test('a worker that dies is replaced and the server keeps serving', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-workers-'));
  const server = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '2']);
  try {
    const root = rootFrom(await readFile(join(dir, 'root-credentials'), 'utf8'));
    const [victim] = descendants(server.child.pid!);
    process.kill(victim!, 'SIGKILL');
    assert.ok(await waitUntil(() => descendants(server.child.pid!).length === 2 && !descendants(server.child.pid!).includes(victim!), 15_000), 'replaced');
    // The primary's log line may reach us a moment after the new worker is up.
    assert.ok(await waitUntil(() => /worker process died; starting another/.test(server.output()), 5_000), server.output());
    const iam = freshConnections(server.url, root);
    for (let i = 0; i < 4; i++) await iam.send(new CreateUserCommand({ UserName: `after-${i}` }));
    iam.destroy();
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(dir, { recursive: true, force: true });
  }
});

test('--workers: default one per core, one in dev mode; bad values refused', () => {
  assert.equal(workerCount(parseServeConfig([], {})), availableParallelism());
  assert.equal(workerCount(parseServeConfig(['--dev'], {})), 1);
  assert.equal(workerCount(parseServeConfig(['--workers', '3'], {})), 3);
  assert.equal(workerCount(parseServeConfig([], { TESSERA_WORKERS: '4' })), 4);
  assert.throws(() => parseServeConfig(['--dev', '--workers', '2'], {}), /--dev keeps its state in one process's memory/);
  for (const bad of ['0', '-1', 'two', '257', '99999', '1.5', '']) {
    assert.throws(() => parseServeConfig([`--workers=${bad}`], {}), /must be a whole number from 1 to 256/, bad);
  }
  const r = runCli(['serve', '--workers', 'many']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--workers must be a whole number from 1 to 256, got 'many'/);
});

test('a port in use: the workers cannot listen and the primary exits with the reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-workers-'));
  const first = await startServeProcess(['--port', '0', '--data-dir', dir, '--workers', '1']);
  const port = new URL(first.url).port;
  const dir2 = await mkdtemp(join(tmpdir(), 'tessera-workers-'));
  try {
    const started = performance.now();
    await assert.rejects(startServeProcess(['--port', port, '--data-dir', dir2, '--workers', '2']), /server exited with 1[\s\S]*(in use|EADDRINUSE)/);
    assert.ok(performance.now() - started < 15_000);
  } finally {
    await first.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(dir2, { recursive: true, force: true });
  }
});
