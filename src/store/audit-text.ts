import type { AuditLookupKey } from './types.ts';

/**
 * The text of an audit event is partly the caller's (object keys, descriptions, tags, error
 * messages that quote them), and a request's event must be written whatever it holds: the
 * request has been executed (forwarded upstream) or is about to be answered. The store refuses
 * U+0000 in text (records.ts: PostgreSQL cannot hold it) — so in an event each NUL is written
 * as U+FFFD, as a lossy reader would show it, instead of refusing the event. Refusing it lost
 * the event of the call (an UpdateSecret whose Description held a NUL left no trace) and failed
 * every other event written in the same batch. A lone surrogate likewise: PostgreSQL's jsonb
 * refuses the escape JSON.stringify writes for it (SQLite stores it), and the failed batch lost
 * the events of other callers' requests with it.
 */
export function auditText(value: string): string {
  const text = value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
  return text.isWellFormed() ? text : text.toWellFormed();
}

/**
 * A NUL or a lone surrogate as JSON.stringify writes it: `\u0000` or `\ud800`–`\udfff` (it
 * escapes only unpaired surrogates, in lower case) after an even number of backslashes (an odd
 * number means the text held a backslash followed by "u…", not the character).
 */
const ESCAPED_UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/** An event's data as JSON, each NUL and lone surrogate in its strings and member names written as U+FFFD. */
export function encodeAuditData(data: unknown): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('audit data must be JSON-serializable');
  // The finished JSON is searched rather than each value on the way: JSON.stringify's fast path
  // is several times quicker than a replacer, and this runs for every event.
  if (!(json.includes('\\u0000') || json.includes('\\ud')) || !ESCAPED_UNSTORABLE.test(json)) return json;
  return JSON.stringify(withoutNul(data, 0));
}

/** Lookup keys with their values' NULs written as U+FFFD; the attribute names are Tessera's own. */
export function auditLookupKeys(keys: readonly AuditLookupKey[]): readonly AuditLookupKey[] {
  if (!keys.some((key) => key.value.includes('\0') || !key.value.isWellFormed())) return keys;
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
