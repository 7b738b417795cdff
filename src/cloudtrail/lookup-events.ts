import type { OperationContext } from '../kernel/operation.ts';
import type { Event, LookupEventsRequest, LookupEventsResponse } from '../protocol/generated/cloudtrail.ts';
import type { AuditLookupKey, StoredAuditEvent } from '../store/types.ts';
import { invalidLookupAttributes, invalidTimeRange } from './errors.ts';
import { filtersKey, openNextToken, sealNextToken } from './next-token.ts';
import { DEFAULT_RETENTION_SECONDS } from './retention.ts';
import type { AuditData, CloudTrailRecord } from './record.ts';

/**
 * LookupEvents: the caller's account's event history, newest first, at most 50 a page (50 by
 * default), filtered by at most one lookup attribute and a time window, paged by a sealed
 * NextToken. Only management events are looked up (CloudTrail's event history); an `insight`
 * category finds nothing, as Tessera records no Insights events.
 */
const DEFAULT_PAGE = 50;

/** The lookup attributes CloudTrail supports for Insights events. */
const INSIGHT_ATTRIBUTES: ReadonlySet<string> = new Set(['EventId', 'EventName', 'EventSource']);

async function lookupEvents(input: LookupEventsRequest, ctx: OperationContext): Promise<LookupEventsResponse> {
  const accountId = ctx.principal.accountId;
  const attributes = input.LookupAttributes ?? [];
  if (attributes.length > 1) throw invalidLookupAttributes('You can specify only one lookup attribute.');
  // Insights events are looked up by EventId, EventName and EventSource only (LookupEvents'
  // reference); another key with `insight` is refused rather than answered with nothing.
  const insightKey = attributes[0]?.AttributeKey;
  if (input.EventCategory === 'insight' && insightKey !== undefined && !INSIGHT_ATTRIBUTES.has(insightKey)) {
    throw invalidLookupAttributes(`${insightKey} is not a valid lookup attribute for Insights events: use EventId, EventName or EventSource.`);
  }
  const attribute = attributes[0] ? keyOf(attributes[0].AttributeKey, attributes[0].AttributeValue) : undefined;
  const now = ctx.clock.now();
  const start = input.StartTime ?? new Date(now.getTime() - DEFAULT_RETENTION_SECONDS * 1000);
  const end = input.EndTime ?? now;
  // Only a window the caller gave both ends of is refused; a lone EndTime before the retention
  // period's start finds nothing.
  if (input.StartTime && input.EndTime && start.getTime() > end.getTime()) throw invalidTimeRange();
  if (start.getTime() > end.getTime()) return { Events: [] };
  const region = ctx.region;
  const filters = filtersKey({
    attribute: attribute ?? null, start: input.StartTime?.toISOString() ?? null, end: input.EndTime?.toISOString() ?? null, category: input.EventCategory ?? null, region,
  });
  const before = input.NextToken !== undefined ? openNextToken(ctx.secrets, input.NextToken, accountId, filters) : undefined;
  if (input.EventCategory === 'insight') return { Events: [] };
  const limit = input.MaxResults ?? DEFAULT_PAGE;
  // The history is regional: the events of the Region the request was signed for (IAM's and
  // Organizations' global events are us-east-1's, as their records say). The store is read in
  // pages and filtered; a page stops after MAX_SCANNED events, with a NextToken from the last
  // one read — as CloudTrail, it may answer fewer events than asked, and more to come.
  const page: StoredAuditEvent[] = [];
  let cursor = before;
  let next: { time: string; seq: number } | undefined;
  let scanned = 0;
  // The first query asks one more than the page (whether a next page exists is then known
  // without a second query when every event is the Region's); later ones read SCAN_PAGE.
  let want = limit + 1;
  scan: for (;;) {
    const rows = await ctx.store.queryAudit({
      accountId,
      ...(attribute ? { attribute } : {}),
      startTime: start.toISOString(),
      endTime: endOfSecond(end),
      ...(cursor ? { before: cursor } : {}),
      limit: want,
    });
    for (const row of rows) {
      if (regionOf(row) === region) {
        if (page.length === limit) {
          next = positionOf(page.at(-1)!);
          break scan;
        }
        page.push(row);
      }
      cursor = positionOf(row);
      scanned += 1;
      if (scanned >= MAX_SCANNED) {
        next = cursor;
        break scan;
      }
    }
    if (rows.length < want) break;
    want = SCAN_PAGE;
  }
  return {
    Events: page.map(eventOf),
    ...(next ? { NextToken: sealNextToken(ctx.secrets, accountId, filters, next) } : {}),
  };
}

function positionOf(row: StoredAuditEvent): { time: string; seq: number } {
  return { time: row.time, seq: row.seq };
}

/** Events read from the store per query, and at most per LookupEvents page, while looking for the Region's. */
const SCAN_PAGE = 200;
const MAX_SCANNED = 5_000;

function regionOf(row: StoredAuditEvent): string | undefined {
  const record = (row.data as unknown as Partial<AuditData>).record;
  return record === undefined ? 'us-east-1' : typeof record['awsRegion'] === 'string' ? record['awsRegion'] : 'us-east-1';
}

/** ReadOnly is matched as `true`/`false` whatever its case; other values exactly. */
function keyOf(attr: string, value: string): AuditLookupKey {
  return { attr, value: attr === 'ReadOnly' ? value.toLowerCase() : value };
}

/** EndTime is inclusive at the second CloudTrail's times are written to. */
function endOfSecond(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000 + 999).toISOString();
}

function eventOf(row: StoredAuditEvent): Event {
  const record = (row.data as unknown as Partial<AuditData>).record ?? legacyRecord(row);
  const identity = (record['userIdentity'] ?? {}) as Record<string, unknown>;
  const resources = Array.isArray(record['resources']) ? (record['resources'] as Array<{ ARN?: string; type?: string }>) : [];
  const username = usernameOf(identity);
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    ...(typeof identity['accessKeyId'] === 'string' && identity['accessKeyId'] !== '' ? { AccessKeyId: identity['accessKeyId'] } : {}),
    EventTime: new Date(row.time),
    EventSource: record.eventSource,
    ...(username !== undefined ? { Username: username } : {}),
    Resources: resources.map((r) => ({ ...(r.type ? { ResourceType: r.type } : {}), ...(r.ARN ? { ResourceName: r.ARN } : {}) })),
    CloudTrailEvent: JSON.stringify(record),
  };
}

function usernameOf(identity: Record<string, unknown>): string | undefined {
  if (identity['type'] === 'Root') return 'root';
  if (typeof identity['userName'] === 'string') return identity['userName'];
  const arn = typeof identity['arn'] === 'string' ? identity['arn'] : '';
  // A role session's or federated user's name is the ARN's last segment.
  if (identity['type'] === 'AssumedRole' || identity['type'] === 'FederatedUser') return arn.slice(arn.lastIndexOf('/') + 1);
  return undefined;
}

/** An event written before events were CloudTrail records: the little it holds, in the record's shape. */
function legacyRecord(row: StoredAuditEvent): CloudTrailRecord {
  const data = row.data as Record<string, unknown>;
  return {
    eventVersion: '1.08',
    eventTime: row.time.replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${String(data['service'] ?? 'iam')}.amazonaws.com`,
    eventName: String(data['operation'] ?? ''),
    requestID: row.requestId,
    eventID: row.eventId ?? `legacy-${row.seq}`,
    readOnly: false,
    recipientAccountId: row.accountId,
    ...(typeof data['errorCode'] === 'string' ? { errorCode: data['errorCode'] } : {}),
  };
}

export const lookupHandlers = {
  LookupEvents: lookupEvents,
};
