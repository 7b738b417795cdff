import { findServiceForAction, type ServiceName } from '../../protocol/model.ts';
import type { RequestContext } from '../request-context.ts';
import { headerValue } from '../http-util.ts';

/**
 * Decides which service (IAM, STS, Organizations) and protocol a request is for. One
 * endpoint serves all three, as the aws CLI's `--endpoint-url` points every service at it:
 *   - JSON 1.1 requests name their operation in `X-Amz-Target` (Organizations);
 *   - Query requests name it in `Action`, and IAM's and STS's action names do not overlap;
 *   - for an unknown or missing Action, the signature's credential scope names the service,
 *     so the error is rendered in that service's dialect.
 */
const JSON_TARGET_PREFIX: Record<string, ServiceName> = { AWSOrganizationsV20161128: 'organizations' };
const OUR_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'organizations']);

export async function resolveService(ctx: RequestContext): Promise<void> {
  const target = headerValue(ctx.http.headers, 'x-amz-target');
  if (target !== undefined) {
    const [prefix, operation] = target.split('.', 2);
    ctx.protocol = 'json';
    ctx.service = JSON_TARGET_PREFIX[prefix ?? ''] ?? 'organizations';
    ctx.action = operation ?? target;
    return;
  }
  ctx.protocol = 'query';
  const params = new URLSearchParams(ctx.http.query);
  const contentType = headerValue(ctx.http.headers, 'content-type') ?? '';
  if (ctx.http.method === 'POST' && ctx.http.body.length > 0 && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(ctx.http.body.toString('utf8'))) params.append(key, value);
  }
  ctx.params = params;
  const action = params.get('Action') ?? undefined;
  ctx.action = action;
  ctx.service = (action !== undefined ? findServiceForAction(action) : undefined) ?? serviceFromScope(ctx) ?? 'iam';
}

/** The service named in the SigV4 credential scope (header or presigned form), if it is ours. */
function serviceFromScope(ctx: RequestContext): ServiceName | undefined {
  const auth = headerValue(ctx.http.headers, 'authorization') ?? new URLSearchParams(ctx.http.query).get('X-Amz-Credential') ?? '';
  const match = /(?:Credential=)?[^/\s,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  const service = match?.[1];
  return service !== undefined && OUR_SERVICES.has(service) ? (service as ServiceName) : undefined;
}
