import { checkSignedRequestContext, indexHeaders, parseSignedRequest, verifySignedRequest, type SigV4Failure } from '../../sigv4/index.ts';
import { ServiceError, serviceError } from '../../protocol/errors.ts';
import { keyUseToRecord, recordKeyUse } from '../../credentials/resolve-access-key.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { loadServiceModel, type ServiceName } from '../../protocol/model.ts';
import { openSessionToken, type SessionClaims } from '../../tokens/index.ts';
import { principalFromSession } from '../../credentials/session-principal.ts';
import { ANONYMOUS } from '../../kernel/principal.ts';
import { requestedRegion } from '../../authz/service-rules.ts';
import { allowedRegionsForHost } from './endpoint-region.ts';

/** How long STS takes a presigned request after its X-Amz-Date, whatever its X-Amz-Expires says. */
const STS_PRESIGNED_LIFETIME_SECONDS = 900;

/**
 * SigV4 authentication: parse the signature (header or presigned form), check what can be
 * checked without a secret (time window, scope), find the access key, verify the signature in
 * constant time against the key's secret, and set the principal. Unknown, deleted and
 * inactive keys all fail alike (InvalidClientTokenId). Temporary credentials carry a sealed
 * session token, opened without a store read; the signature is verified with the secret it
 * holds. The scope check comes before the key
 * lookup, as on AWS: a request scoped to the wrong service is told so whatever its key.
 */
export async function authenticate(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const service = ctx.service!;
  if (ctx.action !== undefined && (deps.operations.get(service, ctx.action)?.authentication ?? 'sigv4') !== 'sigv4') {
    // AWS serves these without a signature: the web identity token or SAML assertion in the
    // request is the proof, verified once the request is parsed (authenticateFederated).
    return;
  }
  // A gateway request is verified for the protected service its scope names (server/gateway-request.ts).
  const gateway = ctx.gateway;
  const headers = gateway?.signing?.headers ?? ctx.http.headers;
  const signing = {
    method: ctx.http.method, path: gateway?.signing?.path ?? ctx.http.path, query: ctx.http.query, headers, body: ctx.http.body,
    // Indexed once for parsing and verifying both.
    headerIndex: indexHeaders(headers),
  };
  const parsed = parseSignedRequest(signing);
  if (!parsed.ok) throw fromSigV4(service, parsed.error, gateway !== undefined);
  const { auth } = parsed;
  ctx.region = auth.region;
  // Sent to one of STS's regional AWS endpoints (Host sts.REGION.amazonaws.com), the scope must name that region.
  const allowedRegions = gateway ? undefined : allowedRegionsForHost(service, ctx.http.headers['host']);
  const options = {
    now: deps.clock.now(), expectedService: gateway?.service ?? service, keyCache: deps.signingKeys,
    ...(allowedRegions ? { allowedRegions } : {}),
    // STS takes a presigned request for 15 minutes after its X-Amz-Date, ignoring X-Amz-Expires
    // (what EKS tokens rely on: they carry X-Amz-Expires=60 and are cached for 14 minutes).
    ...(!gateway && service === 'sts' ? { presignedLifetimeSeconds: STS_PRESIGNED_LIFETIME_SECONDS } : {}),
    ...gateway?.verify,
  };

  const context = checkSignedRequestContext(auth, options);
  if (!context.ok) throw fromSigV4(service, context.error, gateway !== undefined);

  if (auth.securityToken !== undefined) {
    // Temporary credentials: everything is in the sealed token — no store read.
    const claims = await openToken(auth.securityToken, auth.accessKeyId, service, deps);
    const verified = verifySignedRequest(signing, auth, claims.secretAccessKey, options);
    if (!verified.ok) throw fromSigV4(service, verified.error, gateway !== undefined);
    ctx.principal = principalFromSession(claims);
    if (gateway) gateway.signed = { auth, secretAccessKey: claims.secretAccessKey };
    return;
  }

  // Cached per authorization epoch: a warm key costs no store read (credentials/access-key-cache.ts).
  const resolved = await deps.accessKeys.resolve(auth.accessKeyId);
  if (!resolved) throw invalidToken(service);

  const verified = verifySignedRequest(signing, auth, resolved.secretAccessKey, options);
  if (!verified.ok) throw fromSigV4(service, verified.error, gateway !== undefined);

  ctx.principal = resolved.principal;
  if (gateway) gateway.signed = { auth, secretAccessKey: resolved.secretAccessKey };
  // A global service's use is in its endpoint's region (IAM: us-east-1), whatever the scope says.
  const usedService = gateway?.service ?? service;
  const use = keyUseToRecord(resolved, usedService, requestedRegion(usedService, auth.region) ?? auth.region, ctx.receivedAt);
  if (use === undefined) return;
  recordKeyUse(deps.store, auth.accessKeyId, use).catch((err) => {
    deps.logger.warn('could not record access key use', { requestId: ctx.requestId, accessKeyId: auth.accessKeyId, error: String(err) });
  });
}

export function invalidToken(service: ServiceName): ServiceError {
  return serviceError(service, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
}

/**
 * Opens a session token presented with `accessKeyId`. A token that is garbled, tampered
 * with, sealed by an unknown key, or presented with another access key ID is invalid
 * (InvalidClientTokenId, {@link UnopenedSessionTokenError}); one past its expiry is
 * ExpiredToken (403, AWS's text, no period).
 */
export async function openToken(token: string, accessKeyId: string, service: ServiceName, deps: ServerDeps): Promise<SessionClaims> {
  const opened = await openSessionToken(deps.tokenRing, token, deps.clock.now());
  if (!opened.ok) {
    if (opened.reason === 'expired') {
      throw new ServiceError({ code: 'ExpiredToken', message: 'The security token included in the request is expired', httpStatus: 403, type: 'Sender', service });
    }
    throw unopenedSessionToken(service);
  }
  if (opened.claims.accessKeyId !== accessKeyId) throw unopenedSessionToken(service);
  return opened.claims;
}

/**
 * An unsigned request: the Query services' front door says "Request is missing Authentication
 * Token", the JSON services' (Organizations, CloudTrail, as KMS or Secrets Manager) "Missing
 * Authentication Token".
 */
function missingTokenText(service: ServiceName, failure: SigV4Failure): string {
  return failure.code === 'MissingAuthenticationToken' && loadServiceModel(service).metadata.protocol === 'json' ? 'Missing Authentication Token' : failure.message;
}

/**
 * A session token that cannot be opened (garbled, tampered with, sealed by an unknown key) or
 * that belongs to another access key: InvalidClientTokenId, as IAM and STS answer it. A class
 * of its own because S3 tells it from an unknown key: InvalidToken (gateway/errors.ts).
 */
export class UnopenedSessionTokenError extends ServiceError {}

function unopenedSessionToken(service: ServiceName): UnopenedSessionTokenError {
  const refused = invalidToken(service);
  return new UnopenedSessionTokenError({ code: refused.code, message: refused.message, httpStatus: refused.httpStatus, type: refused.type, service });
}

/**
 * SigV4 failures carry AWS's code, message and status; the service decides only the dialect.
 * Their further elements (S3's RequestTime, ServerTime, …) are kept only for a protected
 * service's answer (gateway/errors.ts decides which it writes): IAM, STS and the other
 * services Tessera serves write none.
 */
function fromSigV4(service: ServiceName, failure: SigV4Failure, keepDetails: boolean): ServiceError {
  return new ServiceError({
    code: failure.code, message: missingTokenText(service, failure), httpStatus: failure.httpStatus, type: failure.httpStatus >= 500 ? 'Receiver' : 'Sender', service,
    ...(keepDetails && failure.details ? { fields: failure.details } : {}),
  });
}

/**
 * The second half of authentication, for operations whose caller an identity provider vouches
 * for (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): once the request is parsed, its token or
 * assertion is verified and its subject becomes the principal. An unsigned request names no
 * region: it is STS's global endpoint's, us-east-1.
 */
export async function authenticateFederated(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const authentication = ctx.declaration!.authentication;
  if (authentication === 'sigv4') return;
  ctx.region ??= 'us-east-1';
  // Unverified until proven: a refused token is audited as an anonymous caller's request.
  ctx.principal = ANONYMOUS;
  ctx.principal = await deps.federation[authentication](ctx.input ?? {}, deps.clock.now());
}
