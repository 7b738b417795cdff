import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalRequest } from './canonical-request.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { payloadHash } from './payload-hash.ts';
import { signRequest } from './sign-request.ts';
import { SigningKeyCache } from './signing-key-cache.ts';
import { deriveSigningKey, signature } from './signing-key.ts';
import { credentialScope, stringToSign } from './string-to-sign.ts';
import type { ParsedAuth, SigningRequest, VerifyOptions, VerifyResult } from './types.ts';
import { checkSignedRequestContext, verifySignedRequest } from './verify-signed-request.ts';
import { indexHeaders } from './header-index.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET };
const NOW = new Date('2015-08-30T12:36:00Z');
const BODY = 'Action=ListUsers&Version=2010-05-08';

function iamPost(headers: SigningRequest['headers'] = {}): SigningRequest {
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body: BODY,
  };
}

function parse(req: SigningRequest): ParsedAuth {
  const parsed = parseSignedRequest(req);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.auth;
}

function verify(req: SigningRequest, options: Partial<VerifyOptions> = {}): VerifyResult {
  return verifySignedRequest(req, parse(req), SECRET, { now: NOW, expectedService: 'iam', ...options });
}

test('a request dated by the Date header alone verifies; its ISO form enters the string to sign', () => {
  const req = iamPost({ date: 'Sun, 30 Aug 2015 12:36:00 GMT' });
  const signedHeaders = ['content-type', 'date', 'host'];
  const canonical = canonicalRequest({ ...req, signedHeaders, payloadHash: payloadHash(BODY) });
  const scope = credentialScope('20150830', 'us-east-1', 'iam');
  const sig = signature(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'iam'), stringToSign('20150830T123600Z', scope, canonical));
  const signed = iamPost({
    date: 'Sun, 30 Aug 2015 12:36:00 GMT',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`,
  });
  assert.deepEqual(verify(signed), { ok: true });
  assert.equal(verify({ ...signed, headers: { ...signed.headers, date: 'Sun, 30 Aug 2015 12:36:01 GMT' } }).ok, false);
});

test('x-amz-content-sha256 is honoured, and must match the body', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW, contentSha256Header: true });
  assert.deepEqual(verify(signed), { ok: true });
  assert.deepEqual(verify({ ...signed, body: `${BODY}&Marker=x` }), {
    ok: false,
    error: {
      code: 'XAmzContentSHA256Mismatch',
      httpStatus: 400,
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    },
  });
});

test('payloadStreamed: a declared hash signs without the body, which the caller checks as it streams', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW, contentSha256Header: true });
  const streamed = { ...signed, body: '' };
  assert.equal(verify(streamed).ok, false);
  assert.deepEqual(verify(streamed, { payloadStreamed: true }), { ok: true });
  // The declared hash is still part of what is signed: another one is a wrong signature.
  const other = { ...streamed, headers: { ...streamed.headers, 'x-amz-content-sha256': payloadHash('other body') } };
  const refused = verify(other, { payloadStreamed: true });
  assert.equal(!refused.ok && refused.error.code, 'SignatureDoesNotMatch');
});

test('UNSIGNED-PAYLOAD is refused unless the caller opts in', () => {
  const signed = signRequest(iamPost({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  const refused = verify(signed);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'InvalidArgument');
  assert.deepEqual(verify(signed, { allowUnsignedPayload: true }), { ok: true });
  // Which is exactly why it is off by default: the body is then outside the signature.
  assert.deepEqual(verify({ ...signed, body: 'Action=DeleteUser&UserName=admin' }, { allowUnsignedPayload: true }), { ok: true });
});

test('repeated headers (as Node gives them in headersDistinct) and HTTP/2 :authority verify', () => {
  const repeated = signRequest(iamPost({ 'x-custom': ['b', 'a'] }), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  assert.deepEqual(verify(repeated), { ok: true });
  assert.equal(verify({ ...repeated, headers: { ...repeated.headers, 'x-custom': ['a', 'b'] } }).ok, false, 'order of repeats is signed');

  const { host, ...rest } = repeated.headers;
  assert.deepEqual(verify({ ...repeated, headers: { ...rest, ':authority': host as string } }), { ok: true });
});

test('the context checks need no secret and come first, in AWS order', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  const auth = parse(signed);
  assert.deepEqual(checkSignedRequestContext(auth, { now: NOW, expectedService: 'iam' }), { ok: true });
  const late = checkSignedRequestContext(auth, { now: new Date(NOW.getTime() + 3_600_000), expectedService: 'sts' });
  assert.equal(!late.ok && late.error.message.startsWith('Signature expired:'), true, 'time is checked before the scope');
  const wrongService = checkSignedRequestContext(auth, { now: NOW, expectedService: 'sts' });
  assert.equal(!wrongService.ok && wrongService.error.message, "Credential should be scoped to correct service: 'sts'. ");
});

test('a scope region must look like a region: no dots, slashes, upper case or 33 characters', () => {
  for (const region of ['us-east-1', 'us-gov-west-1', 'us-isob-east-1', 'auto', 'local', 'a', 'x'.repeat(32)]) {
    const auth = parse(signRequest(iamPost(), CREDENTIALS, { region, service: 'iam', date: NOW }));
    assert.deepEqual(checkSignedRequestContext(auth, { now: NOW, expectedService: 'iam' }), { ok: true }, region);
  }
  for (const region of ['..', 'US-EAST-1', '-us', 'us-', 'x'.repeat(33), 'a.b', 'us_east']) {
    const auth = parse(signRequest(iamPost(), CREDENTIALS, { region, service: 'iam', date: NOW }));
    const refused = checkSignedRequestContext(auth, { now: NOW, expectedService: 'iam' });
    assert.equal(!refused.ok && refused.error.message, `Credential should be scoped to a valid region, not '${region}'. `, region);
  }
});

test('maxSkewSeconds narrows the window', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  const later = new Date(NOW.getTime() + 301_000);
  assert.deepEqual(verify(signed, { now: later }), { ok: true });
  const refused = verify(signed, { now: later, maxSkewSeconds: 300 });
  assert.equal(
    !refused.ok && refused.error.message,
    'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
  );
});

test('a presigned request without X-Amz-Expires gets the 15-minute rule', () => {
  const signed = signRequest({ ...iamPost(), method: 'GET', query: 'Action=ListUsers&Version=2010-05-08', body: '' }, CREDENTIALS, {
    region: 'us-east-1',
    service: 'iam',
    date: NOW,
    form: 'query',
  });
  const withoutExpires = { ...signed, query: signed.query.replace('&X-Amz-Expires=900', '') };
  assert.equal(parse(withoutExpires).expiresSeconds, undefined);
  const refused = verify(withoutExpires, { now: new Date(NOW.getTime() + 16 * 60_000) });
  assert.equal(!refused.ok && refused.error.code, 'SignatureDoesNotMatch');
  assert.equal(!refused.ok && refused.error.message.startsWith('Signature expired: 20150830T123600Z is now earlier than'), true);
});

test('a key cache gives the same answers and keeps one key per scope', () => {
  const keyCache = new SigningKeyCache();
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  for (let i = 0; i < 3; i++) assert.deepEqual(verify(signed, { keyCache }), { ok: true });
  assert.equal(verify(signed, { keyCache, now: NOW }).ok, true);
  assert.equal(verifySignedRequest(signed, parse(signed), 'wrong', { now: NOW, keyCache }).ok, false);
  assert.equal(keyCache.size, 2);
});

test('the HTTP method is part of what is signed', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  assert.equal(verify({ ...signed, method: 'PUT' }).ok, false);
});

test('headers indexed by the caller (headerIndex) are the ones parsed and verified', () => {
  const signed = signRequest(iamPost(), CREDENTIALS, { region: 'us-east-1', service: 'iam', date: NOW });
  const req: SigningRequest = { ...iamPost(), headers: signed.headers };
  assert.deepEqual(verify({ ...req, headerIndex: indexHeaders(req.headers) }), { ok: true });
  // The index, not the record, is what counts when both are given: a tampered index fails.
  const tampered = new Map(indexHeaders(req.headers));
  tampered.set('content-type', ['text/plain']);
  assert.equal(verify({ ...req, headerIndex: tampered }).ok, false);
  const noDate = new Map(indexHeaders(req.headers));
  noDate.delete('x-amz-date');
  assert.equal(parseSignedRequest({ ...req, headerIndex: noDate }).ok, false);
});
