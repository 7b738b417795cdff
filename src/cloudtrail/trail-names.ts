import { invalidBucketName, invalidS3Prefix, invalidTrailName } from './errors.ts';

/**
 * CloudTrail's naming rules, checked in linear time: a trail name is 3–128 characters of
 * letters, digits, periods, underscores and dashes, starting and ending with a letter or digit,
 * with no two of `._-` adjacent, and not shaped like an IP address; a bucket name follows S3's
 * rules (3–63 lower-case letters, digits, dots and dashes; a letter or digit at each end).
 */
export function checkTrailName(name: string): void {
  if (name.length < 3) throw invalidTrailName(`Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`);
  if (name.length > 128) throw invalidTrailName(`Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`);
  const isAlnum = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  const isMark = (c: string) => c === '.' || c === '_' || c === '-';
  for (let i = 0; i < name.length; i++) {
    const c = name.charAt(i);
    if (!isAlnum(c) && !isMark(c)) throw invalidTrailName('Trail name must contain only ASCII letters (a-z, A-Z), numbers (0-9), periods (.), underscores (_), or dashes (-).');
    if (isMark(c) && i > 0 && isMark(name.charAt(i - 1))) throw invalidTrailName('Trail name must not contain adjacent periods, underscores or dashes.');
  }
  if (!isAlnum(name.charAt(0)) || !isAlnum(name.charAt(name.length - 1))) throw invalidTrailName('Trail name must start and end with a letter or number.');
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) throw invalidTrailName('Trail name must not be in IP address format.');
}

export function checkBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bucket)) {
    throw invalidBucketName(bucket);
  }
}

/** A key prefix is a relative path of plain segments: no `..`, no empty segment, at most 200 characters. */
export function checkKeyPrefix(prefix: string): void {
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (prefix.length > 200 || prefix.startsWith('/') || body.split('/').some((segment) => segment === '..' || segment === '.' || segment === '') || prefix.includes('\\') || prefix.includes('\0')) {
    throw invalidS3Prefix();
  }
}
