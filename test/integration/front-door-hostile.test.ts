import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestServer, type TestServer } from '../support/tessera-server.ts';
import { sendRaw, signedJson, signedQuery, xmlText, type RawResponse } from '../support/raw-request.ts';
import { MAX_BODY_BYTES } from '../../src/server/http-server.ts';

/**
 * Hostile requests at the front door, before and around authentication: headers built to
 * make a parser backtrack, bodies past the size limit, and names that live on
 * Object.prototype. Each is refused quickly, with AWS's answer in the request's protocol.
 */
describe('front door: hostile requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  /** The fastest of three sends, so a busy machine cannot fail a bound meant for a slow parser. */
  async function fastest(send: () => Promise<RawResponse>): Promise<{ ms: number; res: RawResponse }> {
    let best = { ms: Infinity, res: undefined as RawResponse | undefined };
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const res = await send();
      const ms = performance.now() - started;
      if (ms < best.ms) best = { ms, res };
    }
    return { ms: best.ms, res: best.res! };
  }

  // node:http accepts at most 16 KiB of headers in all; this leaves room for the request line and Host.
  const LARGEST_HEADER = 16 * 1024 - 512;

  test('an unsigned ~16 KB Authorization header or X-Amz-Credential of one character is answered in milliseconds', async () => {
    // The credential scope was once found by a backtracking pattern: ~0.3 s per request at 16 KB.
    for (const size of [1024, 8 * 1024, LARGEST_HEADER]) {
      for (const char of ['a', '0', 'C', '-']) {
        const long = char.repeat(size);
        const header = await fastest(() => sendRaw(server.url, { method: 'POST', path: '/', headers: { authorization: long } }));
        assert.ok(header.ms < 50, `header ${size} × ${char}: ${header.ms.toFixed(1)} ms`);
        assert.equal(header.res.status, 400);
        assert.equal(xmlText(header.res.body, 'Code'), 'IncompleteSignature');

        const scoped = await fastest(() => sendRaw(server.url, { method: 'POST', path: '/', headers: { authorization: `AWS4-HMAC-SHA256 Credential=${long}` } }));
        assert.ok(scoped.ms < 50, `Credential= ${size} × ${char}: ${scoped.ms.toFixed(1)} ms`);
        assert.equal(xmlText(scoped.res.body, 'Code'), 'IncompleteSignature');

        const presigned = await fastest(() => sendRaw(server.url, { method: 'GET', path: '/', query: `X-Amz-Credential=${long}`, headers: {} }));
        assert.ok(presigned.ms < 50, `X-Amz-Credential ${size} × ${char}: ${presigned.ms.toFixed(1)} ms`);
        assert.equal(presigned.res.status, 400);
        assert.equal(xmlText(presigned.res.body, 'Code'), 'IncompleteSignature');
      }
    }
  });

  test('the scope still routes a request with no known Action to its service', async () => {
    const res = await signedQuery(server.url, server.root, { Action: 'NoSuchAction', Version: '2011-06-15' }, { service: 'sts' });
    assert.equal(res.status, 400);
    assert.equal(xmlText(res.body, 'Code'), 'InvalidAction');
    assert.equal(xmlText(res.body, 'Message'), 'Could not find operation NoSuchAction for version 2011-06-15');
    const presigned = await signedQuery(server.url, server.root, { Action: 'NoSuchAction', Version: '2011-06-15' }, { service: 'sts', form: 'query', method: 'GET' });
    assert.equal(xmlText(presigned.body, 'Message'), 'Could not find operation NoSuchAction for version 2011-06-15');
  });

  describe('names that live on Object.prototype', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

    test('as an X-Amz-Target prefix or operation: UnknownOperationException, as for any unknown operation', async () => {
      for (const name of names) {
        for (const target of [`${name}.ListAccounts`, name, `AWSOrganizationsV20161128.${name}`, `${name}.${name}`]) {
          const res = await signedJson(server.url, server.root, target, {});
          assert.equal(res.status, 400, `${target}: ${res.body}`);
          assert.deepEqual(JSON.parse(res.body), { __type: 'UnknownOperationException' }, target);
        }
      }
    });

    test('as an Action: InvalidAction, as for any unknown action', async () => {
      for (const name of names) {
        for (const [service, version] of [['iam', '2010-05-08'], ['sts', '2011-06-15']] as const) {
          const res = await signedQuery(server.url, server.root, { Action: name, Version: version }, { service });
          assert.equal(res.status, 400, res.body);
          assert.equal(xmlText(res.body, 'Code'), 'InvalidAction');
          assert.equal(xmlText(res.body, 'Message'), `Could not find operation ${name} for version ${version}`);
        }
      }
    });
  });

  describe(`bodies over ${MAX_BODY_BYTES} bytes`, () => {
    const HANG_UP_WITHIN_MS = 10_000;
    const HANG_UP_DEADLINE_MS = 15_000;

    /**
     * Raw bytes over a socket, so the test sees exactly when the server answers and hangs up.
     * A server that does not hang up within the deadline fails the test rather than being fed.
     * The deadline leaves a loaded machine room; a server that kept the connection would hold
     * it for Node's request timeout (minutes), far past it.
     */
    function exchange(head: string, body?: { chunk: Buffer; upTo: number }, options: { ignoreHangUp?: boolean } = {}): Promise<{ text: string; sent: number; ms: number }> {
      const url = new URL(server.url);
      return new Promise((resolve) => {
        const started = performance.now();
        // ignoreHangUp: a client that keeps sending after the server's FIN (half-open).
        const socket = connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: options.ignoreHangUp === true });
        const deadline = setTimeout(() => socket.destroy(), HANG_UP_DEADLINE_MS);
        let text = '';
        let sent = 0;
        let closed = false;
        socket.on('data', (data) => (text += data.toString('latin1')));
        // The server hangs up mid-upload: the writes still in flight fail (EPIPE, ECONNRESET).
        socket.on('error', () => {});
        socket.on('close', () => {
          clearTimeout(deadline);
          closed = true;
          resolve({ text, sent, ms: performance.now() - started });
        });
        socket.write(head);
        if (body === undefined) return;
        const pump = () => {
          if (closed || socket.destroyed || sent >= body.upTo) return;
          sent += body.chunk.length;
          if (socket.write(body.chunk)) setImmediate(pump);
          else socket.once('drain', pump);
        };
        pump();
      });
    }

    const chunk = Buffer.alloc(64 * 1024, 'a');
    const httpChunk = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const endless = { chunk: httpChunk, upTo: 64 * 1024 * 1024 };

    function statusOf(text: string): number {
      return Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]);
    }
    function bodyOf(text: string): string {
      return text.slice(text.indexOf('\r\n\r\n') + 4);
    }

    test('a chunked Query upload is cut off at the limit: 413 RequestEntityTooLarge in XML, in the service\'s dialect, and the connection closed', async () => {
      const head = 'POST /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';
      const { text, sent, ms } = await exchange(head, endless);
      assert.equal(statusOf(text), 413, text);
      assert.match(text, /\r\nConnection: close\r\n/i);
      assert.match(text, /\r\nContent-Type: text\/xml\r\n/i);
      const body = bodyOf(text);
      assert.match(body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
      assert.equal(xmlText(body, 'Code'), 'RequestEntityTooLarge');
      assert.equal(xmlText(body, 'Type'), 'Sender');
      assert.equal(xmlText(body, 'Message'), `Request body must not exceed ${MAX_BODY_BYTES} bytes.`);
      // Hung up long before the 64 MiB the client was ready to send (socket buffers let a few MiB through).
      assert.ok(sent < 32 * 1024 * 1024, `the client could send ${sent} bytes`);
      assert.ok(ms < HANG_UP_WITHIN_MS, `${ms.toFixed(0)} ms`);
    });

    test('a client that keeps sending after the answer still reads the 413, and is cut off after a few MiB', async () => {
      const head = 'POST /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';
      for (let i = 0; i < 3; i++) {
        const { text, sent, ms } = await exchange(head, endless, { ignoreHangUp: true });
        assert.equal(statusOf(text), 413, text);
        assert.ok(sent < 32 * 1024 * 1024, `the client could send ${sent} bytes`);
        assert.ok(ms < HANG_UP_WITHIN_MS, `${ms.toFixed(0)} ms`);
      }
    });

    test('a chunked JSON 1.1 upload: 413 RequestEntityTooLargeException as a JSON error', async () => {
      const head = 'POST / HTTP/1.1\r\nHost: tessera\r\nX-Amz-Target: AWSOrganizationsV20161128.ListAccounts\r\nContent-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n';
      const { text, sent } = await exchange(head, endless);
      assert.equal(statusOf(text), 413, text);
      assert.match(text, /\r\nContent-Type: application\/x-amz-json-1\.1\r\n/i);
      assert.match(text, /\r\nConnection: close\r\n/i);
      assert.deepEqual(JSON.parse(bodyOf(text)), { __type: 'RequestEntityTooLargeException', Message: `Request body must not exceed ${MAX_BODY_BYTES} bytes.` });
      assert.ok(sent < 32 * 1024 * 1024, `the client could send ${sent} bytes`);
    });

    test('a Content-Length over the limit is refused before any of the body is sent or read', async () => {
      const declared = `Content-Length: ${10 * 1024 * 1024 * 1024}\r\n`;
      // With Expect: 100-continue the client is never told to go ahead.
      const waiting = await exchange(`POST /?Action=ListUsers HTTP/1.1\r\nHost: tessera\r\n${declared}Expect: 100-continue\r\n\r\n`);
      assert.equal(statusOf(waiting.text), 413, waiting.text);
      assert.doesNotMatch(waiting.text, /100 Continue/);
      assert.equal(xmlText(bodyOf(waiting.text), 'Code'), 'RequestEntityTooLarge');
      assert.match(bodyOf(waiting.text), /xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"/);
      // The connection is closed although the client sent nothing more.
      assert.ok(waiting.ms < HANG_UP_WITHIN_MS, `${waiting.ms.toFixed(0)} ms`);

      const json = await exchange(`POST / HTTP/1.1\r\nHost: tessera\r\nX-Amz-Target: AWSOrganizationsV20161128.ListAccounts\r\n${declared}\r\n`);
      assert.equal(statusOf(json.text), 413, json.text);
      assert.equal(JSON.parse(bodyOf(json.text)).__type, 'RequestEntityTooLargeException');
    });

    test('the limit itself is allowed: a body of exactly the limit goes on to authentication', async () => {
      const prefix = 'Action=GetCallerIdentity&Version=2011-06-15&Padding=';
      const res = await sendRaw(server.url, {
        method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: prefix + 'a'.repeat(MAX_BODY_BYTES - prefix.length),
      });
      assert.equal(res.status, 403, res.body);
      assert.equal(xmlText(res.body, 'Code'), 'MissingAuthenticationToken');
    });

    test('the admin API answers its own way, as JSON', async () => {
      const { text } = await exchange(`POST /_tessera/accounts HTTP/1.1\r\nHost: tessera\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`);
      assert.equal(statusOf(text), 413, text);
      assert.deepEqual(JSON.parse(bodyOf(text)), { error: 'PayloadTooLarge', message: `Request body must not exceed ${MAX_BODY_BYTES} bytes.` });
    });
  });
});
