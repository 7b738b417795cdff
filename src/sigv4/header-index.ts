/**
 * Case-insensitive access to request headers. HTTP header names are case-insensitive and
 * a client may repeat a header; SigV4 canonicalizes by lower-casing names and joining the
 * repeated values in arrival order, so the index keeps every value, in order.
 */

/** Lower-cased header name → every value received for it, in order. */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

export function indexHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): HeaderIndex {
  const index = new Map<string, string[]>();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    let values = index.get(lower);
    if (!values) {
      values = [];
      index.set(lower, values);
    }
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  // HTTP/2 carries the host in the ':authority' pseudo-header; AWS accepts either.
  if (!index.has('host')) {
    const authority = index.get(':authority');
    if (authority) index.set('host', authority);
  }
  return index;
}

/** The first value of a header, or undefined when absent. */
export function firstHeader(index: HeaderIndex, lowerName: string): string | undefined {
  return index.get(lowerName)?.[0];
}
