import type { StoredAuditEvent } from '../store/types.ts';
import type { AuditData } from './record.ts';

/**
 * `tessera explain REQUEST_ID`: a request's full decision from the audit log — who asked for
 * what, the outcome AWS's client saw, and the engine's decision: which statements decided it
 * (policy, kind, index, Sid, effect), what was missing, and every condition key the request was
 * decided with. What an encoded authorization message would have told, and more: a trust
 * policy's denial, which the caller is never told about, is explained here too.
 */
export interface Explanation {
  requestId: string;
  eventTime: string;
  accounts: string[];
  eventSource?: string;
  eventName?: string;
  principal?: string;
  errorCode?: string;
  errorMessage?: string;
  decision?: AuditData['decision'];
}

export function explanationOf(events: readonly StoredAuditEvent[]): Explanation | undefined {
  const first = events[0];
  if (!first) return undefined;
  const { record, decision } = first.data as unknown as Partial<AuditData>;
  const identity = (record?.['userIdentity'] ?? {}) as Record<string, unknown>;
  return {
    requestId: first.requestId,
    eventTime: first.time,
    accounts: [...new Set(events.map((e) => e.accountId))],
    ...(record ? { eventSource: record.eventSource, eventName: record.eventName } : {}),
    ...(typeof identity['arn'] === 'string' ? { principal: identity['arn'] } : {}),
    ...(typeof record?.['errorCode'] === 'string' ? { errorCode: record['errorCode'] as string } : {}),
    ...(typeof record?.['errorMessage'] === 'string' ? { errorMessage: record['errorMessage'] as string } : {}),
    ...(decision ? { decision } : {}),
  };
}
