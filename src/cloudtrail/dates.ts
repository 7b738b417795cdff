/**
 * The two ways CloudTrail writes a time: `eventTime` and session attributes in ISO-8601 to the
 * second ("2024-10-07T11:23:39Z"), and timestamps inside requestParameters/responseElements
 * the way AWS's Java services print them ("Oct 7, 2024, 11:23:39 AM", UTC).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function eventTimeOf(date: Date): string {
  // toISOString always ends ".sssZ" (years 0–9999, the only ones a Date here holds): cut, not matched.
  const iso = date.toISOString();
  return `${iso.slice(0, -5)}Z`;
}

export function parameterTimeOf(date: Date): string {
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${twelve}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
