/**
 * A tiny parser for the raw HTTP/1.1 requests of the AWS SigV4 test suite (request.txt,
 * header-signed-request.txt, query-signed-request.txt). Test support only.
 *
 * The vectors are not always valid HTTP, on purpose: a request target may contain a space
 * ('GET /example space/ HTTP/1.1') or raw UTF-8, so the target is everything between the
 * first and the last space of the request line. A line starting with a space or a tab
 * continues the previous header's value (obsolete line folding); as RFC 9112 tells a
 * recipient to, each fold is replaced by a single space.
 */

import type { SigningRequest } from '../types.ts';

export function parseRawHttpRequest(text: string): SigningRequest {
  // The first empty line ends the head; everything after it is the body, byte for byte.
  const separator = /\r?\n\r?\n/.exec(text);
  const head = separator ? text.slice(0, separator.index) : text.replace(/\r?\n$/, '');
  const body = separator ? text.slice(separator.index + separator[0].length) : '';
  const lines = head.split(/\r?\n/);
  const requestLine = lines[0] ?? '';
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  if (firstSpace < 0 || lastSpace <= firstSpace) throw new SyntaxError(`malformed request line: ${JSON.stringify(requestLine)}`);
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const queryAt = target.indexOf('?');

  const headers: Record<string, string | string[]> = {};
  const nameByLower = new Map<string, string>();
  let lastName: string | undefined;
  for (const line of lines.slice(1)) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (lastName === undefined) throw new SyntaxError('continuation line before any header');
      const values = headers[lastName];
      const continuation = ` ${line.trim()}`;
      if (Array.isArray(values)) values[values.length - 1] += continuation;
      else headers[lastName] = `${values ?? ''}${continuation}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SyntaxError(`malformed header line: ${JSON.stringify(line)}`);
    const rawName = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    // Repeats of a header, in any case, are kept together under the first spelling seen.
    const name = nameByLower.get(rawName.toLowerCase()) ?? rawName;
    nameByLower.set(rawName.toLowerCase(), name);
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
    lastName = name;
  }

  return {
    method,
    path: queryAt < 0 ? target : target.slice(0, queryAt),
    query: queryAt < 0 ? '' : target.slice(queryAt + 1),
    headers,
    body,
  };
}
