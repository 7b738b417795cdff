import { dataEventsOf, PRINCIPAL_KEY } from '../../kernel/audit-streams.ts';
import type { Store, StoredAuditEvent } from '../../store/types.ts';

/**
 * What IAM users and roles attempted, read from Tessera's audit log: for each one, its latest
 * attempt on every service and every action up to a moment (a report job's creation).
 *
 * Every attempt counts, allowed or denied, as AWS counts them ("includes all attempts to
 * access an AWS API, not just the successful ones"): Tessera's own IAM, STS, Organizations and
 * CloudTrail requests and every request the gateway forwarded or refused. A role's attempts
 * are its sessions' (events are indexed by the ARN of the role behind a session), a user's its
 * own and its federated users'. Unauthenticated requests are indexed by no principal and never
 * count. Both streams are read: management events and data events (kernel/audit-streams.ts).
 *
 * Events are found by ARN, so an entity's events are kept to its own: an event whose caller
 * had another unique ID (a deleted user or role of the same name) does not count.
 */

/** One entity's latest attempt: when (the event's time) and from which Region. */
export interface Attempt {
  time: string;
  region: string;
}

export interface EntityActivity {
  /** By service namespace (`s3`). */
  services: Map<string, Attempt>;
  /** By `service:action`, lower case (`iam:getuser`). */
  actions: Map<string, Attempt>;
}

/** An IAM user or role whose requests are read. */
export interface ActiveEntity {
  arn: string;
  /** Its unique ID (AIDA…, AROA…). */
  id: string;
}

const PAGE = 1_000;
/** The most events one report reads, over all its entities; older ones are left out. */
export const MAX_REPORT_EVENTS = 1_000_000;

/** The fields of an audit event read here (cloudtrail/record.ts writes them). */
interface RecordedAttempt {
  record?: {
    eventSource?: unknown;
    eventName?: unknown;
    awsRegion?: unknown;
    userIdentity?: { principalId?: unknown; sessionContext?: { sessionIssuer?: { principalId?: unknown } } };
  };
  decision?: { action?: unknown };
}

/** Each entity's activity up to `until` (an ISO time, inclusive), by ARN. */
export async function readActivity(
  store: Pick<Store, 'queryAudit'>,
  accountId: string,
  entities: readonly ActiveEntity[],
  until: string,
): Promise<Map<string, EntityActivity>> {
  const activity = new Map<string, EntityActivity>();
  let budget = MAX_REPORT_EVENTS;
  for (const entity of entities) {
    if (activity.has(entity.arn)) continue;
    const found: EntityActivity = { services: new Map(), actions: new Map() };
    activity.set(entity.arn, found);
    for (const stream of [accountId, dataEventsOf(accountId)]) {
      let before: { time: string; seq: number } | undefined;
      while (budget > 0) {
        const page = await store.queryAudit({
          accountId: stream,
          attribute: { attr: PRINCIPAL_KEY, value: entity.arn },
          endTime: until,
          ...(before ? { before } : {}),
          limit: Math.min(PAGE, budget),
        });
        for (const event of page) collect(event, entity.id, found);
        budget -= page.length;
        if (page.length < PAGE) break;
        const last = page.at(-1)!;
        before = { time: last.time, seq: last.seq };
      }
    }
  }
  return activity;
}

/** Pages come newest first: the first attempt seen in a stream is its latest; the streams are compared. */
function collect(event: StoredAuditEvent, entityId: string, found: EntityActivity): void {
  const { record, decision } = event.data as RecordedAttempt;
  if (callerIdOf(record?.userIdentity) !== entityId) return;
  const namespace = namespaceOf(record?.eventSource);
  if (namespace === undefined) return;
  const attempt: Attempt = { time: event.time, region: typeof record?.awsRegion === 'string' ? record.awsRegion : '' };
  keepLatest(found.services, namespace, attempt);
  // The action authorized (`s3:ListAllMyBuckets` for ListBuckets); a request refused before
  // authorization names its operation.
  const action = typeof decision?.action === 'string' && decision.action.includes(':') ? decision.action : typeof record?.eventName === 'string' ? `${namespace}:${record.eventName}` : undefined;
  if (action !== undefined) keepLatest(found.actions, action.toLowerCase(), attempt);
}

function keepLatest(map: Map<string, Attempt>, key: string, attempt: Attempt): void {
  const known = map.get(key);
  // Times are fixed-width ISO strings: they compare as text.
  if (known === undefined || attempt.time > known.time) map.set(key, attempt);
}

/** `s3.amazonaws.com` → `s3`. */
function namespaceOf(eventSource: unknown): string | undefined {
  const suffix = '.amazonaws.com';
  if (typeof eventSource !== 'string' || !eventSource.endsWith(suffix)) return undefined;
  return eventSource.slice(0, -suffix.length) || undefined;
}

/**
 * The unique ID of the IAM user or role that made the request: a session's issuer (the role of
 * a role session, the user of a federated user), else the caller's own (a user's `AIDA…`).
 */
function callerIdOf(identity: NonNullable<RecordedAttempt['record']>['userIdentity']): string | undefined {
  const issuer = identity?.sessionContext?.sessionIssuer?.principalId;
  if (typeof issuer === 'string') return issuer;
  const own = identity?.principalId;
  return typeof own === 'string' ? own.split(':')[0] : undefined;
}
