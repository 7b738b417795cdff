import type { VerifiedFederation } from '../../kernel/principal.ts';
import type { DiscoveryKeySource } from './discovery-keys.ts';
import { missingClaim, outboundTokenRefused, tokenNotValidated } from './errors.ts';
import { readUnverifiedJwt } from './jwt-parts.ts';
import type { OidcProviderLookup } from './provider.ts';
import { checkClaims } from './token-claims.ts';
import { tokenSessionTags } from './token-tags.ts';
import { webIdentityContextKeys } from './trust-context.ts';
import { verifiedTokenPayload } from './verified-token.ts';

/**
 * Authentication of AssumeRoleWithWebIdentity's caller: the OIDC token is the proof. In order:
 * the token's issuer (read unverified) picks the OIDC provider of the ROLE's account; one of
 * that provider's keys must verify the signature; the verified claims must name one of its
 * client IDs and be inside their validity window. The result is the verified subject with its
 * provider's condition keys (`<url>:aud/sub/amr/oaud`, aws:FederatedProvider) and the session
 * tags and source identity it asks for; the role's trust policy then decides in the authorize
 * stage, like any resource policy.
 *
 * Nothing is revealed before the signature checks out: an issuer the account has no provider
 * for is refused exactly like a bad signature (not AWS's "No OpenIDConnect provider found…",
 * which would tell an unauthenticated caller which issuers an account trusts).
 */
export interface WebIdentityVerifier {
  findProvider: OidcProviderLookup;
  discovery: DiscoveryKeySource;
  /**
   * Whether an issuer is one of this server's own outbound federation issuers (sts:GetWebIdentityToken):
   * AWS documents that those tokens cannot be used to federate into AWS, so they are refused before
   * any provider is looked up — whatever OIDC provider an account may have registered for the issuer.
   */
  isOutboundIssuer?: (issuer: string) => Promise<boolean>;
}

/** AWS's optional claim carrying the source identity of the session. */
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

export async function verifyWebIdentity(given: string, roleAccountId: string | undefined, deps: WebIdentityVerifier, now: Date): Promise<VerifiedFederation> {
  // A token file often ends with a newline (`echo "$TOKEN" > token`, some platforms' projected
  // tokens) that the SDKs send as read; AWS STS accepts it. A compact JWT holds no white space,
  // so what is trimmed is never part of what the signature covers.
  const token = given.trim();
  const unverified = readUnverifiedJwt(token);
  if (!unverified) throw tokenNotValidated();
  const issuer = unverified.payload['iss'];
  if (typeof issuer !== 'string' || issuer === '') throw missingClaim('iss');
  if (await deps.isOutboundIssuer?.(issuer)) throw outboundTokenRefused();

  const provider = roleAccountId === undefined ? undefined : await deps.findProvider(roleAccountId, issuer);
  if (!provider) throw tokenNotValidated();
  const payload = await verifiedTokenPayload(token, provider, deps.discovery, now);
  if (payload['iss'] !== issuer) throw tokenNotValidated();
  const claims = checkClaims(payload, provider.clientIds, now);
  const tags = tokenSessionTags(payload);
  const sourceIdentity = tokenSourceIdentity(payload);
  return {
    protocol: 'oidc',
    providerArn: provider.arn,
    subject: claims.subject,
    context: webIdentityContextKeys(provider.url, provider.arn, claims, payload),
    tags: tags.tags,
    transitiveTagKeys: tags.transitiveTagKeys,
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    response: {
      SubjectFromWebIdentityToken: claims.subject,
      // AWS answers with the ARN of the OIDC provider that verified the token
      // ("Provider": "arn:aws:iam::<account>:oidc-provider/<url>"), not the token's iss.
      Provider: provider.arn,
      Audience: claims.audience,
    },
  };
}

/** The source identity the token sets (AWS: 2–64 characters of [\w+=,.@-]), if any. */
function tokenSourceIdentity(payload: Record<string, unknown>): string | undefined {
  const value = payload[SOURCE_IDENTITY_CLAIM];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\w+=,.@-]{2,64}$/.test(value)) throw missingClaim(SOURCE_IDENTITY_CLAIM);
  return value;
}
