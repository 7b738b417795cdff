import { inServiceDialect, serializeJsonError, serializeJsonResponse, serializeQueryError, serializeQueryResponse } from '../../protocol/index.ts';
import type { RequestContext } from '../request-context.ts';

/** Typed output (or the error) → AWS's wire form, with the request ID header AWS sends. */
export function serialize(ctx: RequestContext): void {
  const service = ctx.service ?? 'iam';
  const common = { 'x-amzn-RequestId': ctx.requestId };
  // The error as the client will read it (an Organizations client is told
  // InvalidSignatureException, not SignatureDoesNotMatch), so the audit records the same.
  if (ctx.error) ctx.error = inServiceDialect(ctx.error, service);
  if (ctx.protocol === 'json') {
    if (ctx.error) {
      const { status, body, headers } = serializeJsonError(ctx.error);
      ctx.response = { status, headers: { ...common, 'Content-Type': 'application/x-amz-json-1.1', ...headers }, body };
    } else {
      ctx.response = { status: 200, headers: { ...common, 'Content-Type': 'application/x-amz-json-1.1' }, body: serializeJsonResponse(service, ctx.operation!, ctx.output ?? {}) };
    }
    return;
  }
  if (ctx.error) {
    ctx.response = { status: ctx.error.httpStatus, headers: { ...common, 'Content-Type': 'text/xml' }, body: serializeQueryError(service, ctx.error, ctx.requestId) };
  } else {
    ctx.response = { status: 200, headers: { ...common, 'Content-Type': 'text/xml' }, body: serializeQueryResponse(service, ctx.operation!, ctx.output ?? {}, ctx.requestId) };
  }
}
