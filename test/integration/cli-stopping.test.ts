import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../../src/sigv4/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { descendants, isAlive, portAnswers, serverHasRead, waitUntil } from '../support/process-tree.ts';
import { EVENTUALLY_MS } from '../support/wait.ts';
import { SERVER_START_MS, startServeProcess } from '../support/cli-process.ts';

/**
 * Stopping Tessera the way a user does: a signal to the `npm start` they ran (not to the
 * node process npm started). The server must finish a request in flight, write its audit
 * events, log a last line, and leave no process of the tree behind, within seconds.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface NpmStart {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  /** npm and the server have closed the output pipes: the output is complete. */
  closed: Promise<void>;
}

async function npmStart(args: string[]): Promise<NpmStart> {
  const child = spawn('npm', ['start', '--', ...args], { cwd: REPO, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const started = await waitUntil(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, SERVER_START_MS);
  const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
  assert.ok(started && match, `npm start did not start the server:\n${out}`);
  return { child, port: Number(match[1]), output: () => out, exited, closed };
}

/**
 * A signed STS GetCallerIdentity whose body arrives in two parts: the server cannot answer
 * before `finish()`. `received` resolves once the server has read the head and the first part
 * of the body (so the request is in flight in the server), false if it has not within the
 * deadline.
 */
function slowGetCallerIdentity(port: number, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  const signed = signRequest(
    { method: 'POST', path: '/', query: '', headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
    credentials,
    { region: 'us-east-1', service: 'sts', date: new Date() },
  );
  let finish: () => void = () => {};
  let abort: () => void = () => {};
  let written: (clientPort: number) => void = () => {};
  const clientPort = new Promise<number>((resolve) => (written = resolve));
  const response = new Promise<{ status: number; body: string; requestId: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent: false, headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, requestId: String(res.headers['x-amzn-requestid'] ?? '') }));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(body.slice(0, 10), () => written(req.socket!.localPort!));
    finish = () => req.end(body.slice(10));
    abort = () => req.destroy();
  });
  const received = clientPort.then((local) => waitUntil(() => serverHasRead(port, local), EVENTUALLY_MS));
  return { response, received, finish: () => finish(), abort: () => abort() };
}

describe('stopping the server with signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} to npm: the request in flight is answered, audit written, last log line, nothing left running`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-stop-'));
      let tree: number[] = [];
      let inFlight: ReturnType<typeof slowGetCallerIdentity> | undefined;
      try {
        // One process: stopping several workers has its own test (serve-workers.test.ts).
        const server = await npmStart(['--data-dir', dir, '--port', '0', '--log-level', 'info', '--workers', '1']);
        tree = [server.child.pid!, ...descendants(server.child.pid!)];
        assert.ok(tree.length >= 2, 'npm runs the server as a child');
        const out = server.output();
        const root = { accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)![1]!, secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)![1]! };

        inFlight = slowGetCallerIdentity(server.port, root);
        assert.ok(await inFlight.received, 'the server has read the request head');
        const signalledAt = performance.now();
        server.child.kill(signal);
        assert.ok(await waitUntil(async () => !(await portAnswers(server.port)), 3_000), 'stops accepting connections at once');
        assert.ok(isAlive(tree.at(-1)!), 'but keeps running while a request is in flight');
        inFlight.finish();
        const answer = await inFlight.response;
        assert.equal(answer.status, 200, answer.body);
        assert.match(answer.body, /<Arn>arn:aws:iam::\d{12}:root<\/Arn>/);

        const code = await Promise.race([server.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 8_000))]);
        assert.notEqual(code, 'timeout', `npm still running:\n${server.output()}`);
        assert.ok(await waitUntil(() => tree.every((pid) => !isAlive(pid)), 3_000), `left running: ${tree.filter(isAlive).join(', ')}`);
        assert.ok(performance.now() - signalledAt < 6_000, 'within a few seconds');
        assert.equal(await portAnswers(server.port), false);

        await server.closed;
        const lines = server.output().split('\n').filter((l) => l.startsWith('{'));
        assert.match(lines.at(-1)!, /"msg":"Tessera stopped".*"reason":"SIG(TERM|INT)"/, 'the last log line says it stopped');
        assert.ok(!/\n\s+at /.test(server.output()), 'no stack trace');

        // The audit event of the request answered while stopping is in the store.
        const store = await openStore(`sqlite:${join(dir, 'tessera.db')}`);
        try {
          const events = await store.listAudit({ limit: 100 });
          assert.ok(events.some((e) => e.requestId === answer.requestId), `audit event ${answer.requestId} written`);
        } finally {
          await store.close();
        }
      } finally {
        // A failed run must not leave a server (or this test) waiting.
        inFlight?.abort();
        for (const pid of tree.filter(isAlive)) process.kill(pid, 'SIGKILL');
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  test('a second signal stops at once, cutting the request in flight (exit 1)', async () => {
    const serve = await startServeProcess(['--dev', '--port', '0', '--log-level', 'info']);
    const port = Number(new URL(serve.url).port);
    const stuck = slowGetCallerIdentity(port, { accessKeyId: 'test', secretAccessKey: 'test' });
    const outcome = stuck.response.then(() => 'answered', (err: Error) => err.message);
    try {
      assert.ok(await stuck.received, 'the server has read the request head');
      serve.child.kill('SIGTERM');
      assert.ok(await waitUntil(() => /"msg":"stopping: finishing requests in flight"/.test(serve.output()), EVENTUALLY_MS), 'the first signal is handled');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(serve.child.exitCode, null, 'the first signal waits for the request in flight');
      const started = performance.now();
      serve.child.kill('SIGINT');
      const code = await new Promise((resolve) => (serve.child.exitCode !== null ? resolve(serve.child.exitCode) : serve.child.once('exit', resolve)));
      assert.equal(code, 1);
      // Well before the 5 s grace the first signal would wait for the request (at most 4.7 s from here).
      assert.ok(performance.now() - started < 4_000);
      assert.ok(await waitUntil(() => serve.child.stdout!.closed && serve.child.stderr!.closed, EVENTUALLY_MS), 'all output read');
      assert.match(serve.output(), /"msg":"stopping at once: requests in flight are cut","signal":"SIGINT"/);
      assert.match(await outcome, /socket hang up|ECONNRESET/);
    } finally {
      stuck.abort();
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
  });
});
