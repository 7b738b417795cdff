import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type ClientRequest } from 'node:http';
import { createServer as createTlsServer, request as tlsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { credentialScope, deriveSigningKey, parseSignedRequest, signRequest } from '../sigv4/index.ts';
import { encodeAwsChunked } from '../sigv4/testing/aws-chunked-body.ts';
import { BUILT_IN_VERIFIERS, choosePayload, payloadRefusal, type PayloadForm } from './payload.ts';
import { claimBodyMemory, UpstreamBodyWriter } from './upstream-body.ts';
import { issueCertificate } from '../../test/support/certificates.ts';

/** Whether a buffer's memory was released (its ArrayBuffer detached). */
const freed = (buffer: Buffer): boolean => (buffer.buffer as ArrayBuffer).detached;

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

function signedForm(headers: Record<string, string>): PayloadForm {
  const signed = signRequest({ method: 'PUT', path: '/b/k', query: '', headers: { host: 'localhost', ...headers }, body: '' }, CREDENTIALS, { region: 'us-east-1', service: 's3', date: new Date('2024-01-01T00:00:00Z'), normalizePath: false });
  const parsed = parseSignedRequest(signed);
  assert.ok(parsed.ok);
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) lower[name.toLowerCase()] = value as string;
  return { headers: lower, query: '', signed: { auth: parsed.auth, signingKey: deriveSigningKey('secret', '20240101', 'us-east-1', 's3') } };
}

/** A request to an upstream that keeps what it receives and says whether the request arrived whole. */
async function upstream(length: number): Promise<{ request: ClientRequest; received: Promise<{ complete: boolean; body: Buffer }>; close(): void }> {
  let settle!: (value: { complete: boolean; body: Buffer }) => void;
  const received = new Promise<{ complete: boolean; body: Buffer }>((resolve) => (settle = resolve));
  let arrived!: () => void;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    arrived();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      settle({ complete: true, body: Buffer.concat(chunks) });
      res.end();
    });
    req.on('aborted', () => settle({ complete: false, body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ complete: false, body: Buffer.concat(chunks) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const out = request({ host: '127.0.0.1', port, method: 'PUT', path: '/', headers: { 'content-length': String(length) } });
  out.on('error', () => {});
  out.on('response', (res) => res.resume());
  // Connected, its head received: an abort from here on is seen by the upstream.
  out.flushHeaders();
  await started;
  return { request: out, received, close: () => server.close() };
}

/** The body as node:http hands it over: each piece in memory of its own. */
function clientBody(body: Buffer, pieceSize: number): { source: Readable; pieces: Buffer[] } {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += pieceSize) {
    const piece = Buffer.alloc(Math.min(pieceSize, body.length - offset));
    body.copy(piece, 0, offset);
    pieces.push(piece);
  }
  return { source: Readable.from(pieces, { objectMode: false }), pieces };
}

test('a signed payload reaches the upstream intact, and every body buffer is freed once written', async () => {
  const data = randomBytes(1024 * 1024 + 17);
  const choice = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': createHash('sha256').update(data).digest('hex'), 'content-length': String(data.length) }));
  assert.ok(choice.ok && choice.plan.inputReleasable);
  const { source, pieces } = clientBody(data, 64 * 1024);
  const up = await upstream(data.length);
  await pipeline(source, choice.plan.verify(), new UpstreamBodyWriter(up.request, claimBodyMemory(source)));
  const got = await up.received;
  up.close();
  assert.equal(got.complete, true);
  assert.ok(got.body.equals(data));
  assert.deepEqual(pieces.map((piece) => freed(piece)), pieces.map(() => true));
});

test('aws-chunked, its chunk headers split across the client\'s buffers: decoded intact upstream, the buffers freed', async () => {
  const data = randomBytes(300_000);
  const form = signedForm({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) });
  const choice = choosePayload(BUILT_IN_VERIFIERS, form);
  assert.ok(choice.ok && choice.plan.inputReleasable);
  const auth = form.signed!.auth;
  const signing = { signingKey: form.signed!.signingKey, amzDate: auth.amzDate, scope: credentialScope(auth.credentialDate, auth.region, auth.service), seedSignature: auth.signature };
  const encoded = encodeAwsChunked(data, { chunkSize: 10_000, signing }).body;
  // 997-byte pieces: most chunk headers (~85 bytes) straddle two pieces.
  const { source, pieces } = clientBody(encoded, 997);
  const up = await upstream(data.length);
  await pipeline(source, choice.plan.verify(), new UpstreamBodyWriter(up.request, claimBodyMemory(source)));
  const got = await up.received;
  up.close();
  assert.equal(got.complete, true);
  assert.ok(got.body.equals(data));
  // Pieces holding chunk data were freed; one holding only framing never reached the writer.
  const released = pieces.filter((piece) => freed(piece)).length;
  assert.ok(released > pieces.length * 0.9, `${released} of ${pieces.length} freed`);
});

test('a tampered signed payload is refused and the upstream request is cut short', async () => {
  const data = randomBytes(512 * 1024);
  const choice = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': createHash('sha256').update(data).digest('hex'), 'content-length': String(data.length) }));
  assert.ok(choice.ok);
  const tampered = Buffer.from(data);
  tampered[300_000] = tampered[300_000]! ^ 1;
  const { source } = clientBody(tampered, 64 * 1024);
  const up = await upstream(data.length);
  const failed = await pipeline(source, choice.plan.verify(), new UpstreamBodyWriter(up.request, claimBodyMemory(source))).then(() => undefined, (err: unknown) => err);
  const got = await up.received;
  up.close();
  assert.equal(payloadRefusal(failed)?.code, 'XAmzContentSHA256Mismatch');
  assert.equal(got.complete, false);
  assert.ok(got.body.length < data.length);
});

test('a stage that emits from a buffer it had moved past fails the upload instead of sending freed bytes', async () => {
  // Small pieces: each write is taken at once, so the view of the first comes while its write is in flight.
  const data = randomBytes(4 * 1000);
  const { source } = clientBody(data, 1000);
  let earlier: Buffer | undefined;
  // Emits each input, and with the second one a view of the first again: a promise it does not keep.
  const replaying = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      this.push(chunk);
      if (earlier === undefined) earlier = chunk.subarray(0, 10);
      else if (earlier.length > 0) this.push(earlier);
      done();
    },
  });
  const up = await upstream(data.length + 10);
  const failed = await pipeline(source, replaying, new UpstreamBodyWriter(up.request, claimBodyMemory(source))).then(() => undefined, (err: unknown) => err);
  const got = await up.received;
  up.close();
  assert.match(String(failed), /moved past/);
  assert.equal(got.complete, false);
});

test('memory the body does not own whole (a pooled small buffer) is never freed; without a claim nothing is', async () => {
  const small = Buffer.from('a small piece from the shared pool');
  assert.notEqual(small.byteLength, small.buffer.byteLength);
  const whole = Buffer.alloc(70_000, 1);
  const source = Readable.from([small, whole], { objectMode: false });
  const up = await upstream(small.length + whole.length);
  await pipeline(source, new PassThrough(), new UpstreamBodyWriter(up.request, claimBodyMemory(source)));
  await up.received;
  assert.equal(freed(small), false);
  assert.equal(small.toString(), 'a small piece from the shared pool');
  assert.equal(freed(whole), true);

  const kept = Buffer.alloc(70_000, 2);
  const again = await upstream(kept.length);
  await pipeline(Readable.from([kept], { objectMode: false }), new UpstreamBodyWriter(again.request));
  assert.equal((await again.received).complete, true);
  assert.equal(freed(kept), false);
  up.close();
  again.close();
});

test('pieces that arrive in one turn of the event loop leave for the upstream in one write', async () => {
  const pieces = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, i));
  const up = await upstream(pieces.length * 64 * 1024);
  const socket = up.request.socket! as unknown as { _write: (...args: unknown[]) => void; _writev: (chunks: unknown[], ...rest: unknown[]) => void };
  const calls: number[] = [];
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...args) => {
    calls.push(1);
    write(...args);
  };
  socket._writev = (chunks, ...rest) => {
    calls.push(chunks.length);
    writev(chunks, ...rest);
  };
  // Each piece from a callback of its own in the same turn, as node:http emits the reads of
  // one turn (each followed by its own process.nextTick queue).
  const source = new Readable({ read() {} });
  const done = pipeline(source, new UpstreamBodyWriter(up.request, claimBodyMemory(source)));
  await new Promise((resolve) => setImmediate(resolve));
  for (const piece of pieces) setImmediate(() => source.push(piece));
  setImmediate(() => source.push(null));
  await done;
  const got = await up.received;
  up.close();
  assert.equal(got.complete, true);
  assert.equal(got.body.length, pieces.length * 64 * 1024);
  // One writev: the eight pieces (and the request's end).
  assert.equal(calls.length, 1, `writes of ${calls.join(', ')} pieces`);
  assert.ok(calls[0]! >= pieces.length);
});

test('over TLS to the upstream: the body arrives intact, its buffers freed once the TLS writes are done', async () => {
  const certificate = issueCertificate({ keyType: 'ec', commonName: '127.0.0.1' });
  const received: Buffer[] = [];
  const server = createTlsServer({ key: certificate.privateKeyPem, cert: certificate.certificatePem }, (req, res) => {
    req.on('data', (chunk: Buffer) => received.push(chunk));
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const data = randomBytes(2 * 1024 * 1024);
  const choice = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': createHash('sha256').update(data).digest('hex'), 'content-length': String(data.length) }));
  assert.ok(choice.ok);
  const { source, pieces } = clientBody(data, 64 * 1024);
  const out = tlsRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'PUT', path: '/', ca: certificate.certificatePem, checkServerIdentity: () => undefined, headers: { 'content-length': String(data.length) } });
  const answered = new Promise<number>((resolve, reject) => {
    out.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    out.on('error', reject);
  });
  try {
    await pipeline(source, choice.plan.verify(), new UpstreamBodyWriter(out, claimBodyMemory(source)));
    assert.equal(await answered, 200);
  } finally {
    server.close();
  }
  assert.ok(Buffer.concat(received).equals(data));
  assert.deepEqual(pieces.map((piece) => freed(piece)), pieces.map(() => true));
});
