import type { VerifiedFederation } from '../kernel/principal.ts';

/**
 * The identity provider's condition keys a federated role session keeps, so that the role's
 * permission policies (and the resource policies it meets) can name the federated user:
 * AWS's "Amazon S3: Allows Amazon Cognito users to access objects in their bucket" writes
 * `${cognito-identity.amazonaws.com:sub}` into object ARNs, its DynamoDB example puts it in
 * dynamodb:LeadingKeys, and "Uniquely identifying users in SAML-based federation" builds
 * home folders from `${saml:namequalifier}/${saml:sub}`.
 *
 * Kept: OIDC — `<provider url>:aud`, `:sub`, `:amr`, `:oaud` (the standard claims AWS names
 * after the provider); SAML — every `saml:*` key of the assertion. Not kept: the
 * provider-specific claims AWS lists for a few issuers (GitHub's `repository`, …), which AWS
 * documents as "Available in session: No" (federation/oidc/provider-claims.ts). Nothing is kept
 * across role chaining: a session the federated session makes with AssumeRole has none of them.
 */
const OIDC_SESSION_CLAIMS: readonly string[] = ['aud', 'sub', 'amr', 'oaud'];

export function federatedSessionKeys(federation: VerifiedFederation): Record<string, string | readonly string[]> {
  const keys: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(federation.context)) {
    if (!sessionKey(federation.protocol, key)) continue;
    if (typeof value === 'string') keys[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) keys[key] = [...value] as string[];
  }
  return keys;
}

function sessionKey(protocol: 'oidc' | 'saml', key: string): boolean {
  if (protocol === 'saml') return key.startsWith('saml:');
  if (key.startsWith('aws:') || key.startsWith('sts:')) return false;
  const claim = key.slice(key.lastIndexOf(':') + 1);
  return OIDC_SESSION_CLAIMS.includes(claim);
}
