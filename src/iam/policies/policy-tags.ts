import { taggableResource } from '../tagging/taggable-resource.ts';
import { awsManagedPolicyImmutable, invalidPolicyArn, policyNotFound } from './errors.ts';
import { findCustomerPolicy, preloadManagedPolicy, resolveManagedPolicy } from './lookup.ts';
import { arnOfPolicy, awsOwnership, parsePolicyArn, type PolicyData } from './records.ts';

/**
 * Customer managed policy tags: TagPolicy, UntagPolicy, ListPolicyTags, and CreatePolicy's.
 * AWS managed policies carry no tags: ListPolicyTags lists none for them, and tagging or
 * untagging one is refused as a change to an AWS managed policy.
 */
export const policyTags = taggableResource<'Policy', PolicyData>({
  noun: 'Policy',
  nameMember: 'PolicyArn',
  // AWS's quota name for tags on a policy is not known; this follows TagsPerUser / TagsPerRole.
  quota: 'TagsPerPolicy',
  find: findCustomerPolicy,
  notFound: (arn) => (parsePolicyArn(arn) ? policyNotFound(arn) : invalidPolicyArn(arn)),
  arn: arnOfPolicy,
  absentArn: (_accountId, arn) => arn,
  rules: {
    prepare: preloadManagedPolicy,
    async readOnly(tx, accountId, arn) {
      const ref = await resolveManagedPolicy(tx, accountId, arn);
      return ref?.source === 'aws' ? awsManagedPolicyImmutable(ref.arn) : undefined;
    },
    // An AWS managed policy is never a customer policy `find` finds: every operation on one
    // (GetPolicy, ListPolicyVersions, ListPolicyTags, … through `target`) is authorized as
    // AWS-owned, so the caller's identity policies alone may allow it, where the ARN's
    // account `aws` would otherwise make it another account's resource needing a resource
    // policy that does not exist. Its changes are refused after authorization
    // (authz/service-rules.ts PROTECTED_RESOURCES, and readOnly above).
    absentTarget: awsOwnership,
  },
});
