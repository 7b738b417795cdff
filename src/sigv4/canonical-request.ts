/**
 * Task 1 of SigV4: the canonical request.
 *
 *   METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n PayloadHash
 *
 * The input is the request as received (raw path and query), so the verifier rebuilds the
 * exact string the client hashed. The path of every service but S3 is "URI-encoded twice":
 * the client escaped it once to put it on the wire, and each segment of that wire form is
 * escaped once more here (a '%' becomes '%25').
 */

import { type HeaderIndex, indexHeaders } from './header-index.ts';
import { canonicalizeQueryComponent, percentDecode, uriEncode } from './uri-encoding.ts';

/**
 * RFC 3986 remove_dot_segments, plus the collapsing of empty segments AWS applies:
 * '/a//b/./c/../d' → '/a/b/d'. A trailing slash survives when a segment remains.
 */
export function normalizePathSegments(path: string): string {
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = path.endsWith('/') && kept.length > 0 ? '/' : '';
  return leading + kept.join('/') + trailing;
}

/** The canonical URI of a raw request path. */
export function canonicalUri(rawPath: string, normalize = true): string {
  if (rawPath === '/') return '/'; // every IAM, STS and Organizations request
  const path = normalize ? normalizePathSegments(rawPath) : rawPath;
  if (path === '') return '/';
  return uriEncode(path, true);
}

/**
 * The canonical query string of a raw query: each name and value decoded and re-encoded,
 * pairs sorted by name then value. `omit` receives each decoded name and drops the
 * parameters it returns true for (the verifier drops X-Amz-Signature).
 */
export function canonicalQuery(rawQuery: string, omit?: (decodedName: string) => boolean): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    if (omit && omit(percentDecode(rawName))) continue;
    pairs.push([canonicalizeQueryComponent(rawName), canonicalizeQueryComponent(rawValue)]);
  }
  // Encoded names and values are ASCII, so code-unit order is byte order, as AWS sorts.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Trims a header value and collapses each run of whitespace (folded lines included) to one space. */
export function canonicalHeaderValue(value: string): string {
  return isCanonicalHeaderValue(value) ? value : value.replace(/[ \t\r\n]+/g, ' ').trim();
}

/** No tab, CR or LF, no two spaces in a row, nothing trim() would remove: already canonical (the usual case). */
function isCanonicalHeaderValue(value: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
    const space = code === 0x20;
    if (space && previousSpace) return false;
    previousSpace = space;
  }
  return value.trim().length === value.length;
}

/** 'name:value\n' for each signed header; repeated values are joined with ','. */
export function canonicalHeaders(headers: HeaderIndex, signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    const values = headers.get(name);
    out += name + ':';
    if (values !== undefined) {
      for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + canonicalHeaderValue(values[i]!);
    }
    out += '\n';
  }
  return out;
}

/** Lower-cases, de-duplicates and sorts header names, the order SignedHeaders must list them in. */
export function sortSignedHeaders(names: readonly string[]): string[] {
  if (isSortedLowerCaseSet(names)) return names as string[];
  return [...new Set(names.map((name) => name.toLowerCase()))].sort();
}

/** As clients send them: lower-case, each after the one before (so no repeats). */
function isSortedLowerCaseSet(names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name !== name.toLowerCase()) return false;
    if (i > 0 && !(names[i - 1]! < name)) return false;
  }
  return true;
}

export interface CanonicalRequestInput {
  method: string;
  /** Raw request path, as on the wire. */
  path: string;
  /** Raw query string, without '?'. */
  query: string;
  headers: Readonly<Record<string, string | readonly string[]>> | HeaderIndex;
  /** Lower-case names, sorted (see {@link sortSignedHeaders}). */
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or the client's declared x-amz-content-sha256. */
  payloadHash: string;
}

export interface CanonicalRequestOptions {
  /** Remove dot segments and duplicate slashes first (every service but S3). Default true. */
  normalizePath?: boolean;
  /** Query parameters, by decoded name, to leave out. */
  omitQueryParameter?: (decodedName: string) => boolean;
}

export function canonicalRequest(input: CanonicalRequestInput, options: CanonicalRequestOptions = {}): string {
  const headers = input.headers instanceof Map ? (input.headers as HeaderIndex) : indexHeaders(input.headers as Record<string, string | readonly string[]>);
  return (
    input.method + '\n' +
    canonicalUri(input.path, options.normalizePath ?? true) + '\n' +
    canonicalQuery(input.query, options.omitQueryParameter) + '\n' +
    canonicalHeaders(headers, input.signedHeaders) + '\n' +
    input.signedHeaders.join(';') + '\n' +
    input.payloadHash
  );
}
