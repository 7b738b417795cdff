import { serviceError } from '../../protocol/errors.ts';
import type { Denied } from '../../authz/authorizer.ts';
import { ENCODED_MESSAGE_MARKER, encodeAuthorizationMessage } from '../../sts/authorization-message.ts';
import type { RequestContext } from '../request-context.ts';
import type { ServerDeps } from '../deps.ts';
import { headerValue } from '../http-util.ts';

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
  const result = await deps.authorizer.decide({
    principal,
    action: `${declaration.service}:${declaration.name}`,
    target,
    facts: {
      now,
      sourceIp: ctx.http.remoteAddress,
      secureTransport: ctx.http.secure,
      ...optional('userAgent', headerValue(ctx.http.headers, 'user-agent')),
      ...optional('region', ctx.region),
    },
  });
  const checks = [{ action: target.action ?? `${declaration.service}:${declaration.name}`, resource: target.resource }, ...(target.also ?? []).map((check) => ({ action: check.action, resource: check.resource }))];
  ctx.authorization = {
    decision: result.decision, action: result.action, resource: result.resource, checks,
    ...optional('reason', result.reason), ...optional('evidence', result.evidence),
  };
  if (result.decision !== 'Allowed') throw refusal(ctx, deps, result);
}

/**
 * AWS's answer to a denial: AccessDenied with AWS's text, or an unaccepted token. IAM and STS
 * append nothing to their denials, and neither does Tessera by default: the full decision is in
 * the audit log (`tessera explain REQUEST_ID`). With --encoded-authorization-messages the text
 * ends with the sealed explanation that sts:DecodeAuthorizationMessage opens.
 */
function refusal(ctx: RequestContext, deps: ServerDeps, denied: Denied) {
  const service = ctx.service!;
  if (denied.refusal === 'invalid-token') return serviceError(service, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (!deps.encodedAuthorizationMessages) return serviceError(service, 'AccessDenied', denied.message);
  const principal = ctx.principal!;
  // The subject of an identity provider has no credentials to decode a message with: AWS's text alone.
  if (principal.federation) return serviceError(service, 'AccessDenied', denied.message);
  const who = { arn: principal.arn, id: principal.userId, ...optional('name', principal.name) };
  // The sealed explanation that sts:DecodeAuthorizationMessage opens; a denial that must tell
  // nothing (a trust policy's) seals nothing about the policies.
  const encoded = encodeAuthorizationMessage(deps.secrets, denied.explanation
    ? { principal: who, action: denied.action, resource: denied.resource, decision: denied.explanation.decision, context: denied.explanation.context }
    : { principal: who, action: denied.action, resource: denied.resource, decision: { decision: 'ImplicitDeny', reason: 'the request was not authorized', deciding: [], missingContextKeys: [] }, context: {} });
  return serviceError(service, 'AccessDenied', `${denied.message}${ENCODED_MESSAGE_MARKER}${encoded}`);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
