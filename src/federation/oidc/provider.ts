import type { JsonWebKeySet } from './jwk-set.ts';

/**
 * What verification needs of an IAM OIDC provider (IAM keeps the records; the server hands a
 * lookup in): its ARN and account, its registered URL (host and path, no scheme), its client
 * IDs, and its stored key set when it has one (else keys are found by discovery).
 */
export interface OidcProviderKeys {
  arn: string;
  accountId: string;
  url: string;
  clientIds: readonly string[];
  jwks?: JsonWebKeySet;
}

/** The account's OIDC provider for a token's issuer, if it has one. */
export type OidcProviderLookup = (accountId: string, issuer: string) => Promise<OidcProviderKeys | undefined>;
