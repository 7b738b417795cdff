import type { ContextValue } from '../policy/index.ts';
import type { AuthorizationTarget, TargetContext } from '../authz/target.ts';
import type { VerifiedFederation } from '../kernel/principal.ts';
import { requestTagContext } from '../iam/authorization/request-tags.ts';
import { roleTrustTarget } from './assume-role-target.ts';
import { sessionTags, type SessionTagSet } from './session-tags.ts';

/**
 * What AssumeRoleWithWebIdentity and AssumeRoleWithSAML are authorized against: the role, its
 * trust policy deciding for the verified subject of an identity provider (authenticated
 * before: the principal carries the provider's condition keys) — exactly as for AssumeRole,
 * with the same global keys, plus sts:RoleSessionName and the session tags and source identity
 * the token or assertion passes (sts:TagSession / sts:SetSourceIdentity from the same trust
 * policy). Tags follow AssumeRole's rules (unique keys regardless of case, transitive keys
 * among them).
 */
export async function federatedRoleTarget(ctx: TargetContext, roleArn: string, sessionName: string | undefined): Promise<AuthorizationTarget> {
  const federation = verifiedFederation(ctx);
  const tags = federatedSessionTags(federation);
  const context: Record<string, ContextValue> = { ...requestTagContext(federation.tags) };
  if (sessionName !== undefined) context['sts:RoleSessionName'] = sessionName;
  if (tags.transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = [...tags.transitiveTagKeys];
  if (federation.sourceIdentity !== undefined) context['sts:SourceIdentity'] = federation.sourceIdentity;
  return roleTrustTarget(ctx, roleArn, context, {
    tagSession: federation.tags.length > 0 || federation.transitiveTagKeys.length > 0,
    setSourceIdentity: federation.sourceIdentity !== undefined,
  });
}

/** The session tags a verified token or assertion passes, by AssumeRole's rules. */
export function federatedSessionTags(federation: VerifiedFederation): SessionTagSet {
  return sessionTags(federation.tags, federation.transitiveTagKeys, undefined);
}

/** The identity provider's verified subject: authentication guarantees one for these operations. */
export function verifiedFederation(ctx: { principal: { federation?: VerifiedFederation } }): VerifiedFederation {
  const federation = ctx.principal.federation;
  if (!federation) throw new Error('a federated operation reached without a verified token or assertion');
  return federation;
}
