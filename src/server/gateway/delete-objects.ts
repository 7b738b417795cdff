// S3's DeleteObjects refused as a whole, answered object by object as S3 answers it: each listed
// object decided on its own at the one decision point (the authorize stage's decideRequest),
// the allowed ones sent upstream in a Delete document of their own, the refused ones added to
// the answer (gateway/partial-delete.ts has the documents). The flow around it is
// gateway-request.ts's.

import type { ServerResponse } from 'node:http';
import type { AuthorizationCheck, AuthorizationTarget } from '../../authz/target.ts';
import { gatewayError } from '../../gateway/errors.ts';
import { forwardedHeaders } from '../../gateway/forward.ts';
import { allowedDeleteDocument, refusedOnlyResult, rewrittenBodyHeaders, withRefusedObjects } from '../../gateway/partial-delete.ts';
import type { PayloadPlan } from '../../gateway/payload.ts';
import { deleteDocument, type DeleteDocument } from '../../gateway/services/s3-body.ts';
import type { UpstreamRequest } from '../../gateway/upstream-http.ts';
import type { ServerDeps } from '../deps.ts';
import type { RequestContext } from '../request-context.ts';
import { decideRequest } from '../stages/authorize.ts';

/** The upstream's framing and request IDs: a composed answer has its own length and Tessera's ID. */
const COMPOSED_ANSWER_DROPS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-md5', 'x-amz-request-id', 'x-amzn-requestid', 'x-amzn-request-id']);

export interface EachObject {
  document: DeleteDocument;
  allowed: DeleteDocument['objects'];
  refused: DeleteDocument['objects'];
}

/**
 * DeleteObjects refused as a whole: each listed object decided on its own, at the one decision
 * point, against the same resolved policies. Undefined when the answer must stay the whole
 * request's refusal: the objects and checks do not line up one to one, or none was refused on
 * its own (the refusal was not about an object). The request's recorded decision is the first
 * refused object's, for `tessera explain`.
 */
export async function decideEachObject(
  ctx: RequestContext,
  deps: ServerDeps,
  request: { body: Buffer; resolved: AuthorizationTarget; action: string; now: Date; bucket: string },
): Promise<EachObject | undefined> {
  const { body, resolved, action, now, bucket } = request;
  const document = deleteDocument(body);
  if (typeof document === 'string') return undefined;
  const checks: AuthorizationCheck[] = [
    {
      action: resolved.action ?? action, resource: resolved.resource,
      ...(resolved.context ? { context: resolved.context } : {}), ...(resolved.resourcePolicy ? { resourcePolicy: resolved.resourcePolicy } : {}),
      ...(resolved.resourceTags ? { resourceTags: resolved.resourceTags } : {}), ...(resolved.resourceAccount ? { resourceAccount: resolved.resourceAccount } : {}),
    },
    ...(resolved.also ?? []),
  ];
  // Each check must be its object's (same order, that very object): otherwise the whole request's refusal stands.
  if (resolved.rule !== undefined || checks.length !== document.objects.length) return undefined;
  if (!checks.every((check, i) => check.resource === `arn:aws:s3:::${bucket}/${document.objects[i]!.key}`)) return undefined;
  const allowed: DeleteDocument['objects'] = [];
  const refused: DeleteDocument['objects'] = [];
  // The whole request's decision stays the recorded one unless the answer becomes per object.
  const whole = ctx.authorization;
  let firstRefusal: RequestContext['authorization'];
  for (const [i, check] of checks.entries()) {
    const decided = await decideRequest(ctx, deps, check.action, { ...check, also: [] }, { now, encodeExplanation: false });
    if (decided.refusal?.code === 'InvalidClientTokenId') break;
    if (decided.refusal === undefined) allowed.push(document.objects[i]!);
    else {
      refused.push(document.objects[i]!);
      firstRefusal ??= ctx.authorization;
    }
  }
  if (refused.length === 0 || allowed.length + refused.length !== checks.length) {
    ctx.authorization = whole;
    return undefined;
  }
  ctx.authorization = firstRefusal;
  return { document, allowed, refused };
}

/**
 * DeleteObjects with some objects refused: the upstream is sent a Delete document of the allowed
 * ones only (none: it is not called), and the refused ones are added to its DeleteResult as
 * `AccessDenied` errors, as S3 answers them.
 */
export async function answerPartialDelete(
  ctx: RequestContext,
  deps: ServerDeps,
  res: ServerResponse,
  each: EachObject,
  forwarding: { upstream: URL; request: Omit<UpstreamRequest, 'body' | 'streamed' | 'headers'>; payload: PayloadPlan | undefined; afterWrite: () => Promise<void> },
): Promise<void> {
  let status = 200;
  let headers: Record<string, string | string[]> = { 'content-type': 'application/xml' };
  let answer = refusedOnlyResult(each.refused);
  if (each.allowed.length > 0) {
    const { upstream, request, payload } = forwarding;
    const document = allowedDeleteDocument(each.allowed, each.document.quiet);
    const sent = forwardedHeaders({
      upstream, request, headers: rewrittenBodyHeaders(ctx.http.headers, document), accountHeader: deps.gateway.settings.accountHeader,
      body: { kind: 'buffer', data: document, ...(payload ? { dropHeaders: payload.dropHeaders } : {}) },
    });
    let upstreamAnswer;
    try {
      upstreamAnswer = await deps.gateway.client.call(upstream, { ...request, headers: sent, body: document }, 4 * 1024 * 1024);
    } catch (err) {
      deps.logger.warn('gateway forward failed', { requestId: ctx.requestId, service: 's3', operation: 'DeleteObjects', error: String(err) });
      throw gatewayError('ServiceUnavailable', `Tessera could not reach the s3 upstream (${upstream.host}).`, 503);
    }
    status = upstreamAnswer.status;
    headers = {};
    for (const [name, value] of Object.entries(upstreamAnswer.headers)) {
      if (value !== undefined && !COMPOSED_ANSWER_DROPS.has(name)) headers[name] = value;
    }
    const text = upstreamAnswer.body.toString('utf8');
    answer = status === 200 ? (withRefusedObjects(text, each.refused) ?? text) : text;
    if (status >= 200 && status < 300) await forwarding.afterWrite();
  }
  const body = Buffer.from(answer, 'utf8');
  // Tessera composed this answer: its request ID (the one `tessera explain` reads), not the upstream's.
  res.writeHead(status, { ...headers, 'x-amz-request-id': ctx.requestId, 'content-length': String(body.length) });
  res.end(body);
  ctx.response = { status, headers: {}, body: '' };
}
