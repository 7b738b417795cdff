import { invalidInput } from './errors.ts';

/**
 * IAM's `Marker`/`MaxItems`/`IsTruncated` paging over keyset-ordered store lists.
 *
 * The marker is opaque to clients: the base64url of the last returned sort key. Keyset
 * paging (rather than offsets) keeps pages stable while other requests insert or delete,
 * and makes page N cost the same as page 1.
 */

export const DEFAULT_MAX_ITEMS = 100;

export function decodeMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const decoded = Buffer.from(marker, 'base64url').toString('utf8');
  if (decoded.length === 0 || Buffer.from(decoded, 'utf8').toString('base64url') !== marker) {
    throw invalidInput('Invalid Marker.');
  }
  return decoded;
}

export function encodeMarker(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

/**
 * Fetches `maxItems + 1` rows to learn whether more exist, and returns one page.
 * `sortKeyOf` must return the value the store orders by (the lower-cased name for entities).
 */
export async function pageOf<T>(
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
  sortKeyOf: (item: T) => string,
  marker: string | undefined,
  maxItems: number | undefined,
): Promise<Page<T>> {
  const limit = maxItems ?? DEFAULT_MAX_ITEMS;
  const rows = await fetch(decodeMarker(marker), limit + 1);
  if (rows.length <= limit) return { items: rows, isTruncated: false };
  const items = rows.slice(0, limit);
  return { items, isTruncated: true, marker: encodeMarker(sortKeyOf(items[items.length - 1]!)) };
}

/** Pages an in-memory, already ordered array (tags, small lists) with the same marker form. */
export function pageArray<T>(all: T[], sortKeyOf: (item: T) => string, marker: string | undefined, maxItems: number | undefined): Page<T> {
  const after = decodeMarker(marker);
  const start = after === undefined ? 0 : all.findIndex((item) => sortKeyOf(item) > after);
  const rest = start < 0 ? [] : all.slice(start);
  const limit = maxItems ?? DEFAULT_MAX_ITEMS;
  if (rest.length <= limit) return { items: rest, isTruncated: false };
  const items = rest.slice(0, limit);
  return { items, isTruncated: true, marker: encodeMarker(sortKeyOf(items[items.length - 1]!)) };
}
