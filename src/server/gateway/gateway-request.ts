// A request for a protected service, start to end: authenticate (the authenticate stage, for
// the scope's service) → map to its checks (gateway/) → read what the upstream knows of the
// resources (policies, tags, owners) → decide in the authorize stage's one decision point →
// forward, re-signed, with the body streamed through its verifier → audit. Every refusal is
// written in the service's own format. See README "Protecting other services".

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from '../../protocol/errors.ts';
import { ANONYMOUS } from '../../kernel/principal.ts';
import { accessDenied, GatewayError, gatewayError, inServiceDialect, missingAuthentication, protocolOf, renderError, type GatewayFailure } from '../../gateway/errors.ts';
import { forward, forwardedQuery, type ForwardBody } from '../../gateway/forward.ts';
import { answerPartialDelete, decideEachObject } from './delete-objects.ts';
import { answerAllRefused, decideEachSecret, withSecretErrors, type SecretError } from './batch-secret-values.ts';
import { answerRewrite, clientOrigin } from '../../gateway/answer-rewrite.ts';
import { GATEWAY_SERVICES, isGatewayService, type GatewayService, type MappedRequest, type MapResult } from '../../gateway/index.ts';
import { choosePayload, payloadRefusal, type PayloadPlan } from '../../gateway/payload.ts';
import { forwardedJsonBody } from '../../gateway/parser-differential.ts';
import { forwardedLogsBody } from '../../gateway/logs-group-identifier.ts';
import { decodeGzipBody } from './request-encoding.ts';
import { routeRequest } from '../../gateway/route.ts';
import { decodePath, type UpstreamRequest } from '../../gateway/upstream-http.ts';
import { s3EncryptionOf, s3Parts, type S3Encryption } from '../../gateway/upstream-reads.ts';
import { SERVED_BY_TESSERA, upstreamFor } from '../../gateway/upstreams.ts';
import { LIMITS } from '../../gateway/wire/limits.ts';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ServerDeps } from '../deps.ts';
import type { HttpRequestData, RequestContext } from '../request-context.ts';
import { audit } from '../pipeline.ts';
import { auditForwardedCall } from '../forwarded-audit.ts';
import { MAX_RECORDED_ANSWER_BYTES, recordsAnswer, responseElementsOf } from '../../gateway/response-elements.ts';
import { authenticate, UnopenedSessionTokenError } from '../stages/authenticate.ts';
import { hasBody, readBody } from '../read-body.ts';
import { checkBucketPolicy, checkBucketPolicyPrincipals, MAX_BUCKET_POLICY_BYTES } from './bucket-policy.ts';
import { loadAuthorizationData } from '../../gateway/authorization-data.ts';
import { authenticateSigV2Query } from './sigv2-authenticate.ts';
import { hasSigV2Query } from '../../gateway/sigv2-query.ts';
import type { Flow, GatewayRoute } from './flow.ts';
import { handlePostObject, isPostObject } from './post-object.ts';
import { keyPolicyLockout } from './kms-lockout.ts';
import { publicPolicyBlocked } from './block-public-access.ts';
import { restoreDefaultEncryption, writeNewBucketDefaults } from './new-bucket-defaults.ts';
import { uploadKeyRefusal } from './multipart-upload-key.ts';
import { uploadIdOf } from './upload-keys.ts';
import { keepStartedQuery, rememberedQueryGroups } from './logs-queries.ts';
import { asksBypass, forwardedBypassHeaders, retentionWeakening } from './object-retention.ts';
import { callerS3Refusal } from './caller-s3-access.ts';
import { recordedParametersOf, requestParametersOf } from '../../gateway/request-parameters.ts';
import { checkWrittenPolicy, publicSecretPolicyRefusal } from './policy-writes.ts';
import { writtenPolicy } from '../../gateway/written-policies.ts';
import { addPermissionRefusalOf } from '../../gateway/services/lambda-add-permission.ts';
import { afterWrite, authorizeMapped, bucketAccount, checkAccounts, HIDES_MISSING_KEYS, missingKeyRefusal, targetSources } from './decision.ts';
import { cloudTrailEventName, isDataEvent } from '../../gateway/data-events.ts';
import { keyRefusal, objectKeyRefusal } from './service-keys.ts';
import { s3ExplainsRefusal } from './s3-denial-detail.ts';
import { HEADERS_NOT_SIGNED_MESSAGE, unsignedAmzHeaders } from '../../gateway/unsigned-headers.ts';

export type { GatewayRoute } from './flow.ts';

/** S3's bucket policy calls: the bucket owner's account only. */
const BUCKET_POLICY_OPERATIONS = new Set(['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy']);

/** The gateway's route for a request, from its head; undefined when Tessera serves it. */
export function gatewayRoute(http: HttpRequestData, deps: ServerDeps): GatewayRoute | undefined {
  const route = routeRequest(http, {
    served: SERVED_BY_TESSERA,
    s3Upstream: upstreamFor(deps.gateway.settings, 's3') !== undefined,
    upstream: (service) => upstreamFor(deps.gateway.settings, service) !== undefined,
  });
  return route.kind === 'gateway' ? route : undefined;
}

/**
 * S3 operations whose answer names the object's encryption and which need kms:Decrypt on its
 * key: GetObject (reading it), UploadPart and UploadPartCopy (S3 decrypts the upload's parts:
 * "Multipart upload API and permissions"). Only the upstream knows an upload's key, so a part is
 * checked on its answer: a refused caller gets AccessDenied and no ETag to complete the upload with.
 */
const ANSWER_KEY_CHECKED: ReadonlySet<string> = new Set(['GetObject', 'UploadPart', 'UploadPartCopy']);

/** The protected services whose SigV4 time window is 5 minutes (their "Signature expired: … - 5 min." answers). */
const FIVE_MINUTE_WINDOW: ReadonlySet<string> = new Set(['lambda', 'secretsmanager', 'ssm']);

export async function handleGatewayRequest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, route: GatewayRoute, deps: ServerDeps, expectsContinue: boolean): Promise<void> {
  const headers = { has: (name: string) => ctx.http.headers[name] !== undefined, get: (name: string) => headerOf(ctx.http.headers, name) };
  const flow: Flow = { req, res, ctx, deps, route, protocol: protocolOf(route.service, headers, ctx.http.path), expectsContinue, bodyDone: !hasBody(req) };
  // Errors of the stages shared with Tessera's own services (authentication) are raised in
  // IAM's dialect — AWS's SigV4 codes — and written below in the protected service's format.
  ctx.service = 'iam';
  ctx.gateway = {
    service: route.service,
    // S3 bodies stream: their payload form is signed as declared and verified as they flow.
    verify: {
      normalizePath: route.service !== 's3', allowUnsignedPayload: route.service === 's3', payloadStreamed: route.service === 's3',
      // Lambda, Secrets Manager and SSM refuse a request signed more than 5 minutes from now ("… - 5 min."); the others, 15.
      maxSkewSeconds: FIVE_MINUTE_WINDOW.has(route.service) ? 300 : 900,
    },
    ...(route.service === 's3' ? { signing: { path: decodePath(ctx.http.path), headers: ctx.http.headers } } : {}),
  };
  try {
    await run(flow);
  } catch (err) {
    refuse(flow, failureOf(flow, err));
  }
  // Its CloudTrail event: a management event, or a data event (gateway/data-events.ts).
  // (The upstream's answer has already streamed to the client: the event is committed after it.)
  try {
    await auditForwardedCall(ctx, deps, {
      eventSource: `${route.service}.amazonaws.com`,
      eventName: cloudTrailEventName(route.service, ctx.operation ?? ctx.action ?? 'Unknown'),
      category: isDataEvent(route.service, ctx.operation ?? '') ? 'Data' : 'Management',
      awsRegion: ctx.region ?? 'us-east-1',
      requestParameters: route.service === 's3' ? s3RequestParameters(ctx) : otherRequestParameters(ctx, route.service),
      responseElements: ctx.error === undefined ? (ctx.gateway?.responseElements ?? null) : null,
      // Tessera's own refusal is in the common facts; otherwise the error the upstream answered.
      ...(ctx.error === undefined && ctx.gateway?.upstreamError ? { error: ctx.gateway.upstreamError } : {}),
    });
  } catch (err) {
    deps.logger.error('audit event of a forwarded request not written', { requestId: ctx.requestId, error: String(err) });
  }
  await audit(ctx, deps);
}

/**
 * The part of an S3 call's CloudTrail `requestParameters` Tessera knows without reading its
 * body: the bucket and object key it was authorized on, and the Host the client addressed (as
 * S3's records have them: `bucketName`, `key`, `Host`). Nothing from a body or a header value
 * beyond these, so no secret can reach the audit this way.
 */
/** The members of another protected service's call that name what it is about (gateway/request-parameters.ts). */
function otherRequestParameters(ctx: RequestContext, service: string): Record<string, unknown> | null {
  if (!isGatewayService(service) || ctx.http.body === undefined) return null;
  const account = ctx.principal?.accountId ?? '';
  // The members the mapper read, when it read the request; else the request read now (refused before mapping).
  const recorded = ctx.gateway?.input !== undefined ? recordedParametersOf(service, ctx.gateway.input) : requestParametersOf(service, {
    service, method: ctx.http.method, path: ctx.http.path, query: ctx.http.query, headers: ctx.http.headers, body: ctx.http.body,
    region: ctx.region ?? 'us-east-1', ownerAccountId: account, requestAccountId: account,
  });
  // KMS's Decrypt entry "always includes the encryptionAlgorithm … even if [it] wasn't
  // specified", and names the key the ciphertext was decided on (KMS Developer Guide, ct-decrypt).
  if (service === 'kms' && ctx.operation === 'Decrypt') {
    const key = ctx.authorization?.resource;
    return { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', ...(key !== undefined && /^arn:[^:]+:kms:/.test(key) ? { keyId: key } : {}), ...recorded };
  }
  return recorded;
}

function s3RequestParameters(ctx: RequestContext): Record<string, unknown> | null {
  const resource = ctx.authorization?.resource;
  const parts = resource !== undefined && resource.startsWith('arn:aws:s3:::') ? s3Parts(resource) : undefined;
  const host = headerOf(ctx.http.headers, 'host');
  // DeleteObjects names many keys in its body: its record has the bucket alone.
  const key = ctx.operation === 'DeleteObjects' ? undefined : parts?.key;
  if (parts === undefined && host === undefined) return null;
  return { ...(parts !== undefined ? { bucketName: parts.bucket } : {}), ...(host !== undefined ? { Host: host } : {}), ...(key !== undefined ? { key } : {}) };
}


/** An `x-amz-*` header outside the signature would be forwarded as the signer's (gateway/unsigned-headers.ts). */
function refuseUnsignedAmzHeaders(flow: Flow): void {
  const signed = flow.ctx.gateway?.signed;
  if (signed === undefined) return;
  const unsigned = unsignedAmzHeaders(flow.ctx.http.headers, signed.auth.signedHeaders);
  if (unsigned.length === 0) return;
  if (flow.route.service === 's3') throw gatewayError('AccessDenied', HEADERS_NOT_SIGNED_MESSAGE, 403, { HeadersNotSigned: unsigned.join(', ') });
  throw accessDenied(flow.route.service, `${HEADERS_NOT_SIGNED_MESSAGE}: ${unsigned.join(', ')}`);
}

async function run(flow: Flow): Promise<void> {
  const { ctx, deps, route } = flow;
  const service = route.service;
  const upstream = upstreamFor(deps.gateway.settings, service);
  if (upstream === undefined) {
    throw gatewayError('NotImplemented', `Tessera has no upstream for the service ${service}: start it with --upstream URL (every service it does not serve) or --upstream ${service}=URL (TESSERA_UPSTREAMS).`, 501);
  }
  if (!isGatewayService(service)) {
    throw gatewayError('NotImplemented', `Tessera does not protect the service ${service}: it cannot authorize its requests, so it forwards none. Protected: ${GATEWAY_SERVICES.join(', ')}.`, 501);
  }
  const streamed = service === 's3';
  if (!streamed) await readWholeBody(flow, LIMITS.body);

  // Only S3 serves an unsigned request (as the anonymous caller): every other protected
  // service refuses it in its own format (gateway/errors.ts missingAuthentication).
  if (route.unsigned && service !== 's3') throw new GatewayError(missingAuthentication(service, flow.protocol));
  if (route.unsigned) {
    // A browser-based upload (POST Object): its form carries its own signature and policy.
    const formBucket = service === 's3' ? (route.hostBucket ?? firstSegment(ctx.http.path)) : undefined;
    if (formBucket !== undefined && isPostObject(ctx.http.method, headerOf(ctx.http.headers, 'content-type'), formBucket, ctx.http.path)) {
      await handlePostObject(flow, formBucket);
      return;
    }
    const params = new URLSearchParams(ctx.http.query);
    // A URL presigned with signature version 2 (the aws CLI v1's `s3 presign`); any other SigV2 is refused.
    if (service === 's3' && hasSigV2Query(params) && headerOf(ctx.http.headers, 'authorization') === undefined) {
      await authenticateSigV2Query(ctx, deps, params, route.hostBucket);
    } else {
      refuseSigV2(flow);
      ctx.principal = ANONYMOUS;
    }
    ctx.region = 'us-east-1';
  } else {
    if (service === 's3') refuseS3PresignWithoutExpiry(ctx.http.query);
    await authenticate(ctx, deps);
    refuseUnsignedAmzHeaders(flow);
  }
  // A gzip body (the SDKs' request compression) is read and forwarded decoded, once its signature verified.
  if (!streamed) decodeGzipBody(ctx, flow.protocol, LIMITS.body);
  // The body's verifier, chosen once the signature (the seed of chunk signatures) verified.
  const payload = streamed ? choosePayloadFor(flow) : undefined;
  const principal = ctx.principal!;
  const callerAccount = principal.accountId !== '' ? principal.accountId : deps.gateway.defaultAccount();
  const region = ctx.region ?? 'us-east-1';
  const now = deps.clock.now();

  // S3 names buckets without their account: the owners table says whose each is.
  const hostBucket = route.hostBucket;
  const bucket = service === 's3' ? (hostBucket ?? firstSegment(ctx.http.path)) : undefined;
  const ownerAccount = bucket === undefined ? callerAccount : await bucketAccount(flow, bucket, callerAccount);
  if (bucket !== undefined && ctx.gateway !== undefined) ctx.gateway.bucketOwner = { bucket, accountId: ownerAccount };

  // GetQueryResults is decided on the log groups its query read, remembered when StartQuery passed (logs-queries.ts).
  const queryLogGroups = service === 'logs' ? await rememberedQueryGroups(deps.gateway.logsQueries, { headers: ctx.http.headers, body: ctx.http.body, callerAccount, region }) : undefined;
  const mapper = await deps.gateway.mapper();
  const request = (body?: Buffer) => ({
    service, method: ctx.http.method, path: ctx.http.path, query: ctx.http.query, headers: ctx.http.headers,
    ...(body !== undefined ? { body } : {}), ...(hostBucket !== undefined ? { bucket: hostBucket } : {}),
    region, ownerAccountId: ownerAccount, requestAccountId: principal.accountId, now,
    ...(ctx.http.tlsVersion !== undefined ? { tlsVersion: ctx.http.tlsVersion } : {}),
    ...(queryLogGroups !== undefined ? { queryLogGroups } : {}),
  });
  let buffered: Buffer | undefined = streamed ? undefined : ctx.http.body;
  let mapped: MapResult = mapper.mapRequest(request(buffered));
  if (mapped.kind === 'needs-body') {
    buffered = await readVerifiedBody(flow, payload, mapped.maxBytes);
    mapped = mapper.mapRequest(request(buffered));
  }
  if (mapped.kind !== 'mapped') {
    ctx.operation = mapped.operation;
    // The members the mapper read before it refused the request: the audit records from them
    // rather than read the body again.
    if (mapped.kind === 'unmapped' && mapped.input !== undefined && ctx.gateway !== undefined) ctx.gateway.input = mapped.input;
    throw unmappedError(mapped);
  }
  ctx.operation = mapped.operation;
  if (ctx.gateway !== undefined) ctx.gateway.input = mapped.input;
  // S3 tells anyone that a bucket does not exist (its names are global), before any decision.
  if (bucket !== undefined && flow.absentBuckets?.has(bucket) && mapped.operation !== 'CreateBucket') {
    throw gatewayError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
  }
  if (service === 's3' && mapped.operation === 'PutBucketPolicy') {
    // Read past S3's quota so that an oversized policy is answered as S3 answers it.
    buffered = await readVerifiedBody(flow, payload, 4 * MAX_BUCKET_POLICY_BYTES);
    const text = buffered.toString('utf8');
    const s3 = (await loadAuthorizationData()).get('s3')!;
    const invalid = checkBucketPolicy(text, bucket ?? '', s3) ?? (await checkBucketPolicyPrincipals(deps.store, text));
    if (invalid !== undefined) throw new GatewayError(invalid);
  }

  const accounts = await checkAccounts(flow, mapped, callerAccount, ownerAccount);
  const sources = targetSources(flow, service, upstream, region, accounts);
  const action = mapped.targets[0]!.action;
  let { resolved, decided } = await authorizeMapped(flow, mapped, sources, now);
  let refusal = decided.refusal;
  // Secrets Manager answers a BatchGetSecretValue secret by secret: the allowed ones are read.
  let secretErrors: SecretError[] | undefined;
  if (refusal !== undefined && refusal.code !== 'InvalidClientTokenId' && service === 'secretsmanager' && mapped.operation === 'BatchGetSecretValue' && buffered !== undefined && deps.gateway.settings.mode === 'enforce') {
    const each = await decideEachSecret(flow, { body: buffered, mapper, requestOf: (body) => request(body), callerAccount, ownerAccount, upstream, region, now });
    if (each !== undefined && each.allowed.length === 0) {
      answerAllRefused(flow, each.errors);
      return;
    }
    const narrowed = each === undefined ? undefined : mapper.mapRequest(request(each.allowedBody));
    if (each !== undefined && narrowed?.kind === 'mapped') {
      const again = await authorizeMapped(flow, narrowed, targetSources(flow, service, upstream, region, await checkAccounts(flow, narrowed, callerAccount, ownerAccount)), now);
      if (again.decided.refusal === undefined) {
        ({ resolved, decided } = again);
        refusal = undefined;
        mapped = narrowed;
        buffered = each.allowedBody;
        secretErrors = each.errors;
      }
    }
  }
  if (refusal !== undefined) {
    if (refusal.code === 'InvalidClientTokenId') throw gatewayError('InvalidClientTokenId', refusal.message, 403);
    // S3 decides each object of a DeleteObjects on its own: the allowed ones are deleted.
    if (service === 's3' && mapped.operation === 'DeleteObjects' && buffered !== undefined && deps.gateway.settings.mode === 'enforce') {
      const each = bucket === undefined ? undefined : await decideEachObject(ctx, deps, { body: buffered, resolved, action, now, bucket });
      if (each !== undefined) {
        await answerPartialDelete(ctx, deps, flow.res, each, {
          upstream, request: upstreamRequestOf(flow, mapped, accounts, callerAccount), payload, afterWrite: () => afterWrite(flow, mapped, resolved, bucket, callerAccount),
        });
        return;
      }
    }
    // S3 tells an anonymous caller "Access Denied" and nothing more, and a caller from outside
    // the bucket owner's account and organization the same (s3-denial-detail.ts); a caller who
    // may not use the KMS key a service uses on its behalf gets that service's answer (service-keys.ts).
    const denial = principal.kind === 'anonymous' ? accessDenied(service, 'Access Denied')
      : (keyRefusal(flow, refusal.message)
        ?? (service === 's3' && !(await s3ExplainsRefusal(deps, principal.accountId, accounts[0])) ? accessDenied(service, 'Access Denied') : accessDenied(service, refusal.message)));
    if (deps.gateway.settings.mode === 'enforce') throw denial;
    deps.logger.warn('gateway audit mode: forwarding a request its policies refuse', {
      requestId: ctx.requestId, service, operation: mapped.operation, principal: principal.arn, action: ctx.authorization?.action, resource: ctx.authorization?.resource, reason: ctx.authorization?.reason,
    });
  }
  // S3 lets only the bucket owner's own identities manage its policy: another account's caller,
  // even one its policies allow, is answered 405 (S3 API Reference, PutBucketPolicy).
  if (service === 's3' && BUCKET_POLICY_OPERATIONS.has(mapped.operation) && accounts[0] !== undefined && principal.accountId !== accounts[0]) {
    throw gatewayError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: ctx.http.method, ResourceType: 'BUCKETPOLICY' });
  }
  // Block Public Access: a public bucket policy is refused while BlockPublicPolicy is on.
  if (service === 's3' && mapped.operation === 'PutBucketPolicy' && bucket !== undefined && buffered !== undefined) {
    const blocked = await publicPolicyBlocked(sources.reads(accounts[0] ?? ownerAccount), bucket, buffered.toString('utf8'), principal.arn);
    if (blocked !== undefined) throw new GatewayError(blocked);
  }
  // moto acts on a multipart upload by its ID whatever key the path names: it must be that key's (multipart-upload-key.ts).
  if (service === 's3' && bucket !== undefined) {
    const another = await uploadKeyRefusal(sources.reads(accounts[0] ?? ownerAccount), mapped.operation, bucket, mapped.targets[0]!.resource, ctx.http.query, deps.gateway.cache);
    if (another !== undefined) throw new GatewayError(another);
    // moto lets any PutObjectRetention weaken a running retention: S3's rules (object-retention.ts).
    const weakened = await retentionWeakening(sources.reads(accounts[0] ?? ownerAccount), {
      operation: mapped.operation, bucket, key: s3Parts(mapped.targets[0]!.resource).key ?? '', query: ctx.http.query, body: buffered, bypass: asksBypass(ctx.http.headers), now,
    });
    if (weakened !== undefined) throw new GatewayError(weakened);
  }
  // A service that reads or writes S3 for its caller does so with the caller's permissions (caller-s3-access.ts).
  if (service === 'dynamodb' || service === 'lambda') {
    const s3Refusal = await callerS3Refusal(flow, { mapped, body: buffered, base: request(), mapper, callerAccount, region, now });
    if (s3Refusal !== undefined) {
      if (deps.gateway.settings.mode === 'enforce') throw new GatewayError(s3Refusal);
      deps.logger.warn('gateway audit mode: forwarding a request whose S3 access its policies refuse', { requestId: ctx.requestId, service, operation: mapped.operation, principal: principal.arn, reason: s3Refusal.message });
    }
  }
  // A queue's or topic's policy is validated as the service validates it once the call is authorized.
  const written = buffered !== undefined ? writtenPolicy(service, mapped.operation, request(buffered)) : undefined;
  const invalidPolicy = written !== undefined ? await checkWrittenPolicy(deps.store, service, written) : undefined;
  if (invalidPolicy !== undefined) throw new GatewayError(invalidPolicy);
  // Secrets Manager's BlockPublicPolicy, which the upstream may not implement (moto does not).
  const publicSecret = written !== undefined && service === 'secretsmanager' ? publicSecretPolicyRefusal(mapped.operation, buffered, written) : undefined;
  if (publicSecret !== undefined) throw new GatewayError(publicSecret);
  // Lambda's AddPermission writes its statement from its members: checked as Lambda checks them.
  const permission = service === 'lambda' && mapped.operation === 'AddPermission' && buffered !== undefined ? addPermissionRefusalOf(request(buffered)) : undefined;
  if (permission !== undefined) throw new GatewayError(permission);
  // A key policy that would lock its writer out is refused, as KMS refuses it.
  const lockout = service === 'kms' && buffered !== undefined ? await keyPolicyLockout(flow, mapped, buffered, callerAccount, now) : undefined;
  if (lockout !== undefined) throw new GatewayError(lockout);

  // A JSON body goes with its `&` escaped and never empty: no upstream can read it as a form
  // (parser-differential.ts); CloudWatch Logs' logGroupIdentifier as logGroupName (logs-group-identifier.ts).
  const forwardedData = buffered !== undefined && mapped.protocol === 'json'
    ? forwardedJsonBody(forwardedLogsBody(service, mapped.operation, { region, accountId: ownerAccount }, buffered))
    : buffered;
  const body: ForwardBody = forwardedData !== undefined
    ? { kind: 'buffer', data: forwardedData, ...(payload ? { dropHeaders: payload.dropHeaders } : {}) }
    : flow.bodyDone || payload === undefined ? { kind: 'none' } : { kind: 'stream', source: flow.req, plan: payload };
  const forwardRequest = upstreamRequestOf(flow, mapped, accounts, callerAccount);
  // URLs in the answer name the upstream: rewritten to where the client reached Tessera.
  const origin = clientOrigin(headerOf(ctx.http.headers, 'host'), ctx.http.secure);
  const urls = origin === undefined ? undefined : answerRewrite({ service, operation: mapped.operation, protocol: flow.protocol, origin, path: ctx.http.path });
  const rewrite = secretErrors === undefined ? urls : { ...urls, body: (body: Buffer) => withSecretErrors(urls?.body ? urls.body(body) : body, secretErrors) };
  // S3 tells a caller who may not list the bucket nothing of which keys exist.
  const hideMissing = service === 's3' && bucket !== undefined && deps.gateway.settings.mode === 'enforce' && HIDES_MISSING_KEYS.has(mapped.operation)
    ? () => missingKeyRefusal(flow, { mapper, request: request(), bucket, callerAccount, ownerAccount, sources, now })
    : undefined;
  // A new SSE-KMS upload's key, from its answer's headers: its parts are decided on it before they are forwarded (upload-keys.ts).
  const startsUpload = service === 's3' && mapped.operation === 'CreateMultipartUpload' && bucket !== undefined;
  const startsQuery = service === 'logs' && mapped.operation === 'StartQuery';
  let uploadEncryption: S3Encryption | undefined;
  const outcome = await forward(deps.gateway.client, {
    upstream, request: forwardRequest, headers: service === 's3' ? forwardedBypassHeaders(ctx.http.headers) : ctx.http.headers, body, accountHeader: deps.gateway.settings.accountHeader, requestId: ctx.requestId,
    ...(rewrite ? { rewrite } : {}), ...(hideMissing ? { hideMissing } : {}),
    ...(recordsAnswer(service, mapped.operation) || startsUpload || startsQuery ? { keepAnswerBytes: MAX_RECORDED_ANSWER_BYTES } : {}),
    // An SSE-KMS object is passed on only to a caller who may decrypt with its key, and a part of
    // an SSE-KMS upload is acknowledged only to one who may (service-keys.ts).
    ...(service === 's3' && ANSWER_KEY_CHECKED.has(mapped.operation) ? { checkAnswer: (answerHeaders: IncomingHttpHeaders) => objectKeyRefusal(flow, { mapped, resolved, sources, now }, answerHeaders) } : {}),
    ...(startsUpload ? { checkAnswer: async (answerHeaders: IncomingHttpHeaders) => void (uploadEncryption = s3EncryptionOf(answerHeaders)) } : {}),
    // A new bucket has AWS's defaults, and every worker has forgotten what the write changed,
    // before the caller hears of it.
    afterSuccess: async () => {
      if (service === 's3' && mapped.operation === 'CreateBucket' && bucket !== undefined) await writeNewBucketDefaults(flow, sources.reads(callerAccount), bucket);
      if (service === 's3' && mapped.operation === 'DeleteBucketEncryption' && bucket !== undefined) await restoreDefaultEncryption(flow, sources.reads(accounts[0] ?? ownerAccount), bucket);
      await afterWrite(flow, mapped, resolved, bucket, callerAccount);
    },
  }, flow.res, () => {
    if (flow.expectsContinue) flow.res.writeContinue();
  });
  if (body.kind === 'stream') flow.bodyDone = true;
  if (outcome.kind === 'failed') {
    if (outcome.failure.status >= 500) deps.logger.warn('gateway forward failed', { requestId: ctx.requestId, service, operation: mapped.operation, error: outcome.cause });
    throw new GatewayError(outcome.failure);
  }
  ctx.response = { status: outcome.status, headers: {}, body: '' };
  if (startsQuery && outcome.status < 300) {
    await keepStartedQuery(deps.gateway.logsQueries, { targets: mapped.targets, answer: outcome.body, callerAccount, region },
      (err) => deps.logger.warn('gateway logs query not kept', { requestId: ctx.requestId, error: String(err) }));
  }
  if (service === 's3' && bucket !== undefined && outcome.status < 300) await keepUploadKey(flow, mapped.operation, bucket, accounts[0] ?? callerAccount, uploadEncryption, outcome.body);
  if (outcome.error !== undefined && ctx.gateway !== undefined) ctx.gateway.upstreamError = outcome.error;
  const elements = outcome.body === undefined ? null : responseElementsOf(service, mapped.operation, mapped.protocol, outcome.body);
  if (elements !== null && ctx.gateway !== undefined) ctx.gateway.responseElements = elements;
}

/**
 * An SSE-KMS upload started: its key remembered under its UploadId. An upload completed or
 * aborted: forgotten. (upload-keys.ts; a store failure only loses the early decision: the part's
 * answer is still checked.)
 */
async function keepUploadKey(flow: Flow, operation: string, bucket: string, account: string, encryption: S3Encryption | undefined, answer: Buffer | undefined): Promise<void> {
  const { uploadKeys } = flow.deps.gateway;
  try {
    if (operation === 'CreateMultipartUpload') {
      const uploadId = answer === undefined ? undefined : uploadIdOf(answer);
      if (uploadId !== undefined && encryption?.algorithm?.startsWith('aws:kms') === true) await uploadKeys.remember(account, bucket, uploadId, encryption);
    } else if (operation === 'CompleteMultipartUpload' || operation === 'AbortMultipartUpload') {
      const uploadId = new URLSearchParams(flow.ctx.http.query).get('uploadId');
      if (uploadId) await uploadKeys.forget(bucket, uploadId);
    }
  } catch (err) {
    flow.deps.logger.warn('gateway upload key not kept', { requestId: flow.ctx.requestId, operation, error: String(err) });
  }
}

/** The request line the upstream receives: path-style, in the resource's account (an ARN's, a bucket owner's), else the caller's. */
function upstreamRequestOf(flow: Flow, mapped: MappedRequest, accounts: readonly string[], callerAccount: string): Omit<UpstreamRequest, 'body' | 'streamed' | 'headers'> {
  const { ctx, route } = flow;
  const actingAccount = accounts[0] === undefined || mapped.targets[0]!.resource === '*' ? callerAccount : accounts[0];
  const hostBucket = route.hostBucket;
  return {
    service: route.service, region: ctx.region ?? 'us-east-1', accountId: actingAccount, method: ctx.http.method,
    path: hostBucket !== undefined ? `/${hostBucket}${ctx.http.path.startsWith('/') ? ctx.http.path : `/${ctx.http.path}`}` : ctx.http.path,
    query: forwardedQuery(ctx.http.query),
  };
}

function firstSegment(path: string): string | undefined {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const segment = trimmed.split('/', 1)[0] ?? '';
  return segment === '' ? undefined : decodePath(segment);
}

/** The verifying stream of an S3 body (none without a body). */
function choosePayloadFor(flow: Flow): PayloadPlan | undefined {
  if (flow.bodyDone) return undefined;
  const { ctx, deps } = flow;
  const signed = ctx.gateway?.signed;
  const choice = choosePayload(deps.gateway.verifiers, {
    headers: ctx.http.headers,
    query: ctx.http.query,
    ...(signed ? { signed: { auth: signed.auth, signingKey: deps.signingKeys.signingKey(signed.secretAccessKey, signed.auth.credentialDate, signed.auth.region, signed.auth.service) } } : {}),
  });
  if (!choice.ok) throw new GatewayError(choice.failure);
  return choice.plan;
}

/** A SigV2 Authorization header (or a SigV2 query on another service) is refused as S3's SigV4-only regions refuse it. */
function refuseSigV2(flow: Flow): void {
  const { headers, query } = flow.ctx.http;
  const authorization = headerOf(headers, 'authorization');
  const params = new URLSearchParams(query);
  if (authorization !== undefined || (params.has('Signature') && params.has('AWSAccessKeyId'))) {
    throw gatewayError('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', 400);
  }
}

/** The whole body, up to `limit` (a JSON or Query request: its members name its resources). */
async function readWholeBody(flow: Flow, limit: number): Promise<Buffer> {
  const { req, res, ctx } = flow;
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
  const body = flow.bodyDone ? Buffer.alloc(0) : await readBody(req, res, flow.expectsContinue, limit);
  if (body === undefined) throw tooLarge(limit);
  flow.bodyDone = true;
  ctx.http.body = body;
  return body;
}

/**
 * A small S3 document the decision depends on (DeleteObjects, PutObjectTagging, a bucket
 * policy), read through its payload's verifier — decoded, its signature or hash checked —
 * up to `limit` bytes.
 */
async function readVerifiedBody(flow: Flow, payload: PayloadPlan | undefined, limit: number): Promise<Buffer> {
  const { req, res, ctx } = flow;
  if (flow.bodyDone || payload === undefined) return Buffer.alloc(0);
  if (Number(req.headers['content-length'] ?? 0) > limit + 64 * 1024) throw tooLarge(limit);
  if (flow.expectsContinue) res.writeContinue();
  const chunks: Buffer[] = [];
  let size = 0;
  const verifier = payload.verify();
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(tooLarge(limit));
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline(req, verifier, collect);
  } catch (err) {
    const refused = err instanceof GatewayError ? err.failure : payloadRefusal(err);
    if (refused === undefined) throw err;
    throw new GatewayError(refused);
  } finally {
    flow.bodyDone = req.complete;
  }
  const body = Buffer.concat(chunks);
  ctx.http.body = body;
  return body;
}

/**
 * S3 requires X-Amz-Expires in a SigV4 presigned URL (STS and IAM take one without: it is then
 * valid for the signing time's window). Without it S3 answers AuthorizationQueryParametersError.
 */
function refuseS3PresignWithoutExpiry(query: string): void {
  const params = new URLSearchParams(query);
  if (params.has('X-Amz-Credential') && !params.has('X-Amz-Expires')) {
    throw gatewayError('AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.', 400);
  }
}

function tooLarge(limit: number): GatewayError {
  return gatewayError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size: Tessera reads at most ${limit} bytes of this request to authorize it.`, 413);
}

function unmappedError(result: Exclude<MapResult, MappedRequest>): GatewayError {
  if (result.kind === 'needs-body') return gatewayError('InvalidRequest', result.reason, 400);
  if (result.code !== undefined) return gatewayError(result.code, result.message, 400);
  const json = result.protocol === 'json' || result.protocol === 'rest-json';
  switch (result.reason) {
    case 'unknown-operation':
      if (json) return gatewayError('UnknownOperationException', result.message, 400);
      // The Query services answer an Action they do not have with InvalidAction (400).
      if ((result.protocol === 'query' || result.protocol === 'ec2') && result.operation !== undefined) {
        return gatewayError('InvalidAction', `The action ${result.operation.slice(0, 128)} is not valid for this web service.`, 400);
      }
      // …and a request naming no Action (another service's request signed for this one) with MissingAction (400).
      if (result.protocol === 'query' || result.protocol === 'ec2') return gatewayError('MissingAction', result.message, 400);
      return gatewayError('NotImplemented', result.message, 501);
    case 'refused-operation':
      return gatewayError('NotImplemented', `${result.message}. Tessera refuses operations it cannot authorize.`, 501);
    default:
      return gatewayError(invalidRequestCode(result.service, json), result.message, 400);
  }
}

/**
 * The code each service answers a request it cannot read (a resource it names badly, an ambiguous
 * form): JSON services ValidationException — CloudWatch Logs InvalidParameterException —, S3
 * InvalidRequest, SNS InvalidParameter (its model's code), the other Query services
 * InvalidParameterValue.
 */
function invalidRequestCode(service: string, json: boolean): string {
  if (json) return service === 'logs' ? 'InvalidParameterException' : 'ValidationException';
  if (service === 's3') return 'InvalidRequest';
  return service === 'sns' ? 'InvalidParameter' : 'InvalidParameterValue';
}

function failureOf(flow: Flow, err: unknown): GatewayFailure {
  const { ctx, deps, route } = flow;
  if (err instanceof GatewayError) return err.failure;
  if (err instanceof ServiceError) {
    const cause = { sessionToken: err instanceof UnopenedSessionTokenError, ...(Object.keys(err.fields).length > 0 ? { details: err.fields } : {}) };
    return inServiceDialect(route.service, flow.protocol, { code: err.code, message: err.message, status: err.httpStatus }, cause);
  }
  deps.logger.error('unexpected gateway error', { requestId: ctx.requestId, service: route.service, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return { code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 };
}

/** Writes the refusal in the service's format; a body left unread closes the connection rather than being drained. */
function refuse(flow: Flow, failure: GatewayFailure): void {
  const { ctx, res } = flow;
  ctx.error = new ServiceError({ code: failure.code, message: failure.message, httpStatus: failure.status, type: failure.status >= 500 ? 'Receiver' : 'Sender' });
  const rendered = renderError(flow.route.service, flow.protocol, failure, ctx.requestId, ctx.http.method);
  ctx.response = rendered;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = rendered.binary ?? Buffer.from(rendered.body, 'utf8');
  res.writeHead(rendered.status, { ...rendered.headers, 'Content-Length': String(body.length), ...(flow.bodyDone ? {} : { Connection: 'close' }) });
  res.end(body);
}

function headerOf(headers: HttpRequestData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export type { GatewayService };
