import type { ContextValue } from '../../policy/index.ts';
import type { CheckedClaims } from './token-claims.ts';
import { providerClaimKeys } from './provider-claims.ts';

/**
 * The condition keys an OIDC provider's subject brings to a role's trust policy, named as AWS
 * names them after the provider's URL (host and path, no scheme), e.g.
 * `token.actions.githubusercontent.com:sub`:
 *   <url>:aud   the client ID the token was accepted for (`azp` when the token has one)
 *   <url>:oaud  the token's own `aud` when `azp` stood in for it
 *   <url>:sub   the subject;  <url>:amr  the authentication methods, when given
 *   <url>:<claim>  the provider-specific claims AWS lists for a few issuers (GitHub's
 *               job_workflow_ref, repository, …: provider-claims.ts) — no other claim
 * and aws:FederatedProvider (the provider's ARN). The request's own keys (sts:RoleSessionName,
 * session tags as aws:RequestTag/…, the global aws:* keys) are added by the authorize stage as
 * for every request.
 */
export function webIdentityContextKeys(url: string, providerArn: string, claims: CheckedClaims, payload: Record<string, unknown>): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    ...providerClaimKeys(url, payload),
    [`${url}:aud`]: claims.audience,
    [`${url}:sub`]: claims.subject,
    'aws:FederatedProvider': providerArn,
  };
  if (claims.authorizedParty !== undefined) context[`${url}:oaud`] = claims.audiences.length === 1 ? claims.audiences[0]! : claims.audiences;
  if (claims.authenticationMethods !== undefined) context[`${url}:amr`] = claims.authenticationMethods;
  return context;
}
