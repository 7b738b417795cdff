import { claimedCredential } from '../../sigv4/index.ts';
import { findServiceForAction, loadServiceModel, SERVICE_NAMES, type ServiceName } from '../../protocol/model.ts';
import type { RequestContext } from '../request-context.ts';
import { headerValue } from '../http-util.ts';

/**
 * Decides which service (IAM, STS, Organizations, CloudTrail) and protocol a request is for. One
 * endpoint serves all three, as the aws CLI's `--endpoint-url` points every service at it:
 *   - JSON 1.1 requests name their operation in `X-Amz-Target` (Organizations);
 *   - Query requests name it in `Action`, and IAM's and STS's action names do not overlap;
 *   - for an unknown or missing Action, the signature's credential scope names the service,
 *     so the error is rendered in that service's dialect.
 * Everything here reads attacker-controlled text before any authentication: lookups are Maps
 * (a `__proto__` target must not reach Object.prototype) and the scope is read by the SigV4
 * parser, in linear time, never by a backtracking pattern.
 */
export async function resolveService(ctx: RequestContext): Promise<void> {
  const target = headerValue(ctx.http.headers, 'x-amz-target');
  if (target !== undefined) {
    // The operation follows the last dot: CloudTrail's prefix has dots of its own.
    const dot = target.lastIndexOf('.');
    const prefix = dot < 0 ? target : target.slice(0, dot);
    const operation = dot < 0 ? undefined : target.slice(dot + 1);
    ctx.protocol = 'json';
    // An unknown prefix is still answered by the JSON service, as UnknownOperationException.
    ctx.service = jsonServiceByTargetPrefix().get(prefix ?? '') ?? 'organizations';
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
  const service = (action !== undefined ? findServiceForAction(action) : undefined) ?? serviceFromScope(ctx) ?? 'iam';
  ctx.service = service;
  // Named by the scope alone, a JSON service (Organizations, CloudTrail) answers in its own
  // dialect: it has no Query form to answer in (a form body is not one of its operations).
  if (loadServiceModel(service).metadata.protocol === 'json') ctx.protocol = 'json';
}

let targetPrefixes: ReadonlyMap<string, ServiceName> | undefined;

/** `AWSOrganizationsV20161128` → organizations, from the JSON models' own target prefixes. */
function jsonServiceByTargetPrefix(): ReadonlyMap<string, ServiceName> {
  if (targetPrefixes === undefined) {
    const prefixes = new Map<string, ServiceName>();
    for (const service of SERVICE_NAMES) {
      const { protocol, targetPrefix } = loadServiceModel(service).metadata;
      if (protocol === 'json' && targetPrefix !== undefined) prefixes.set(targetPrefix, service);
    }
    targetPrefixes = prefixes;
  }
  return targetPrefixes;
}

const OUR_SERVICES: ReadonlyMap<string, ServiceName> = new Map(SERVICE_NAMES.map((service) => [service, service]));

/** The service named in the SigV4 credential scope (header or presigned form), if it is ours. */
function serviceFromScope(ctx: RequestContext): ServiceName | undefined {
  const credential = claimedCredential({ headers: ctx.http.headers, query: ctx.http.query });
  return credential === undefined ? undefined : OUR_SERVICES.get(credential.service);
}
