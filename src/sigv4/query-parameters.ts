/**
 * Reading parameters out of a raw query string, for the presigned form's X-Amz-* values.
 * (The canonical query is built separately, from the raw text, by canonical-request.ts.)
 */

import { percentDecode } from './uri-encoding.ts';

export interface QueryParameter {
  /** Decoded name. */
  name: string;
  /** Decoded value ('' for a bare 'name'). */
  value: string;
}

export function parseQueryParameters(rawQuery: string): QueryParameter[] {
  const parameters: QueryParameter[] = [];
  if (rawQuery === '') return parameters;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    parameters.push({
      name: percentDecode(eq < 0 ? part : part.slice(0, eq)),
      value: eq < 0 ? '' : percentDecode(part.slice(eq + 1)),
    });
  }
  return parameters;
}

/** The first value of a parameter (names are case-sensitive, as AWS reads them). */
export function firstParameter(parameters: readonly QueryParameter[], name: string): string | undefined {
  return parameters.find((parameter) => parameter.name === name)?.value;
}
