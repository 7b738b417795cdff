/**
 * Cross-check against the AWS SDK's own signer: requests signed by @smithy/signature-v4
 * (with @aws-crypto/sha256-js) verify here, in both forms, with and without session tokens;
 * and for the same request signRequest produces the SDK's Authorization header exactly.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { indexHeaders } from './header-index.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { signRequest } from './sign-request.ts';
import type { SigningRequest, VerifyResult } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const NOW = new Date('2024-05-17T09:30:15Z');
const LONG_TERM = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==',
};

/** The SDK's form encoding for the Query protocol (space as %20, * and ~ as AWS wants). */
function form(params: Record<string, string>): string {
  const escape = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(params)
    .map(([name, value]) => `${escape(name)}=${escape(value)}`)
    .join('&');
}

const POST_BODIES: Record<string, { service: 'sts' | 'iam'; host: string; body: string }> = {
  'STS GetCallerIdentity': { service: 'sts', host: 'sts.amazonaws.com', body: form({ Action: 'GetCallerIdentity', Version: '2011-06-15' }) },
  'STS AssumeRole with an inline policy': {
    service: 'sts',
    host: 'sts.us-east-1.amazonaws.com',
    body: form({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      RoleSessionName: 'session@example.com',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] }),
      DurationSeconds: '900',
    }),
  },
  'IAM CreateUser with tags': {
    service: 'iam',
    host: 'iam.amazonaws.com',
    body: form({
      Action: 'CreateUser',
      Version: '2010-05-08',
      UserName: 'Bob+Jones',
      Path: '/division_abc/subdivision_xyz/',
      'Tags.member.1.Key': 'team name',
      'Tags.member.1.Value': 'Ünïcødé ✓',
    }),
  },
  'IAM ListUsers': { service: 'iam', host: 'iam.amazonaws.com', body: form({ Action: 'ListUsers', Version: '2010-05-08', MaxItems: '10' }) },
};

function smithySigner(service: string, credentials: typeof LONG_TERM, applyChecksum = false): SignatureV4 {
  return new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256, applyChecksum });
}

type SmithyRequest = {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
};

/** A signed SDK request as it arrives at the server: raw path, raw query string, headers, body. */
function onTheWire(signed: SmithyRequest): SigningRequest {
  const query = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value ?? '']]))
    .map(([name, value]) => `${encodeURIComponent(name as string)}=${encodeURIComponent(value as string)}`)
    .join('&');
  return { method: signed.method, path: signed.path, query, headers: signed.headers, body: typeof signed.body === 'string' ? signed.body : '' };
}

function verify(req: SigningRequest, secret: string, service: string): VerifyResult {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) return parsed;
  return verifySignedRequest(req, parsed.auth, secret, { now: NOW, expectedService: service });
}

for (const [name, { service, host, body }] of Object.entries(POST_BODIES)) {
  describe(name, () => {
    const unsigned = (): SmithyRequest => ({
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path: '/',
      headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });

    for (const [label, credentials] of [['long-term key', LONG_TERM], ['session credentials', SESSION]] as const) {
      for (const applyChecksum of [false, true]) {
        test(`SDK header signature verifies (${label}, x-amz-content-sha256 ${applyChecksum ? 'sent' : 'absent'})`, async () => {
          const signed = (await smithySigner(service, credentials, applyChecksum).sign(unsigned(), { signingDate: NOW })) as SmithyRequest;
          assert.equal(indexHeaders(signed.headers).has('x-amz-content-sha256'), applyChecksum);
          const wire = onTheWire(signed);
          const result = verify(wire, credentials.secretAccessKey, service);
          assert.deepEqual(result, 'sessionToken' in credentials ? { ok: true, securityTokenSigned: true } : { ok: true });
          assert.equal(verify({ ...wire, body: `${body}&Extra=1` }, credentials.secretAccessKey, service).ok, false);
          assert.equal(verify(wire, LONG_TERM.secretAccessKey.replace('K', 'k'), service).ok, false);
        });
      }

      test(`signRequest writes the SDK's Authorization header (${label})`, async () => {
        const sdk = (await smithySigner(service, credentials).sign(unsigned(), { signingDate: NOW })) as SmithyRequest;
        const ours = signRequest(
          { method: 'POST', path: '/', query: '', headers: unsigned().headers, body },
          credentials,
          { region: 'us-east-1', service, date: NOW },
        );
        assert.equal(indexHeaders(ours.headers).get('authorization')?.[0], indexHeaders(sdk.headers).get('authorization')?.[0]);
      });
    }
  });
}

describe('SDK presigned GET (the form aws-iam-authenticator and Vault use for STS)', () => {
  const unsigned = (): SmithyRequest => ({
    method: 'GET',
    protocol: 'https:',
    hostname: 'sts.amazonaws.com',
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: 'sts.amazonaws.com', 'x-k8s-aws-id': 'my-cluster' },
  });

  for (const [label, credentials] of [['long-term key', LONG_TERM], ['session credentials', SESSION]] as const) {
    test(`verifies (${label}), until it expires`, async () => {
      const presigned = (await smithySigner('sts', credentials).presign(unsigned(), { signingDate: NOW, expiresIn: 60 })) as SmithyRequest;
      const wire = onTheWire(presigned);
      const parsed = parseSignedRequest(wire);
      assert.ok(parsed.ok);
      assert.equal(parsed.auth.form, 'query');
      assert.deepEqual(parsed.auth.signedHeaders, ['host', 'x-k8s-aws-id']);
      assert.equal(parsed.auth.securityToken, 'sessionToken' in credentials ? credentials.sessionToken : undefined);
      const result = verifySignedRequest(wire, parsed.auth, credentials.secretAccessKey, { now: NOW, expectedService: 'sts' });
      assert.deepEqual(result, 'sessionToken' in credentials ? { ok: true, securityTokenSigned: true } : { ok: true });

      const expired = verifySignedRequest(wire, parsed.auth, credentials.secretAccessKey, { now: new Date(NOW.getTime() + 61_000), expectedService: 'sts' });
      assert.equal(!expired.ok && expired.error.code, 'RequestExpired');
      const otherCluster = { ...wire, headers: { ...wire.headers, 'x-k8s-aws-id': 'other-cluster' } };
      assert.equal(verify(otherCluster, credentials.secretAccessKey, 'sts').ok, false);
    });
  }

  test('an SDK-presigned query matches signRequest byte for byte once in the same order', async () => {
    const presigned = (await smithySigner('sts', LONG_TERM).presign(unsigned(), { signingDate: NOW, expiresIn: 60 })) as SmithyRequest;
    const ours = signRequest(
      { method: 'GET', path: '/', query: 'Action=GetCallerIdentity&Version=2011-06-15', headers: unsigned().headers, body: '' },
      LONG_TERM,
      { region: 'us-east-1', service: 'sts', date: NOW, form: 'query', expiresSeconds: 60 },
    );
    assert.equal(new URLSearchParams(ours.query).get('X-Amz-Signature'), presigned.query?.['X-Amz-Signature']);
  });
});
