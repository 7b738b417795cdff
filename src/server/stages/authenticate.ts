import { checkSignedRequestContext, parseSignedRequest, verifySignedRequest, type SigV4Failure } from '../../sigv4/index.ts';
import { ServiceError, serviceError } from '../../protocol/errors.ts';
import { resolveAccessKey, recordKeyUse } from '../../credentials/resolve-access-key.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';

/**
 * SigV4 authentication: parse the signature (header or presigned form), check what can be
 * checked without a secret (time window, scope), find the access key, verify the signature in
 * constant time against the key's secret, and set the principal. Unknown, deleted and
 * inactive keys all fail alike (InvalidClientTokenId). The scope check comes before the key
 * lookup, as on AWS: a request scoped to the wrong service is told so whatever its key.
 */
export async function authenticate(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const service = ctx.service!;
  const signing = { method: ctx.http.method, path: ctx.http.path, query: ctx.http.query, headers: ctx.http.headers, body: ctx.http.body };
  const parsed = parseSignedRequest(signing);
  if (!parsed.ok) throw fromSigV4(service, parsed.error);
  const { auth } = parsed;
  ctx.region = auth.region;
  const options = { now: deps.clock.now(), expectedService: service, keyCache: deps.signingKeys };

  const context = checkSignedRequestContext(auth, options);
  if (!context.ok) throw fromSigV4(service, context.error);

  const resolved = await resolveAccessKey(deps.store, deps.secrets, auth.accessKeyId);
  if (!resolved) throw serviceError(service, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

  const verified = verifySignedRequest(signing, auth, resolved.secretAccessKey, options);
  if (!verified.ok) throw fromSigV4(service, verified.error);

  ctx.principal = resolved.principal;
  const use = { date: isoSeconds(ctx.receivedAt), service, region: auth.region };
  recordKeyUse(deps.store, auth.accessKeyId, resolved.lastUsed, use).catch((err) => {
    deps.logger.warn('could not record access key use', { requestId: ctx.requestId, accessKeyId: auth.accessKeyId, error: String(err) });
  });
}

/** SigV4 failures carry AWS's code, message and status; the service decides only the dialect. */
function fromSigV4(service: NonNullable<RequestContext['service']>, failure: SigV4Failure): ServiceError {
  return new ServiceError({ code: failure.code, message: failure.message, httpStatus: failure.httpStatus, type: failure.httpStatus >= 500 ? 'Receiver' : 'Sender', service });
}
