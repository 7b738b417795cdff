import type { StoreTx } from '../../store/types.ts';
import type { ManagedPolicyDetail, PolicyVersion } from '../../protocol/generated/iam.ts';
import { Kind } from '../kinds.ts';
import type { AwsManagedCatalog } from '../policies/aws-managed.ts';
import { isAttachableAwsPolicy } from '../policies/aws-managed.ts';
import { encodePolicyDocument } from '../policies/document.ts';
import { arnOfPolicy, parsePolicyArn, type PolicyRecord, type PolicyVersionData } from '../policies/records.ts';
import type { PolicyUsage } from '../policies/usage.ts';
import { listAll } from '../store-scan.ts';

/**
 * The managed policies of GetAccountAuthorizationDetails: the account's own, with every
 * version and its document, and the AWS managed policies the account uses (attached to, or
 * the boundary of, one of its users, groups or roles), with their default version.
 */

export type UsageByArn = ReadonlyMap<string, PolicyUsage>;

/** The AWS managed policy ARNs the account uses, in name order. */
export function usedAwsManagedPolicies(usage: UsageByArn): Array<{ arn: string; name: string; path: string }> {
  const used: Array<{ arn: string; name: string; path: string }> = [];
  for (const arn of usage.keys()) {
    const parsed = parsePolicyArn(arn);
    if (parsed?.owner === 'aws') used.push({ arn, name: parsed.name, path: parsed.path });
  }
  return used.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
}

function versionNumber(versionId: string): number {
  return Number(versionId.replace(/^v/i, '')) || 0;
}

export async function localPolicyDetail(tx: StoreTx, policy: PolicyRecord, usage: UsageByArn): Promise<ManagedPolicyDetail> {
  const arn = arnOfPolicy(policy);
  const versions = await listAll<PolicyVersionData>(tx, policy.accountId, Kind.policyVersion, { parentId: policy.id });
  const versionList: PolicyVersion[] = versions
    .sort((a, b) => versionNumber(a.name) - versionNumber(b.name))
    .map((version) => ({
      Document: encodePolicyDocument(version.data.document),
      VersionId: version.name,
      IsDefaultVersion: version.name === policy.data.defaultVersionId,
      CreateDate: new Date(version.createdAt),
    }));
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: arn,
    Path: policy.path,
    DefaultVersionId: policy.data.defaultVersionId,
    AttachmentCount: usage.get(arn)?.attachments ?? 0,
    PermissionsBoundaryUsageCount: usage.get(arn)?.boundaries ?? 0,
    IsAttachable: true,
    ...(policy.data.description !== undefined ? { Description: policy.data.description } : {}),
    CreateDate: new Date(policy.createdAt),
    UpdateDate: new Date(policy.data.updatedAt),
    PolicyVersionList: versionList,
  };
}

/**
 * An AWS managed policy from the catalog. Only its default version is listed: older versions
 * of AWS's larger policies run to megabytes, and GetPolicyVersion serves any of them.
 */
export function awsManagedPolicyDetail(used: { arn: string; name: string; path: string }, usage: UsageByArn, catalog: AwsManagedCatalog | undefined): ManagedPolicyDetail {
  const { arn, name, path } = used;
  const counts = { AttachmentCount: usage.get(arn)?.attachments ?? 0, PermissionsBoundaryUsageCount: usage.get(arn)?.boundaries ?? 0 };
  const policy = catalog?.find(name, path);
  if (!policy) return { PolicyName: name, Arn: arn, Path: path, ...counts, IsAttachable: true };
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    ...counts,
    IsAttachable: isAttachableAwsPolicy(policy),
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
    PolicyVersionList: [{
      Document: encodePolicyDocument(policy.defaultDocument),
      VersionId: policy.defaultVersionId,
      IsDefaultVersion: true,
      CreateDate: new Date(policy.versions.find((v) => v.id === policy.defaultVersionId)?.createDate ?? policy.updateDate),
    }],
  };
}
