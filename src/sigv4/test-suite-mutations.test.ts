/**
 * Negative cases derived from every vector of the AWS test suite, in both forms: each
 * mutation of a correctly signed request must be refused, with AWS's code and message.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  HOST_NOT_SIGNED_MESSAGE,
  REQUEST_EXPIRED_MESSAGE,
  SIGNATURE_DOES_NOT_MATCH_MESSAGE,
  SigV4ErrorCode,
} from './errors.ts';
import { indexHeaders } from './header-index.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { signRequest } from './sign-request.ts';
import { loadTestSuite, type Vector } from './testing/test-suite-vectors.ts';
import type { AuthForm, SigningRequest, SigV4Failure, VerifyOptions, VerifyResult } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const MINUTE = 60_000;
const vectors = loadTestSuite();

function verify(vector: Vector, req: SigningRequest, overrides: Partial<VerifyOptions> & { secret?: string } = {}): VerifyResult {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) return parsed;
  const { secret, ...options } = overrides;
  return verifySignedRequest(req, parsed.auth, secret ?? vector.context.credentials.secret_access_key, {
    now: vector.now,
    expectedService: vector.context.service,
    normalizePath: vector.context.normalize,
    ...options,
  });
}

function assertRefused(result: VerifyResult, expected: Partial<SigV4Failure>): void {
  assert.equal(result.ok, false, 'expected the request to be refused');
  if (result.ok) return;
  for (const [field, value] of Object.entries(expected)) {
    assert.equal(result.error[field as keyof SigV4Failure], value, `${field} of ${JSON.stringify(result.error)}`);
  }
}

const signatureMismatch = { code: 'SignatureDoesNotMatch', message: SIGNATURE_DOES_NOT_MATCH_MESSAGE, httpStatus: 403 };

function withHeader(req: SigningRequest, lowerName: string, value: string): SigningRequest {
  const headers: SigningRequest['headers'] = {};
  for (const [name, existing] of Object.entries(req.headers)) {
    if (name.toLowerCase() !== lowerName) headers[name] = existing;
  }
  headers[lowerName] = value;
  return { ...req, headers };
}

function authorizationOf(req: SigningRequest): string {
  return indexHeaders(req.headers).get('authorization')?.[0] ?? '';
}

/** Replaces text in the signature-carrying part of the request (Authorization, or the query). */
function editAuth(req: SigningRequest, form: AuthForm, edit: (text: string) => string): SigningRequest {
  if (form === 'query') return { ...req, query: edit(req.query) };
  return withHeader(req, 'authorization', edit(authorizationOf(req)));
}

function signedHeaderNames(req: SigningRequest): string[] {
  const parsed = parseSignedRequest(req);
  assert.ok(parsed.ok);
  return parsed.auth.signedHeaders;
}

function credentials(vector: Vector) {
  const { credentials: c } = vector.context;
  return { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key, ...(c.token ? { sessionToken: c.token } : {}) };
}

function resign(vector: Vector, form: AuthForm, request: SigningRequest, date: Date): SigningRequest {
  return signRequest(request, credentials(vector), {
    region: vector.context.region,
    service: vector.context.service,
    date,
    form,
    expiresSeconds: vector.context.expiration_in_seconds,
    signSessionToken: !vector.context.omit_session_token,
    contentSha256Header: vector.context.sign_body,
    normalizePath: vector.context.normalize,
  });
}

for (const vector of vectors) {
  describe(vector.name, () => {
    for (const form of ['header', 'query'] as const) {
      const stages = vector.forms[form];
      if (!stages) continue;
      const signed = stages.signedRequest;

      test(`${form}: the unmodified request verifies (control)`, () => {
        assert.equal(verify(vector, signed).ok, true);
      });

      test(`${form}: a tampered value of each signed header is refused`, () => {
        const names = signedHeaderNames(signed).filter((name) => name !== 'x-amz-date');
        assert.ok(names.includes('host'));
        for (const name of names) {
          const original = indexHeaders(signed.headers).get(name)?.join(',') ?? '';
          const result = verify(vector, withHeader(signed, name, `${original}x`));
          // A signed x-amz-content-sha256 that was changed no longer has the shape of a hash.
          if (name === 'x-amz-content-sha256') assertRefused(result, { code: 'InvalidArgument' });
          else assertRefused(result, signatureMismatch);
        }
      });

      test(`${form}: a tampered body is refused`, () => {
        const body = `${typeof signed.body === 'string' ? signed.body : ''}&Tampered=1`;
        const result = verify(vector, { ...signed, body });
        const declaresHash = indexHeaders(signed.headers).has('x-amz-content-sha256');
        if (declaresHash) assertRefused(result, { code: SigV4ErrorCode.XAmzContentSHA256Mismatch, httpStatus: 400 });
        else assertRefused(result, signatureMismatch);
      });

      test(`${form}: a tampered path is refused`, () => {
        assertRefused(verify(vector, { ...signed, path: `${signed.path}tampered` }), signatureMismatch);
        assertRefused(verify(vector, { ...signed, path: `/tampered${signed.path}` }), signatureMismatch);
      });

      test(`${form}: an added query parameter is refused`, () => {
        const query = signed.query === '' ? 'Tampered=1' : `${signed.query}&Tampered=1`;
        assertRefused(verify(vector, { ...signed, query }), signatureMismatch);
      });

      test(`${form}: the wrong secret is refused`, () => {
        assertRefused(verify(vector, signed, { secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ' }), signatureMismatch);
      });

      test(`${form}: a truncated signature is refused`, () => {
        const truncated = editAuth(signed, form, (text) => text.replace(stages.signature, stages.signature.slice(0, -1)));
        assert.equal(parseSignedRequest(truncated).ok, true);
        assertRefused(verify(vector, truncated), signatureMismatch);
        const extended = editAuth(signed, form, (text) => text.replace(stages.signature, `${stages.signature}0`));
        assertRefused(verify(vector, extended), signatureMismatch);
      });

      test(`${form}: a server clock 16 minutes behind finds the request not yet current`, () => {
        assertRefused(verify(vector, signed, { now: new Date(vector.now.getTime() - 16 * MINUTE) }), {
          code: 'SignatureDoesNotMatch',
          httpStatus: 403,
          message: 'Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)',
        });
        assert.equal(verify(vector, signed, { now: new Date(vector.now.getTime() - 15 * MINUTE) }).ok, true);
      });

      if (form === 'header') {
        test('header: a server clock 16 minutes ahead finds the signature expired', () => {
          assertRefused(verify(vector, signed, { now: new Date(vector.now.getTime() + 16 * MINUTE) }), {
            code: 'SignatureDoesNotMatch',
            httpStatus: 403,
            message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)',
          });
          assert.equal(verify(vector, signed, { now: new Date(vector.now.getTime() + 15 * MINUTE) }).ok, true);
        });
      } else {
        test('query: a presigned request lives until X-Amz-Date + X-Amz-Expires, not longer', () => {
          const expiresMs = vector.context.expiration_in_seconds * 1000;
          assert.equal(verify(vector, signed, { now: new Date(vector.now.getTime() + 16 * MINUTE) }).ok, true);
          assert.equal(verify(vector, signed, { now: new Date(vector.now.getTime() + expiresMs) }).ok, true);
          assertRefused(verify(vector, signed, { now: new Date(vector.now.getTime() + expiresMs + 1000) }), {
            code: 'RequestExpired',
            message: REQUEST_EXPIRED_MESSAGE,
            httpStatus: 400,
          });
        });
      }

      test(`${form}: a request signed 16 minutes in the future is refused`, () => {
        const future = resign(vector, form, vector.request, new Date(vector.now.getTime() + 16 * MINUTE));
        assert.equal(verify(vector, future, { now: new Date(vector.now.getTime() + 16 * MINUTE) }).ok, true);
        assertRefused(verify(vector, future), {
          code: 'SignatureDoesNotMatch',
          message: 'Signature not yet current: 20150830T125200Z is still later than 20150830T125100Z (20150830T123600Z + 15 min.)',
        });
      });

      test(`${form}: host missing from the signed headers is refused`, () => {
        const listed = form === 'header' ? /SignedHeaders=([^,]*)/ : /X-Amz-SignedHeaders=([^&]*)/;
        const separator = form === 'header' ? ';' : '%3B';
        const withoutHost = editAuth(signed, form, (text) =>
          text.replace(listed, (whole, list: string) =>
            whole.replace(list, list.split(separator).map((n) => (n === 'host' ? 'x-not-host' : n)).join(separator)),
          ),
        );
        assertRefused(verify(vector, withoutHost), { code: 'SignatureDoesNotMatch', message: HOST_NOT_SIGNED_MESSAGE, httpStatus: 403 });

        // Correctly signed, but without a host header to sign (another header keeps the list non-empty).
        const headers = Object.fromEntries(Object.entries(vector.request.headers).filter(([name]) => name.toLowerCase() !== 'host'));
        headers['X-Amz-Meta-Test'] = '1';
        const hostless = resign(vector, form, { ...vector.request, headers }, vector.now);
        assertRefused(verify(vector, hostless), { message: HOST_NOT_SIGNED_MESSAGE });
      });

      test(`${form}: a scope for another service is refused`, () => {
        assertRefused(verify(vector, signed, { expectedService: 'iam' }), {
          code: 'SignatureDoesNotMatch',
          message: "Credential should be scoped to correct service: 'iam'. ",
          httpStatus: 403,
        });
      });

      test(`${form}: a bad scope terminator is refused`, () => {
        const edited = editAuth(signed, form, (text) => text.replace('aws4_request', 'aws5_request'));
        assertRefused(verify(vector, edited), {
          code: 'SignatureDoesNotMatch',
          message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
        });
      });

      test(`${form}: a credential date other than the request date is refused`, () => {
        const edited = editAuth(signed, form, (text) => text.replace('AKIDEXAMPLE/20150830', 'AKIDEXAMPLE/20150831').replace('AKIDEXAMPLE%2F20150830', 'AKIDEXAMPLE%2F20150831'));
        assertRefused(verify(vector, edited), {
          code: 'SignatureDoesNotMatch',
          message:
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.",
        });
      });

      test(`${form}: a region outside the allowed ones is refused, with every scope error at once`, () => {
        assertRefused(verify(vector, signed, { allowedRegions: ['eu-west-1'] }), {
          message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
        });
        const edited = editAuth(signed, form, (text) => text.replace('aws4_request', 'aws5_request'));
        assertRefused(verify(vector, edited, { allowedRegions: ['eu-west-1'], expectedService: 'sts' }), {
          message:
            "Credential should be scoped to a valid region, not 'us-east-1'. " +
            "Credential should be scoped to correct service: 'sts'. " +
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
        });
      });
    }
  });
}
