import { auditEventsOf, type ApiCallFacts } from '../cloudtrail/record.ts';
import { isReadOnlyCall } from '../cloudtrail/event-kinds.ts';
import { withinSize } from '../cloudtrail/parameters.ts';
import type { ServerDeps } from './deps.ts';
import type { RequestContext } from './request-context.ts';
import { commonFacts } from './audit-facts.ts';

/**
 * The audit hook for a request Tessera forwarded to a protected service (the gateway): the same
 * CloudTrail event as for Tessera's own operations, from the same request context (caller,
 * time, source, decision, error), plus what only the forwarder knows. Call it once the upstream
 * answered and before answering the client: it resolves once the event is committed (the same
 * guarantee as every other request), and marks the request audited so the pipeline does not
 * record it twice.
 */
export interface ForwardedCall {
  /** `s3.amazonaws.com`, `sqs.amazonaws.com`, … */
  eventSource: string;
  /** The operation, e.g. `GetObject`. */
  eventName: string;
  /** Management event, or data event (S3 object operations, and the like). */
  category: 'Management' | 'Data';
  awsRegion: string;
  /** As CloudTrail records them, secrets removed (cloudtrail/parameters.ts does it from a model). */
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  /** Resources beyond those the request was authorized against. */
  resources?: readonly string[];
  /** The upstream's error, when it answered one. */
  error?: { code: string; message: string };
  readOnly?: boolean;
}

export async function auditForwardedCall(ctx: RequestContext, deps: ServerDeps, call: ForwardedCall): Promise<void> {
  const common = commonFacts(ctx);
  const request = withinSize(call.requestParameters ?? null);
  const response = withinSize(call.responseElements ?? null);
  const facts: ApiCallFacts = {
    ...common,
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.awsRegion,
    requestParameters: request.value,
    responseElements: response.value,
    readOnly: call.readOnly ?? isReadOnlyCall(call.eventSource, call.eventName),
    category: call.category,
    resources: withBuckets(call, [...new Set([...common.resources, ...(call.resources ?? [])])]),
    // S3's records name the bucket's owner on its resource (an S3 ARN names no account).
    ...(ctx.gateway?.bucketOwner ? { resourceAccounts: { [`${S3_ARN}${ctx.gateway.bucketOwner.bucket}`]: ctx.gateway.bucketOwner.accountId } } : {}),
    ...(call.error ? { error: call.error } : {}),
  };
  ctx.audited = true;
  await deps.audit.write(auditEventsOf(facts, deps.random));
}

/**
 * An S3 data event names the buckets of its objects too, as CloudTrail's records do (an
 * `AWS::S3::Object` resource, then its `AWS::S3::Bucket`): trails' event selectors and readers
 * of the records find the bucket without parsing the object's ARN.
 */
function withBuckets(call: ForwardedCall, resources: readonly string[]): string[] {
  if (call.category !== 'Data' || call.eventSource !== 's3.amazonaws.com') return [...resources];
  const buckets = resources.flatMap((arn) => {
    const slash = arn.indexOf('/');
    return arn.startsWith(S3_ARN) && slash > S3_ARN.length ? [arn.slice(0, slash)] : [];
  });
  return [...new Set([...resources, ...buckets])];
}

const S3_ARN = 'arn:aws:s3:::';
