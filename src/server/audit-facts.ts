import { auditEventsOf, type ApiCallFacts } from '../cloudtrail/record.ts';
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
  return {
    ...common,
    resources,
    eventSource: `${service}.amazonaws.com`,
    eventName,
    // Global services' calls are recorded in their endpoint's region (us-east-1), whatever region they were signed for.
    awsRegion: requestedRegion(service, ctx.region) ?? 'us-east-1',
    requestParameters: request.value,
    responseElements: response.value,
    readOnly: isReadOnly(eventName),
    category: 'Management',
    ...(request.dropped || response.dropped
      ? { additionalEventData: { ...(request.dropped ? { requestParametersTruncated: true } : {}), ...(response.dropped ? { responseElementsTruncated: true } : {}) } }
      : {}),
  };
}

/** The facts every event of a request shares, whoever answered it. */
export function commonFacts(ctx: RequestContext): Pick<ApiCallFacts, 'requestId' | 'time' | 'principal' | 'sourceIPAddress' | 'userAgent' | 'error' | 'resources' | 'decision'> {
  const auth = ctx.authorization;
  const resources = [...new Set((auth?.checks ?? (auth ? [{ action: auth.action, resource: auth.resource }] : [])).map((check) => check.resource))];
  const userAgent = headerValue(ctx.http.headers, 'user-agent');
  return {
    requestId: ctx.requestId,
    time: ctx.receivedAt,
    ...(ctx.principal ? { principal: ctx.principal } : {}),
    sourceIPAddress: ctx.http.remoteAddress,
    ...(userAgent !== undefined ? { userAgent } : {}),
    ...(ctx.error ? { error: { code: ctx.error.code, message: withoutEncodedMessage(ctx.error.message) } } : {}),
    resources,
    ...(auth
      ? {
          decision: {
            decision: auth.decision, action: auth.action, resource: auth.resource,
            ...(auth.reason !== undefined ? { reason: auth.reason } : {}),
            ...(auth.checks ? { checks: auth.checks } : {}),
            ...(auth.evidence !== undefined ? { evidence: auth.evidence } : {}),
          },
        }
      : {}),
  };
}

/** An event records AWS's text; the sealed explanation (when the flag adds one) is in the decision already. */
function withoutEncodedMessage(message: string): string {
  const at = message.indexOf(ENCODED_MESSAGE_MARKER);
  return at < 0 ? message : message.slice(0, at);
}

export function auditEventsOfRequest(ctx: RequestContext, deps: ServerDeps): AuditEvent[] {
  return auditEventsOf(factsOfRequest(ctx), deps.random);
}
