/**
 * Signing a request, in either form. Used by Tessera's own clients, by the tests and by the
 * benchmark; its output is what the verifier accepts. The input is never modified.
 *
 * Header form adds X-Amz-Date (and X-Amz-Security-Token, and x-amz-content-sha256 when
 * asked) and then Authorization. Query form appends, after the request's own parameters,
 * X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires, [-Security-Token], and
 * last -Signature: the order of the AWS test suite's signed requests.
 */

import { formatAmzDate } from './amz-date.ts';
import { canonicalRequest, sortSignedHeaders } from './canonical-request.ts';
import { indexHeaders } from './header-index.ts';
import { payloadHash } from './payload-hash.ts';
import { MAX_PRESIGNED_EXPIRES_SECONDS, PRESIGNED_PARAMETERS } from './presigned-query.ts';
import { deriveSigningKey, signature } from './signing-key.ts';
import { credentialScope, SIGV4_ALGORITHM, stringToSign } from './string-to-sign.ts';
import type { SigningCredentials, SigningRequest, SignOptions } from './types.ts';
import { percentDecode, uriEncode } from './uri-encoding.ts';

/** Presigned requests live 15 minutes unless told otherwise: STS honours no more. */
export const DEFAULT_PRESIGNED_EXPIRES_SECONDS = 900;

/**
 * Headers never signed: hop-by-hop headers and those proxies and user agents rewrite, which
 * would break the signature in transit.
 */
const UNSIGNABLE_HEADERS = new Set([
  'authorization',
  'connection',
  'expect',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

const PRESIGNED_NAMES = new Set<string>(Object.values(PRESIGNED_PARAMETERS));

function withoutHeaders(headers: SigningRequest['headers'], lowerNames: ReadonlySet<string>): SigningRequest['headers'] {
  const kept: SigningRequest['headers'] = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!lowerNames.has(name.toLowerCase())) kept[name] = Array.isArray(value) ? [...value] : value;
  }
  return kept;
}

function signableHeaderNames(headers: SigningRequest['headers'], signSessionToken: boolean): string[] {
  return sortSignedHeaders(
    Object.keys(headers).filter((name) => {
      const lower = name.toLowerCase();
      if (UNSIGNABLE_HEADERS.has(lower)) return false;
      if (!signSessionToken && lower === 'x-amz-security-token') return false;
      return true;
    }),
  );
}

/** The request's own query, minus any SigV4 parameters left from an earlier signing. */
function ownQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((part) => {
      if (part === '') return false;
      const eq = part.indexOf('=');
      return !PRESIGNED_NAMES.has(percentDecode(eq < 0 ? part : part.slice(0, eq)));
    })
    .join('&');
}

/** A body hash the caller declared is what the verifier will use, so it is signed too. */
function declaredOrBodyHash(headers: SigningRequest['headers'], body: SigningRequest['body']): string {
  return indexHeaders(headers).get('x-amz-content-sha256')?.[0]?.trim() ?? payloadHash(body);
}

function validate(options: SignOptions): void {
  if (Number.isNaN(options.date.getTime())) throw new RangeError('signing date is not a valid date');
  const expires = options.expiresSeconds;
  if (expires !== undefined && (!Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGNED_EXPIRES_SECONDS)) {
    throw new RangeError(`expiresSeconds must be an integer in 0..${MAX_PRESIGNED_EXPIRES_SECONDS}, got ${expires}`);
  }
}

export function signRequest(req: SigningRequest, credentials: SigningCredentials, options: SignOptions): SigningRequest {
  validate(options);
  const amzDate = formatAmzDate(options.date);
  const credentialDate = amzDate.slice(0, 8);
  const scope = credentialScope(credentialDate, options.region, options.service);
  const signSessionToken = options.signSessionToken ?? true;
  const token = credentials.sessionToken;
  const normalizePath = options.normalizePath ?? true;
  const signingKey = options.keyCache
    ? options.keyCache.signingKey(credentials.secretAccessKey, credentialDate, options.region, options.service)
    : deriveSigningKey(credentials.secretAccessKey, credentialDate, options.region, options.service);
  const sign = (query: string, headers: SigningRequest['headers'], signedHeaders: string[], payload: string): string => {
    const canonical = canonicalRequest(
      { method: req.method, path: req.path, query, headers, signedHeaders, payloadHash: payload },
      { normalizePath },
    );
    return signature(signingKey, stringToSign(amzDate, scope, canonical));
  };

  if ((options.form ?? 'header') === 'header') {
    const replaced = new Set(['authorization', 'x-amz-date']);
    if (token !== undefined) replaced.add('x-amz-security-token');
    if (options.contentSha256Header) replaced.add('x-amz-content-sha256');
    const headers = withoutHeaders(req.headers, replaced);
    if (token !== undefined) headers['X-Amz-Security-Token'] = token;
    headers['X-Amz-Date'] = amzDate;
    if (options.contentSha256Header) headers['x-amz-content-sha256'] = payloadHash(req.body);
    const signedHeaders = signableHeaderNames(headers, signSessionToken);
    const sig = sign(req.query, headers, signedHeaders, declaredOrBodyHash(headers, req.body));
    headers['Authorization'] =
      `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
    return { method: req.method, path: req.path, query: req.query, headers, body: req.body };
  }

  const headers = withoutHeaders(req.headers, new Set(['authorization']));
  const signedHeaders = signableHeaderNames(headers, true);
  const own = ownQuery(req.query);
  const authParameters = [
    [PRESIGNED_PARAMETERS.algorithm, SIGV4_ALGORITHM],
    [PRESIGNED_PARAMETERS.credential, `${credentials.accessKeyId}/${scope}`],
    [PRESIGNED_PARAMETERS.date, amzDate],
    [PRESIGNED_PARAMETERS.signedHeaders, signedHeaders.join(';')],
    [PRESIGNED_PARAMETERS.expires, String(options.expiresSeconds ?? DEFAULT_PRESIGNED_EXPIRES_SECONDS)],
  ]
    .map(([name, value]) => `${name}=${uriEncode(value as string)}`)
    .join('&');
  const unsigned = own === '' ? authParameters : `${own}&${authParameters}`;
  const tokenParameter = token !== undefined ? `&${PRESIGNED_PARAMETERS.securityToken}=${uriEncode(token)}` : '';
  const signedQuery = signSessionToken ? unsigned + tokenParameter : unsigned;
  const sig = sign(signedQuery, headers, signedHeaders, declaredOrBodyHash(headers, req.body));
  return {
    method: req.method,
    path: req.path,
    query: `${unsigned}${tokenParameter}&${PRESIGNED_PARAMETERS.signature}=${sig}`,
    headers,
    body: req.body,
  };
}
