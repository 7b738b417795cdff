import type { ContextValue } from '../../policy/index.ts';
import type { VerifiedFederation } from '../../kernel/principal.ts';
import { assertRolePair, awsSessionAttributes } from './aws-attributes.ts';
import { nameQualifier, samlContextKeys, subjectType } from './context-keys.ts';
import { encryptedAssertionRequired, issuerNotInProvider, providerExpired, responseSignatureInvalid, samlAssumeDenied } from './errors.ts';
import type { SamlProviderLookup } from './provider.ts';
import { assertAssertionCurrent, assertIssuedRecently, assertSessionOpen, awsRecipient } from './timing-and-audience.ts';
import { verifySamlResponse } from './verify-response.ts';

/**
 * Authentication of AssumeRoleWithSAML's caller: the SAML response is the proof. The caller is
 * unauthenticated until the response's signature checks out, so nothing about the provider is
 * revealed before: the provider named by PrincipalArn is looked up only for its keys (one that
 * does not exist fails exactly like a bad signature). Then: the provider's metadata is still
 * valid, the assertion's issuer is the provider's, it was issued within five minutes, it is
 * current, meant for AWS, grants this very role/provider pair, and the role is of the
 * provider's account. The result is the verified subject with the `saml:*` condition keys and
 * the session attributes; the role's trust policy then decides in the authorize stage.
 */
export interface SamlVerifier {
  findProvider: SamlProviderLookup;
}

export interface SamlRequest {
  SAMLAssertion: string;
  PrincipalArn: string;
  RoleArn: string;
}

export async function verifySamlCaller(input: SamlRequest, roleAccountId: string | undefined, deps: SamlVerifier, now: Date): Promise<VerifiedFederation> {
  const provider = await deps.findProvider(input.PrincipalArn);
  const verified = await verifySamlResponse(input.SAMLAssertion, provider?.signingCertificates ?? []);
  // verifySamlResponse refuses every message when there are no certificates; this only narrows the type.
  if (!provider) throw responseSignatureInvalid();
  const { assertion } = verified;

  if (now.getTime() >= Date.parse(provider.validUntil)) throw providerExpired();
  // Encrypted assertions are not decrypted yet: a provider that requires them gets none through.
  if (provider.assertionEncryptionMode === 'Required') throw encryptedAssertionRequired();
  if (assertion.issuer !== provider.entityId) throw issuerNotInProvider();
  // Both IssueInstants: the assertion's is signed; the Response's may not be, but a stale one
  // can only make us refuse.
  assertIssuedRecently([verified.issueInstant, assertion.issueInstant], now);
  const notOnOrAfter = assertAssertionCurrent(assertion, now);
  assertSessionOpen(assertion.sessionNotOnOrAfter, now);
  const recipient = awsRecipient(assertion);

  assertRolePair(assertion, input.RoleArn, provider.arn);
  // The provider must belong to the role's account (a role pair naming another account's
  // provider is refused even if that provider signed the assertion).
  if (roleAccountId !== provider.accountId) throw samlAssumeDenied();
  const attributes = awsSessionAttributes(assertion);
  const subject = assertion.nameId ?? '';
  const context: Record<string, ContextValue> = {
    'aws:FederatedProvider': provider.arn,
    ...samlContextKeys(assertion, recipient, provider),
  };
  return {
    protocol: 'saml',
    providerArn: provider.arn,
    subject,
    context,
    tags: attributes.tags,
    transitiveTagKeys: attributes.transitiveTagKeys,
    ...(attributes.sourceIdentity !== undefined ? { sourceIdentity: attributes.sourceIdentity } : {}),
    sessionName: attributes.sessionName,
    ...(attributes.sessionDuration !== undefined ? { sessionDuration: attributes.sessionDuration } : {}),
    ...(assertion.sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter: assertion.sessionNotOnOrAfter } : {}),
    response: {
      Subject: subject,
      SubjectType: subjectType(assertion.nameIdFormat),
      Issuer: assertion.issuer,
      Audience: recipient,
      NameQualifier: nameQualifier(assertion.issuer, provider.accountId, provider.name),
    },
    replay: { assertionId: assertion.id, notOnOrAfter },
  };
}
