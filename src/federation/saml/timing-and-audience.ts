import { CLOCK_TOLERANCE_SECONDS } from '../clock-tolerance.ts';
import { assertionExpired, assertionNotYetValid, assertionRefused, notRedeemedInTime, samlSessionEnded } from './errors.ts';
import type { VerifiedAssertion } from './verified-assertion.ts';

/**
 * AWS accepts an assertion only for its sign-in endpoint: the Audience must be
 * https://signin.aws.amazon.com/saml (or a regional https://<region>.signin.aws.amazon.com/saml)
 * or urn:amazon:webservices, and the bearer confirmation's Recipient the sign-in endpoint.
 *
 * Times: an instant that may lie ahead of our clock (IssueInstant, NotBefore) is allowed
 * CLOCK_TOLERANCE_SECONDS of skew, as on the OIDC path; an end (NotOnOrAfter, the 5 minutes
 * after IssueInstant, SessionNotOnOrAfter) is never stretched, so skew cannot lengthen the
 * life of an assertion or a session.
 */
const SIGNIN = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml$/;
const AUDIENCE_URN = 'urn:amazon:webservices';
const TOLERANCE_MS = CLOCK_TOLERANCE_SECONDS * 1000;

/** AWS redeems a SAML response only within 5 minutes of its IssueInstant. */
export const REDEEM_WITHIN_SECONDS = 300;

/**
 * Each IssueInstant given (the Response's and the Assertion's) must be at most 5 minutes old
 * and not ahead of our clock beyond the tolerance.
 */
export function assertIssuedRecently(issueInstants: readonly Date[], now: Date): void {
  for (const issued of issueInstants) {
    if (issued.getTime() > now.getTime() + TOLERANCE_MS) throw assertionNotYetValid();
  }
  for (const issued of issueInstants) {
    if (now.getTime() - issued.getTime() > REDEEM_WITHIN_SECONDS * 1000) throw notRedeemedInTime();
  }
}

/** The assertion's NotOnOrAfter, after checking it is now within [NotBefore - tolerance, NotOnOrAfter). */
export function assertAssertionCurrent(assertion: VerifiedAssertion, now: Date): Date {
  // Without an end the assertion could be replayed forever (and its ID never forgotten).
  if (!assertion.notOnOrAfter) throw assertionRefused('The SAML assertion has no NotOnOrAfter');
  if (assertion.notBefore && now.getTime() + TOLERANCE_MS < assertion.notBefore.getTime()) throw assertionNotYetValid();
  if (now.getTime() >= assertion.notOnOrAfter.getTime()) throw assertionExpired();
  return assertion.notOnOrAfter;
}

/**
 * The IdP's session (SessionNotOnOrAfter) must still be open, for at least a whole second
 * (credentials expire on whole seconds): one that has ended is refused.
 */
export function assertSessionOpen(sessionNotOnOrAfter: Date | undefined, now: Date): void {
  if (sessionNotOnOrAfter !== undefined && secondsLeft(sessionNotOnOrAfter, now) <= 0) throw samlSessionEnded();
}

function secondsLeft(end: Date, now: Date): number {
  return Math.floor((end.getTime() - now.getTime()) / 1000);
}

/** The sign-in endpoint the assertion was issued for (its Recipient), after the Audience check. */
export function awsRecipient(assertion: VerifiedAssertion): string {
  if (!assertion.audiences.some((a) => a === AUDIENCE_URN || SIGNIN.test(a))) throw assertionRefused('Audience in the SAML assertion is not AWS sign-in');
  const recipient = assertion.recipients.find((r) => SIGNIN.test(r));
  if (recipient === undefined) throw assertionRefused('Recipient in the SAML assertion is not AWS sign-in');
  return recipient;
}
