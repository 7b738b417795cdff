import type { Principal, VerifiedFederation } from '../kernel/principal.ts';
import type { Store } from '../store/types.ts';
import type { Authentication } from '../operations/declaration.ts';
import { verifyWebIdentity } from '../federation/oidc/verify-web-identity.ts';
import type { DiscoveryKeySource } from '../federation/oidc/discovery-keys.ts';
import { verifySamlCaller } from '../federation/saml/verify-saml.ts';
import { findOidcProvider, findSamlProvider } from '../iam/providers/lookup.ts';
import { isOutboundIssuer } from '../iam/outbound-federation/records.ts';
import { parseRoleArn } from '../iam/roles/records.ts';
import { assertArnShape } from '../sts/role-arn.ts';
import { workloadPrincipal } from '../sts/index.ts';
import type { SecretSealer } from '../kernel/operation.ts';

/**
 * Authentication of the callers an identity provider vouches for: the token or assertion in
 * the request is verified against the role account's IAM provider (federation/), and the
 * verified subject becomes the request's principal — then authorized like any other caller,
 * with the role's trust policy as the target's resource policy.
 */
export type FederatedAuthenticator = (input: Record<string, unknown>, now: Date) => Promise<Principal>;

export type FederatedAuthenticators = Readonly<Record<Exclude<Authentication, 'sigv4'>, FederatedAuthenticator>>;

export function federatedAuthenticators(store: Store, discovery: DiscoveryKeySource, secrets: SecretSealer): FederatedAuthenticators {
  return {
    // A workload's credential endpoint: its sealed grant makes it the service acting for it.
    'workload-grant': async (input, now) => workloadPrincipal(secrets, input, now),
    'web-identity': async (input, now) => {
      const roleArn = input['RoleArn'] as string;
      assertArnShape(roleArn);
      const federation = await verifyWebIdentity(input['WebIdentityToken'] as string, parseRoleArn(roleArn)?.accountId, {
        findProvider: (accountId, issuer) => findOidcProvider(store, accountId, issuer),
        discovery,
        isOutboundIssuer: (issuer) => isOutboundIssuer(store, issuer),
      }, now);
      return federatedPrincipal('web-identity', federation);
    },
    saml: async (input, now) => {
      const roleArn = input['RoleArn'] as string;
      assertArnShape(roleArn);
      const request = { SAMLAssertion: input['SAMLAssertion'] as string, PrincipalArn: input['PrincipalArn'] as string, RoleArn: roleArn };
      const federation = await verifySamlCaller(request, parseRoleArn(roleArn)?.accountId, { findProvider: (arn) => findSamlProvider(store, arn) }, now);
      return federatedPrincipal('saml', federation);
    },
  };
}

/** The verified subject as a principal of the provider's account (the role's), known by its provider. */
function federatedPrincipal(kind: 'web-identity' | 'saml', federation: VerifiedFederation): Principal {
  const accountId = federation.providerArn.split(':')[4] ?? '';
  return {
    kind,
    accountId,
    arn: federation.providerArn,
    userId: `${federation.providerArn}:${federation.subject}`,
    name: federation.subject,
    tags: {},
    accessKeyId: '',
    federation,
  };
}
