import { INTERNAL_FAILURE_MESSAGE, ServiceError, serviceError } from '../protocol/errors.ts';
import type { ServiceName } from '../protocol/model.ts';
import { UnstorableTextError } from '../store/records.ts';
import type { RequestContext } from './request-context.ts';
import type { ServerDeps } from './deps.ts';
import { resolveService } from './stages/resolve-service.ts';
import { authenticate, authenticateFederated } from './stages/authenticate.ts';
import { parse } from './stages/parse.ts';
import { authorize } from './stages/authorize.ts';
import { invoke } from './stages/invoke.ts';
import { serialize } from './stages/serialize.ts';
import { auditEventsOfRequest } from './audit-facts.ts';

/**
 * The AWS request pipeline: named stages over one context. The order is AWS's: a request is
 * authenticated before its parameters are validated, and authorized before it runs.
 */
export type Stage = (ctx: RequestContext, deps: ServerDeps) => Promise<void>;

export const STAGES: ReadonlyArray<readonly [name: string, stage: Stage]> = [
  ['resolve-service', resolveService],
  ['authenticate', authenticate],
  ['parse', parse],
  ['authenticate-federated', authenticateFederated],
  ['authorize', authorize],
  ['invoke', invoke],
];

export async function runPipeline(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  for (const [name, stage] of STAGES) {
    try {
      await stage(ctx, deps);
    } catch (err) {
      ctx.error = asServiceError(ctx, deps, name, err);
      break;
    }
  }
  serialize(ctx);
  await audit(ctx, deps);
}

/**
 * A request refused before its body was read (too large): its service is resolved from the
 * headers and query alone, and the refusal is answered in that service's dialect and
 * audited like any other error.
 */
export async function refuseRequest(ctx: RequestContext, deps: ServerDeps, refusal: (service: ServiceName) => ServiceError): Promise<void> {
  try {
    await resolveService(ctx);
    ctx.error = refusal(ctx.service ?? 'iam');
  } catch (err) {
    ctx.error = asServiceError(ctx, deps, 'resolve-service', err);
  }
  serialize(ctx);
  await audit(ctx, deps);
}

/** Errors are data; anything else is a bug: logged in full, answered as InternalFailure. */
/** What an input holding U+0000 that no check of the operation refused is answered (the store cannot hold it). */
const UNSTORABLE_TEXT = '1 validation error detected: a value contains the character U+0000, which Tessera does not accept in text.';

function asServiceError(ctx: RequestContext, deps: ServerDeps, stage: string, err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (err instanceof UnstorableTextError) return serviceError(ctx.service ?? 'iam', 'ValidationError', UNSTORABLE_TEXT);
  deps.logger.error('unexpected error', {
    requestId: ctx.requestId,
    stage,
    operation: ctx.operation,
    error: err instanceof Error ? err.stack ?? err.message : String(err),
  });
  return serviceError(ctx.service ?? 'iam', 'InternalFailure', INTERNAL_FAILURE_MESSAGE);
}

/**
 * The request's CloudTrail events, committed before the response is sent (audit-sink.ts): an
 * answered request is never missing from the audit log. A forwarded request (the gateway)
 * records its own event first (forwarded-audit.ts); this then only logs it. An event that cannot be written turns
 * the answer into InternalFailure.
 */
export async function audit(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  if (!ctx.audited) {
    try {
      await deps.audit.write(auditEventsOfRequest(ctx, deps));
    } catch (err) {
      deps.logger.error('audit event not written; answering InternalFailure', { requestId: ctx.requestId, error: String(err) });
      ctx.error = serviceError(ctx.service ?? 'iam', 'InternalFailure', INTERNAL_FAILURE_MESSAGE);
      serialize(ctx);
    }
  }
  const principal = ctx.principal;
  deps.logger.info('request', {
    requestId: ctx.requestId,
    operation: ctx.operation ?? ctx.action,
    principal: principal?.arn,
    status: ctx.response?.status,
    errorCode: ctx.error?.code,
    ms: Math.round((performance.now() - ctx.startedMs) * 100) / 100,
  });
}
