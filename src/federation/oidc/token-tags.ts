import { missingClaim } from './errors.ts';

/**
 * Session tags an OIDC token passes (AWS: "Passing session tags using AssumeRoleWithWebIdentity"):
 * the `https://aws.amazon.com/tags` claim holds `principal_tags` (each key to a list of one
 * value) and optionally `transitive_tag_keys`. Read here as given; STS applies the same rules
 * to them as to AssumeRole's tags.
 */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

export interface TokenTags {
  tags: Array<{ Key: string; Value: string }>;
  transitiveTagKeys: string[];
}

export function tokenSessionTags(payload: Record<string, unknown>): TokenTags {
  const claim = payload[TAGS_CLAIM];
  if (claim === undefined) return { tags: [], transitiveTagKeys: [] };
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) throw missingClaim(TAGS_CLAIM);
  const { principal_tags: principalTags, transitive_tag_keys: transitiveKeys } = claim as Record<string, unknown>;
  const tags: Array<{ Key: string; Value: string }> = [];
  if (principalTags !== undefined) {
    if (typeof principalTags !== 'object' || principalTags === null || Array.isArray(principalTags)) throw missingClaim(`${TAGS_CLAIM} principal_tags`);
    for (const [key, value] of Object.entries(principalTags)) {
      const single = Array.isArray(value) ? value[0] : value;
      if (typeof single !== 'string') throw missingClaim(`${TAGS_CLAIM} principal_tags.${key}`);
      tags.push({ Key: key, Value: single });
    }
  }
  if (transitiveKeys !== undefined && (!Array.isArray(transitiveKeys) || transitiveKeys.some((k) => typeof k !== 'string'))) {
    throw missingClaim(`${TAGS_CLAIM} transitive_tag_keys`);
  }
  return { tags, transitiveTagKeys: [...((transitiveKeys as string[] | undefined) ?? [])] };
}
