import { dataEventsOf, PRINCIPAL_KEY } from '../kernel/audit-streams.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RandomSource } from '../kernel/random.ts';
import type { AuditEvent, AuditLookupKey } from '../store/types.ts';
import { eventTimeOf, isoTimeOf } from './dates.ts';
import { accountOfArn, resourceNameOf, resourceTypeOf } from './event-kinds.ts';
import { issuerArnOf, userIdentityOf, usernameOf } from './user-identity.ts';

/**
 * One API call as CloudTrail records it. Built from plain facts, so Tessera's own pipeline and
 * the gateway's forwarder (any code that answered a request) record events the same way.
 */
export const EVENT_VERSION = '1.08';

export interface ApiCallFacts {
  requestId: string;
  time: Date;
  /** `iam.amazonaws.com`, `sts.amazonaws.com`, `s3.amazonaws.com`, … */
  eventSource: string;
  eventName: string;
  awsRegion: string;
  principal?: Principal;
  sourceIPAddress: string;
  userAgent?: string;
  /** Already as CloudTrail records them: no secret (parameters.ts). */
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** Set when the call failed: AWS's error code and message. */
  error?: { code: string; message: string };
  readOnly: boolean;
  /** Management event (every IAM, STS, Organizations and CloudTrail call), or data event (S3 object operations and the like). */
  category: 'Management' | 'Data';
  /** The resources the call was authorized against, main one first ("*" is not a resource). */
  resources: readonly string[];
  /** The owning account of resources whose ARN names none (an S3 bucket's), by ARN. */
  resourceAccounts?: Readonly<Record<string, string>>;
  /** Set when a parameter set was too large to record. */
  additionalEventData?: Record<string, unknown>;
  /** The authorization decision, kept for `tessera explain` and never shown by LookupEvents. */
  decision?: AuditDecision;
}

export interface AuditDecision {
  decision: 'Allowed' | 'ExplicitDeny' | 'ImplicitDeny';
  action: string;
  resource: string;
  reason?: string;
  /** Every action/resource pair the request needed (the main one first; iam:PassRole, sts:TagSession…). */
  checks?: ReadonlyArray<{ action: string; resource: string }>;
  /** The engine's decision: deciding statements, missing keys, every condition key. */
  evidence?: unknown;
}

/** What an audit row holds: the record, and beside it the decision. */
export interface AuditData {
  record: CloudTrailRecord;
  decision?: AuditDecision;
}

export type CloudTrailRecord = Record<string, unknown> & {
  eventID: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  readOnly: boolean;
  recipientAccountId: string;
};

/**
 * The audit events of one call: one in the caller's account, and — when the call's resource
 * belongs to another account (cross-account AssumeRole) — one in that account too, each with
 * its own eventID and both with the same sharedEventID, as CloudTrail records them.
 */
export function auditEventsOf(facts: ApiCallFacts, random: RandomSource): AuditEvent[] {
  const callerAccount = facts.principal?.accountId ?? '';
  const owner = facts.resources[0] !== undefined ? accountOfArn(facts.resources[0]) : undefined;
  // A caller of no known account (a refused federated call) is recorded in the resource's account.
  const accounts = owner === undefined || owner === callerAccount ? [callerAccount] : callerAccount === '' ? [owner] : [callerAccount, owner];
  const shared = accounts.length > 1 ? random.timeOrderedUuid() : undefined;
  return accounts.map((accountId) => {
    const eventId = random.timeOrderedUuid();
    const record = cloudTrailRecord(facts, { eventId, recipientAccountId: accountId, ...(shared ? { sharedEventId: shared } : {}) });
    const data: AuditData = facts.decision ? { record, decision: facts.decision } : { record };
    // Data events go to their own stream (kernel/audit-streams.ts) with only the principal keys:
    // nothing looks them up by LookupEvents' attributes, and each key is two index entries
    // written on every request.
    const isData = facts.category === 'Data';
    return {
      time: isoTimeOf(facts.time), requestId: facts.requestId, eventId, data: data as unknown as Record<string, unknown>,
      accountId: isData ? dataEventsOf(accountId) : accountId,
      lookup: isData ? principalKeysOf(facts.principal) : lookupKeysOf(facts, record),
    };
  });
}

/**
 * Built member by member, in CloudTrail's order (the order its JSON is written in): optional
 * members are assigned only when present, rather than spread from objects made for the purpose.
 */
export function cloudTrailRecord(facts: ApiCallFacts, ids: { eventId: string; recipientAccountId: string; sharedEventId?: string }): CloudTrailRecord {
  const resources = facts.resources.filter((arn) => arn !== '*' && arn.startsWith('arn:')).map((arn) => ({
    ...(accountOfArn(arn) ? { accountId: accountOfArn(arn) } : facts.resourceAccounts && Object.hasOwn(facts.resourceAccounts, arn) ? { accountId: facts.resourceAccounts[arn] } : {}),
    ...(resourceTypeOf(arn) ? { type: resourceTypeOf(arn) } : {}),
    ARN: arn,
  }));
  const record: Record<string, unknown> = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(facts.principal),
    eventTime: eventTimeOf(facts.time),
    eventSource: facts.eventSource,
    eventName: facts.eventName,
    awsRegion: facts.awsRegion,
    sourceIPAddress: facts.sourceIPAddress,
  };
  if (facts.userAgent !== undefined) record['userAgent'] = facts.userAgent;
  if (facts.error) {
    record['errorCode'] = facts.error.code;
    record['errorMessage'] = facts.error.message;
  }
  record['requestParameters'] = facts.requestParameters;
  record['responseElements'] = facts.responseElements;
  if (facts.additionalEventData) record['additionalEventData'] = facts.additionalEventData;
  record['requestID'] = facts.requestId;
  record['eventID'] = ids.eventId;
  record['readOnly'] = facts.readOnly;
  if (resources.length > 0) record['resources'] = resources;
  record['eventType'] = 'AwsApiCall';
  record['managementEvent'] = facts.category === 'Management';
  record['recipientAccountId'] = ids.recipientAccountId;
  if (ids.sharedEventId) record['sharedEventID'] = ids.sharedEventId;
  record['eventCategory'] = facts.category;
  return record as CloudTrailRecord;
}

/**
 * The keys an event is found by: LookupEvents' attributes (EventId, EventName, ReadOnly,
 * Username, ResourceType, ResourceName — by ARN and by name —, EventSource, AccessKeyId) and,
 * for `tessera policy generate`, the caller's ARN and the IAM identity behind its session.
 */
function lookupKeysOf(facts: ApiCallFacts, record: CloudTrailRecord): AuditLookupKey[] {
  const keys: AuditLookupKey[] = [
    { attr: 'EventId', value: record.eventID },
    { attr: 'EventName', value: facts.eventName },
    { attr: 'ReadOnly', value: String(facts.readOnly) },
    { attr: 'EventSource', value: facts.eventSource },
  ];
  const username = usernameOf(facts.principal);
  if (username) keys.push({ attr: 'Username', value: username });
  if (facts.principal?.accessKeyId) keys.push({ attr: 'AccessKeyId', value: facts.principal.accessKeyId });
  for (const arn of facts.resources) {
    if (arn === '*' || !arn.startsWith('arn:')) continue;
    const type = resourceTypeOf(arn);
    if (type) keys.push({ attr: 'ResourceType', value: type });
    keys.push({ attr: 'ResourceName', value: arn }, { attr: 'ResourceName', value: resourceNameOf(arn) });
  }
  keys.push(...principalKeysOf(facts.principal));
  return keys;
}

/** For `tessera policy generate`: the caller's ARN and the IAM role or user behind its session. */
function principalKeysOf(principal: Principal | undefined): AuditLookupKey[] {
  const keys: AuditLookupKey[] = [];
  if (principal && principal.kind !== 'anonymous') keys.push({ attr: PRINCIPAL_KEY, value: principal.arn });
  const issuer = issuerArnOf(principal);
  if (issuer) keys.push({ attr: PRINCIPAL_KEY, value: issuer });
  return keys;
}

export type { Principal };
// The streams and the principal key live in kernel/ (iam/ reads them too); existing importers keep these names.
export { dataEventsOf, PRINCIPAL_KEY };
