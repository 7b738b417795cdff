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
  } else if (service === 'sts' && ctx.operation === 'GetCallerIdentity' && wantsJson(ctx.http.headers['accept'])) {
    ctx.response = { status: 200, headers: { ...common, 'Content-Type': 'application/json' }, body: callerIdentityJson(ctx.output ?? {}, ctx.requestId) };
  } else {
    ctx.response = { status: 200, headers: { ...common, 'Content-Type': 'text/xml' }, body: serializeQueryResponse(service, ctx.operation!, ctx.output ?? {}, ctx.requestId) };
  }
}

/**
 * STS answers GetCallerIdentity in JSON to a client that asks for it (`Accept:
 * application/json`), in the Query protocol's JSON envelope — what aws-iam-authenticator's
 * verifier reads when it replays an EKS token: {"GetCallerIdentityResponse":
 * {"GetCallerIdentityResult": {Account, Arn, UserId}, "ResponseMetadata": {RequestId}}}.
 */
function wantsJson(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : accept ?? '';
  return /(^|[\s,])application\/json\b/i.test(value);
}

function callerIdentityJson(output: Record<string, unknown>, requestId: string): string {
  return JSON.stringify({
    GetCallerIdentityResponse: {
      GetCallerIdentityResult: { Account: output['Account'], Arn: output['Arn'], UserId: output['UserId'] },
      ResponseMetadata: { RequestId: requestId },
    },
  });
}
