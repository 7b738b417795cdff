import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTessera } from '../../src/server/app.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { jsonLogger } from '../../src/server/logger.ts';
import { awsError, startTestServer } from '../support/tessera-server.ts';
import { sendRaw } from '../support/raw-request.ts';

describe('durable state, first start, admin API', () => {
  test('state survives a restart; secrets are not stored in plain text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-persist-'));
    try {
      const first = await startTestServer({}, { keepDataDir: dir });
      await first.iam().send(new CreateUserCommand({ UserName: 'durable' }));
      const key = (await first.iam().send(new CreateAccessKeyCommand({ UserName: 'durable' }))).AccessKey!;
      const accountId = first.accountId;
      await first.stop();

      const db = await readFile(join(dir, 'tessera.db'));
      const wal = await readFile(join(dir, 'tessera.db-wal')).catch(() => Buffer.alloc(0));
      for (const file of [db, wal]) {
        assert.equal(file.includes(Buffer.from(key.SecretAccessKey!)), false, 'secret access key found in plain text at rest');
        assert.equal(file.includes(Buffer.from('root-secret-for-tests')), false, 'root secret found in plain text at rest');
      }
      const masterKey = await stat(join(dir, 'master.key'));
      assert.equal(masterKey.mode & 0o777, 0o600);

      const second = await startTestServer({}, { keepDataDir: dir });
      try {
        assert.equal(second.accountId, accountId, 'the default account is kept');
        const got = await second.iam().send(new GetUserCommand({ UserName: 'durable' }));
        assert.equal(got.User?.UserName, 'durable');
        const who = await second.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
        assert.equal(who.Arn, `arn:aws:iam::${accountId}:user/durable`);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('first start creates the default account and writes root credentials (0600)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-first-'));
    try {
      const tessera = await startTessera(
        { host: '127.0.0.1', port: 0, dataDir: dir, store: `sqlite:${join(dir, 'db.sqlite')}`, dev: false, logLevel: 'silent', quotas: defaultQuotas },
        { logger: jsonLogger('silent') },
      );
      try {
        const created = tessera.createdRootCredentials!;
        assert.match(created.accountId, /^\d{12}$/);
        assert.match(created.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
        const file = join(dir, 'root-credentials');
        assert.equal((await stat(file)).mode & 0o777, 0o600);
        const text = await readFile(file, 'utf8');
        assert.ok(text.includes(`aws_access_key_id = ${created.accessKeyId}`));
        assert.ok(text.includes(`aws_secret_access_key = ${created.secretAccessKey}`));

        const health = await sendRaw(tessera.url, { method: 'GET', path: '/_tessera/health', headers: {} });
        assert.equal(health.status, 200);
        assert.equal(JSON.parse(health.body).status, 'ok');

        const denied = await sendRaw(tessera.url, { method: 'POST', path: '/_tessera/accounts', headers: {} });
        assert.equal(denied.status, 401);
        const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
        const made = await sendRaw(tessera.url, { method: 'POST', path: '/_tessera/accounts', headers: { authorization: `Bearer ${token}` }, body: '{"accountId":"222233334444"}' });
        assert.equal(made.status, 201, made.body);
        const second = JSON.parse(made.body);
        assert.equal(second.accountId, '222233334444');
        const again = await sendRaw(tessera.url, { method: 'POST', path: '/_tessera/accounts', headers: { authorization: `Bearer ${token}` }, body: '{"accountId":"222233334444"}' });
        assert.equal(again.status, 409);
        const reset = await sendRaw(tessera.url, { method: 'POST', path: '/_tessera/reset', headers: {} });
        assert.equal(reset.status, 404, 'reset exists only in dev mode');
      } finally {
        await tessera.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('dev mode: test/test root key, reset restores the just-started state, loopback only', async () => {
    const server = await startTestServer({ dev: true, rootAccessKeyId: undefined, rootSecretAccessKey: undefined });
    try {
      const creds = { accessKeyId: 'test', secretAccessKey: 'test' };
      const iam = server.iam(creds);
      await iam.send(new CreateUserCommand({ UserName: 'ephemeral' }));
      const res = await sendRaw(server.url, { method: 'POST', path: '/_tessera/reset', headers: {} });
      assert.equal(res.status, 200);
      const gone = await awsError(() => iam.send(new GetUserCommand({ UserName: 'ephemeral' })));
      assert.equal(gone.name, 'NoSuchEntityException');
      const who = await server.sts(creds).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Account, server.accountId, 'same account after reset');
    } finally {
      await server.stop();
    }
    await assert.rejects(
      startTessera({ host: '0.0.0.0', port: 0, dataDir: '.', store: 'sqlite::memory:', dev: true, logLevel: 'silent', quotas: defaultQuotas }),
      /loopback/,
    );
  });

  test('a second account is isolated from the first', async () => {
    const server = await startTestServer({ dev: true });
    try {
      const made = await sendRaw(server.url, { method: 'POST', path: '/_tessera/accounts', headers: {}, body: '{}' });
      const other = JSON.parse(made.body) as { accountId: string; accessKeyId: string; secretAccessKey: string };
      const otherIam = server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
      await server.iam().send(new CreateUserCommand({ UserName: 'shared-name' }));
      await otherIam.send(new CreateUserCommand({ UserName: 'shared-name' }));
      const mine = await server.iam().send(new GetUserCommand({ UserName: 'shared-name' }));
      const theirs = await otherIam.send(new GetUserCommand({ UserName: 'shared-name' }));
      assert.equal(mine.User?.Arn, `arn:aws:iam::${server.accountId}:user/shared-name`);
      assert.equal(theirs.User?.Arn, `arn:aws:iam::${other.accountId}:user/shared-name`);
      assert.notEqual(mine.User?.UserId, theirs.User?.UserId);
    } finally {
      await server.stop();
    }
  });
});
