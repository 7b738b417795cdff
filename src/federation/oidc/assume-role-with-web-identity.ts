import type { OperationContext } from '../../kernel/operation.ts';
import { evaluate, type ContextValue, type EvaluationPrincipal } from '../../policy/index.ts';
import { findOidcProvider } from '../../iam/providers/lookup.ts';
import { issuerKey } from '../../iam/providers/oidc-url.ts';
import { findRoleByArn, parseRoleArn, roleArn, type RoleRecord } from '../../iam/roles/records.ts';
import { recordRoleUse } from '../../iam/roles/last-used.ts';
import type { AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse } from '../../protocol/generated/sts.ts';
import { assumeRoleDuration } from '../../sts/durations.ts';
import { packedPolicySize } from '../../sts/packed-size.ts';
import { assertArnShape } from '../../sts/role-arn.ts';
import { assumedRoleArn } from '../../sts/session-arns.ts';
import { sessionPolicies } from '../../sts/session-policies.ts';
import { issueTemporaryCredentials } from '../../sts/temporary-credentials.ts';
import type { DiscoveryKeySource } from './discovery-keys.ts';
import { missingClaim, notAuthorized, tokenNotValidated } from './errors.ts';
import { readUnverifiedJwt } from './jwt-parts.ts';
import { checkClaims } from './token-claims.ts';
import { tokenSessionTags } from './token-tags.ts';
import { webIdentityTrustContext } from './trust-context.ts';
import { verifiedTokenPayload } from './verified-token.ts';

/**
 * sts:AssumeRoleWithWebIdentity. The caller presents no credentials: the OIDC token is the
 * proof. In order: the token's issuer (read unverified) picks the OIDC provider of the ROLE's
 * account; one of that provider's keys must verify the signature; the verified claims must
 * name one of its client IDs and be inside their validity window; then the role's trust
 * policy alone decides, with the provider as a `Federated` principal and the token's claims
 * as condition keys. Nothing is revealed before the signature checks out: an issuer the
 * account has no provider for is refused exactly like a bad signature, and the role is read
 * only after; a role that does not exist is refused exactly like one whose trust policy says no.
 */
export interface WebIdentityDeps {
  discovery: DiscoveryKeySource;
}

/** AWS's optional claim carrying the source identity of the session. */
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

export function assumeRoleWithWebIdentity(deps: WebIdentityDeps) {
  return async (input: AssumeRoleWithWebIdentityRequest, ctx: OperationContext): Promise<AssumeRoleWithWebIdentityResponse> => {
    assertArnShape(input.RoleArn);
    const now = ctx.clock.now();
    const unverified = readUnverifiedJwt(input.WebIdentityToken);
    if (!unverified) throw tokenNotValidated();
    const issuer = unverified.payload['iss'];
    if (typeof issuer !== 'string' || issuer === '') throw missingClaim('iss');

    const roleAccount = parseRoleArn(input.RoleArn)?.accountId;
    const provider = roleAccount === undefined ? undefined : await findOidcProvider(ctx.store, roleAccount, issuer);
    // Not AWS's "No OpenIDConnect provider found…": that text would tell an unauthenticated
    // caller which issuers an account trusts.
    if (!provider) throw tokenNotValidated();

    const payload = await verifiedTokenPayload(input.WebIdentityToken, provider, deps.discovery, now);
    if (payload['iss'] !== issuer) throw tokenNotValidated();
    const claims = checkClaims(payload, provider.clientIds, now);
    const tags = tokenSessionTags(payload);
    const sourceIdentity = tokenSourceIdentity(payload);

    const role = await findRoleByArn(ctx.store, input.RoleArn);
    if (!role) throw notAuthorized();
    const context = webIdentityTrustContext({
      providerUrl: provider.url, providerArn: provider.arn, claims, roleSessionName: input.RoleSessionName, tags, sourceIdentity, now,
    });
    assertTrusted(ctx, role, provider.arn, context, Object.keys(tags.tags).length > 0, sourceIdentity !== undefined);

    const duration = assumeRoleDuration(input.DurationSeconds, role.data.maxSessionDuration, false);
    const policies = await sessionPolicies(ctx.store, role.accountId, input.Policy, input.PolicyArns);
    const packedSize = packedPolicySize(policies, tags.tags);
    const credentials = await issueTemporaryCredentials(ctx, duration, {
      kind: 'role-session',
      accountId: role.accountId,
      role: { id: role.id, arn: roleArn(role.accountId, role.path, role.name), name: role.name, path: role.path },
      sessionName: input.RoleSessionName,
      ...(policies ? { sessionPolicies: policies } : {}),
      ...(Object.keys(tags.tags).length > 0 ? { tags: tags.tags } : {}),
      ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
      ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
      federation: { protocol: 'oidc', provider: provider.arn, subject: claims.subject },
    });
    await recordRoleUse(ctx.store, role.id, now, ctx.region);
    return {
      Credentials: credentials,
      SubjectFromWebIdentityToken: claims.subject,
      AssumedRoleUser: {
        AssumedRoleId: `${role.id}:${input.RoleSessionName}`,
        Arn: assumedRoleArn(role.accountId, role.name, input.RoleSessionName),
      },
      // AWS reports the issuer as the provider is registered: host and path, no scheme.
      Provider: issuerKey(issuer),
      Audience: claims.audience,
      ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
      ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
    };
  };
}

/**
 * The trust policy must allow sts:AssumeRoleWithWebIdentity for the provider, and also
 * sts:TagSession when the token passes tags and sts:SetSourceIdentity when it sets a source
 * identity (as AWS requires). A trust policy that no longer compiles allows nothing.
 */
function assertTrusted(ctx: OperationContext, role: RoleRecord, provider: string, context: Record<string, ContextValue>, tagged: boolean, sourced: boolean): void {
  const arn = roleArn(role.accountId, role.path, role.name);
  const compiled = ctx.policyCache.compile(role.data.assumeRolePolicyDocument, 'trust', arn);
  if (!compiled.ok) throw notAuthorized();
  const principal: EvaluationPrincipal = { kind: 'web-identity', provider };
  const withRoleTags: Record<string, ContextValue> = { ...context };
  for (const tag of role.data.tags) withRoleTags[`aws:ResourceTag/${tag.Key}`] = tag.Value;
  const actions = ['sts:AssumeRoleWithWebIdentity', ...(tagged ? ['sts:TagSession'] : []), ...(sourced ? ['sts:SetSourceIdentity'] : [])];
  for (const action of actions) {
    const decision = evaluate({ principal, action, resource: arn, resourceAccount: role.accountId, context: withRoleTags }, { resource: compiled.policy });
    if (decision.decision !== 'Allowed') throw notAuthorized();
  }
}

/** The source identity the token sets (AWS: 2–64 characters of [\w+=,.@-]), if any. */
function tokenSourceIdentity(payload: Record<string, unknown>): string | undefined {
  const value = payload[SOURCE_IDENTITY_CLAIM];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\w+=,.@-]{2,64}$/.test(value)) throw missingClaim(SOURCE_IDENTITY_CLAIM);
  return value;
}
