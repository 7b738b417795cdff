import type { ContextValue } from '../../policy/index.ts';
import type { CheckedClaims } from './token-claims.ts';
import type { SessionTagSet } from '../../sts/session-tags.ts';

/**
 * The condition keys a role's trust policy sees for AssumeRoleWithWebIdentity, named as AWS
 * names them after the provider's URL (host and path, no scheme), e.g.
 * `token.actions.githubusercontent.com:sub`:
 *   <url>:aud   the client ID the token was accepted for (`azp` when the token has one)
 *   <url>:oaud  the token's own `aud` when `azp` stood in for it
 *   <url>:sub   the subject;  <url>:amr  the authentication methods, when given
 * plus sts:RoleSessionName, aws:FederatedProvider (the provider's ARN), the session tags as
 * aws:RequestTag/… and aws:TagKeys, and the instant as aws:CurrentTime / aws:EpochTime.
 */
export interface TrustContextInput {
  providerUrl: string;
  providerArn: string;
  claims: CheckedClaims;
  roleSessionName: string;
  tags: SessionTagSet;
  sourceIdentity: string | undefined;
  now: Date;
}

export function webIdentityTrustContext(input: TrustContextInput): Record<string, ContextValue> {
  const { providerUrl: url, claims } = input;
  const context: Record<string, ContextValue> = {
    [`${url}:aud`]: claims.audience,
    [`${url}:sub`]: claims.subject,
    'sts:RoleSessionName': input.roleSessionName,
    'aws:FederatedProvider': input.providerArn,
    'aws:CurrentTime': input.now,
    'aws:EpochTime': Math.floor(input.now.getTime() / 1000),
  };
  if (claims.authorizedParty !== undefined) context[`${url}:oaud`] = claims.audiences.length === 1 ? claims.audiences[0]! : claims.audiences;
  if (claims.authenticationMethods !== undefined) context[`${url}:amr`] = claims.authenticationMethods;
  const tagKeys = Object.keys(input.tags.tags);
  for (const key of tagKeys) context[`aws:RequestTag/${key}`] = input.tags.tags[key]!;
  if (tagKeys.length > 0) context['aws:TagKeys'] = tagKeys;
  if (input.tags.transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = input.tags.transitiveTagKeys;
  if (input.sourceIdentity !== undefined) context['sts:SourceIdentity'] = input.sourceIdentity;
  return context;
}
