import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexHeaders } from './header-index.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { signRequest } from './sign-request.ts';
import type { SigningRequest, SignOptions, VerifyResult } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = new Date('2015-08-30T12:36:00Z');
const OPTIONS: SignOptions = { region: 'us-east-1', service: 'sts', date: NOW };

function stsPost(): SigningRequest {
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: { Host: 'sts.amazonaws.com', 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'User-Agent': 'test/1.0' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  };
}

function verify(req: SigningRequest, now = NOW): VerifyResult {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) return parsed;
  return verifySignedRequest(req, parsed.auth, CREDENTIALS.secretAccessKey, { now, expectedService: 'sts' });
}

test('the input request is not modified', () => {
  const req = stsPost();
  const before = structuredClone(req);
  signRequest(req, CREDENTIALS, OPTIONS);
  signRequest(req, CREDENTIALS, { ...OPTIONS, form: 'query' });
  assert.deepEqual(req, before);
});

test('hop-by-hop and user-agent headers are not signed, so proxies may rewrite them', () => {
  const signed = signRequest(stsPost(), CREDENTIALS, OPTIONS);
  const auth = indexHeaders(signed.headers).get('authorization')?.[0] ?? '';
  assert.match(auth, /SignedHeaders=content-type;host;x-amz-date,/);
  assert.equal(verify({ ...signed, headers: { ...signed.headers, 'User-Agent': 'proxy/2.0' } }).ok, true);
});

test('signing a signed request again replaces its signature instead of adding a second', () => {
  const header = signRequest(signRequest(stsPost(), CREDENTIALS, OPTIONS), CREDENTIALS, { ...OPTIONS, date: new Date(NOW.getTime() + 60_000) });
  assert.equal(indexHeaders(header.headers).get('authorization')?.length, 1);
  assert.equal(indexHeaders(header.headers).get('x-amz-date')?.[0], '20150830T123700Z');
  assert.equal(verify(header).ok, true);

  const get = { ...stsPost(), method: 'GET', query: 'Action=GetCallerIdentity&Version=2011-06-15', body: '' };
  const query = signRequest(signRequest(get, CREDENTIALS, { ...OPTIONS, form: 'query' }), CREDENTIALS, { ...OPTIONS, form: 'query' });
  assert.equal(query.query.match(/X-Amz-Signature=/g)?.length, 1);
  assert.equal(query.query.match(/X-Amz-Credential=/g)?.length, 1);
  assert.ok(query.query.startsWith('Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&'));
  assert.equal(verify(query).ok, true);
});

test('presigned requests default to 15 minutes', () => {
  const signed = signRequest({ ...stsPost(), method: 'GET', body: '' }, CREDENTIALS, { ...OPTIONS, form: 'query' });
  assert.match(signed.query, /&X-Amz-Expires=900&/);
  assert.equal(verify(signed, new Date(NOW.getTime() + 900_000)).ok, true);
  assert.equal(verify(signed, new Date(NOW.getTime() + 901_000)).ok, false);
});

test('a session token is signed by default, and can be left unsigned', () => {
  const withToken = { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDGH+token=' };
  const signed = signRequest(stsPost(), withToken, OPTIONS);
  assert.match(indexHeaders(signed.headers).get('authorization')?.[0] ?? '', /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,/);
  assert.deepEqual(verify(signed), { ok: true, securityTokenSigned: true });

  const unsigned = signRequest(stsPost(), withToken, { ...OPTIONS, signSessionToken: false });
  assert.equal(indexHeaders(unsigned.headers).get('x-amz-security-token')?.[0], withToken.sessionToken);
  assert.deepEqual(verify(unsigned), { ok: true, securityTokenSigned: false });

  const presigned = signRequest({ ...stsPost(), method: 'GET', body: '' }, withToken, { ...OPTIONS, form: 'query', signSessionToken: false });
  assert.match(presigned.query, /X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaDGH%2Btoken%3D&X-Amz-Signature=/);
  assert.deepEqual(verify(presigned), { ok: true, securityTokenSigned: false });
});

test('a byte body signs like the same text', () => {
  const text = signRequest(stsPost(), CREDENTIALS, OPTIONS);
  const bytes = signRequest({ ...stsPost(), body: new TextEncoder().encode(stsPost().body as string) }, CREDENTIALS, OPTIONS);
  assert.deepEqual(bytes.headers, text.headers);
  assert.equal(verify(bytes).ok, true);
});

test('out-of-range expiry and invalid dates are programming errors', () => {
  assert.throws(() => signRequest(stsPost(), CREDENTIALS, { ...OPTIONS, form: 'query', expiresSeconds: 604801 }), RangeError);
  assert.throws(() => signRequest(stsPost(), CREDENTIALS, { ...OPTIONS, form: 'query', expiresSeconds: 1.5 }), RangeError);
  assert.throws(() => signRequest(stsPost(), CREDENTIALS, { ...OPTIONS, date: new Date(Number.NaN) }), RangeError);
});
