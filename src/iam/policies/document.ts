import { DIAGNOSTIC_CODES, validatePolicy, type ValidateOptions } from '../../policy/index.ts';
import { serviceError } from '../../protocol/errors.ts';
import { malformedPolicyDocument } from './errors.ts';

/**
 * Policy documents at IAM's boundary: validated by the policy engine as identity policies,
 * stored exactly as written, returned percent-encoded as IAM returns them.
 */

/**
 * Throws what IAM answers for an identity policy it refuses: LimitExceeded for one over its
 * size quota (the engine words it as AWS does), otherwise MalformedPolicyDocument with the
 * first problem (AWS reports one problem at a time). Warnings never refuse a policy.
 */
export function assertValidIdentityPolicy(text: string, options: ValidateOptions = {}): void {
  const errors = validatePolicy(text, 'identity', options).filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return;
  const tooLarge = errors.find((d) => d.code === DIAGNOSTIC_CODES.policySize);
  if (tooLarge) throw serviceError('iam', 'LimitExceeded', tooLarge.message);
  throw malformedPolicyDocument(first.message);
}

/**
 * Characters IAM counts towards a size quota: every character but JSON white space ("IAM
 * doesn't count white space when calculating the size of a policy"), as the engine counts them.
 */
export function policyCharacterCount(text: string): number {
  let count = 0;
  for (const ch of text) {
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') count++;
  }
  return count;
}

/**
 * IAM returns policy documents percent-encoded (RFC 3986): every byte of the UTF-8 text but
 * A–Z a–z 0–9 - _ . ~ becomes %XX — `*` as %2A, a space as %20. The SDKs hand the text over
 * still encoded; callers decode it themselves.
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
