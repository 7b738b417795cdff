import type { Tag } from '../protocol/generated/organizations.ts';
import { constraint, invalidInput, systemTags } from './errors.ts';
import { LIMITS } from './limits.ts';

/** Tags given with a request: none in AWS's reserved `aws:` prefix (any case), unique keys, at most 50. */
export function assertTags(tags: readonly Tag[]): void {
  const keys = new Set<string>();
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:')) throw systemTags();
    if (keys.has(tag.Key)) throw invalidInput('DUPLICATE_TAG_KEY', 'You provided duplicate tag keys.');
    keys.add(tag.Key);
  }
  if (tags.length > LIMITS.tags) throw constraint('MAX_TAG_LIMIT_EXCEEDED', `You have exceeded the maximum number of tags (${LIMITS.tags}) allowed on this resource.`);
}

/** Existing tags with new ones merged in (a key given again takes the new value). */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const tag of added) byKey.set(tag.Key, tag.Value);
  const merged = [...byKey.entries()].map(([Key, Value]) => ({ Key, Value }));
  assertTags(merged);
  return merged;
}
