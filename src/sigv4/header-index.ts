/**
 * Case-insensitive access to request headers. HTTP header names are case-insensitive and
 * a client may repeat a header; SigV4 canonicalizes by lower-casing names and joining the
 * repeated values in arrival order, so the index keeps every value, in order.
 */

/** Lower-cased header name → every value received for it, in order. */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

export function indexHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): HeaderIndex {
  const index = new Map<string, readonly string[]>();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const values = index.get(lower);
    // The caller's array is kept as it is (the index is read-only): copying every header's
    // values on every request was most of this function's cost.
    if (values === undefined) index.set(lower, typeof value === 'string' ? [value] : value);
    else index.set(lower, values.concat(value));
  }
  // HTTP/2 carries the host in the ':authority' pseudo-header; AWS accepts either.
  if (!index.has('host')) {
    const authority = index.get(':authority');
    if (authority) index.set('host', authority);
  }
  return index;
}

/**
 * Every value of one header, in order, as `indexHeaders(headers).get(lowerName)` gives them,
 * without indexing the others.
 */
export function headerValues(headers: Readonly<Record<string, string | readonly string[] | undefined>>, lowerName: string): readonly string[] | undefined {
  let values: readonly string[] | undefined;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || name.toLowerCase() !== lowerName) continue;
    values = values === undefined ? (typeof value === 'string' ? [value] : value) : values.concat(value);
  }
  return values;
}

/** The first value of a header, or undefined when absent. */
export function firstHeader(index: HeaderIndex, lowerName: string): string | undefined {
  return index.get(lowerName)?.[0];
}
