import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PassThrough } from 'node:stream';
import { deriveSigningKey, parseSignedRequest, signRequest, credentialScope } from '../sigv4/index.ts';
import { encodeAwsChunked, runThrough } from '../sigv4/testing/aws-chunked-body.ts';
import { BUILT_IN_VERIFIERS, choosePayload, payloadRefusal, type PayloadForm } from './payload.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const DATE = new Date('2024-01-01T00:00:00Z');

/** A header-signed S3 PUT with these headers, as the gateway's chooser sees it once authenticated. */
function signedForm(headers: Record<string, string>): PayloadForm {
  const signed = signRequest({ method: 'PUT', path: '/b/k', query: '', headers: { host: 'localhost', ...headers }, body: '' }, CREDENTIALS, { region: 'us-east-1', service: 's3', date: DATE, normalizePath: false });
  const parsed = parseSignedRequest(signed);
  assert.ok(parsed.ok);
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) lower[name.toLowerCase()] = value as string;
  return { headers: lower, query: '', signed: { auth: parsed.auth, signingKey: deriveSigningKey('secret', '20240101', 'us-east-1', 's3') } };
}

test('a signed payload is checked as it streams; a tampered one is refused before its end', async () => {
  const data = randomBytes(200_000);
  const form = signedForm({ 'x-amz-content-sha256': createHash('sha256').update(data).digest('hex'), 'content-length': String(data.length) });
  const choice = choosePayload(BUILT_IN_VERIFIERS, form);
  assert.ok(choice.ok);
  const good = await runThrough(choice.plan.verify(), data);
  assert.equal(good.error, undefined);
  assert.ok(good.output.equals(data));
  const tampered = Buffer.from(data);
  tampered[100] = tampered[100]! ^ 1;
  const bad = await runThrough(choice.plan.verify(), tampered);
  assert.equal(payloadRefusal(bad.error)?.code, 'XAmzContentSHA256Mismatch');
  assert.ok(bad.output.length < data.length);
  assert.deepEqual([choice.plan.dropHeaders, choice.plan.setHeaders], [[], {}]);
});

test('aws-chunked with chunk signatures is forwarded decoded, its framing headers replaced', async () => {
  const data = randomBytes(70_000);
  const form = signedForm({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) });
  const choice = choosePayload(BUILT_IN_VERIFIERS, form);
  assert.ok(choice.ok);
  assert.deepEqual(choice.plan.setHeaders, { 'content-length': String(data.length) });
  assert.ok(choice.plan.dropHeaders.includes('content-encoding') && choice.plan.dropHeaders.includes('x-amz-decoded-content-length'));
  const auth = form.signed!.auth;
  const signing = { signingKey: form.signed!.signingKey, amzDate: auth.amzDate, scope: credentialScope(auth.credentialDate, auth.region, auth.service), seedSignature: auth.signature };
  const encoded = encodeAwsChunked(data, { chunkSize: 16_384, signing });
  const decoded = await runThrough(choice.plan.verify(), encoded.body);
  assert.equal(decoded.error, undefined);
  assert.ok(decoded.output.equals(data));
  const tampered = Buffer.from(encoded.body);
  tampered[20_000] = tampered[20_000]! ^ 1;
  const refused = await runThrough(choice.plan.verify(), tampered);
  assert.equal(payloadRefusal(refused.error)?.code, 'SignatureDoesNotMatch');
  assert.ok(refused.output.length < data.length);
  // Another content coding beside aws-chunked is kept.
  const gzip = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked, gzip', 'x-amz-decoded-content-length': '10' }));
  assert.ok(gzip.ok);
  assert.equal(gzip.plan.setHeaders['content-encoding'], 'gzip');
});

test('refusals up front: a missing x-amz-content-sha256, an unknown form; anonymous bodies pass; verifiers plug in first', () => {
  const missing = choosePayload(BUILT_IN_VERIFIERS, signedForm({}));
  assert.deepEqual(missing.ok ? undefined : missing.failure.code, 'InvalidRequest');
  const unknown = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': 'x'.repeat(10_000) }));
  assert.equal(unknown.ok, false);
  const chunkedWithoutLength = choosePayload(BUILT_IN_VERIFIERS, signedForm({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked' }));
  assert.equal(chunkedWithoutLength.ok, false);
  const anonymous = choosePayload(BUILT_IN_VERIFIERS, { headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }, query: '' });
  assert.ok(anonymous.ok);
  assert.ok(anonymous.plan.verify() instanceof PassThrough);
  const plugged = choosePayload([() => ({ ok: false, failure: { code: 'Custom', message: 'm', status: 400 } }), ...BUILT_IN_VERIFIERS], signedForm({}));
  assert.equal(plugged.ok ? undefined : plugged.failure.code, 'Custom');
  assert.equal(choosePayload([], signedForm({})).ok, false);
});
