import { LIMITS } from './limits.ts';

/** Query parameters in order of appearance: every value of each name (form decoding). */
export type QueryMap = ReadonlyMap<string, readonly string[]>;

/** Parse `a=1&b&c=%20` (or a form body); undefined when it has more parameters than allowed. */
export function parseQueryString(raw: string): QueryMap | undefined {
  const map = new Map<string, string[]>();
  if (raw === '') return map;
  const params = new URLSearchParams(raw);
  let count = 0;
  for (const [name, value] of params) {
    if (++count > LIMITS.parameters) return undefined;
    const values = map.get(name);
    if (values === undefined) map.set(name, [value]);
    else values.push(value);
  }
  return map;
}

export function first(query: QueryMap, name: string): string | undefined {
  return query.get(name)?.[0];
}
