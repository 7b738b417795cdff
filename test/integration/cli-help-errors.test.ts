import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { cliInProcess } from '../support/cli-in-process.ts';
import { runCli, startServeProcess } from '../support/cli-process.ts';

const cli = cliInProcess;

const STACK_FRAME = /\n\s+at /;

describe('--help on every command and subcommand', () => {
  const commands = [
    ['--help'],
    ['help'],
    ['serve', '--help'],
    ['serve', '-h'],
    ['help', 'serve'],
    ['account', '--help'],
    ['account', 'create', '--help'],
    ['account', 'list', '--help'],
    ['policy', '--help'],
    ['policy', 'validate', '--help'],
    ['policy', 'validate', 'p.json', '--kind', 'identity', '--help'],
    ['policy', 'eval', '--help'],
    ['idp', '--help'],
  ];
  for (const argv of commands) {
    test(`tessera ${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Usage/);
      assert.equal(r.stderr, '');
    });
  }

  test('each help names its own flags', async () => {
    assert.match((await cli(['policy', 'validate', '--help'])).stdout, /--kind KIND[\s\S]*--inline-for[\s\S]*--json/);
    assert.match((await cli(['account', 'create', '--help'])).stdout, /--account-id ID[\s\S]*--data-dir DIR[\s\S]*--store URL[\s\S]*--master-key/);
    const serve = (await cli(['serve', '--help'])).stdout;
    for (const flag of ['--host', '--port', '--data-dir', '--store', '--log-level', '--quota', '--dev', '--dev-allow-remote', 'TESSERA_DEV_ALLOW_REMOTE', '--upstream', 'TESSERA_UPSTREAMS', '--upstream-credentials', '--upstream-account-header', '--gateway-mode', '--gateway-cache-ms', 'TESSERA_GATEWAY_CACHE_MS']) assert.ok(serve.includes(flag), flag);
  });
});

describe('unknown flags and commands suggest the nearest one', () => {
  const cases: [string[], RegExp][] = [
    [['serve', '--prot', '4600'], /^Unknown option --prot\. Did you mean --port\? See 'tessera serve --help'\./],
    [['serve', '--lgo-level=debug'], /Unknown option --lgo-level\. Did you mean --log-level\?/],
    [['serve', '--dev-allow-remot'], /Did you mean --dev-allow-remote\?/],
    [['policy', 'validate', 'p.json', '--kidn', 'identity'], /Unknown option --kidn\. Did you mean --kind\? See 'tessera policy validate --help'\./],
    [['account', 'create', '--acount-id', '111122223333'], /Unknown option --acount-id\. Did you mean --account-id\?/],
    [['idp', '--prot', '1'], /Did you mean --port\?/],
    [['srve'], /Unknown command 'srve'\. Did you mean 'serve'\?/],
    [['policy', 'valdate'], /Did you mean 'validate'\?/],
    [['account', 'lst'], /Did you mean 'list'\?/],
    [['serve', '--verbose'], /^Unknown option --verbose\. See 'tessera serve --help'\./],
    [['serve', '-x'], /^Unknown option -x\./],
  ];
  for (const [argv, message] of cases) {
    test(`tessera ${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
    });
  }

  test('hostile: a megabyte-long unknown flag is refused at once, without echoing a suggestion', async () => {
    const started = performance.now();
    const r = await cli(['serve', `--${'p'.repeat(1_000_000)}`]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /Did you mean/);
    assert.ok(performance.now() - started < 500);
  });
});

describe('bad settings name the flag or variable and the reason', () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['serve', '--port', 'abc'], {}, /^--port must be a port number from 0 to 65535, got 'abc'/],
    [['serve', '--port', '-1'], {}, /^--port must be a port number/],
    [['serve'], { TESSERA_PORT: '99999' }, /^TESSERA_PORT must be a port number from 0 to 65535, got '99999'/],
    [['serve', '--port'], {}, /^--port needs a value\./],
    [['serve', '--log-level', 'x'], {}, /^--log-level must be one of debug, info, warn, error, silent; got 'x'/],
    [['serve'], { TESSERA_LOG_LEVEL: 'inof' }, /^TESSERA_LOG_LEVEL must be one of .*got 'inof' \(did you mean info\?\)/],
    [['serve', '--quota', 'junk'], {}, /^--quota takes NAME=N, e.g\. usersPerAccount=100000; got 'junk'/],
    [['serve', '--quota', 'usersPerAcount=5'], {}, /^--quota: unknown quota 'usersPerAcount'\. Did you mean usersPerAccount\?/],
    [['serve', '--quota', 'usersPerAccount=many'], {}, /quota usersPerAccount must be a whole number, got 'many'/],
    [['serve'], { TESSERA_QUOTAS: 'usersPerAccount=1,bogus=2' }, /^TESSERA_QUOTAS: unknown quota 'bogus'/],
    [['serve', '--store', 'mysql://admin:hunter2@db/tessera'], {}, /^--store has the unknown scheme 'mysql:'; use sqlite:PATH or postgres:\/\//],
    [['serve', '--store', '/var/lib/tessera.db'], {}, /^--store has no scheme/],
    [['serve'], { TESSERA_STORE: 'sqlite:' }, /^TESSERA_STORE sqlite: needs a path/],
    [['serve', '--account-id', '123'], {}, /^--account-id must be 12 digits, got '123'/],
    [['serve'], { TESSERA_DEV: 'maybe' }, /^TESSERA_DEV must be true or false/],
    [['serve', '--dev-allow-remote'], {}, /^--dev-allow-remote \(TESSERA_DEV_ALLOW_REMOTE\) applies only with --dev/],
    [['serve', '--dev', '--dev=yes'], {}, /^--dev takes no value/],
    [['serve', 'extra'], {}, /^Unexpected argument 'extra'/],
    [['serve', '--upstream', 'ftp://x'], {}, /^--upstream: ftp:\/\/x must be an http:\/\/ or https:\/\/ URL/],
    [['serve', '--gateway-cache-ms', '5s'], {}, /^--gateway-cache-ms must be a number of milliseconds from 0 to 60000, got '5s'/],
    [['serve'], { TESSERA_GATEWAY_CACHE_MS: '60001' }, /^TESSERA_GATEWAY_CACHE_MS must be a number of milliseconds from 0 to 60000/],
    [['serve', '--upstream', 'iam=http://127.0.0.1:5000'], {}, /^--upstream: Tessera serves iam itself; it has no upstream/],
    [['serve'], { TESSERA_UPSTREAMS: 's3=http://a:1,s3=http://b:1' }, /^TESSERA_UPSTREAMS: two upstreams for s3/],
    [['serve', '--upstream-credentials', '123=A:B'], {}, /^--upstream-credentials: the account must be 12 digits or \*, got '123'/],
    [['serve', '--gateway-mode', 'warn'], {}, /^--gateway-mode must be enforce or audit, got 'warn'/],
  ];
  for (const [argv, env, message] of cases) {
    test(`tessera ${argv.join(' ')} ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`, async () => {
      const r = await cli(argv, env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, STACK_FRAME);
      assert.doesNotMatch(r.stderr, /hunter2/, 'a store URL password is never echoed');
    });
  }

  test('a port in use: exit 1 naming the address and the settings, no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runCli(['serve', '--dev', '--port', String(port), '--log-level', 'silent']);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^tessera: cannot listen on 127\\.0\\.0\\.1:${port} \\(--host/--port, TESSERA_HOST/TESSERA_PORT\\): the port is already in use`));
      assert.doesNotMatch(r.stderr, STACK_FRAME);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('a host that does not resolve, and an address this machine does not have', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-host-'));
    try {
      const unresolved = runCli(['serve', '--data-dir', dir, '--host', 'no-such-host.invalid', '--port', '0', '--log-level', 'silent']);
      assert.equal(unresolved.status, 1, unresolved.stderr);
      assert.match(unresolved.stderr, /^tessera: cannot listen on no-such-host\.invalid:0 .*: the host name 'no-such-host\.invalid' does not resolve/);
      assert.doesNotMatch(unresolved.stderr, STACK_FRAME);
      // 192.0.2.1 is reserved for documentation (RFC 5737): never a local address.
      const foreign = runCli(['serve', '--data-dir', dir, '--port', '0', '--log-level', 'silent'], { TESSERA_HOST: '192.0.2.1' });
      assert.equal(foreign.status, 1, foreign.stderr);
      assert.match(foreign.stderr, /^tessera: cannot listen on 192\.0\.2\.1:0 .*: this machine has no such address/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dev mode on a non-loopback host', () => {
  test('is refused without --dev-allow-remote (exit 2, as flag mistakes are), and the refusal names the opt-in', () => {
    const r = runCli(['serve', '--dev', '--host', '0.0.0.0', '--port', '0']);
    // A mistake in the flags: refused before anything starts, as every other (exit 2).
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--dev only listens on loopback .*refusing --host 0\.0\.0\.0\. In a container or CI service add --dev-allow-remote \(TESSERA_DEV_ALLOW_REMOTE=1\)/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  test('runs with TESSERA_DEV_ALLOW_REMOTE=1, logging a loud warning, and answers AWS clients', async () => {
    const serve = await startServeProcess(['--port', '0', '--log-level', 'warn'], { TESSERA_DEV: '1', TESSERA_DEV_ALLOW_REMOTE: '1', TESSERA_HOST: '0.0.0.0' });
    try {
      assert.match(serve.output(), /"level":"warn","msg":"DEV MODE ON A NON-LOOPBACK ADDRESS: anyone who reaches this server/);
      assert.match(serve.output(), /"host":"0\.0\.0\.0"/);
      const port = new URL(serve.url).port;
      const sts = new STSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(me.Arn ?? '', /^arn:aws:iam::\d{12}:root$/);
      sts.destroy();
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });
});

describe('policy validate: JSON syntax errors with line and column', () => {
  const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",}\n  ]\n}\n';

  test('text output: FILE:LINE:COLUMN and the reason, then IAM\'s own diagnostic unchanged', async () => {
    const r = await cli(['policy', 'validate', 'p.json', '--kind', 'identity'], {}, { 'p.json': broken });
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], "p.json:4:59: not valid JSON: expected a property name in double quotes, found '}' (a comma before it?)");
    assert.equal(lines[1], 'error\t(document)\tInvalidJson\tSyntax errors in policy.');
    assert.equal(lines[2], 'p.json: invalid identity policy');
  });

  test('--json output carries the location beside the diagnostics', async () => {
    const r = await cli(['policy', 'validate', 'p.json', '--kind', 'identity', '--json'], {}, { 'p.json': '[1,]' });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.jsonSyntaxError, { line: 1, column: 4, reason: "expected a value, found ']'" });
    assert.equal(out.valid, false);
    assert.equal(out.diagnostics[0].message, 'Syntax errors in policy.');
  });

  test('a valid document has no location', async () => {
    const r = await cli(['policy', 'validate', 'p.json', '--kind', 'identity', '--json'], {}, { 'p.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(JSON.parse(r.stdout).jsonSyntaxError, undefined);
  });

  test('through the real binary, from a file on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-json-'));
    try {
      await writeFile(join(dir, 'p.json'), broken);
      const r = runCli(['policy', 'validate', join(dir, 'p.json'), '--kind', 'identity']);
      assert.equal(r.status, 1);
      assert.ok(r.stdout.startsWith(`${join(dir, 'p.json')}:4:59: not valid JSON:`), r.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
