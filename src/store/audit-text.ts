import type { AuditLookupKey } from './types.ts';

/**
 * The text of an audit event is partly the caller's (object keys, descriptions, tags, error
 * messages that quote them), and a request's event must be written whatever it holds: the
 * request has been executed (forwarded upstream) or is about to be answered. The store refuses
 * U+0000 in text (records.ts: PostgreSQL cannot hold it) — so in an event each NUL is written
 * as U+FFFD, as a lossy reader would show it, instead of refusing the event. Refusing it lost
 * the event of the call (an UpdateSecret whose Description held a NUL left no trace) and failed
 * every other event written in the same batch.
 */
export function auditText(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/**
 * A NUL as JSON.stringify writes it: `\u0000` after an even number of backslashes (an odd
 * number means the text held a backslash followed by "u0000", not a NUL).
 */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/** An event's data as JSON, each NUL in its strings and member names written as U+FFFD. */
export function encodeAuditData(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('audit data must be JSON-serializable');
  // The finished JSON is searched rather than each value on the way: JSON.stringify's fast path
  // is several times quicker than a replacer, and this runs for every event.
  if (!json.includes('\\u0000') || !ESCAPED_NUL.test(json)) return json;
  return JSON.stringify(withoutNul(data, 0));
}

/** Lookup keys with their values' NULs written as U+FFFD; the attribute names are Tessera's own. */
export function auditLookupKeys(keys: readonly AuditLookupKey[]): readonly AuditLookupKey[] {
  if (!keys.some((key) => key.value.includes('\0'))) return keys;
  return keys.map((key) => ({ attr: key.attr, value: auditText(key.value) }));
}

const MAX_DEPTH = 64;

function withoutNul(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return auditText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => withoutNul(item, depth + 1));
  // fromEntries defines each member, so a `__proto__` member stays a member.
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, member]) => [auditText(name), withoutNul(member, depth + 1)]));
}
