import { withoutQuotedSecrets } from '../cloudtrail/recorded-error-message.ts';
import { auditEventsOf, type ApiCallFacts, type AuditDecision } from '../cloudtrail/record.ts';
import { isReadOnly, recordsResponse } from '../cloudtrail/event-kinds.ts';
import { requestParametersOf, responseElementsOf, withinSize } from '../cloudtrail/parameters.ts';
import { ENCODED_MESSAGE_MARKER } from '../sts/authorization-message.ts';
import type { AuditEvent } from '../store/types.ts';
import { requestedRegion } from '../authz/service-rules.ts';
import type { ServerDeps } from './deps.ts';
import { headerValue } from './http-util.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The CloudTrail facts of a request Tessera answered itself: who, what, where from, with which
 * parameters (secrets removed), the outcome, and the authorization decision.
 */
export function factsOfRequest(ctx: RequestContext): ApiCallFacts {
  const service = ctx.service ?? 'iam';
  const eventName = ctx.operation ?? ctx.action ?? '';
  const request = ctx.operation !== undefined && ctx.input !== undefined ? withinSize(requestParametersOf(service, ctx.operation, ctx.input)) : { value: null, dropped: false };
  const recordResponse = ctx.operation !== undefined && !ctx.error && ctx.output !== undefined && recordsResponse(service, ctx.operation);
  const response = recordResponse ? withinSize(responseElementsOf(service, ctx.operation!, ctx.output)) : { value: null, dropped: false };
  const common = commonFacts(ctx);
  // A federated AssumeRole* refused before its caller was known is still the role's account's event.
  const roleArn = ctx.input?.['RoleArn'];
  const resources = common.resources.length === 0 && service === 'sts' && typeof roleArn === 'string' && roleArn.startsWith('arn:') ? [roleArn] : common.resources;
  // The common facts' object, completed in place (it is this call's own): no copy per request.
  const facts = common as ApiCallFacts;
  facts.resources = resources;
  facts.eventSource = `${service}.amazonaws.com`;
  facts.eventName = eventName;
  // Global services' calls are recorded in their endpoint's region (us-east-1), whatever region they were signed for.
  facts.awsRegion = requestedRegion(service, ctx.region) ?? 'us-east-1';
  facts.requestParameters = request.value;
  facts.responseElements = response.value;
  facts.readOnly = isReadOnly(eventName);
  facts.category = 'Management';
  if (request.dropped || response.dropped) {
    facts.additionalEventData = { ...(request.dropped ? { requestParametersTruncated: true } : {}), ...(response.dropped ? { responseElementsTruncated: true } : {}) };
  }
  return facts;
}

/** The facts every event of a request shares, whoever answered it. */
export function commonFacts(ctx: RequestContext): Pick<ApiCallFacts, 'requestId' | 'time' | 'principal' | 'sourceIPAddress' | 'userAgent' | 'error' | 'resources' | 'decision'> {
  const auth = ctx.authorization;
  const resources: string[] = [];
  if (auth?.checks) {
    for (const check of auth.checks) if (!resources.includes(check.resource)) resources.push(check.resource);
  } else if (auth) {
    resources.push(auth.resource);
  }
  const userAgent = headerValue(ctx.http.headers, 'user-agent');
  // Optional members are assigned when present, in the order they are recorded, rather than
  // spread from objects made for the purpose: this runs for every request.
  const facts: ReturnType<typeof commonFacts> = { requestId: ctx.requestId, time: ctx.receivedAt, sourceIPAddress: ctx.http.remoteAddress, resources };
  if (ctx.principal) facts.principal = ctx.principal;
  if (userAgent !== undefined) facts.userAgent = userAgent;
  if (ctx.error) facts.error = { code: ctx.error.code, message: withoutQuotedSecrets(withoutEncodedMessage(ctx.error.message)) };
  if (auth) {
    const decision: AuditDecision = { decision: auth.decision, action: auth.action, resource: auth.resource };
    if (auth.reason !== undefined) decision.reason = auth.reason;
    if (auth.checks) decision.checks = auth.checks;
    if (auth.evidence !== undefined) decision.evidence = auth.evidence;
    facts.decision = decision;
  }
  return facts;
}

/** An event records AWS's text; the sealed explanation (when the flag adds one) is in the decision already. */
function withoutEncodedMessage(message: string): string {
  const at = message.indexOf(ENCODED_MESSAGE_MARKER);
  return at < 0 ? message : message.slice(0, at);
}

export function auditEventsOfRequest(ctx: RequestContext, deps: ServerDeps): AuditEvent[] {
  return auditEventsOf(factsOfRequest(ctx), deps.random);
}
