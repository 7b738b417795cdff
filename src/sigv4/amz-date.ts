/**
 * The two date forms a SigV4 request may carry: ISO-8601 basic format in X-Amz-Date
 * ('20150830T123600Z'), and the HTTP Date header's IMF-fixdate ('Sun, 30 Aug 2015 12:36:00 GMT').
 * Parsing is strict and never goes through Date.parse, whose leniency differs between engines.
 */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** '20150830T123600Z' for the given instant (sub-second precision dropped, as AWS does). */
export function formatAmzDate(date: Date): string {
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    'T' +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z'
  );
}

/** Builds a UTC date only if every field is in range (no rollover of '20150231' into March). */
function exactUtcDate(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined;
  return date;
}

/** Parses ISO-8601 basic format ('20150830T123600Z'); undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  return exactUtcDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Parses the value of an HTTP Date header. IMF-fixdate is what RFC 9110 requires senders to
 * produce; ISO-8601 basic format is accepted too because some SigV4 clients put it there.
 */
export function parseHttpDate(value: string): Date | undefined {
  const trimmed = value.trim();
  const m = IMF_FIXDATE.exec(trimmed);
  if (!m) return parseAmzDate(trimmed);
  const month = MONTHS.indexOf(m[3] as string) + 1;
  return exactUtcDate(Number(m[4]), month, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
}
