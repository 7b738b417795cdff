import { serviceError, type ServiceError } from '../../protocol/errors.ts';

/**
 * AssumeRoleWithSAML's error answers. Texts seen in AWS responses (public bug reports) are
 * marked "AWS verbatim"; the others are best efforts, marked so.
 */

/** AWS verbatim: no signature, a signature by a key the provider's metadata does not hold, or a tampered message. */
export function responseSignatureInvalid(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'Response signature invalid');
}

/** AWS verbatim: the assertion's Issuer is not the provider's entityID. */
export function issuerNotInProvider(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'Issuer not present in specified provider');
}

/** AWS verbatim: the response is not a SAML response AWS can read. */
export function invalidSamlResponse(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'Invalid SAML response received');
}

/** Best effort: a well-signed assertion that misses or breaks one of AWS's requirements. */
export function assertionRefused(reason: string): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', reason);
}

/** AWS verbatim (RoleSessionName attribute not of AWS's shape). */
export function badRoleSessionName(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}');
}

/** Best effort: the assertion is past its NotOnOrAfter (Conditions or SubjectConfirmationData). */
export function assertionExpired(): ServiceError {
  return serviceError('sts', 'ExpiredTokenException', 'Token is expired');
}

/**
 * AWS verbatim (ExpiredTokenException, HTTP 400): the Response or the Assertion was issued
 * more than 5 minutes ago, whatever its NotOnOrAfter says.
 */
export function notRedeemedInTime(): ServiceError {
  return serviceError('sts', 'ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance');
}

/** Best effort: the IdP's session (the AuthnStatement's SessionNotOnOrAfter) has already ended. */
export function samlSessionEnded(): ServiceError {
  return serviceError('sts', 'ExpiredTokenException', 'The session in the SAML assertion has ended (SessionNotOnOrAfter)');
}

/** Best effort: the assertion is not valid yet (NotBefore or IssueInstant in the future). */
export function assertionNotYetValid(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'Token is not yet valid');
}

/**
 * AWS verbatim: the trust policy, the Role attribute or the provider does not allow it. The
 * text names neither role nor provider, so a refusal tells nobody which of them exist.
 */
export function samlAssumeDenied(): ServiceError {
  return serviceError('sts', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
}

/** Best effort: the provider's metadata is past its ValidUntil. */
export function providerExpired(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'The metadata of the specified SAML provider has expired');
}

/** Best effort: the provider requires encrypted assertions, which Tessera does not decrypt yet. */
export function encryptedAssertionRequired(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'The specified SAML provider requires encrypted assertions, which are not supported');
}
