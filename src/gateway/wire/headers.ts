/** Request headers by lower-case name; repeated headers joined with `,` as HTTP allows. */
export type HeaderMap = ReadonlyMap<string, string>;

export function normalizeHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): HeaderMap {
  const map = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : value.join(',');
    const key = name.toLowerCase();
    const previous = map.get(key);
    map.set(key, previous === undefined ? text : `${previous},${text}`);
  }
  return map;
}
