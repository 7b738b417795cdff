import { invalidInput, quotaExceeded } from './errors.ts';

/**
 * IAM tag rules beyond the model's per-field constraints (length and pattern are checked by
 * the protocol layer from the model):
 *   - keys are unique regardless of case, in a request and on an entity; tagging with an
 *     existing key in another case replaces the tag, key spelling included (as IAM does);
 *   - at most `limit` (50) tags per entity after the change;
 *   - keys starting with `aws:` are reserved for AWS.
 * AWS's verbatim texts: "Duplicate tag keys found. Please note that Tag keys are case
 * insensitive." The reserved-prefix and quota wordings are best efforts.
 */

export interface Tag {
  Key: string;
  Value: string;
}

export function assertUniqueTagKeys(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
  }
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw invalidInput(`The tag key ${tag.Key} uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'.`);
    }
  }
}

/** Returns `existing` with `added` merged in (case-insensitive keys), enforcing the quota. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[], quotaName: string, limit: number): Tag[] {
  assertUniqueTagKeys(added);
  const byKey = new Map(existing.map((t) => [t.Key.toLowerCase(), t] as const));
  for (const tag of added) byKey.set(tag.Key.toLowerCase(), { Key: tag.Key, Value: tag.Value });
  if (byKey.size > limit) throw quotaExceeded(quotaName, limit);
  return sortTags([...byKey.values()]);
}

export function removeTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}

/** Tags are kept sorted by lower-cased key so listing and paging are stable. */
export function sortTags(tags: Tag[]): Tag[] {
  return tags.sort((a, b) => (a.Key.toLowerCase() < b.Key.toLowerCase() ? -1 : a.Key.toLowerCase() > b.Key.toLowerCase() ? 1 : 0));
}

export function tagMap(tags: readonly Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) out[t.Key] = t.Value;
  return out;
}
