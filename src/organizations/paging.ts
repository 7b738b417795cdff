import { invalidInput } from './errors.ts';

/**
 * Organizations' `NextToken`/`MaxResults` paging (MaxResults 1–20 per the model; 20 when
 * absent). The token is opaque to clients: the base64url of the last returned sort key, so
 * pages stay stable while other requests write, and a tampered token is refused.
 */
export const DEFAULT_MAX_RESULTS = 20;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (decoded.length === 0 || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
    throw invalidInput('INVALID_NEXT_TOKEN', 'The provided NextToken is not valid.');
  }
  return decoded;
}

function encodeToken(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

/** One page of a keyset-ordered store list: fetches one more than asked to know whether more exist. */
export async function pageOf<T>(
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
  sortKeyOf: (item: T) => string,
  token: string | undefined,
  maxResults: number | undefined,
): Promise<Page<T>> {
  const max = maxResults ?? DEFAULT_MAX_RESULTS;
  const rows = await fetch(decodeToken(token), max + 1);
  const items = rows.slice(0, max);
  return rows.length > max ? { items, nextToken: encodeToken(sortKeyOf(items[items.length - 1]!)) } : { items };
}

/** One page of an in-memory list, sorted here by its sort key. */
export function pageArray<T>(all: readonly T[], sortKeyOf: (item: T) => string, token: string | undefined, maxResults: number | undefined): Page<T> {
  const after = decodeToken(token);
  const sorted = [...all].sort((a, b) => compare(sortKeyOf(a), sortKeyOf(b)));
  const rest = after === undefined ? sorted : sorted.filter((item) => sortKeyOf(item) > after);
  const max = maxResults ?? DEFAULT_MAX_RESULTS;
  const items = rest.slice(0, max);
  return rest.length > max ? { items, nextToken: encodeToken(sortKeyOf(items[items.length - 1]!)) } : { items };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The response members of a page: the items under `name`, and NextToken when there is more. */
export function pageResponse<K extends string, T>(name: K, page: Page<T>): { [P in K]: T[] } & { NextToken?: string } {
  return { [name]: page.items, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) } as { [P in K]: T[] } & { NextToken?: string };
}
