import type { ContextValue } from '../../policy/index.ts';

/**
 * Provider-specific claims AWS STS exposes as condition keys (AWS, February 2026: "AWS STS
 * supports validation of select identity provider specific claims"; IAM User Guide, "Available
 * keys for AWS OIDC federation"). For a token of one of these issuers, each listed claim the
 * token carries is the key `<provider url>:<claim>` of the AssumeRoleWithWebIdentity request —
 * trust policies (and RCPs) can test it; the role session does not carry it ("Available in
 * session: No"). Any other claim is no key at all, for these issuers as for every other: a
 * trust policy testing `<url>:repository_owner` finds nothing (GitHub's documents: custom
 * claims are unavailable in AWS).
 *
 * The issuer is recognised by the URL the IAM provider is registered with, exactly (no scheme).
 * Only GitHub's list is here; AWS also lists claims of Google, CircleCI and OCI, not yet added.
 */
const PROVIDER_CLAIMS: ReadonlyMap<string, readonly string[]> = new Map([
  ['token.actions.githubusercontent.com', [
    'actor', 'actor_id', 'job_workflow_ref', 'repository', 'repository_id', 'workflow', 'ref', 'environment', 'enterprise_id',
  ]],
]);

/** The provider-specific keys of a verified token: `<url>:<claim>` for each listed claim it carries as a string (or number). */
export function providerClaimKeys(url: string, payload: Record<string, unknown>): Record<string, ContextValue> {
  const claims = PROVIDER_CLAIMS.get(url.toLowerCase());
  const keys: Record<string, ContextValue> = {};
  if (!claims) return keys;
  for (const claim of claims) {
    if (!Object.hasOwn(payload, claim)) continue;
    const value = payload[claim];
    if (typeof value === 'string') keys[`${url}:${claim}`] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) keys[`${url}:${claim}`] = String(value);
  }
  return keys;
}
