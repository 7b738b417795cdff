import type { Policy } from '../../protocol/generated/iam.ts';
import { isAttachableAwsPolicy } from './aws-managed.ts';
import type { ManagedPolicyRef } from './lookup.ts';
import type { PolicyUsage } from './usage.ts';

/**
 * The `Policy` structure of IAM responses, as recorded from AWS: listings (ListPolicies)
 * leave out Description and Tags; CreatePolicy leaves out Description and has Tags when
 * some were given; GetPolicy has Description when set and always Tags (`[]` when none, AWS
 * managed policies included).
 */
export type PolicyForm = 'listed' | 'created' | 'detailed';

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
      ...(form === 'detailed' ? { Tags: [] } : {}),
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
    ...(form === 'detailed' || (form === 'created' && data.tags.length > 0) ? { Tags: data.tags } : {}),
  };
}
