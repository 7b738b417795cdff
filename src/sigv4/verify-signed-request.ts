/**
 * Verification of a parsed request, in AWS's order:
 *
 *   1. request time within the allowed skew (or, presigned, before X-Amz-Date + X-Amz-Expires);
 *   2. 'host' among the signed headers;
 *   3. the credential scope: region, service, terminator, date (all reported together);
 *   — here the server resolves the access key (InvalidClientTokenId when unknown) —
 *   4. the signature, compared in constant time;
 *   5. a declared x-amz-content-sha256 against the body (or, with `payloadStreamed`, left to
 *      the stream createPayloadVerifier returns).
 *
 * Steps 1–3 need no secret: {@link checkSignedRequestContext} runs them alone so the server
 * can answer as AWS does before touching the key store. {@link verifySignedRequest} runs all.
 */

import { constantTimeEquals } from './constant-time.ts';
import { canonicalRequest, sortSignedHeaders } from './canonical-request.ts';
import {
  contentSha256Mismatch,
  credentialDateMismatchSentence,
  credentialScopeRefused,
  hostNotSigned,
  invalidContentSha256,
  regionNotValidSentence,
  requestExpired,
  signatureDoesNotMatch,
  signatureExpired,
  signatureNotYetCurrent,
  wrongServiceSentence,
  wrongTerminatorSentence,
} from './errors.ts';
import { firstHeader, type HeaderIndex, indexHeaders } from './header-index.ts';
import { payloadForm } from './payload-forms.ts';
import { isSha256Hex, payloadHash, UNSIGNED_PAYLOAD } from './payload-hash.ts';
import { PRESIGNED_PARAMETERS } from './presigned-query.ts';
import { firstParameter, parseQueryParameters } from './query-parameters.ts';
import { deriveSigningKey, signature } from './signing-key.ts';
import { credentialScope, SCOPE_TERMINATOR, stringToSign } from './string-to-sign.ts';
import type { ParsedAuth, SigningRequest, SigV4Failure, VerifyOptions, VerifyResult } from './types.ts';

/** AWS accepts a request time up to 15 minutes away from its own clock. */
export const DEFAULT_MAX_SKEW_SECONDS = 900;

type Check = { ok: true } | { ok: false; error: SigV4Failure };

export type ContextOptions = Pick<VerifyOptions, 'now' | 'expectedService' | 'allowedRegions' | 'maxSkewSeconds' | 'presignedLifetimeSeconds'>;
export type SignatureOptions = Pick<VerifyOptions, 'normalizePath' | 'allowUnsignedPayload' | 'keyCache' | 'payloadStreamed'>;

function checkTime(auth: ParsedAuth, now: Date, skewSeconds: number, presignedLifetimeSeconds?: number): Check {
  const requestMs = auth.date.getTime();
  const nowMs = now.getTime();
  if (requestMs > nowMs + skewSeconds * 1000) {
    return { ok: false, error: signatureNotYetCurrent(auth.amzDate, now, skewSeconds) };
  }
  // A presigned request lives for X-Amz-Expires from its date, however long ago that was —
  // or, where the service fixes it (STS), for that service's lifetime whatever it says.
  if (auth.form === 'query' && presignedLifetimeSeconds !== undefined) {
    return nowMs > requestMs + presignedLifetimeSeconds * 1000 ? { ok: false, error: requestExpired() } : { ok: true };
  }
  if (auth.form === 'query' && auth.expiresSeconds !== undefined) {
    return nowMs > requestMs + auth.expiresSeconds * 1000 ? { ok: false, error: requestExpired() } : { ok: true };
  }
  if (requestMs < nowMs - skewSeconds * 1000) {
    return { ok: false, error: signatureExpired(auth.amzDate, now, skewSeconds) };
  }
  return { ok: true };
}

/**
 * What a region name may look like: lower-case letters, digits and inner hyphens, at most 32
 * characters — every AWS Region (us-east-1, us-gov-west-1, us-isob-east-1) and the names
 * S3-compatible stores use (auto, local). The region is written into CloudTrail's key layout
 * (AWSLogs/<account>/CloudTrail/<region>/…) and into ARNs: `..` or a 240-character name
 * must not get that far. AWS refuses a scope naming no region it has the same way.
 * (kernel/regions.ts has the same rule for the rest of the server; sigv4/ depends on nothing.)
 */
const REGION_SHAPE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

function checkScope(auth: ParsedAuth, options: ContextOptions): Check {
  const sentences: string[] = [];
  if (!REGION_SHAPE.test(auth.region) || (options.allowedRegions && !options.allowedRegions.includes(auth.region))) {
    sentences.push(regionNotValidSentence(auth.region));
  }
  if (options.expectedService !== undefined && auth.service !== options.expectedService) {
    sentences.push(wrongServiceSentence(options.expectedService));
  }
  if (auth.terminator !== SCOPE_TERMINATOR) sentences.push(wrongTerminatorSentence(auth.terminator));
  if (auth.credentialDate !== auth.amzDate.slice(0, 8)) {
    sentences.push(credentialDateMismatchSentence(auth.credentialDate, auth.amzDate));
  }
  return sentences.length > 0 ? { ok: false, error: credentialScopeRefused(sentences) } : { ok: true };
}

/** Steps 1–3: time, host, credential scope. Needs no secret. */
export function checkSignedRequestContext(auth: ParsedAuth, options: ContextOptions): Check {
  const time = checkTime(auth, options.now, options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS, options.presignedLifetimeSeconds);
  if (!time.ok) return time;
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return { ok: false, error: hostNotSigned() };
  }
  return checkScope(auth, options);
}

/** What the canonical request's last line must be, or why the declared value is refused. */
function resolvePayloadHash(
  req: SigningRequest,
  auth: ParsedAuth,
  headers: HeaderIndex,
  options: SignatureOptions,
): { ok: true; hash: string; declared: boolean } | { ok: false; error: SigV4Failure } {
  const declared =
    firstHeader(headers, 'x-amz-content-sha256') ??
    (auth.form === 'query' ? firstParameter(parseQueryParameters(req.query), 'X-Amz-Content-Sha256') : undefined);
  if (options.payloadStreamed) {
    // The body streams through createPayloadVerifier, which checks it against this form.
    if (declared === undefined) {
      return { ok: true, hash: auth.form === 'query' ? UNSIGNED_PAYLOAD : payloadHash(req.body), declared: false };
    }
    const value = declared.trim();
    return payloadForm(value) ? { ok: true, hash: value, declared: false } : { ok: false, error: invalidContentSha256() };
  }
  if (declared === undefined) return { ok: true, hash: payloadHash(req.body), declared: false };
  const value = declared.trim();
  if (isSha256Hex(value)) return { ok: true, hash: value, declared: true };
  // With UNSIGNED-PAYLOAD the body is outside the signature; IAM and STS bodies carry the
  // action and its parameters, so this is only accepted when the caller opts in.
  if (value === UNSIGNED_PAYLOAD && options.allowUnsignedPayload) return { ok: true, hash: value, declared: false };
  return { ok: false, error: invalidContentSha256() };
}

/** Steps 4–5: recompute the signature with the secret and compare; check a declared body hash. */
export function verifySignature(
  req: SigningRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  options: SignatureOptions = {},
): VerifyResult {
  const headers = req.headerIndex ?? indexHeaders(req.headers);
  const payload = resolvePayloadHash(req, auth, headers, options);
  if (!payload.ok) return payload;

  const signingKey = options.keyCache
    ? options.keyCache.signingKey(secretAccessKey, auth.credentialDate, auth.region, auth.service)
    : deriveSigningKey(secretAccessKey, auth.credentialDate, auth.region, auth.service);
  const scope = credentialScope(auth.credentialDate, auth.region, auth.service);
  const signedHeaders = sortSignedHeaders(auth.signedHeaders);
  const expectedSignature = (omitQueryParameter?: (name: string) => boolean): string =>
    signature(
      signingKey,
      stringToSign(
        auth.amzDate,
        scope,
        canonicalRequest(
          { method: req.method, path: req.path, query: req.query, headers, signedHeaders, payloadHash: payload.hash },
          { normalizePath: options.normalizePath ?? true, omitQueryParameter },
        ),
      ),
    );

  let matches: boolean;
  let securityTokenSigned: boolean;
  if (auth.form === 'header') {
    matches = constantTimeEquals(expectedSignature(), auth.signature);
    securityTokenSigned = signedHeaders.includes('x-amz-security-token');
  } else {
    matches = constantTimeEquals(expectedSignature((name) => name === PRESIGNED_PARAMETERS.signature), auth.signature);
    securityTokenSigned = true;
    if (!matches && auth.securityToken !== undefined) {
      // Some signers append the token after signing (the test suite's omit_session_token):
      // the canonical query they signed lacks it.
      matches = constantTimeEquals(
        expectedSignature((name) => name === PRESIGNED_PARAMETERS.signature || name === PRESIGNED_PARAMETERS.securityToken),
        auth.signature,
      );
      securityTokenSigned = false;
    }
  }
  if (!matches) return { ok: false, error: signatureDoesNotMatch() };

  if (payload.declared && payload.hash.toLowerCase() !== payloadHash(req.body)) {
    return { ok: false, error: contentSha256Mismatch() };
  }
  return auth.securityToken !== undefined ? { ok: true, securityTokenSigned } : { ok: true };
}

/** Everything: context (time, host, scope), then signature and body hash. Never throws. */
export function verifySignedRequest(
  req: SigningRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  options: VerifyOptions,
): VerifyResult {
  const context = checkSignedRequestContext(auth, options);
  if (!context.ok) return context;
  return verifySignature(req, auth, secretAccessKey, options);
}
