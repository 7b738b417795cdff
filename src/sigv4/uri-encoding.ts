/**
 * URI encoding as SigV4 defines it (RFC 3986 unreserved characters kept, every other byte
 * as %XX with upper-case hex), and the lenient percent-decoding the verifier needs to
 * rebuild a canonical query from whatever a client sent.
 *
 * Everything works on UTF-8 bytes, not on JavaScript strings, so that a percent-escape of
 * a byte sequence that is not valid UTF-8 survives the decode/encode round trip unchanged.
 */

import { Buffer } from 'node:buffer';

const HEX = '0123456789ABCDEF';

function isUnreservedByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** Escapes per byte, built once: the verifier encodes every query parameter of every request. */
const ESCAPES: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  isUnreservedByte(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`,
);

const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** SigV4 URI-encodes bytes. `/` is kept only when `keepSlash` (path segments are joined by it). */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash = false): string {
  let out = '';
  for (const byte of bytes) {
    out += keepSlash && byte === 0x2f ? '/' : (ESCAPES[byte] as string);
  }
  return out;
}

/** SigV4 URI-encodes the UTF-8 bytes of `value`. */
export function uriEncode(value: string, keepSlash = false): string {
  // Most names and values (Action=ListUsers, X-Amz-Date=...) need no escaping at all.
  if (ALL_UNRESERVED.test(value)) return value;
  return uriEncodeBytes(Buffer.from(value, 'utf8'), keepSlash);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Decodes %XX escapes into bytes; any other character contributes its UTF-8 bytes.
 * A '%' not followed by two hex digits is kept as a literal '%', and '+' stays '+':
 * SigV4 clients escape spaces as %20, so '+' never means space here.
 */
export function percentDecodeToBytes(raw: string): Uint8Array {
  if (!raw.includes('%')) return Buffer.from(raw, 'utf8');
  // Escapes only shrink the text, so its UTF-8 length bounds the result: one buffer, filled
  // in one pass (an escape is a byte; a literal run is copied as UTF-8), nothing per escape.
  const out = Buffer.allocUnsafe(Buffer.byteLength(raw, 'utf8'));
  let length = 0;
  let literalStart = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== 0x25) continue;
    const high = i + 2 < raw.length ? hexValue(raw.charCodeAt(i + 1)) : -1;
    const low = high >= 0 ? hexValue(raw.charCodeAt(i + 2)) : -1;
    if (low < 0) continue; // a stray '%' stays part of the literal run
    if (i > literalStart) length += out.write(raw.slice(literalStart, i), length, 'utf8');
    out[length++] = high * 16 + low;
    i += 2;
    literalStart = i + 1;
  }
  if (raw.length > literalStart) length += out.write(raw.slice(literalStart), length, 'utf8');
  return out.subarray(0, length);
}

/** Percent-decodes to a string (invalid UTF-8 becomes U+FFFD); used for reading X-Amz-* values. */
export function percentDecode(raw: string): string {
  return Buffer.from(percentDecodeToBytes(raw)).toString('utf8');
}

/** Re-encodes a raw (possibly already escaped) query component in SigV4's canonical form. */
export function canonicalizeQueryComponent(raw: string): string {
  if (ALL_UNRESERVED.test(raw)) return raw;
  return uriEncodeBytes(percentDecodeToBytes(raw));
}
