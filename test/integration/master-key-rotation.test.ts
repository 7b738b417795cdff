import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import {
  CreateAccessKeyCommand, CreateSAMLProviderCommand, EnableOutboundWebIdentityFederationCommand, CreateServiceSpecificCredentialCommand, CreateUserCommand, CreateVirtualMFADeviceCommand,
  UploadServerCertificateCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { SEALED_FIELDS } from '../../src/cli/sealed-fields.ts';
import { openStore } from '../../src/store/open-store.ts';
import { censusOfSealed } from '../../src/store/reseal.ts';
import { createSecretBox, masterKeyFromConfig, masterKeyId, type SecretBox } from '../../src/store/secret-box.ts';
import { masterKeyFilePath } from '../../src/store/master-key.ts';
import type { Store } from '../../src/store/types.ts';
import { CLI, runCli } from '../support/cli-process.ts';
import { issueCertificate, samlMetadata } from '../support/certificates.ts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * `tessera master-key rotate` / `retire` against a running server, on SQLite and on
 * PostgreSQL: credentials keep working before, during and after; a server holding only the
 * new key works; the old key opens nothing once retired.
 */

const hasPostgres = findPostgresBinDir() !== undefined;
let cluster: Promise<PostgresCluster> | undefined;
after(async () => {
  if (cluster) await (await cluster).stop();
});

const keyLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

/** Every string in the store's rows that looks like a sealed value, read with SQL (no store code). */
async function rawSealedValues(storeUrl: string): Promise<{ kind: string; value: string }[]> {
  const rows: { kind: string; data: unknown }[] = [];
  if (storeUrl.startsWith('sqlite:')) {
    const db = new DatabaseSync(storeUrl.slice('sqlite:'.length), { readOnly: true });
    try {
      for (const row of db.prepare('SELECT kind, data FROM entities').all() as { kind: string; data: string }[]) rows.push({ kind: row.kind, data: JSON.parse(row.data) });
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: storeUrl });
    await client.connect();
    try {
      rows.push(...(await client.query<{ kind: string; data: unknown }>('SELECT kind, data FROM entities')).rows);
    } finally {
      await client.end();
    }
  }
  const found: { kind: string; value: string }[] = [];
  const visit = (kind: string, value: unknown): void => {
    if (typeof value === 'string' && /^v1\.[A-Za-z0-9_-]{128,}$/.test(value)) found.push({ kind, value });
    else if (Array.isArray(value)) value.forEach((v) => visit(kind, v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => visit(kind, v));
  };
  for (const row of rows) visit(row.kind, row.data);
  return found;
}

/** Opens every sealed value through the list of sealed fields, with its context; returns how many. */
async function openAll(store: Store, box: SecretBox): Promise<number> {
  let opened = 0;
  for (const field of SEALED_FIELDS) {
    for (const record of await store.scan(field.kind, { limit: 1000 })) {
      field.map(record, (value) => {
        box.openBytes(value.sealed, value.context);
        opened++;
        return value.sealed;
      });
    }
  }
  return opened;
}

function runCliAsync(args: string[]): { done: Promise<{ status: number | null; stdout: string; stderr: string }>; running: () => boolean } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let running = true;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => {
    running = false;
    resolve({ status, stdout, stderr });
  }));
  return { done, running: () => running };
}

async function callerArn(server: TestServer, credentials: Credentials): Promise<string> {
  return (await server.sts(credentials).send(new GetCallerIdentityCommand({}))).Arn!;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`master key rotation on ${dialect}`, { skip: dialect === 'postgres' && !hasPostgres && 'PostgreSQL is not installed' }, () => {
    test('rotate under a running server, refuse to retire while a value names the old key, resume, retire', { timeout: 180_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tessera-rotation-'));
      const servers: TestServer[] = [];
      try {
        const storeUrl = dialect === 'sqlite'
          ? `sqlite:${join(dataDir, 'tessera.db')}`
          : await (await (cluster ??= startPostgresCluster())).createDatabase(`rotation_${process.pid}`);
        const store = ['--data-dir', dataDir, '--store', storeUrl];
        const a = await startTestServer({ store: storeUrl }, { keepDataDir: dataDir });
        servers.push(a);
        const keyFile = masterKeyFilePath(dataDir);
        const [oldKey] = keyLines(keyFile);

        // One secret of every sealed kind, and a user with a long-term key and a live session.
        const iam = a.iam();
        const alice = (await iam.send(new CreateUserCommand({ UserName: 'alice' }))).User!;
        const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
        const longTerm = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
        const session = (await a.sts(longTerm).send(new GetSessionTokenCommand({}))).Credentials!;
        const temporary = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
        for (let i = 0; i < 12; i++) {
          await iam.send(new CreateUserCommand({ UserName: `filler-${i}` }));
          await iam.send(new CreateAccessKeyCommand({ UserName: `filler-${i}` }));
        }
        await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice-mfa' }));
        await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }));
        const cert = issueCertificate({ keyType: 'ec' });
        await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'www', CertificateBody: cert.certificatePem, PrivateKey: cert.privateKeyPem }));
        const samlKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
        await iam.send(new CreateSAMLProviderCommand({ Name: 'idp', SAMLMetadataDocument: samlMetadata('https://idp.example.com/saml', [cert.certificatePem]), AddPrivateKey: samlKey }));
        await iam.send(new EnableOutboundWebIdentityFederationCommand({}));

        const works = async (server: TestServer) => {
          assert.equal(await callerArn(server, longTerm), alice.Arn);
          assert.equal(await callerArn(server, temporary), alice.Arn);
        };
        await works(a);

        // The list of sealed fields is complete: every sealed-looking value in the rows is one of them.
        const raw = await rawSealedValues(storeUrl);
        const kinds = new Set(SEALED_FIELDS.map((f) => f.kind));
        assert.deepEqual(raw.filter((r) => !kinds.has(r.kind)), [], 'a sealed value in a kind the rotation does not know');
        assert.deepEqual([...new Set(raw.map((r) => r.kind))].sort(), [...kinds].sort(), 'one secret of every sealed kind was made');
        const maintenance = await openStore(storeUrl);
        try {
          assert.equal(Object.values((await censusOfSealed(maintenance, SEALED_FIELDS)).byKeyId).reduce((x, y) => x + y, 0), raw.length);

          // Rotate, one record per transaction, while the server keeps answering and sealing.
          const rotation = runCliAsync(['master-key', 'rotate', ...store, '--batch-size', '1', '--pause-ms', '25']);
          let during = 0;
          let madeDuring = 0;
          while (rotation.running()) {
            await works(a);
            if (rotation.running() && keyLines(keyFile).length === 2) {
              during++;
              if (madeDuring < 3) {
                await iam.send(new CreateAccessKeyCommand({ UserName: `filler-${madeDuring++}` }));
              }
            }
          }
          const rotated = await rotation.done;
          assert.equal(rotated.status, 0, rotated.stderr);
          assert.ok(during > 0, 'requests were answered while the rotation ran');
          const report = JSON.parse(rotated.stdout);
          const [newKey, previous] = keyLines(keyFile);
          assert.equal(previous, oldKey);
          assert.equal(report.newKeyAdded, true);
          assert.equal(report.currentKeyId, masterKeyId(masterKeyFromConfig(newKey!)));
          assert.deepEqual(report.failed, []);
          assert.ok(report.resealed >= raw.length - 3, `re-sealed ${report.resealed}`);
          assert.equal(statSync(keyFile).mode & 0o777, 0o600);
          await works(a);

          // A node still sealing with the old key first (another machine not yet switched).
          const straggler = await startTestServer({ store: storeUrl, masterKey: `${oldKey},${newKey}` });
          servers.push(straggler);
          await straggler.iam().send(new CreateUserCommand({ UserName: 'late' }));
          await straggler.iam().send(new CreateAccessKeyCommand({ UserName: 'late' }));
          await works(straggler);
          const refused = runCli(['master-key', 'retire', ...store]);
          assert.equal(refused.status, 1);
          // Its new access key, and the root key it re-seals on start-up (bootstrap), name the old key.
          const left = Number(/refusing to retire: (\d+) sealed value\(s\) name a key other than the current one/.exec(refused.stderr)?.[1]);
          assert.ok(left >= 1, refused.stderr);
          assert.deepEqual(keyLines(keyFile), [newKey, oldKey], 'nothing changed');
          await servers.pop()!.stop();

          // Rotating again resumes: the straggler's value is re-sealed, no new key is added.
          const resumed = runCli(['master-key', 'rotate', ...store]);
          assert.equal(resumed.status, 0, resumed.stderr);
          assert.equal(JSON.parse(resumed.stdout).newKeyAdded, false);
          assert.equal(JSON.parse(resumed.stdout).resealed, left);

          // A second server holding only the new key serves the same users and sessions.
          const b = await startTestServer({ store: storeUrl, masterKey: newKey! });
          servers.push(b);
          await works(b);

          const retired = runCli(['master-key', 'retire', ...store]);
          assert.equal(retired.status, 0, retired.stderr);
          assert.deepEqual(JSON.parse(retired.stdout).retiredKeyIds, [masterKeyId(masterKeyFromConfig(oldKey!))]);
          assert.deepEqual(keyLines(keyFile), [newKey]);
          await works(a);
          await works(b);

          // The old key opens nothing any more; the new one opens everything.
          const oldBox = createSecretBox(masterKeyFromConfig(oldKey!));
          const newBox = createSecretBox(masterKeyFromConfig(newKey!));
          const total = await openAll(maintenance, newBox);
          assert.ok(total >= raw.length);
          for (const { value } of await rawSealedValues(storeUrl)) assert.throws(() => oldBox.openBytes(value, 'any'), /does not have/);
          await assert.rejects(
            startTestServer({ store: storeUrl, masterKey: oldKey! }),
            /the master key from --master-key \(TESSERA_MASTER_KEY\) does not open the secrets in this store/,
          );
          const status = runCli(['master-key', 'status', ...store]);
          assert.deepEqual(Object.keys(JSON.parse(status.stdout).sealedByKeyId), [masterKeyId(masterKeyFromConfig(newKey!))]);
        } finally {
          await maintenance.close();
        }
      } finally {
        for (const server of servers.reverse()) await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('master key rotation with --master-key', () => {
  test('rotate re-seals under the first key given and never invents one; retire checks and names the key to drop', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-rotation-flags-'));
    const storeUrl = `sqlite:${join(dataDir, 'tessera.db')}`;
    const [oldKey, newKey] = [runCli(['master-key', 'generate']).stdout.trim(), runCli(['master-key', 'generate']).stdout.trim()];
    assert.notEqual(oldKey, newKey);
    const servers: TestServer[] = [];
    try {
      // Phase 1: every node opens both, seals with the old key.
      const a = await startTestServer({ store: storeUrl, masterKey: `${oldKey},${newKey}` });
      servers.push(a);
      await a.iam().send(new CreateUserCommand({ UserName: 'bob' }));
      const key = (await a.iam().send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
      const bob = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      const options = ['--data-dir', dataDir, '--store', storeUrl];

      for (const [flag, value] of [['--batch-size', '0'], ['--batch-size', '1.5'], ['--pause-ms', '-1'], ['--pause-ms', '60001']] as const) {
        const refused = runCli(['master-key', 'rotate', ...options, '--master-key', `${newKey},${oldKey}`, `${flag}=${value}`]);
        assert.equal(refused.status, 2, `${flag} ${value}`);
        assert.match(refused.stderr, new RegExp(`${flag} must be a whole number`));
      }

      const single = runCli(['master-key', 'rotate', ...options, '--master-key', oldKey]);
      assert.equal(single.status, 2);
      assert.match(single.stderr, /--master-key holds one key: give the new key first/);
      const early = runCli(['master-key', 'retire', ...options, '--master-key', `${newKey},${oldKey}`]);
      assert.equal(early.status, 1);
      assert.match(early.stderr, /refusing to retire/);

      const rotated = runCli(['master-key', 'rotate', ...options, '--master-key', `${newKey},${oldKey}`]);
      assert.equal(rotated.status, 0, rotated.stderr);
      assert.equal(JSON.parse(rotated.stdout).newKeyAdded, false);
      assert.deepEqual(Object.keys(JSON.parse(rotated.stdout).sealedByKeyId), [masterKeyId(masterKeyFromConfig(newKey))]);
      assert.equal(await callerArn(a, bob), `arn:aws:iam::${a.accountId}:user/bob`, 'the phase-1 node opens what was re-sealed');

      const retired = runCli(['master-key', 'retire', ...options, '--master-key', `${newKey},${oldKey}`]);
      assert.equal(retired.status, 0, retired.stderr);
      assert.deepEqual(JSON.parse(retired.stdout).retiredKeyIds, [masterKeyId(masterKeyFromConfig(oldKey))]);
      assert.match(retired.stderr, /Restart every server with --master-key holding the current key alone/);
      await servers.pop()!.stop();
      const b = await startTestServer({ store: storeUrl, masterKey: newKey });
      servers.push(b);
      assert.equal(await callerArn(b, bob), `arn:aws:iam::${b.accountId}:user/bob`);
      const garbled = runCli(['master-key', 'status', ...options, '--master-key', 'nope']);
      assert.equal(garbled.status, 1);
      assert.equal(garbled.stderr, 'tessera: configured master key: the master key must be the base64 of exactly 32 bytes\n');
    } finally {
      for (const server of servers.reverse()) await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
