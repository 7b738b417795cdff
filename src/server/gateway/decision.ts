// What the gateway decides for a mapped request, with what the upstream says of its resources,
// and what it forgets once a write passed: the one decision point (server/stages/authorize.ts)
// asked with the resource policies first and the tags only when a policy reads them; the
// owning account of each resource; S3's rule that a missing key is told only to a caller who
// may list the bucket.

import type { AuthorizationTarget } from '../../authz/target.ts';
import { accessDenied, GatewayError, gatewayError, type GatewayFailure } from '../../gateway/errors.ts';
import type { GatewayService, MappedRequest } from '../../gateway/index.ts';
import { isLazy, lookupWanted, resolveTarget, type LazyLookup } from '../../gateway/resolve-target.ts';
import { s3Parts, UpstreamReadError } from '../../gateway/upstream-reads.ts';
import type { ServerDeps } from '../deps.ts';
import { decideRequest } from '../stages/authorize.ts';
import { deliveryRefusal } from './delivery-targets.ts';
import { snsDeliveryRefusal } from './sns-deliveries.ts';
import { invocationOrLogDeliveryRefusal } from './invocation-and-log-deliveries.ts';
import type { Flow } from './flow.ts';
import { wantsMappingFunction, withMappingFunction } from './service-facts.ts';
import { withServiceKeys } from './service-keys.ts';

/** Operations that only read: a success changes nothing the lookups cache. */
const READ_OPERATION = /^(Get|List|Describe|Head|Select|Scan|Query|BatchGet|Receive|Decrypt|Encrypt|GenerateDataKey|Sign|Verify|Invoke$)/;

export type TargetSourcesOf = Parameters<typeof resolveTarget>[1];

/** What the lookups of a request read upstream, in each resource's account, through the gateway's client and cache. */
export function targetSources(flow: Flow, service: GatewayService, upstream: URL, region: string, accounts: readonly string[]): TargetSourcesOf {
  const { deps } = flow;
  const reads = (accountId: string) => ({
    upstream,
    accountId,
    call: (call: { method: string; path: string; query?: string; headers?: Record<string, string>; body?: Buffer }) =>
      deps.gateway.client.call(upstream, { service, region, accountId, method: call.method, path: call.path, query: call.query ?? '', headers: call.headers ?? {}, ...(call.body ? { body: call.body } : {}) }),
  });
  return { service, accounts, reads, cache: deps.gateway.cache };
}

/**
 * The mapped request decided by the one decision point: with the resource policies first; the
 * tags and key schemas are read (and the request decided again) only when a policy about the
 * action refers to them.
 */
export async function authorizeMapped(flow: Flow, mapped: MappedRequest, sources: TargetSourcesOf, now: Date): Promise<{ resolved: AuthorizationTarget; decided: Awaited<ReturnType<typeof decideRequest>> }> {
  const { ctx, deps } = flow;
  const service = mapped.service;
  const unavailable = (err: unknown): never => {
    if (!(err instanceof UpstreamReadError) && !(err instanceof Error && /ECONN|socket|did not answer|larger than|JSON/.test(err.message))) throw err;
    deps.logger.warn('gateway lookup failed', { requestId: ctx.requestId, service, operation: mapped.operation, error: err.message });
    throw gatewayError('ServiceUnavailable', `Tessera could not read what ${mapped.operation} is authorized against from the ${service} upstream; the request was not forwarded.`, 503);
  };
  // The mapping's lookups, then the facts only the upstream knows (service-facts.ts).
  const target = (wanted?: (lookup: LazyLookup) => boolean, missingKeys: readonly string[] = []) => resolveTarget(mapped, sources, wanted)
    // The KMS keys S3, SQS, SNS, SSM and Secrets Manager use for the caller (service-keys.ts).
    .then((resolved) => withServiceKeys(flow, mapped, sources, resolved))
    .then((resolved) => (wantsMappingFunction(mapped, missingKeys) ? withMappingFunction(mapped, sources, resolved) : resolved))
    .catch(unavailable);
  const action = mapped.targets[0]!.action;
  let resolved = await target();
  let decided = await decideRequest(ctx, deps, action, resolved, { now, encodeExplanation: false });
  const keys = decided.missingContextKeys;
  if (mapped.lookups.some((lookup) => isLazy(lookup) && lookupWanted(lookup, service, keys)) || wantsMappingFunction(mapped, keys)) {
    resolved = await target((lookup) => lookupWanted(lookup, service, keys), keys);
    decided = await decideRequest(ctx, deps, action, resolved, { now, encodeExplanation: false });
  }
  // A policy about the action refers to a condition key the gateway does not read from this
  // request (a PartiQL statement's dynamodb:LeadingKeys): refused, never decided without it.
  if (decided.refusal === undefined) decided = unreadKeyRefusal(flow, mapped, decided);
  // A request an allowed caller makes that has a service deliver into another resource: that
  // resource's policy must allow the service, as AWS validates it (delivery-targets.ts).
  if (decided.refusal === undefined || deps.gateway.settings.mode !== 'enforce') {
    const refused = (await deliveryRefusal(flow, mapped, sources, now).catch(unavailable))
      ?? (await snsDeliveryRefusal(flow, mapped, now)?.catch(unavailable))
      ?? (await invocationOrLogDeliveryRefusal(flow, mapped, sources, resolved.resource, now).catch(unavailable));
    if (refused !== undefined) throw new GatewayError(refused);
  }
  return { resolved, decided };
}

/**
 * The refusal of an allowed request whose policies refer to a condition key it does not carry
 * because the gateway does not read it (MappedRequest.unread); the decision unchanged otherwise.
 * Deciding without the key could allow what a condition on it would refuse: a
 * `ForAllValues:StringEquals dynamodb:LeadingKeys` grant holds for a request with no key at all.
 */
function unreadKeyRefusal(flow: Flow, mapped: MappedRequest, decided: Awaited<ReturnType<typeof decideRequest>>): Awaited<ReturnType<typeof decideRequest>> {
  if (mapped.unread === undefined || decided.missingContextKeys.length === 0) return decided;
  const unread = new Set(mapped.unread.keys.map((key) => key.toLowerCase()));
  const referred = [...new Set(decided.missingContextKeys.filter((key) => unread.has(key.toLowerCase())))];
  if (referred.length === 0) return decided;
  const authorization = flow.ctx.authorization!;
  const keys = referred.join(', ');
  const reason = `a policy refers to ${keys}, and ${mapped.unread.why}`;
  flow.ctx.authorization = { ...authorization, decision: 'ImplicitDeny', reason };
  const message = `User: ${flow.ctx.principal!.arn} is not authorized to perform: ${authorization.action} on resource: ${authorization.resource} because ${reason}`;
  return { ...decided, refusal: { code: 'AccessDenied', message } };
}

/**
 * S3's reads of an object that is not there answer 404 only to a caller who may list the
 * bucket (s3:ListBucket); anyone else is refused (403) as if the key were there, so that a
 * grant on some keys does not reveal which others exist. Object reads the rule covers:
 */
export const HIDES_MISSING_KEYS = new Set(['GetObject', 'HeadObject', 'GetObjectAttributes', 'GetObjectTagging', 'GetObjectAcl', 'GetObjectRetention', 'GetObjectLegalHold']);

/**
 * The refusal that replaces the upstream's 404 for an object read, or undefined when the
 * caller may list the bucket. Decided as the ListObjectsV2 the caller could have sent (its
 * signature facts, the bucket's policy and tags); the event records that decision.
 */
export async function missingKeyRefusal(
  flow: Flow,
  from: { mapper: Awaited<ReturnType<ServerDeps['gateway']['mapper']>>; request: Parameters<Awaited<ReturnType<ServerDeps['gateway']['mapper']>>['mapRequest']>[0]; bucket: string; callerAccount: string; ownerAccount: string; sources: TargetSourcesOf; now: Date },
): Promise<GatewayFailure | undefined> {
  const { ctx } = flow;
  const signing = new URLSearchParams(ctx.http.query);
  for (const name of [...signing.keys()]) if (!/^(X-Amz-|AWSAccessKeyId$|Signature$|Expires$)/.test(name)) signing.delete(name);
  const query = ['list-type=2', signing.toString()].filter((part) => part !== '').join('&');
  const listing = from.mapper.mapRequest({ ...from.request, method: 'GET', path: flow.route.hostBucket !== undefined ? '/' : `/${encodeURIComponent(from.bucket)}`, query });
  const denied = (message: string) => accessDenied('s3', ctx.principal?.kind === 'anonymous' ? 'Access Denied' : message).failure;
  if (listing.kind !== 'mapped') return denied('Access Denied');
  const allowed = ctx.authorization;
  const accounts = await checkAccounts(flow, listing, from.callerAccount, from.ownerAccount);
  const { decided } = await authorizeMapped(flow, listing, { ...from.sources, accounts }, from.now);
  if (decided.refusal === undefined) {
    ctx.authorization = allowed;
    return undefined;
  }
  return denied(decided.refusal.message);
}

/** A forwarded write changed what the lookups read: forget it; a bucket made or removed changes its owner. */
export async function afterWrite(flow: Flow, mapped: MappedRequest, resolved: AuthorizationTarget, bucket: string | undefined, callerAccount: string): Promise<void> {
  const { deps } = flow;
  if (READ_OPERATION.test(mapped.operation)) return;
  // Every name of each resource: as the request gave it (an alias, a secret's name), the ARN
  // it resolved to, and the one its policy and tags were read under.
  const resources = new Set([
    ...mapped.targets.map((check) => check.resource), resolved.resource, ...(resolved.also ?? []).map((check) => check.resource),
    // What the lookups read, when the resource is authorized under another name (a log group's `…:log-stream:`).
    ...mapped.lookups.flatMap((lookup) => ('resource' in lookup ? [lookup.resource] : [])),
  ]);
  // For S3, also what was read about the object's bucket.
  if (mapped.service === 's3') for (const resource of [...resources]) if (resource.startsWith('arn:aws:s3:::')) resources.add(`arn:aws:s3:::${s3Parts(resource).bucket}`);
  const ownerChanged = mapped.service === 's3' && bucket !== undefined && (mapped.operation === 'CreateBucket' || mapped.operation === 'DeleteBucket');
  try {
    if (ownerChanged && mapped.operation === 'CreateBucket') await deps.gateway.owners.created(bucket, callerAccount);
    if (ownerChanged && mapped.operation === 'DeleteBucket') await deps.gateway.owners.deleted(bucket);
  } catch (err) {
    deps.logger.error('could not record a bucket owner', { requestId: flow.ctx.requestId, bucket, error: String(err) });
  }
  // After the owner is recorded, so another worker that reads it again finds the new one.
  await deps.gateway.invalidate({ resources: [...resources], buckets: ownerChanged ? [bucket] : [] });
}

/** The owning account of each check's resource: a bucket's owner for S3, else the ARN's account. */
export async function checkAccounts(flow: Flow, mapped: MappedRequest, callerAccount: string, ownerAccount: string): Promise<string[]> {
  const accounts: string[] = [];
  for (const check of mapped.targets) {
    if (check.resource === '*') {
      accounts.push(callerAccount);
    } else if (mapped.service === 's3') {
      const { bucket } = s3Parts(check.resource);
      accounts.push(bucket === '' ? ownerAccount : await bucketAccount(flow, bucket, callerAccount));
    } else {
      const account = check.resource.split(':')[4];
      accounts.push(account !== undefined && /^\d{12}$/.test(account) ? account : ownerAccount);
    }
  }
  return accounts;
}

export async function bucketAccount(flow: Flow, bucket: string, callerAccount: string): Promise<string> {
  let owner;
  try {
    owner = await flow.deps.gateway.owners.ownerOf(bucket, callerAccount);
  } catch (err) {
    flow.deps.logger.warn('gateway bucket owner lookup failed', { requestId: flow.ctx.requestId, bucket, error: String(err) });
    throw gatewayError('ServiceUnavailable', `Tessera could not learn which account owns the bucket ${bucket} from the S3 upstream; the request was not forwarded.`, 503);
  }
  if (owner.kind === 'owned') return owner.accountId;
  if (owner.kind === 'absent') {
    (flow.absentBuckets ??= new Set()).add(bucket);
    return callerAccount;
  }
  throw accessDenied('s3', `Tessera does not know which account owns the bucket ${bucket}: it was not created through Tessera, and neither your account nor the default account lists it.`);
}

