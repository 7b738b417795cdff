import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BUILT_IN_VERIFIERS, choosePayload, Sha256Verifier } from './payload.ts';
import { GatewayError } from './errors.ts';

const form = (declared: string | undefined, authForm: 'header' | 'query' | undefined = 'header') => ({ declared, headers: {}, authForm, signed: () => undefined });

async function through(verifier: Sha256Verifier, chunks: Buffer[]): Promise<{ received: Buffer; error?: unknown }> {
  const received: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { received.push(chunk); done(); } });
  try {
    await pipeline(Readable.from(chunks), verifier, sink);
    return { received: Buffer.concat(received) };
  } catch (error) {
    return { received: Buffer.concat(received), error };
  }
}

test('a signed payload passes whole when its SHA-256 is the declared one', async () => {
  const chunks = [randomBytes(1000), randomBytes(1), randomBytes(70_000)];
  const whole = Buffer.concat(chunks);
  const { received, error } = await through(new Sha256Verifier(createHash('sha256').update(whole).digest('hex')), chunks);
  assert.equal(error, undefined);
  assert.ok(received.equals(whole));
});

test('a tampered payload never reaches its end downstream: the last chunk is held back and the stream fails', async () => {
  const chunks = [randomBytes(1000), randomBytes(1000), Buffer.from('x')];
  const expected = createHash('sha256').update(Buffer.concat([chunks[0]!, chunks[1]!, Buffer.from('y')])).digest('hex');
  const { received, error } = await through(new Sha256Verifier(expected), chunks);
  assert.ok(error instanceof GatewayError);
  assert.equal(error.failure.code, 'XAmzContentSHA256Mismatch');
  assert.ok(received.length < 2001, `${received.length} bytes went through`);
  // An empty body with a wrong hash sends nothing at all.
  const empty = await through(new Sha256Verifier('0'.repeat(64)), []);
  assert.ok(empty.error instanceof GatewayError);
  assert.equal(empty.received.length, 0);
});

test('payload forms: unsigned and presigned pass, hashes verify, chunked forms wait for their verifier, nonsense is refused', () => {
  assert.equal(choosePayload(BUILT_IN_VERIFIERS, form('UNSIGNED-PAYLOAD')).ok, true);
  assert.equal(choosePayload(BUILT_IN_VERIFIERS, form(undefined, 'query')).ok, true);
  assert.equal(choosePayload(BUILT_IN_VERIFIERS, form('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).ok, true);
  const missing = choosePayload(BUILT_IN_VERIFIERS, form(undefined));
  assert.deepEqual(missing.ok ? undefined : [missing.failure.code, missing.failure.message], ['InvalidRequest', 'Missing required header for this request: x-amz-content-sha256']);
  const chunked = choosePayload(BUILT_IN_VERIFIERS, form('STREAMING-AWS4-HMAC-SHA256-PAYLOAD'));
  assert.deepEqual(chunked.ok ? undefined : [chunked.failure.code, chunked.failure.status], ['NotImplemented', 501]);
  const pluggedIn = choosePayload([...BUILT_IN_VERIFIERS, (f) => (f.declared === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' ? { ok: true, plan: { verify: () => new Sha256Verifier(''), dropHeaders: ['content-encoding'], setHeaders: {} } } : undefined)], form('STREAMING-AWS4-HMAC-SHA256-PAYLOAD'));
  assert.equal(pluggedIn.ok, true);
  const nonsense = choosePayload(BUILT_IN_VERIFIERS, form('x'.repeat(10_000)));
  assert.equal(nonsense.ok ? undefined : nonsense.failure.code, 'InvalidArgument');
});
