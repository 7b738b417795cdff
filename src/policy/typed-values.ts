// Coercion of policy and context values for the typed condition operators.
//
// Every parser is strict and returns null for text it does not understand; the caller
// then makes the whole condition false (see conditions.ts). Nothing here uses Date.parse
// or Number(), whose leniency ("" → 0, " 12 " → 12, "2020" → a date) would let a typo in a
// policy silently mean something.

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

// ISO 8601 as AWS documents it for Date operators ("one of the W3C implementations of the
// ISO 8601 date formats", i.e. the W3C profile: YYYY-MM, YYYY-MM-DD, then hh:mm, ss and
// fractions with a zone): a year and month (the first of the month), or a calendar date,
// optionally a time and an offset; no offset means UTC. A bare four-digit year is read as
// epoch seconds (below), since AWS accepts epoch time too and does not say which wins.
// Basic format (20200101T000000Z) is accepted as well because AWS's own aws:CurrentTime
// examples use it.
const ISO_EXTENDED =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?:\d{2})?)?$/;
const EPOCH = /^-?\d{1,15}(?:\.\d+)?$/;

/** Milliseconds since the epoch, from ISO 8601 text or epoch seconds. */
export function parseDate(text: string): number | null {
  if (EPOCH.test(text)) return Math.round(Number(text) * 1000);
  const m = ISO_EXTENDED.exec(text) ?? ISO_BASIC.exec(text);
  if (m === null) return null;
  const [, y, mo, d = '1', h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const millis = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "true" / "false", case-insensitively. */
export function parseBool(text: string): boolean | null {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return null;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes base64 into a canonical byte string (one char per byte) so two encodings of
 * the same bytes compare equal. Padding is optional; anything else is refused.
 */
export function decodeBase64(text: string): string | null {
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1 || text.length - body.length > 2) return null;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < body.length; i++) {
    const v = BASE64_DIGITS.indexOf(body[i]!);
    if (v === -1) return null;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}
