import { keyUseToRecord, recordKeyUse } from '../../credentials/resolve-access-key.ts';
import { principalFromSession } from '../../credentials/session-principal.ts';
import { GatewayError } from '../../gateway/errors.ts';
import { readSigV2Query, signatureV2, signatureV2Matches, stringToSignV2 } from '../../gateway/sigv2-query.ts';
import { sigv2UnsignedSelector } from '../../gateway/sigv2-unsigned-subresources.ts';
import type { ServerDeps } from '../deps.ts';
import type { RequestContext } from '../request-context.ts';
import { invalidToken, openToken } from '../stages/authenticate.ts';

/**
 * Authenticates an S3 request presigned with signature version 2 (gateway/sigv2-query.ts):
 * the URL's expiry, then the key — a long-term key through the same cache as SigV4's, a
 * temporary one through its sealed session token (`x-amz-security-token`) — then the
 * signature, compared in constant time. Failures are raised with the codes the SigV4 path
 * raises (written in S3's words by the gateway); a wrong signature is S3's
 * SignatureDoesNotMatch with the string to sign, as S3 reports it.
 */
export async function authenticateSigV2Query(ctx: RequestContext, deps: ServerDeps, params: URLSearchParams, hostBucket: string | undefined): Promise<void> {
  const query = readSigV2Query(params);
  if (typeof query === 'string') throw new GatewayError({ code: 'AccessDenied', message: query, status: 403 });
  const now = deps.clock.now();
  if (Math.floor(now.getTime() / 1000) > query.expires) {
    throw new GatewayError({
      code: 'AccessDenied', message: 'Request has expired', status: 403,
      fields: { Expires: new Date(query.expires * 1000).toISOString(), ServerTime: now.toISOString() },
    });
  }
  const key = await presentedKey(ctx, deps, query.accessKeyId, query.securityToken);
  const request = { method: ctx.http.method, path: ctx.http.path, query: ctx.http.query, headers: ctx.http.headers, ...(hostBucket !== undefined ? { hostBucket } : {}) };
  // A path-style URL of a bucket (`/bucket`): botocore signs its resource as `/bucket/`, the
  // CanonicalizedResource S3's documentation gives a bucket; both name the same bucket.
  const bucketRoot = hostBucket === undefined && /^\/[^/]+$/.test(ctx.http.path) ? [stringToSignV2({ ...request, path: `${ctx.http.path}/` }, query.expires)] : [];
  check([stringToSignV2(request, query.expires), ...bucketRoot], key.secretAccessKey, query.signature, query.accessKeyId);
  // A sub-resource SigV2 does not sign must not pick another operation (sigv2-unsigned-subresources.ts).
  const unsigned = sigv2UnsignedSelector(ctx.http.query);
  if (unsigned !== undefined) throw new GatewayError(unsigned);
  ctx.principal = key.principal;
  if (key.use === undefined) return;
  recordKeyUse(deps.store, query.accessKeyId, key.use).catch((err) => {
    deps.logger.warn('could not record access key use', { requestId: ctx.requestId, accessKeyId: query.accessKeyId, error: String(err) });
  });
}

/** The secret and principal behind a key a request presents outside SigV4 (SigV2, a POST form): a session token's, or a long-term key's (with its last use to record). */
export async function presentedKey(ctx: RequestContext, deps: ServerDeps, accessKeyId: string, securityToken: string | undefined) {
  if (securityToken !== undefined) {
    const claims = await openToken(securityToken, accessKeyId, 'iam', deps);
    return { secretAccessKey: claims.secretAccessKey, principal: principalFromSession(claims), use: undefined };
  }
  const resolved = await deps.accessKeys.resolve(accessKeyId);
  if (!resolved) throw invalidToken('iam');
  return { secretAccessKey: resolved.secretAccessKey, principal: resolved.principal, use: keyUseToRecord(resolved, 's3', 'us-east-1', ctx.receivedAt) };
}

/** The signature must be one of these strings' (the first is the one a refusal shows). */
function check(stringsToSign: readonly [string, ...string[]], secretAccessKey: string, presented: string, accessKeyId: string): void {
  if (stringsToSign.some((candidate) => signatureV2Matches(signatureV2(secretAccessKey, candidate), presented))) return;
  const stringToSign = stringsToSign[0];
  throw new GatewayError({
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    status: 403,
    fields: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign, SignatureProvided: presented },
  });
}
