/**
 * CloudTrail's object layout in a trail's bucket:
 *   [prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz
 *   [prefix/]AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>.json.gz
 */
function prefixOf(prefix: string | undefined): string {
  if (!prefix) return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '/');
}

function basicTime(date: Date, seconds: boolean): string {
  const iso = date.toISOString();
  const compact = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  return seconds ? `${compact}${iso.slice(17, 19)}Z` : `${compact}Z`;
}

export function logFileKey(prefix: string | undefined, accountId: string, region: string, at: Date, id: string): string {
  return `${prefixOf(prefix)}AWSLogs/${accountId}/CloudTrail/${region}/${day(at)}/${accountId}_CloudTrail_${region}_${basicTime(at, false)}_${id}.json.gz`;
}

export function digestKey(prefix: string | undefined, accountId: string, region: string, trailName: string, at: Date): string {
  return `${prefixOf(prefix)}AWSLogs/${accountId}/CloudTrail-Digest/${region}/${day(at)}/${accountId}_CloudTrail-Digest_${region}_${trailName}_${region}_${basicTime(at, true)}.json.gz`;
}

/** Everything of one account's trails in a bucket: `[prefix/]AWSLogs/<account>/`. */
export function accountPrefix(prefix: string | undefined, accountId: string): string {
  return `${prefixOf(prefix)}AWSLogs/${accountId}/`;
}

/** Where a trail's log files and digests live in its bucket. */
export function logFilesPrefix(prefix: string | undefined, accountId: string): string {
  return `${prefixOf(prefix)}AWSLogs/${accountId}/CloudTrail/`;
}

export function digestsPrefix(prefix: string | undefined, accountId: string): string {
  return `${prefixOf(prefix)}AWSLogs/${accountId}/CloudTrail-Digest/`;
}
