/**
 * The two ways CloudTrail writes a time: `eventTime` and session attributes in ISO-8601 to the
 * second ("2024-10-07T11:23:39Z"), and timestamps inside requestParameters/responseElements
 * the way AWS's Java services print them ("Oct 7, 2024, 11:23:39 AM", UTC).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function eventTimeOf(date: Date): string {
  timesOf(date);
  return lastEventTime;
}

/** `date.toISOString()` (an event's `time`), from the same one-entry cache as {@link eventTimeOf}. */
export function isoTimeOf(date: Date): string {
  timesOf(date);
  return lastIso;
}

// The last instant written, both ways: each event wrote its time twice, and a busy server
// records many events within one millisecond.
let lastMs = Number.NaN;
let lastIso = '';
let lastEventTime = '';

function timesOf(date: Date): void {
  const ms = date.getTime();
  // An invalid date (NaN) never matches: toISOString throws for it, as before.
  if (ms === lastMs) return;
  const iso = date.toISOString();
  // toISOString always ends ".sssZ" (years 0–9999, the only ones a Date here holds): cut, not matched.
  lastEventTime = `${iso.slice(0, -5)}Z`;
  lastIso = iso;
  lastMs = ms;
}

export function parameterTimeOf(date: Date): string {
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${twelve}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
