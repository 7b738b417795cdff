import type { StoredAuditEvent, Store } from '../store/types.ts';
import { readsDataEvents } from './event-selectors.ts';
import { dataEventsOf, type AuditData, type CloudTrailRecord } from './record.ts';
import { trailIdentity, type TrailRecord } from './trail-records.ts';

/**
 * Which of an account's events one delivery of a trail takes: those after its cursor — its
 * management events, and its data events beside them (one sequence, one cursor) when the
 * trail's event selectors can select any (event-selectors.ts decides which) — for a
 * stopped trail that still owes its final delivery, up to and including its own StopLogging
 * event, as CloudTrail's last delivery after StopLogging covers "events up to and including
 * the StopLogging event". A deleted trail's last delivery ends the same way at its own
 * DeleteTrail event (or at the StopLogging event of a stop still owed when it was deleted):
 * AWS does not say whether a deleted trail delivers the record of its own deletion; Tessera
 * does, so that the trail's bucket keeps who deleted it.
 *
 * That event is committed before the call is answered, but a delivery may run between the
 * trail's change and the event's commit: a stopped trail whose StopLogging event is not found
 * waits STOP_EVENT_WAIT_MS for it, then takes the events recorded up to its stop time.
 */
const READ_BATCH = 1_000;
/** Events per delivery of one trail; the rest go in the next. */
export const MAX_EVENTS_PER_DELIVERY = 20_000;
export const STOP_EVENT_WAIT_MS = 60_000;

export interface DeliveryRange {
  events: StoredAuditEvent[];
  /** The sequence number the trail's cursor moves to. */
  cursor: number;
  /** A stopped trail's final range is complete: its StopLogging or DeleteTrail event (or its stop time) was reached. */
  finished: boolean;
  /** More events are waiting than one delivery takes. */
  more: boolean;
}

export function recordOf(event: StoredAuditEvent): CloudTrailRecord | undefined {
  return (event.data as unknown as Partial<AuditData>).record;
}

const CLOSING_EVENTS: ReadonlySet<string> = new Set(['StopLogging', 'DeleteTrail']);

/** The trail's own successful StopLogging — or DeleteTrail, once it is deleted. */
function isOwnClosingEvent(record: CloudTrailRecord | undefined, trail: TrailRecord): boolean {
  if (!record || record.eventSource !== 'cloudtrail.amazonaws.com' || !CLOSING_EVENTS.has(record.eventName) || record['errorCode'] !== undefined) return false;
  if (record.eventName === 'DeleteTrail' && !trail.data.deleted) return false;
  const name = (record['requestParameters'] as { name?: unknown } | null | undefined)?.name;
  const own = trailIdentity(trail);
  return name === own.name || name === own.arn;
}

export async function deliveryRange(store: Store, trail: TrailRecord, now: Date): Promise<DeliveryRange> {
  const d = trail.data;
  const stopping = d.finalDelivery !== undefined;
  const events: StoredAuditEvent[] = [];
  let cursor = d.cursor;
  const streams = readsDataEvents(d) ? { accountIds: [trail.accountId, dataEventsOf(trail.accountId)] } : { accountId: trail.accountId };
  for (;;) {
    const batch = await store.auditAfter({ ...streams, afterSeq: cursor, limit: READ_BATCH });
    for (const event of batch) {
      events.push(event);
      cursor = event.seq;
      if (stopping && isOwnClosingEvent(recordOf(event), trail)) return { events, cursor, finished: true, more: false };
      if (events.length >= MAX_EVENTS_PER_DELIVERY) return { events, cursor, finished: false, more: true };
    }
    if (batch.length < READ_BATCH) break;
  }
  if (!stopping) return { events, cursor, finished: false, more: false };
  const stoppedAt = d.stopLoggingTime ?? now.toISOString();
  // Not (yet) found: wait for it a while, then close with what was recorded up to the stop.
  if (now.getTime() - Date.parse(stoppedAt) < STOP_EVENT_WAIT_MS) return { events: [], cursor: d.cursor, finished: false, more: false };
  const upToStop: StoredAuditEvent[] = [];
  for (const event of events) {
    if (event.time > stoppedAt) break;
    upToStop.push(event);
  }
  return { events: upToStop, cursor: upToStop.at(-1)?.seq ?? d.cursor, finished: true, more: false };
}
