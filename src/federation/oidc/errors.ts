import { serviceError, type ServiceError } from '../../protocol/errors.ts';

/**
 * AssumeRoleWithWebIdentity's error answers. "AWS verbatim" marks texts quoted from AWS
 * responses in public bug reports; the rest are best efforts, each marked.
 */

/** AWS verbatim: neither `aud` nor `azp` is one of the provider's client IDs. */
export function incorrectAudience(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'Incorrect token audience');
}

/**
 * AWS's documented description of InvalidIdentityToken (API reference): the token is not a
 * signed JWT we accept (malformed, unsigned, a refused algorithm, no matching key, a bad
 * signature) — or its issuer is not a provider of the role's account, where AWS would answer
 * "No OpenIDConnect provider found in your account for <iss>". One text for all, so an
 * unauthenticated caller learns nothing about which check failed, nor which issuers exist.
 */
export function tokenNotValidated(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
}

/** Best effort: a claim the token must carry is missing or mistyped. */
export function missingClaim(claim: string): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', `The web identity token is missing the required claim ${claim}.`);
}

/** Best effort: the session tags in the token's `https://aws.amazon.com/tags` claim break AWS's tag rules. */
export function invalidTokenTags(problem: string): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', `The session tags in the web identity token are not valid: ${problem}.`);
}

/** Best effort: the token is not valid yet (`nbf` or `iat` in the future beyond the tolerance). */
export function tokenNotYetValid(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken', 'The web identity token is not yet valid.');
}

/**
 * AWS verbatim, instants in epoch seconds (answers from 2021 lacked the space before the second
 * instant; AWS's answers since 2024 have it).
 */
export function tokenExpired(nowSeconds: number, expSeconds: number): ServiceError {
  return serviceError('sts', 'ExpiredTokenException', `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${expSeconds}`);
}

/** As AWS's answers are quoted in public reports (two spaces included), unconfirmed here: the provider's keys could not be fetched. */
export function keysUnreachable(): ServiceError {
  return serviceError('sts', 'IDPCommunicationError', "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
}

/**
 * Tessera's own (AWS documents the rule, not its answer): the token's issuer is one of this
 * server's outbound federation issuers. It tells nothing about the role's account: which issuers
 * are Tessera's is public (their discovery documents are served to anyone).
 */
export function outboundTokenRefused(): ServiceError {
  return serviceError('sts', 'InvalidIdentityToken',
    'Tokens from GetWebIdentityToken cannot be used with AssumeRoleWithWebIdentity: they are for services outside AWS.');
}
