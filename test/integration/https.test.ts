import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { runDevCertCommand } from '../../src/cli/dev-cert-command.ts';
import { startTestServer, awsError, type Credentials } from '../support/tessera-server.ts';
import { readTlsCredentials } from '../../src/server/tls-files.ts';

/**
 * HTTPS: `tessera dev-cert` makes a CA and a server certificate; `--tls-cert`/`--tls-key`
 * serve HTTPS; the aws CLI (--ca-bundle) and SDK v3 (a custom https agent) call it; and
 * aws:SecureTransport is true over https, false over http, as a policy condition sees it.
 */

const quietIo = (out: string[]) => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), readFile: (p: string) => readFile(p, 'utf8'), env: {} });

async function devCert(dir: string, ...args: string[]): Promise<{ ca: string; cert: string; key: string }> {
  const out: string[] = [];
  assert.equal(await runDevCertCommand(['--out', dir, ...args], quietIo(out)), 0, out.join(''));
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

function aws(endpoint: string, credentials: Credentials, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, timeout: 60_000 }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: String(out), err: String(err) }));
  });
}

function sdkOptions(endpoint: string, credentials: Credentials, ca?: string) {
  return { endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...(ca ? { requestHandler: { httpsAgent: new Agent({ ca }) } } : {}) };
}

test('HTTPS with a dev certificate: the aws CLI with --ca-bundle and SDK v3 with the CA; untrusted without it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-https-'));
  const files = await devCert(join(dir, 'tls'));
  const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const cli = await aws(server.url, server.root, ['--ca-bundle', files.ca, 'sts', 'get-caller-identity']);
    assert.equal(cli.code, 0, cli.err);
    assert.equal(JSON.parse(cli.out).Account, server.accountId);
    const untrusted = await aws(server.url, server.root, ['sts', 'get-caller-identity']);
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.err, /CERTIFICATE_VERIFY_FAILED|certificate verify failed/);

    const ca = await readFile(files.ca, 'utf8');
    const sts = new STSClient(sdkOptions(server.url, server.root, ca));
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, server.accountId);
    sts.destroy();
    // localhost is in the certificate too.
    const byName = new STSClient(sdkOptions(server.url.replace('127.0.0.1', 'localhost'), server.root, ca));
    assert.equal((await byName.send(new GetCallerIdentityCommand({}))).Account, server.accountId);
    byName.destroy();
    const noCa = new STSClient(sdkOptions(server.url, server.root));
    await assert.rejects(noCa.send(new GetCallerIdentityCommand({})), /self[- ]signed|unable to (get|verify)|certificate/i);
    noCa.destroy();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('aws:SecureTransport is true over https and false over http: a policy condition on it decides differently', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-https-'));
  const files = await devCert(join(dir, 'tls'));
  const data = join(dir, 'data');
  const secure = await startTestServer({ dataDir: data, store: `sqlite:${join(data, 'tessera.db')}`, tlsCert: files.cert, tlsKey: files.key }, { keepDataDir: data });
  const plain = await startTestServer({ dataDir: data, store: `sqlite:${join(data, 'tessera.db')}` }, { keepDataDir: data });
  const ca = await readFile(files.ca, 'utf8');
  const rootIam = new IAMClient(sdkOptions(secure.url, secure.root, ca));
  try {
    await rootIam.send(new CreateUserCommand({ UserName: 'tls-only' }));
    await rootIam.send(new PutUserPolicyCommand({
      UserName: 'tls-only', PolicyName: 'https-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ] }),
    }));
    const key = (await rootIam.send(new CreateAccessKeyCommand({ UserName: 'tls-only' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };

    const overHttps = new IAMClient(sdkOptions(secure.url, user, ca));
    assert.equal((await overHttps.send(new GetUserCommand({}))).User?.UserName, 'tls-only');
    overHttps.destroy();
    const overHttp = new IAMClient(sdkOptions(plain.url, user));
    const denied = await awsError(() => overHttp.send(new GetUserCommand({})));
    overHttp.destroy();
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, /explicit deny in an identity-based policy/);

    // The aws CLI sees the same decisions.
    const cliHttps = await aws(secure.url, user, ['--ca-bundle', files.ca, 'iam', 'get-user']);
    assert.equal(cliHttps.code, 0, cliHttps.err);
    const cliHttp = await aws(plain.url, user, ['iam', 'get-user']);
    assert.notEqual(cliHttp.code, 0);
    assert.match(cliHttp.err, /AccessDenied/);
  } finally {
    rootIam.destroy();
    await plain.stop();
    await secure.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('hostile: plain HTTP or garbage to the HTTPS port is dropped quickly and the server keeps serving', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-https-'));
  const files = await devCert(join(dir, 'tls'));
  const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
  try {
    for (const junk of ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', Buffer.alloc(64 * 1024, 0x16).toString('latin1')]) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const socket = connect(server.tessera.port, '127.0.0.1', () => socket.write(junk, 'latin1'));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
      assert.ok(performance.now() - started < 2000);
    }
    const sts = new STSClient(sdkOptions(server.url, server.root, await readFile(files.ca, 'utf8')));
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, server.accountId);
    sts.destroy();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('hostile: unusable certificate and key files are refused at start, naming the file and the reason', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-https-'));
  const a = await devCert(join(dir, 'a'));
  const b = await devCert(join(dir, 'b'));
  const now = new Date();
  try {
    await assert.rejects(readTlsCredentials(a.cert, b.key, now), (e: Error) => e.message === `--tls-key ${b.key} is not the private key of the certificate in --tls-cert ${a.cert}`);
    await assert.rejects(readTlsCredentials(join(dir, 'missing.pem'), a.key, now), /--tls-cert .*missing\.pem: cannot read it: no such file or directory \(ENOENT\)/);
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    await assert.rejects(readTlsCredentials(garbage, a.key, now), /--tls-cert .*garbage\.pem: not a PEM certificate/);
    await assert.rejects(readTlsCredentials(a.cert, garbage, now), /--tls-key .*garbage\.pem: not a PEM private key/);
    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'hello');
    await assert.rejects(readTlsCredentials(notPem, a.key, now), /not in PEM form/);
    const huge = join(dir, 'huge.pem');
    await writeFile(huge, Buffer.alloc(2 * 1024 * 1024, 0x41));
    await assert.rejects(readTlsCredentials(huge, a.key, now), /too large for a PEM file/);
    const later = new Date(now.getTime() + 400 * 86_400_000);
    await assert.rejects(readTlsCredentials(a.cert, a.key, later), /the certificate expired on/);
    await assert.rejects(startTestServer({ tlsCert: a.cert, tlsKey: b.key }), /is not the private key of the certificate/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dev-cert: reuses its CA, names every host, refuses hosts and days it cannot put in a certificate', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-devcert-'));
  try {
    const first = await devCert(dir);
    const ca1 = await readFile(first.ca, 'utf8');
    const second = await devCert(dir, '--hosts', 'tessera.test,*.tessera.test,10.0.0.7,fd00::1', '--days', '30');
    assert.equal(await readFile(second.ca, 'utf8'), ca1, 'the CA was reused');
    const { X509Certificate } = await import('node:crypto');
    const cert = new X509Certificate(await readFile(second.cert, 'utf8'));
    assert.equal(cert.subjectAltName, 'DNS:tessera.test, DNS:*.tessera.test, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:0:1');
    assert.ok(cert.verify(new X509Certificate(ca1).publicKey), 'signed by the CA');
    assert.ok(cert.checkHost('tessera.test') && cert.checkIP('10.0.0.7'));
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, `valid ${days} days`);

    for (const [args, message] of [
      [['--hosts', 'bad host'], /'bad host' is neither a DNS name nor an IP address/],
      [['--hosts', ','], /at least one host/],
      [['--hosts', Array.from({ length: 101 }, (_, i) => `h${i}.test`).join(',')], /at most 100/],
      [['--hosts', 'a'.repeat(20_000)], /at most 10000/],
      [['--hosts', `${'a'.repeat(64)}.test`], /neither a DNS name/],
      [['--days', '0'], /from 1 to 825/],
      [['--days', '9999'], /from 1 to 825/],
      [['--days', 'soon'], /from 1 to 825/],
      [['--bogus'], /Unknown option --bogus/],
    ] as const) {
      await assert.rejects(runDevCertCommand(['--out', dir, ...args], quietIo([])), message as RegExp, String(args));
    }
    await writeFile(join(dir, 'ca.pem'), 'tampered');
    await assert.rejects(runDevCertCommand(['--out', dir], quietIo([])), /ca\.pem is not a PEM certificate/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
