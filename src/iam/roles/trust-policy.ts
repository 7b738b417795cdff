import { DIAGNOSTIC_CODES, validatePolicy } from '../../policy/index.ts';
import { serviceError } from '../../protocol/errors.ts';
import { malformedPolicyDocument } from './errors.ts';

/**
 * Role trust policies (AssumeRolePolicyDocument): validated by the policy engine as `trust`
 * policies, stored as sent, and returned percent-encoded as IAM returns them.
 */

/**
 * Throws what IAM answers for a trust policy it refuses: LimitExceeded for one over the
 * ACLSizePerRole quota, otherwise MalformedPolicyDocument with the first problem found (AWS
 * reports one problem at a time). Warnings (e.g. no Version) do not refuse a policy.
 */
export function assertValidTrustPolicy(text: string): void {
  const errors = validatePolicy(text, 'trust').filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return;
  const tooLarge = errors.find((d) => d.code === DIAGNOSTIC_CODES.policySize);
  if (tooLarge) throw serviceError('iam', 'LimitExceeded', tooLarge.message);
  throw malformedPolicyDocument(first.message);
}

/**
 * IAM returns policy documents percent-encoded (RFC 3986): every byte of the UTF-8 text but
 * the unreserved characters A–Z a–z 0–9 - _ . ~ becomes %XX — `*` as %2A, a space as %20
 * (never '+'), as AWS's responses show. The SDKs hand the text over still encoded.
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
