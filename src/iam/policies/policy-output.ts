import type { Policy } from '../../protocol/generated/iam.ts';
import { isAttachableAwsPolicy } from './aws-managed.ts';
import type { ManagedPolicyRef } from './lookup.ts';
import type { PolicyUsage } from './usage.ts';

/**
 * The `Policy` structure of IAM responses. Listings (ListPolicies) leave out Description and
 * Tags, as AWS documents; CreatePolicy and GetPolicy include them when set.
 */
export type PolicyForm = 'listed' | 'detailed';

export function policyOutput(ref: ManagedPolicyRef, usage: PolicyUsage, form: PolicyForm): Policy {
  if (ref.source === 'aws') {
    const p = ref.policy;
    return {
      PolicyName: p.name,
      PolicyId: p.id,
      Arn: p.arn,
      Path: p.path,
      DefaultVersionId: p.defaultVersionId,
      AttachmentCount: usage.attachments,
      PermissionsBoundaryUsageCount: usage.boundaries,
      IsAttachable: isAttachableAwsPolicy(p),
      CreateDate: new Date(p.createDate),
      UpdateDate: new Date(p.updateDate),
    };
  }
  const record = ref.record;
  const data = record.data;
  return {
    PolicyName: record.name,
    PolicyId: record.id,
    Arn: ref.arn,
    Path: record.path,
    DefaultVersionId: data.defaultVersionId,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: true,
    ...(form === 'detailed' && data.description !== undefined ? { Description: data.description } : {}),
    CreateDate: new Date(record.createdAt),
    UpdateDate: new Date(data.updatedAt),
    ...(form === 'detailed' && data.tags.length > 0 ? { Tags: data.tags } : {}),
  };
}
