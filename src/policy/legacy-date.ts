// The date values IAM's legacy policy parser accepts in a Date condition. Anything else makes
// IAM refuse the whole document with "The policy failed legacy parsing".
//
// The grammar is looser than ISO 8601 (hours need not be two digits, a bare `01T` passes) and
// is not the one evaluation uses (typed-values.ts): a value can pass here and still never
// compare true, which the validator reports as a warning. Recorded answers it reproduces:
// accepted `2016-12-13t2:00:00.593194+23`, `-292275054`, `01T`; refused `sdfdsf`, `234-13`,
// `2016-12-13t2:00:00.593194+1`, `2016-12-13t2:00:00.1999999999+10:59`, `9223372036854775808`.
// Written as plain string handling: no pattern is built from, or run unbounded on, input.

const MIN_YEAR = -292275054;
const MAX_YEAR = 292278993;
const MAX_EPOCH = 9223372036854775807n;
const MAX_FRACTION = 999999999;

/** Digits only, optionally signed (Python's int() on a trimmed token). */
function integer(text: string): number | null {
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (body.length === 0 || body.length > 20) return null;
  for (const ch of body) if (ch < '0' || ch > '9') return null;
  return Number(text);
}

function inRange(text: string, min: number, max: number): boolean {
  const n = integer(text);
  return n !== null && n >= min && n <= max;
}

export function isLegacyDateValue(value: string): boolean {
  const lower = value.toLowerCase();
  if (lower.includes('t') || lower.includes('-')) return isLegacyIsoDate(lower);
  const body = lower.startsWith('+') ? lower.slice(1) : lower;
  if (integer(body) === null || body.startsWith('-')) return false;
  return BigInt(body) <= MAX_EPOCH;
}

function isLegacyIsoDate(text: string): boolean {
  const t = text.indexOf('t');
  const datePart = t === -1 ? text : text.slice(0, t);
  const timePart = t === -1 ? '' : text.slice(t + 1);

  const negative = datePart.startsWith('-');
  const dateFields = (negative ? datePart.slice(1) : datePart).split('-');
  if (dateFields.length > 3) return false;
  if (!inRange((negative ? '-' : '') + dateFields[0]!, MIN_YEAR, MAX_YEAR)) return false;
  if (dateFields.length > 1 && !inRange(dateFields[1]!, 1, 12)) return false;
  if (dateFields.length > 2 && !inRange(dateFields[2]!, 1, 31)) return false;

  const timeFields = timePart.split(':');
  if (timeFields[0] !== '' && !inRange(timeFields[0]!, 0, 23)) return false;
  if (timeFields.length > 1 && !inRange(timeFields[1]!, 0, 59)) return false;
  if (timeFields.length > 2) return isLegacySeconds(timeFields.slice(2).join(':'));
  return true;
}

/** `SS[.fraction]` followed by `z`, `+HH[:MM]` or nothing. */
function isLegacySeconds(text: string): boolean {
  let seconds = text;
  const z = text.indexOf('z');
  const plus = text.indexOf('+');
  if (z !== -1) {
    if (z !== text.length - 1) return false;
    seconds = text.slice(0, z);
  } else if (plus !== -1) {
    seconds = text.slice(0, plus);
    const zone = text.slice(plus + 1);
    const colon = zone.indexOf(':');
    const hours = colon === -1 ? zone : zone.slice(0, colon);
    if (hours.length !== 2 || !inRange(hours, 0, 23)) return false;
    if (colon !== -1) {
      const minutes = zone.slice(colon + 1);
      if (minutes.length !== 2 || !inRange(minutes, 0, 59)) return false;
    }
  }
  const dot = seconds.indexOf('.');
  const whole = dot === -1 ? seconds : seconds.slice(0, dot);
  if (!inRange(whole, 0, 59)) return false;
  return dot === -1 || inRange(seconds.slice(dot + 1), 0, MAX_FRACTION);
}
