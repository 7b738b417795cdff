import { assertionExpired, assertionNotYetValid, assertionRefused } from './errors.ts';
import type { VerifiedAssertion } from './verified-assertion.ts';

/**
 * AWS accepts an assertion only for its sign-in endpoint: the Audience must be
 * https://signin.aws.amazon.com/saml (or a regional https://<region>.signin.aws.amazon.com/saml)
 * or urn:amazon:webservices, and the bearer confirmation's Recipient the sign-in endpoint.
 */
const SIGNIN = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml$/;
const AUDIENCE_URN = 'urn:amazon:webservices';

/** The assertion's NotOnOrAfter, after checking it is now within [NotBefore, NotOnOrAfter). */
export function assertAssertionCurrent(assertion: VerifiedAssertion, now: Date): Date {
  // Without an end the assertion could be replayed forever (and its ID never forgotten).
  if (!assertion.notOnOrAfter) throw assertionRefused('The SAML assertion has no NotOnOrAfter');
  if (assertion.notBefore && now.getTime() < assertion.notBefore.getTime()) throw assertionNotYetValid();
  if (now.getTime() >= assertion.notOnOrAfter.getTime()) throw assertionExpired();
  return assertion.notOnOrAfter;
}

/** The sign-in endpoint the assertion was issued for (its Recipient), after the Audience check. */
export function awsRecipient(assertion: VerifiedAssertion): string {
  if (!assertion.audiences.some((a) => a === AUDIENCE_URN || SIGNIN.test(a))) throw assertionRefused('Audience in the SAML assertion is not AWS sign-in');
  const recipient = assertion.recipients.find((r) => SIGNIN.test(r));
  if (recipient === undefined) throw assertionRefused('Recipient in the SAML assertion is not AWS sign-in');
  return recipient;
}
