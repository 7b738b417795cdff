import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { gracefulCloser } from './graceful-close.ts';

/** A server whose responses wait until `release()`; counts the requests it has seen. */
async function slowServer(): Promise<{ server: Server; port: number; release: () => void; seen: () => number; close: (graceMs: number) => Promise<void> }> {
  let waiting: (() => void)[] = [];
  let seen = 0;
  const server = createServer((_req, res) => {
    seen++;
    waiting.push(() => res.end('done'));
  });
  const close = gracefulCloser(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as { port: number }).port,
    release: () => {
      for (const w of waiting) w();
      waiting = [];
    },
    seen: () => seen,
    close,
  };
}

function get(port: number, agent: Agent): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('requests in flight are answered with Connection: close; new connections are refused', async () => {
  const s = await slowServer();
  const agent = new Agent({ keepAlive: true });
  const idle = await (async () => {
    const first = get(s.port, agent);
    while (s.seen() < 1) await new Promise((r) => setTimeout(r, 5));
    s.release();
    return first;
  })();
  assert.equal(idle.body, 'done');
  const inFlight = get(s.port, agent); // on the kept-alive connection
  while (s.seen() < 2) await new Promise((r) => setTimeout(r, 5));
  const closed = s.close(5_000);
  assert.equal(await refused(s.port), true, 'no new connections');
  s.release();
  const answer = await inFlight;
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'done');
  assert.equal(answer.connection, 'close');
  const started = performance.now();
  await closed;
  assert.ok(performance.now() - started < 1_000, 'closes as soon as the last request is answered');
  agent.destroy();
});

test('a request still running after the grace period has its connection cut', async () => {
  const s = await slowServer();
  const stuck = get(s.port, new Agent({ keepAlive: false }));
  while (s.seen() < 1) await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  await s.close(300);
  const took = performance.now() - started;
  assert.ok(took >= 250 && took < 2_000, `${took} ms`);
  await assert.rejects(stuck, /socket hang up|ECONNRESET/);
});

test('no grace: every connection is cut at once', async () => {
  const s = await slowServer();
  const stuck = get(s.port, new Agent({ keepAlive: false }));
  while (s.seen() < 1) await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  await s.close(0);
  // Without the cut, close() would wait for the stuck request forever: any bound proves it.
  assert.ok(performance.now() - started < 2_000);
  await assert.rejects(stuck, /socket hang up|ECONNRESET/);
});

test('a request sent with Expect: 100-continue and in flight at the stop is answered with Connection: close', async () => {
  let seen = 0;
  let finish: (() => void) | undefined;
  const server = createServer();
  server.on('checkContinue', (req, res) => {
    seen++;
    res.writeContinue();
    req.resume();
    req.on('end', () => (finish = () => res.end('stored')));
  });
  const close = gracefulCloser(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const answer = new Promise<{ connection: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'PUT', agent: new Agent({ keepAlive: true }), headers: { Expect: '100-continue', 'Content-Length': '4' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ connection: res.headers.connection, body }));
    });
    req.on('continue', () => req.end('data'));
    req.on('error', reject);
  });
  while (seen < 1 || finish === undefined) await new Promise((r) => setTimeout(r, 5));
  const closed = close(5_000);
  finish();
  const got = await answer;
  assert.equal(got.body, 'stored');
  assert.equal(got.connection, 'close');
  await closed;
});
