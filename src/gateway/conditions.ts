// The service condition keys a request sets, for one action: which keys apply comes from the
// Service Authorization Reference (the action's own list); their values from the request —
// the service's readers, a header named like the key (S3), the tags the request carries
// (aws:RequestTag/…, aws:TagKeys), or an input member named like the key (`kms:KeySpec` ←
// KeySpec, `sns:Protocol` ← Protocol). Keys that only the upstream knows (aws:ResourceTag/…,
// s3:ExistingObjectTag/…) become lookups elsewhere; the aws:* keys of the transport and the
// caller come from the authorizer.

import type { SarAction } from './authorization-data.ts';
import type { IdentifiedRequest } from './identify.ts';
import { sameName } from './resources.ts';
import type { ConditionReader, ConditionReaderContext, ServiceRules } from './rules.ts';
import type { ConditionValue } from './types.ts';
import { wholeEntries, wholeList } from './wire/limits.ts';

const readerIndex = new WeakMap<ServiceRules, Map<string, ConditionReader>>();

function readersOf(rules: ServiceRules): Map<string, ConditionReader> {
  let index = readerIndex.get(rules);
  if (index === undefined) {
    index = new Map(Object.entries(rules.conditions).map(([key, reader]) => [key.toLowerCase(), reader]));
    readerIndex.set(rules, index);
  }
  return index;
}

export function conditionContext(action: SarAction, request: IdentifiedRequest, rules: ServiceRules, context: ConditionReaderContext): Record<string, ConditionValue> {
  const result: Record<string, ConditionValue> = {};
  const readers = readersOf(rules);
  const tags = requestTags(request.input);
  for (const key of action.conditionKeys) {
    const lower = key.toLowerCase();
    if (lower === 'aws:requesttag/${tagkey}') {
      for (const [tag, value] of tags.pairs) result[`aws:RequestTag/${tag}`] = value;
      continue;
    }
    if (lower === 'aws:tagkeys') {
      if (tags.keys.length > 0 || tags.present) result['aws:TagKeys'] = tags.keys;
      continue;
    }
    if (lower.startsWith('aws:')) continue;
    const reader = readers.get(lower);
    if (reader !== undefined) {
      Object.assign(result, reader(request, context));
      continue;
    }
    const name = key.slice(key.indexOf(':') + 1);
    const header = rules.headerConditions?.(name.toLowerCase());
    if (header !== undefined) {
      const value = request.headers.get(header);
      if (value !== undefined) result[key] = value;
      continue;
    }
    const member = sameName(request.input.keys(), name);
    if (member !== undefined) {
      const value = conditionValue(request.input.get(member), member);
      if (value !== undefined) result[key] = value;
    }
  }
  return result;
}

/** A member's value as a condition value: scalars as strings, lists of scalars as lists. */
function conditionValue(value: unknown, member: string): ConditionValue | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')) {
    return wholeList(value, member).map(String);
  }
  return undefined;
}

interface RequestTags {
  pairs: [string, string][];
  keys: string[];
  /** A tag member is present (an empty list still sets aws:TagKeys to the empty set). */
  present: boolean;
}

/**
 * The tags a request carries, whatever its service's shape for them: a map (`tags`, `Tags`), a
 * list of `{Key, Value}` or `{TagKey, TagValue}`, or a list of keys (`TagKeys`, `tagKeys`).
 */
export function requestTags(input: ReadonlyMap<string, unknown>): RequestTags {
  const tags: RequestTags = { pairs: [], keys: [], present: false };
  for (const [member, value] of input) {
    const lower = member.toLowerCase();
    if (lower !== 'tags' && lower !== 'tag' && lower !== 'tagkeys') continue;
    tags.present = true;
    if (Array.isArray(value)) {
      for (const item of wholeList(value, member)) {
        if (typeof item === 'string') tags.keys.push(item);
        else if (typeof item === 'object' && item !== null) {
          const entry = item as Record<string, unknown>;
          const key = entry.Key ?? entry.TagKey ?? entry.key;
          const tagValue = entry.Value ?? entry.TagValue ?? entry.value ?? '';
          if (typeof key === 'string' && typeof tagValue === 'string') {
            tags.pairs.push([key, tagValue]);
            tags.keys.push(key);
          }
        }
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, tagValue] of wholeEntries(value, member)) {
        if (typeof tagValue !== 'string') continue;
        tags.pairs.push([key, tagValue]);
        tags.keys.push(key);
      }
    }
  }
  return tags;
}
