import { serviceError } from '../../protocol/errors.ts';
import type { Denied } from '../../authz/authorizer.ts';
import type { AuthorizationTarget } from '../../authz/target.ts';
import type { RequestFacts } from '../../authz/global-context.ts';
import { requestedRegion } from '../../authz/service-rules.ts';
import { ENCODED_MESSAGE_MARKER, encodeAuthorizationMessage } from '../../sts/authorization-message.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { headerValue } from '../http-util.ts';
import { ENCODES_EVERY_DENIAL } from '../../gateway/errors.ts';

/**
 * The authorize stage: the operation's declared target (operations/declaration.ts), resolved
 * for this request, decided by the one decision point (authz/authorizer.ts) with the facts of
 * the real request. Nothing else decides; the handler runs only when this stage allowed.
 */
export async function authorize(ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const principal = ctx.principal!;
  const declaration = ctx.declaration!;
  const now = deps.clock.now();
  const target = await declaration.target(ctx.input ?? {}, { tx: deps.store, principal, accountId: principal.accountId, secrets: deps.secrets, now, ...optional('region', ctx.region) });
  // IAM and STS append nothing to their denials, nor does Tessera by default: the full decision
  // is in the audit log (`tessera explain REQUEST_ID`); --encoded-authorization-messages adds it.
  const { refusal } = await decideRequest(ctx, deps, `${declaration.service}:${declaration.name}`, target, { now, encodeExplanation: deps.encodedAuthorizationMessages });
  // Every code comes from the service's error registry (a rule's code is checked against it in its test).
  if (refusal) throw serviceError(ctx.service!, refusal.code as never, refusal.message);
}

export interface Decided {
  /** Undefined when allowed. */
  refusal?: Refusal;
  /** Condition keys policies about the action read that the request's context lacked. */
  missingContextKeys: readonly string[];
}

/** How a denied request is answered: AWS's code and text. */
export interface Refusal {
  /** AccessDenied, InvalidClientTokenId, or a protected resource's own error (authz/service-rules.ts). */
  code: string;
  message: string;
}

/**
 * The decision itself, for every request — an operation of Tessera's or one forwarded to a
 * protected service (server/gateway-request.ts): the one decision point with the facts of the
 * real request, recorded for the audit: the refusal when denied, and the condition keys the
 * policies read that the request did not carry.
 * `encodeExplanation` appends the sealed explanation sts:DecodeAuthorizationMessage opens, as
 * IAM and STS do (S3, SQS, KMS, DynamoDB… answer AWS's text alone).
 */
export async function decideRequest(
  ctx: RequestContext,
  deps: ServerDeps,
  action: string,
  target: AuthorizationTarget,
  options: { now: Date; encodeExplanation: boolean },
): Promise<Decided> {
  const principal = ctx.principal!;
  // Optional members are assigned when present (not spread from objects made for the purpose):
  // this runs for every request.
  const facts: RequestFacts = {
    now: options.now,
    sourceIp: ctx.http.remoteAddress,
    secureTransport: ctx.http.secure,
  };
  const userAgent = headerValue(ctx.http.headers, 'user-agent');
  if (userAgent !== undefined) facts.userAgent = userAgent;
  // aws:RequestedRegion: IAM's and Organizations' one endpoint is in us-east-1, whatever the signature's scope says.
  const region = requestedRegion(ctx.gateway ? ctx.gateway.service : ctx.service, ctx.region);
  if (region !== undefined) facts.region = region;
  const result = await deps.authorizer.decide({ principal, action, target, facts });
  const checks = [{ action: target.action ?? action, resource: target.resource }];
  if (target.also !== undefined) for (const check of target.also) checks.push({ action: check.action, resource: check.resource });
  const authorization: NonNullable<RequestContext['authorization']> = { decision: result.decision, action: result.action, resource: result.resource, checks };
  if (result.reason !== undefined) authorization.reason = result.reason;
  if (result.evidence !== undefined) authorization.evidence = result.evidence;
  ctx.authorization = authorization;
  const missingContextKeys = result.missingContextKeys ?? [];
  // EC2 ends every refusal with the encoded message, whatever the server's default.
  const encode = options.encodeExplanation || (ctx.gateway !== undefined && ENCODES_EVERY_DENIAL.has(ctx.gateway.service));
  return result.decision === 'Allowed' ? { missingContextKeys } : { refusal: refusal(ctx, deps, result, encode), missingContextKeys };
}

/** AWS's answer to a denial: AccessDenied with its text (and the sealed explanation), or an unaccepted token. */
function refusal(ctx: RequestContext, deps: ServerDeps, denied: Denied, encodeExplanation: boolean): Refusal {
  if (denied.refusal === 'invalid-token') return { code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  // A protected resource: the service's own error, as its handler would have answered.
  if (typeof denied.refusal === 'object') return { code: denied.refusal.code, message: denied.message };
  const principal = ctx.principal!;
  // The subject of an identity provider has no credentials to decode a message with: AWS's text alone.
  if (principal.federation || !encodeExplanation) return { code: 'AccessDenied', message: denied.message };
  const who = { arn: principal.arn, id: principal.userId, ...optional('name', principal.name) };
  // The sealed explanation that sts:DecodeAuthorizationMessage opens; a denial that must tell
  // nothing (a trust policy's) seals nothing about the policies.
  const encoded = encodeAuthorizationMessage(deps.secrets, denied.explanation
    ? { principal: who, action: denied.action, resource: denied.resource, decision: denied.explanation.decision, context: denied.explanation.context }
    : { principal: who, action: denied.action, resource: denied.resource, decision: { decision: 'ImplicitDeny', reason: 'the request was not authorized', deciding: [], missingContextKeys: [] }, context: {} });
  return { code: 'AccessDenied', message: `${denied.message}${ENCODED_MESSAGE_MARKER}${encoded}` };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
