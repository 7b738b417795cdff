import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCli, awsCliAvailable, runCli, startServeProcess, type ServeProcess } from '../support/cli-process.ts';

describe('the tessera CLI and the aws CLI, end to end', () => {
  let dir: string;
  let serve: ServeProcess;
  let root: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
    serve = await startServeProcess(['--data-dir', dir, '--port', '0', '--log-level', 'warn']);
    const out = serve.output();
    root = {
      accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)![1]!,
      secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)![1]!,
    };
  });
  after(async () => {
    await serve?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('first start prints the root credentials once', () => {
    assert.match(root.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.match(root.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    assert.match(serve.output(), /Default account: \d{12}/);
  });

  test('aws CLI: get-caller-identity, create-user with tags, create-access-key, and the user\'s identity', { skip: !awsCliAvailable() && 'aws CLI not installed' }, () => {
    const account = /Default account: (\d{12})/.exec(serve.output())![1];
    const me = awsCli(serve.url, root, ['sts', 'get-caller-identity']);
    assert.equal(me.status, 0, me.stderr);
    assert.equal(me.json.Arn, `arn:aws:iam::${account}:root`);

    const user = awsCli(serve.url, root, ['iam', 'create-user', '--user-name', 'alice', '--tags', 'Key=team,Value=red']);
    assert.equal(user.status, 0, user.stderr);
    assert.equal(user.json.User.UserName, 'alice');
    assert.deepEqual(user.json.User.Tags, [{ Key: 'team', Value: 'red' }]);

    const key = awsCli(serve.url, root, ['iam', 'create-access-key', '--user-name', 'alice']);
    assert.equal(key.status, 0, key.stderr);
    const alice = { accessKeyId: key.json.AccessKey.AccessKeyId, secretAccessKey: key.json.AccessKey.SecretAccessKey };
    const aliceId = awsCli(serve.url, alice, ['sts', 'get-caller-identity']);
    assert.equal(aliceId.status, 0, aliceId.stderr);
    assert.equal(aliceId.json.Arn, `arn:aws:iam::${account}:user/alice`);

    const missing = awsCli(serve.url, root, ['iam', 'get-user', '--user-name', 'nobody']);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /NoSuchEntity/);
    assert.match(missing.stderr, /The user with name nobody cannot be found\./);

    const listed = awsCli(serve.url, root, ['iam', 'list-users']);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.json.Users.map((u: { UserName: string }) => u.UserName), ['alice']);
  });

  test('tessera account create adds an account whose root key works on the running server', { skip: !awsCliAvailable() && 'aws CLI not installed' }, () => {
    const created = runCli(['account', 'create', '--account-id', '555566667777', '--data-dir', dir]);
    assert.equal(created.status, 0, created.stderr);
    const creds = JSON.parse(created.stdout);
    assert.equal(creds.accountId, '555566667777');
    const who = awsCli(serve.url, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, ['sts', 'get-caller-identity']);
    assert.equal(who.status, 0, who.stderr);
    assert.equal(who.json.Account, '555566667777');
    const again = runCli(['account', 'create', '--account-id', '555566667777', '--data-dir', dir]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  });

  test('bad flags exit 2 with a message; --help lists every flag', () => {
    const bad = runCli(['serve', '--port', 'abc']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--port/);
    const help = runCli(['serve', '--help']);
    assert.equal(help.status, 0);
    for (const flag of ['--host', '--port', '--data-dir', '--store', '--account-id', '--root-access-key-id', '--root-secret-access-key', '--dev']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
  });

  test('SIGTERM stops the server cleanly', async () => {
    const code = await serve.stop();
    assert.equal(code, 0);
  });
});
