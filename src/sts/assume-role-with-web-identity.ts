import type { OperationContext } from '../kernel/operation.ts';
import { findRoleByArn } from '../iam/roles/records.ts';
import type { AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse } from '../protocol/generated/sts.ts';
import { federatedSessionKeys } from './federated-session-keys.ts';
import { federatedSessionTags, verifiedFederation } from './federated-role-target.ts';
import { webIdentityDenied } from './errors.ts';
import { issueRoleSession, prepareRoleSession } from './role-session.ts';

/**
 * sts:AssumeRoleWithWebIdentity, once the token was verified (authentication) and the role's
 * trust policy allowed its subject (the authorize stage): a session of the role, named as
 * asked, carrying the token's session tags and source identity and its provider.
 */
async function assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityRequest, ctx: OperationContext): Promise<AssumeRoleWithWebIdentityResponse> {
  const federation = verifiedFederation(ctx);
  const role = await findRoleByArn(ctx.store, input.RoleArn);
  // Deleted between authorization and now: refused as authorization refuses a missing role.
  if (!role) throw webIdentityDenied();
  const session = await issueRoleSession(ctx, await prepareRoleSession(ctx, {
    role,
    sessionName: input.RoleSessionName,
    ...(input.DurationSeconds !== undefined ? { durationSeconds: input.DurationSeconds } : {}),
    chained: false,
    ...(input.Policy !== undefined ? { policy: input.Policy } : {}),
    ...(input.PolicyArns !== undefined ? { policyArns: input.PolicyArns } : {}),
    tags: federatedSessionTags(federation),
    ...(federation.sourceIdentity !== undefined ? { sourceIdentity: federation.sourceIdentity } : {}),
    federation: { protocol: 'oidc', provider: federation.providerArn, subject: federation.subject, keys: federatedSessionKeys(federation) },
  }));
  const { SubjectFromWebIdentityToken, Provider, Audience } = federation.response;
  return { ...session, SubjectFromWebIdentityToken: SubjectFromWebIdentityToken!, Provider: Provider!, Audience: Audience! };
}

export const webIdentityHandlers = { AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity };
