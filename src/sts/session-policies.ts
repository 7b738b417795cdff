import type { StoreTx } from '../store/types.ts';
import { validatePolicy } from '../policy/index.ts';
import { findManagedPolicy, preloadManagedPolicy } from '../iam/policies/lookup.ts';
import type { PolicyDescriptorType } from '../protocol/generated/sts.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { malformedSessionPolicy, sessionPolicyArnNotFound, sessionPolicyTooLong, tooManyPolicyArns } from './errors.ts';

/**
 * Session policies (AssumeRole's and GetFederationToken's `Policy` and `PolicyArns`): an inline
 * document of at most 2,048 characters, valid as a session policy, and up to 10 managed
 * policies that exist in the session's account (AWS: "Customer managed policies must be in the
 * same AWS account as the IAM role that you're assuming") or are AWS managed. The token keeps
 * the document as written and the ARNs; a managed policy's default version is read at request
 * time.
 */
export const SESSION_POLICY_MAX_CHARACTERS = 2048;
export const SESSION_POLICY_ARNS_MAX = 10;

export type SessionPolicies = NonNullable<SessionClaims['sessionPolicies']>;

export async function sessionPolicies(
  tx: StoreTx,
  accountId: string,
  policy: string | undefined,
  policyArns: readonly PolicyDescriptorType[] | undefined,
): Promise<SessionPolicies | undefined> {
  if (policy !== undefined) assertValidInlinePolicy(policy);
  const arns = policyArns === undefined ? undefined : await resolvePolicyArns(tx, accountId, policyArns);
  if (policy === undefined && arns === undefined) return undefined;
  return { ...(policy !== undefined ? { inline: policy } : {}), ...(arns !== undefined ? { arns } : {}) };
}

function assertValidInlinePolicy(policy: string): void {
  if ([...policy].length > SESSION_POLICY_MAX_CHARACTERS) throw sessionPolicyTooLong(policy, SESSION_POLICY_MAX_CHARACTERS);
  const first = validatePolicy(policy, 'session').find((d) => d.severity === 'error');
  if (first) throw malformedSessionPolicy(first.message);
}

/** The ARNs as the policies spell them, in the order given; every one must name a policy. */
async function resolvePolicyArns(tx: StoreTx, accountId: string, descriptors: readonly PolicyDescriptorType[]): Promise<string[]> {
  if (descriptors.length > SESSION_POLICY_ARNS_MAX) throw tooManyPolicyArns(SESSION_POLICY_ARNS_MAX);
  const arns: string[] = [];
  for (const descriptor of descriptors) {
    const arn = descriptor.arn;
    if (arn === undefined) throw sessionPolicyArnNotFound('null');
    await preloadManagedPolicy(arn);
    const found = await findManagedPolicy(tx, accountId, arn);
    if (!found) throw sessionPolicyArnNotFound(arn);
    arns.push(found.arn);
  }
  return arns;
}
