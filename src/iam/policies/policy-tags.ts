import { taggableResource } from '../tagging/taggable-resource.ts';
import { awsManagedPolicyImmutable, invalidPolicyArn, policyNotFound } from './errors.ts';
import { findCustomerPolicy, preloadManagedPolicy, resolveManagedPolicy } from './lookup.ts';
import { arnOfPolicy, parsePolicyArn, type PolicyData } from './records.ts';

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
  },
});
