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

/** Policy documents leave IAM percent-encoded; one implementation for every kind. */
export { encodePolicyDocument } from '../policies/document.ts';
