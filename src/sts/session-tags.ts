import type { SessionClaims } from '../kernel/session.ts';
import { duplicateTagKeys, inheritedTransitiveTagConflict, reservedSessionTagKey, transitiveTagKeyNotInTags } from './errors.ts';

/**
 * Session tags of a new session, by AWS's rules ("Pass session tags in AWS STS"): keys are
 * unique regardless of case; every transitive key must be one of the requested tags; a role
 * session passes its transitive tags on to the sessions it makes (role chaining), and those
 * inherited tags can be neither set again nor overridden. Inherited tags stay transitive.
 * A key may not start with `aws:` in any case ("Rules for tagging in IAM and AWS STS": the
 * prefix is AWS's; it would also let a caller forge what aws:PrincipalTag/aws:… conditions read).
 * Length, pattern and count (50) are the model's, checked by the protocol layer.
 */
export interface SessionTagSet {
  /** Requested and inherited tags, keys spelt as given. */
  tags: Record<string, string>;
  /** Keys of the tags that pass on to chained sessions: inherited ones first. */
  transitiveTagKeys: string[];
}

export function sessionTags(
  requested: ReadonlyArray<{ Key: string; Value: string }> | undefined,
  requestedTransitiveKeys: readonly string[] | undefined,
  caller: SessionClaims | undefined,
): SessionTagSet {
  const requestedByKey = new Map<string, { Key: string; Value: string }>();
  for (const tag of requested ?? []) {
    const key = tag.Key.toLowerCase();
    if (requestedByKey.has(key)) throw duplicateTagKeys();
    requestedByKey.set(key, tag);
  }
  for (const tag of requestedByKey.values()) {
    if (tag.Key.toLowerCase().startsWith('aws:')) throw reservedSessionTagKey(tag.Key);
  }

  const inherited = inheritedTransitiveTags(caller);
  for (const key of requestedByKey.keys()) {
    if (inherited.has(key)) throw inheritedTransitiveTagConflict();
  }

  const transitive: string[] = [];
  for (const key of requestedTransitiveKeys ?? []) {
    const tag = requestedByKey.get(key.toLowerCase());
    if (!tag) throw transitiveTagKeyNotInTags();
    if (!transitive.includes(tag.Key)) transitive.push(tag.Key);
  }

  const tags: Record<string, string> = {};
  for (const [key, value] of inherited.values()) tags[key] = value;
  for (const tag of requestedByKey.values()) tags[tag.Key] = tag.Value;
  return { tags, transitiveTagKeys: [...[...inherited.values()].map(([key]) => key), ...transitive] };
}

/** The calling role session's transitive tags, by lower-cased key (only role sessions chain). */
function inheritedTransitiveTags(caller: SessionClaims | undefined): Map<string, [key: string, value: string]> {
  const inherited = new Map<string, [string, string]>();
  if (caller?.kind !== 'role-session') return inherited;
  const tags = caller.tags ?? {};
  for (const transitiveKey of caller.transitiveTagKeys ?? []) {
    const entry = Object.entries(tags).find(([key]) => key.toLowerCase() === transitiveKey.toLowerCase());
    if (entry) inherited.set(entry[0].toLowerCase(), entry);
  }
  return inherited;
}
