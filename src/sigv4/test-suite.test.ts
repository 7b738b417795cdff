/**
 * The official AWS SigV4 test suite, every case, both forms: each stage equals the file,
 * signRequest reproduces the signed request, and the signed request verifies.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalRequest, sortSignedHeaders } from './canonical-request.ts';
import { indexHeaders } from './header-index.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { payloadHash } from './payload-hash.ts';
import { signRequest } from './sign-request.ts';
import { SigningKeyCache } from './signing-key-cache.ts';
import { deriveSigningKey, signature } from './signing-key.ts';
import { credentialScope, stringToSign } from './string-to-sign.ts';
import { loadTestSuite, type Vector } from './testing/test-suite-vectors.ts';
import type { AuthForm, SigningRequest } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const vectors = loadTestSuite();

/** Headers as lower-cased name → values, so header order and name case do not matter. */
function comparable(req: SigningRequest) {
  const headers = Object.fromEntries([...indexHeaders(req.headers)].sort(([a], [b]) => (a < b ? -1 : 1)));
  const body = typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
  return { method: req.method, path: req.path, query: req.query, headers, body };
}

function signOptions(vector: Vector, form: AuthForm) {
  const { context } = vector;
  return {
    region: context.region,
    service: context.service,
    date: vector.now,
    form,
    expiresSeconds: context.expiration_in_seconds,
    signSessionToken: !context.omit_session_token,
    contentSha256Header: context.sign_body,
    normalizePath: context.normalize,
  };
}

function credentials(vector: Vector) {
  const { credentials: c } = vector.context;
  return { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key, ...(c.token ? { sessionToken: c.token } : {}) };
}

test('the suite has its 38 cases, each with both forms', () => {
  assert.equal(vectors.length, 38);
  for (const vector of vectors) assert.deepEqual(Object.keys(vector.forms).sort(), ['header', 'query'], vector.name);
});

for (const vector of vectors) {
  describe(vector.name, () => {
    for (const form of ['header', 'query'] as const) {
      const stages = vector.forms[form];
      if (!stages) continue;

      test(`${form}: canonical request, string to sign and signature equal the files`, () => {
        const parsed = parseSignedRequest(stages.signedRequest);
        assert.ok(parsed.ok, JSON.stringify(parsed));
        const { auth } = parsed;
        const signed = stages.signedRequest;
        const declared = indexHeaders(signed.headers).get('x-amz-content-sha256')?.[0];
        const omitToken = form === 'query' && vector.context.omit_session_token === true;
        const canonical = canonicalRequest(
          {
            method: signed.method,
            path: signed.path,
            query: signed.query,
            headers: signed.headers,
            signedHeaders: sortSignedHeaders(auth.signedHeaders),
            payloadHash: declared ?? payloadHash(signed.body),
          },
          {
            normalizePath: vector.context.normalize,
            omitQueryParameter: (name) => name === 'X-Amz-Signature' || (omitToken && name === 'X-Amz-Security-Token'),
          },
        );
        assert.equal(canonical, stages.canonicalRequest);

        const scope = credentialScope(auth.credentialDate, auth.region, auth.service);
        const toSign = stringToSign(auth.amzDate, scope, canonical);
        assert.equal(toSign, stages.stringToSign);

        const key = deriveSigningKey(vector.context.credentials.secret_access_key, auth.credentialDate, auth.region, auth.service);
        assert.equal(signature(key, toSign), stages.signature);
        assert.equal(auth.signature, stages.signature);
      });

      test(`${form}: signRequest produces ${form}-signed-request.txt`, () => {
        const signed = signRequest(vector.request, credentials(vector), signOptions(vector, form));
        assert.deepEqual(comparable(signed), comparable(stages.signedRequest));
      });

      test(`${form}: ${form}-signed-request.txt parses and verifies`, () => {
        const parsed = parseSignedRequest(stages.signedRequest);
        assert.ok(parsed.ok, JSON.stringify(parsed));
        const { auth } = parsed;
        assert.equal(auth.form, form);
        assert.equal(auth.accessKeyId, vector.context.credentials.access_key_id);
        assert.equal(auth.date.toISOString(), vector.now.toISOString());
        assert.equal(auth.region, vector.context.region);
        assert.equal(auth.service, vector.context.service);
        assert.equal(auth.securityToken, vector.context.credentials.token);
        if (form === 'query') assert.equal(auth.expiresSeconds, vector.context.expiration_in_seconds);

        const result = verifySignedRequest(stages.signedRequest, auth, vector.context.credentials.secret_access_key, {
          now: vector.now,
          expectedService: vector.context.service,
          normalizePath: vector.context.normalize,
          keyCache: new SigningKeyCache(),
        });
        assert.ok(result.ok, JSON.stringify(result));
        if (vector.context.credentials.token) {
          assert.equal(result.securityTokenSigned, !vector.context.omit_session_token);
        } else {
          assert.equal(result.securityTokenSigned, undefined);
        }
      });
    }
  });
}
