import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildImage } from '../support/dockerfile.ts';
import { descendants, isAlive, portAnswers, waitUntil } from '../support/process-tree.ts';

/**
 * Tessera as users install it, with the runtime dependencies only:
 *  - `npm pack` → `npm install --omit=dev <tarball>` in an empty project → `npx tessera serve`
 *    answers a signed request and stops on SIGTERM (sent to npx, as a user would);
 *  - the same bin on a Node.js older than 22.18 says what it needs, without a stack trace;
 *  - the Dockerfile's steps (npm ci --omit=dev, the copies, its CMD and HEALTHCHECK) carried
 *    out without a Docker engine.
 * npm uses this machine's cache and falls back to the registry; when an install fails and
 * the registry does not answer either, the tests are skipped and say so.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The development Node.js 24 (the `node` devDependency), first on PATH for npm, npx and the bin. */
const NODE24_BIN = dirname(process.execPath);
const PATH24 = [NODE24_BIN, join(REPO, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(delimiter);

/** This environment without what an outer `npm test` put in it about the repo's own package. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_lifecycle_') && !k.startsWith('npm_package_') && !k.startsWith('TESSERA_')));
  return { ...env, PATH: PATH24, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

function npm(args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 240_000 });
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
}

function registryUnreachable(): boolean {
  return spawnSync('npm', ['ping'], { env: cleanEnv(), encoding: 'utf8', timeout: 20_000 }).status !== 0;
}

/** Fails the test with npm's output, or skips it when the registry cannot be reached. */
function requireNpm(t: TestContext, result: { ok: boolean; output: string }, what: string): boolean {
  if (result.ok) return true;
  if (registryUnreachable()) {
    t.skip(`npm registry unreachable: cannot ${what}`);
    return false;
  }
  assert.fail(`${what} failed:\n${result.output}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Every holder of its output pipes (a server it started, too) has closed them: the output is complete. */
  closed: Promise<void>;
}

function launch(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    child,
    output: () => out,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    closed: new Promise((resolve) => child.once('close', () => resolve())),
  };
}

async function listeningPort(running: Running): Promise<number> {
  await waitUntil(() => /listening on http:\/\/\S+:\d+/.test(running.output()) || running.child.exitCode !== null, 60_000);
  const match = /listening on http:\/\/\S+:(\d+)/.exec(running.output());
  assert.ok(match, `the server did not start:\n${running.output()}`);
  return Number(match[1]);
}

async function callerArn(port: number, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<string> {
  const sts = new STSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } finally {
    sts.destroy();
  }
}

/** Sends SIGTERM to `running` and waits until its whole tree is gone and the port is closed. */
async function stopAndCheck(running: Running, port: number): Promise<void> {
  const tree = [running.child.pid!, ...descendants(running.child.pid!)];
  const signalled = performance.now();
  running.child.kill('SIGTERM');
  try {
    assert.ok(await waitUntil(async () => !(await portAnswers(port)), 6_000), 'the port stops answering');
    assert.ok(await waitUntil(() => tree.every((pid) => !isAlive(pid)), 6_000), `left running: ${tree.filter(isAlive).join(', ')}\n${running.output()}`);
    assert.ok(performance.now() - signalled < 8_000);
    await running.closed;
    assert.match(running.output(), /"msg":"Tessera stopped"/);
    assert.doesNotMatch(running.output(), /\n\s+at /, 'no stack trace');
  } finally {
    for (const pid of tree.filter(isAlive)) process.kill(pid, 'SIGKILL');
  }
}

/** A Node.js on PATH (not the development one) older than 22.18, if this machine has one. */
function oldNode(): { path: string; version: string } | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir === '' || dir.startsWith(REPO) || !existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    const [major, minor] = (r.stdout ?? '').trim().replace(/^v/, '').split('.').map(Number);
    if (r.status === 0 && major !== undefined && minor !== undefined && (major < 22 || (major === 22 && minor < 18))) return { path: candidate, version: r.stdout.trim() };
  }
  return undefined;
}

describe('installed as a package, with runtime dependencies only', { concurrency: 2 }, () => {
  test('npm pack → npm install --omit=dev → npx tessera serve: signed requests answered, SIGTERM to npx stops it all; an old Node.js is told what it needs', async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'tessera-pack-'));
    try {
      const packed = npm(['pack', '--pack-destination', work], REPO);
      assert.ok(packed.ok, `npm pack failed:\n${packed.output}`);
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
      assert.ok(tarball, packed.output);

      const app = join(work, 'app');
      await import('node:fs/promises').then((fs) => fs.mkdir(app));
      await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'uses-tessera', version: '1.0.0', private: true }));
      if (!requireNpm(t, npm(['install', '--omit=dev', join(work, tarball)], app), 'npm install the packed tarball')) return;

      const installed = join(app, 'node_modules', 'tessera');
      assert.ok(existsSync(join(installed, 'dist', 'cli', 'main.js')), 'the package ships JavaScript');
      assert.ok(!existsSync(join(installed, 'src')), 'and not the TypeScript (Node.js does not strip types under node_modules)');
      assert.ok(!existsSync(join(installed, 'test')), 'nor the tests');
      for (const dev of ['typescript', 'node', '@aws-sdk/client-sts', 'fast-check']) assert.ok(!existsSync(join(app, 'node_modules', dev)), `no devDependency ${dev}`);
      assert.ok(existsSync(join(app, 'node_modules', 'jose')), 'runtime dependencies are installed');

      const version = spawnSync('npx', ['tessera', '--version'], { cwd: app, env: cleanEnv(), encoding: 'utf8' });
      assert.equal(version.status, 0, version.stderr);
      assert.equal(version.stdout.trim(), JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version);

      const serve = launch('npx', ['tessera', 'serve', '--dev', '--port', '0'], app, cleanEnv());
      const port = await listeningPort(serve);
      assert.match(await callerArn(port, { accessKeyId: 'test', secretAccessKey: 'test' }), /^arn:aws:iam::\d{12}:root$/);
      await assert.rejects(callerArn(port, { accessKeyId: 'test', secretAccessKey: 'wrong' }), /SignatureDoesNotMatch|signature/i);
      await stopAndCheck(serve, port);

      const old = oldNode();
      if (old === undefined) {
        t.diagnostic('no Node.js older than 22.18 on PATH: the version message was not checked');
        return;
      }
      const bin = join(app, 'node_modules', '.bin', 'tessera');
      // Both ways an old Node.js meets the bin: named, and by the #! line through PATH.
      const direct = spawnSync(old.path, [bin, 'serve', '--dev'], { encoding: 'utf8' });
      const viaPath = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...cleanEnv(), PATH: [dirname(old.path), process.env['PATH']].join(delimiter) } });
      for (const r of [direct, viaPath]) {
        assert.equal(r.status, 1);
        assert.match(r.stderr, new RegExp(`^tessera needs Node\\.js ≥ 22\\.18 \\(this is Node\\.js ${old.version.replace(/\./g, '\\.')}, `));
        assert.doesNotMatch(r.stderr, /\n\s+at |Error/);
        assert.equal(r.stdout, '');
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  test('the Dockerfile, step by step: npm ci --omit=dev, its CMD serves and its HEALTHCHECK passes, SIGTERM stops it', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'tessera-image-'));
    try {
      let image;
      try {
        image = buildImage(await readFile(join(REPO, 'Dockerfile'), 'utf8'), { context: REPO, root, runEnv: cleanEnv() });
      } catch (err) {
        if ((err as { npmFailed?: boolean }).npmFailed && registryUnreachable()) return t.skip('npm registry unreachable: cannot npm ci');
        throw err;
      }
      t.diagnostic(image.log.join('\n'));
      const app = image.workdir;
      assert.ok(existsSync(join(app, 'node_modules', 'jose')), 'runtime dependencies installed');
      assert.ok(!existsSync(join(app, 'node_modules', 'typescript')), 'no devDependencies');
      assert.ok(!existsSync(join(app, 'src', 'cli', 'flags.test.ts')) && !existsSync(join(app, 'src', 'cli', 'policy-command.test.ts')), '.dockerignore keeps tests out');
      assert.equal(image.user, 'node', 'runs unprivileged');
      assert.deepEqual(image.volumes, ['/data']);
      assert.equal(image.declaredEnv['TESSERA_DATA_DIR'], '/data');
      assert.equal(image.declaredEnv['TESSERA_HOST'], '0.0.0.0');
      assert.ok(image.exposed.includes(image.declaredEnv['TESSERA_PORT']!), 'EXPOSE matches TESSERA_PORT');

      // `docker run -p …` with the image's ENV: a free port stands in for the fixed one. Another
      // process may take it between the probe and the server's bind: then another is tried.
      const [command, ...args] = image.command;
      assert.equal(command, 'node');
      let port: number;
      let env: NodeJS.ProcessEnv;
      let running: Running;
      for (let attempt = 1; ; attempt++) {
        port = await freePort();
        env = { ...cleanEnv(), ...image.env, TESSERA_PORT: String(port) };
        running = launch(join(NODE24_BIN, 'node'), args, app, env);
        await waitUntil(() => /listening on http:\/\/\S+:\d+/.test(running.output()) || running.child.exitCode !== null, 60_000);
        if (running.child.exitCode === null || attempt >= 3 || !/already in use|EADDRINUSE/.test(running.output())) break;
      }
      assert.equal(await listeningPort(running), port);
      const out = running.output();
      const root_ = { accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)![1]!, secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)![1]! };
      assert.match(await callerArn(port, root_), /^arn:aws:iam::\d{12}:root$/);
      assert.ok(existsSync(join(root, 'data', 'tessera.db')) && existsSync(join(root, 'data', 'master.key')), 'state is in the volume');

      const [hcCommand, ...hcArgs] = image.healthcheck!;
      assert.equal(hcCommand, 'node');
      const health = spawnSync(join(NODE24_BIN, 'node'), hcArgs, { env, encoding: 'utf8', timeout: 10_000 });
      assert.equal(health.status, 0, `HEALTHCHECK failed: ${health.stderr}`);

      await stopAndCheck(running, port);
      assert.equal(await running.exited, 0);
      const unhealthy = spawnSync(join(NODE24_BIN, 'node'), hcArgs, { env, encoding: 'utf8', timeout: 10_000 });
      assert.equal(unhealthy.status, 1, 'HEALTHCHECK fails once the server is gone');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
