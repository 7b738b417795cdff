import { sessionTagProblem } from '../session-tag-limits.ts';
import { invalidTokenTags, missingClaim } from './errors.ts';

/**
 * Session tags an OIDC token passes (AWS: "Passing session tags using AssumeRoleWithWebIdentity"):
 * the `https://aws.amazon.com/tags` claim holds `principal_tags` (each key to a list of one
 * value) and optionally `transitive_tag_keys`. AWS's tag limits (count, lengths, characters)
 * are checked here, as the model checks AssumeRole's Tags; STS then applies AssumeRole's other
 * rules (unique keys, transitive keys among them, no `aws:` prefix). A tag with several values
 * is refused rather than one of them picked: a session tag has exactly one value, and which one
 * the IdP meant cannot be known (stricter than AWS may be; as for SAML's PrincipalTag).
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
      if (Array.isArray(value) && value.length > 1) throw invalidTokenTags(`session tag ${key} has more than one value`);
      const single = Array.isArray(value) ? value[0] : value;
      if (typeof single !== 'string') throw missingClaim(`${TAGS_CLAIM} principal_tags.${key}`);
      tags.push({ Key: key, Value: single });
    }
  }
  if (transitiveKeys !== undefined && (!Array.isArray(transitiveKeys) || transitiveKeys.some((k) => typeof k !== 'string'))) {
    throw missingClaim(`${TAGS_CLAIM} transitive_tag_keys`);
  }
  const problem = sessionTagProblem(tags);
  if (problem !== undefined) throw invalidTokenTags(problem);
  return { tags, transitiveTagKeys: [...((transitiveKeys as string[] | undefined) ?? [])] };
}
