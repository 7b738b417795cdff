/**
 * Properties over generated input: garbage never makes parsing or verification throw, and
 * whatever is signed verifies, in both forms, whatever its path, query, headers and body.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ALL_SIGV4_ERROR_CODES } from './errors.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { signRequest } from './sign-request.ts';
import type { SigningRequest, SigV4Failure } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const NOW = new Date('2015-08-30T12:36:00Z');
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const RUNS = { numRuns: 300 };

function assertWellFormedFailure(error: SigV4Failure): void {
  assert.ok((ALL_SIGV4_ERROR_CODES as readonly string[]).includes(error.code), error.code);
  assert.ok(error.httpStatus === 400 || error.httpStatus === 403);
  assert.equal(typeof error.message, 'string');
}

/** Pieces of real Authorization headers, so generated garbage reaches the deeper checks. */
const fragment = fc.oneof(
  fc.constantFrom(
    'AWS4-HMAC-SHA256',
    'AWS4-',
    ' ',
    ',',
    ', ',
    '=',
    '/',
    ';',
    'Credential=',
    'SignedHeaders=',
    'Signature=',
    'AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request',
    '20150830',
    'aws4_request',
    'host;x-amz-date',
    '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    '%',
    '%2F',
    '&',
    'X-Amz-',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const garbage = fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join(''));
/** Shapeless garbage, garbage after the right scheme, and the right shape with garbage inside. */
const authorizationHeader = fc.oneof(
  garbage,
  garbage.map((rest) => `AWS4-HMAC-SHA256 ${rest}`),
  fc
    .tuple(garbage, garbage, garbage)
    .map(([credential, signed, signature]) => `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${signature}`),
  fc
    .tuple(fc.constantFrom('AKIDEXAMPLE', ''), fc.constantFrom('20150830', '20150831', ''), garbage, fc.constantFrom('iam', 'sts', ''), garbage)
    .map(([key, date, region, service, signature]) =>
      `AWS4-HMAC-SHA256 Credential=${key}/${date}/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    ),
);

function checkNeverThrows(req: SigningRequest): void {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) {
    assertWellFormedFailure(parsed.error);
    return;
  }
  const result = verifySignedRequest(req, parsed.auth, SECRET, { now: NOW, expectedService: 'iam' });
  assert.equal(result.ok, false, 'a made-up signature never verifies');
  if (!result.ok) assertWellFormedFailure(result.error);
}

test('garbage Authorization headers never make parse or verify throw', () => {
  fc.assert(
    fc.property(authorizationHeader, fc.option(fc.oneof(fc.constant('20150830T123600Z'), garbage)), (authorization, amzDate) => {
      const headers: Record<string, string> = { host: 'iam.amazonaws.com', authorization };
      if (amzDate !== null) headers['x-amz-date'] = amzDate;
      checkNeverThrows({ method: 'POST', path: '/', query: '', headers, body: 'Action=ListUsers' });
    }),
    RUNS,
  );
});

test('garbage presigned query strings never make parse or verify throw', () => {
  const parameter = fc.tuple(
    fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'Action'),
    fc.oneof(garbage, fc.constantFrom('AWS4-HMAC-SHA256', '20150830T123600Z', 'AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request', 'host', '900', '604801')),
  );
  fc.assert(
    fc.property(fc.array(parameter, { maxLength: 8 }), garbage, garbage, (parameters, tail, path) => {
      const query = parameters.map(([name, value]) => `${name}=${value}`).join('&') + tail;
      checkNeverThrows({ method: 'GET', path, query, headers: { host: 'iam.amazonaws.com' }, body: '' });
    }),
    RUNS,
  );
});

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).map((name) => `x-test-${name}`);
const headerValue = fc.string({ maxLength: 20 }).map((value) => value.replace(/[\r\n]/g, ' '));
const anyText = fc.string({ unit: 'grapheme', maxLength: 12 });

test('whatever is signed verifies, in both forms, and a changed body does not', () => {
  fc.assert(
    fc.property(
      fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        segments: fc.array(fc.oneof(anyText, fc.constantFrom('.', '..', '', '%20', 'a b')), { maxLength: 5 }),
        query: fc.array(fc.tuple(anyText, anyText), { maxLength: 5 }),
        headers: fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 })), { maxKeys: 4 }),
        body: fc.oneof(anyText, fc.uint8Array({ maxLength: 64 })),
        form: fc.constantFrom('header' as const, 'query' as const),
        token: fc.option(fc.string({ minLength: 1, maxLength: 40 }).filter((token) => token.trim() === token && token !== '')),
        signSessionToken: fc.boolean(),
      }),
      (input) => {
        const request: SigningRequest = {
          method: input.method,
          path: `/${input.segments.join('/')}`,
          query: input.query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'),
          headers: { host: 'iam.amazonaws.com', ...input.headers },
          body: input.body,
        };
        const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, ...(input.token !== null ? { sessionToken: input.token } : {}) };
        const signed = signRequest(request, credentials, {
          region: 'us-east-1',
          service: 'iam',
          date: NOW,
          form: input.form,
          signSessionToken: input.signSessionToken,
        });
        const parsed = parseSignedRequest(signed);
        assert.ok(parsed.ok, JSON.stringify(parsed));
        assert.equal(parsed.auth.securityToken, input.token ?? undefined);
        const result = verifySignedRequest(signed, parsed.auth, SECRET, { now: NOW, expectedService: 'iam' });
        assert.ok(result.ok, JSON.stringify({ result, signed }));

        const tampered = { ...signed, body: `${typeof signed.body === 'string' ? signed.body : 'bytes'}!` };
        assert.equal(verifySignedRequest(tampered, parsed.auth, SECRET, { now: NOW, expectedService: 'iam' }).ok, false);
      },
    ),
    RUNS,
  );
});
