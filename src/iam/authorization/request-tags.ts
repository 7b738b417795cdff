import type { ContextValue } from '../../policy/index.ts';

/**
 * aws:RequestTag/<key> for each tag a request sets, and aws:TagKeys for their keys — the
 * condition keys AWS provides for operations that take `Tags` (Create*, Tag*).
 */
export function requestTagContext(tags: ReadonlyArray<{ Key: string; Value: string }> | undefined): Record<string, ContextValue> {
  if (!tags || tags.length === 0) return {};
  const context: Record<string, ContextValue> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value;
  return context;
}

/** aws:TagKeys for operations that remove tags (Untag*). */
export function tagKeysContext(keys: readonly string[] | undefined): Record<string, ContextValue> {
  return keys && keys.length > 0 ? { 'aws:TagKeys': [...keys] } : {};
}
