import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { forward, type ForwardOutcome } from './forward.ts';
import { UpstreamClient } from './upstream-http.ts';

async function listen(server: Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

/**
 * A front server whose every request is forwarded (no body) to `upstream`; each outcome is
 * reported to `outcomes` as it settles.
 */
async function front(upstream: URL, client: UpstreamClient, outcomes: (outcome: ForwardOutcome) => void): Promise<{ url: URL; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const plan = {
      upstream,
      request: { service: 's3', region: 'us-east-1', accountId: '111122223333', method: req.method ?? 'GET', path: req.url ?? '/', query: '' },
      headers: req.headers as Record<string, string>,
      body: { kind: 'none' } as const,
      accountHeader: 'x-moto-account-id',
    };
    forward(client, plan, res, () => {}).then(outcomes);
  });
  return { url: await listen(server), server };
}

function get(url: URL, path: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('an upstream answer is passed on whole: status, its headers, its body; the outcome is complete', async () => {
  const object = Buffer.alloc(1024, 'x');
  const upstream = createServer((req, res) => {
    res.writeHead(206, { 'Content-Type': 'application/octet-stream', ETag: '"e1"', 'Content-Length': String(object.length), Connection: 'keep-alive' });
    res.end(object);
  });
  const client = new UpstreamClient({ credentials: new Map(), accountHeader: 'x-moto-account-id' }, () => new Date());
  const outcomes: ForwardOutcome[] = [];
  const { url, server } = await front(await listen(upstream), client, (outcome) => outcomes.push(outcome));
  try {
    for (let i = 0; i < 3; i++) {
      const answer = await get(url, '/bucket/key');
      assert.equal(answer.status, 206);
      assert.equal(answer.headers.etag, '"e1"');
      assert.ok(answer.body.equals(object));
    }
    assert.deepEqual(outcomes, [1, 2, 3].map(() => ({ kind: 'answered', status: 206, complete: true })));
  } finally {
    client.close();
    server.close();
    upstream.close();
  }
});

test('a client that hangs up before the upstream answers: the answer is dropped, the outcome incomplete, the server keeps serving', { timeout: 5000 }, async () => {
  let answerLater!: () => void;
  const hungUp = new Promise<void>((resolve) => (answerLater = resolve));
  const upstream = createServer((req, res) => {
    const send = () => {
      res.writeHead(200, { 'Content-Length': '5' });
      res.end('hello');
    };
    if (req.url === '/slow') void hungUp.then(() => setTimeout(send, 20));
    else send();
  });
  const client = new UpstreamClient({ credentials: new Map(), accountHeader: 'x-moto-account-id' }, () => new Date());
  const outcomes: ForwardOutcome[] = [];
  let settled!: () => void;
  const firstSettled = new Promise<void>((resolve) => (settled = resolve));
  const { url, server } = await front(await listen(upstream), client, (outcome) => {
    outcomes.push(outcome);
    settled();
  });
  try {
    const gone = request(new URL('/slow', url), { agent: false });
    gone.on('error', () => {});
    gone.end();
    // The front server has the request (and has forwarded it) once its socket is seen there.
    await new Promise<void>((resolve) => server.once('request', () => setTimeout(resolve, 20)));
    gone.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    answerLater();
    await firstSettled;
    assert.deepEqual(outcomes, [{ kind: 'answered', status: 200, complete: false }]);
    const next = await get(url, '/fast');
    assert.equal(next.status, 200);
    assert.equal(next.body.toString(), 'hello');
  } finally {
    client.close();
    server.close();
    upstream.close();
  }
});

test('an upstream answer cut short: the client sees the cut (not a complete answer), the outcome is incomplete', { timeout: 5000 }, async () => {
  const upstream = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': '1000' });
    res.write('only a part');
    setTimeout(() => res.destroy(), 20);
  });
  const client = new UpstreamClient({ credentials: new Map(), accountHeader: 'x-moto-account-id' }, () => new Date());
  const outcomes: ForwardOutcome[] = [];
  const { url, server } = await front(await listen(upstream), client, (outcome) => outcomes.push(outcome));
  try {
    await assert.rejects(get(url, '/bucket/key'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(outcomes, [{ kind: 'answered', status: 200, complete: false }]);
  } finally {
    client.close();
    server.close();
    upstream.close();
  }
});
