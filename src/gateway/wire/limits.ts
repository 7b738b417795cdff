/**
 * Bounds on what the mapper reads, checked before any parsing: a request past them is refused
 * as invalid without further work. They are far above what AWS itself accepts (an S3 key is at
 * most 1,024 bytes; a URL at most 8 KiB on most AWS front ends), so no real client meets them.
 */
export const LIMITS = {
  /** Characters of the encoded path. */
  path: 8192,
  /** Characters of the raw query string. */
  query: 16384,
  /** Query or form parameters. */
  parameters: 1000,
  /** Bytes of a JSON or form body read for authorization. */
  body: 6 * 1024 * 1024,
  /** Nesting of a JSON body or of a Query parameter name. */
  depth: 32,
  /** Elements of a list that become one check each (SSM names, DynamoDB tables, S3 keys). */
  fanOut: 1000,
} as const;

/**
 * A list or map the mapper reads for authorization that has more than LIMITS.fanOut entries.
 * The request is refused (map-request.ts) rather than read in part: a part would leave the
 * other entries unchecked, yet forwarded — a Deny on the 1,001st tag or attribute name would
 * never apply.
 */
export class BeyondLimit extends Error {
  constructor(what: string) {
    super(`${what} has more than ${LIMITS.fanOut} entries; the gateway authorizes at most ${LIMITS.fanOut} entries of one list or map`);
  }
}

/** `list`, whole, or BeyondLimit when it is longer than LIMITS.fanOut. */
export function wholeList<T>(list: readonly T[], what: string): readonly T[] {
  if (list.length > LIMITS.fanOut) throw new BeyondLimit(what);
  return list;
}

/**
 * The own entries of `map`, whole, or BeyondLimit — counted before any is copied, so a
 * 10,000-entry map costs a thousand steps to refuse.
 */
export function wholeEntries(map: object, what: string): [string, unknown][] {
  let count = 0;
  for (const key in map) if (Object.hasOwn(map, key) && ++count > LIMITS.fanOut) throw new BeyondLimit(what);
  return Object.entries(map);
}
