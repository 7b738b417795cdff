/**
 * Where the audit log keeps an account's events, and the key that finds a principal's: shared
 * vocabulary, because cloudtrail/ writes these streams and keys while iam/ (service last
 * accessed reports) reads them, and neither module may import the other.
 *
 * An account's management events are stored under its account ID; its data events (S3 object
 * operations, SQS messages and the like) beside them under an account key of their own,
 * `data:<account>`. CloudTrail's event history (LookupEvents) holds management events only,
 * so it never sees them; a trail delivers data events only when its event selectors ask for
 * them, and only then reads this stream beside the account's (sequence numbers are one
 * sequence across streams: one cursor serves both). Readers by principal (`tessera explain`,
 * `tessera policy generate`, IAM's last accessed reports) read both streams.
 */
export const DATA_EVENTS_PREFIX = 'data:';

/** The audit stream of an account's data events. */
export function dataEventsOf(accountId: string): string {
  return `${DATA_EVENTS_PREFIX}${accountId}`;
}

/**
 * The lookup key under which every event is indexed by its caller's ARN and, for a session,
 * by the ARN of the IAM role or user behind it: querying a role's ARN finds all its sessions.
 */
export const PRINCIPAL_KEY = 'tessera:Principal';
