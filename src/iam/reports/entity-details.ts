import { attachedBoundary } from '../permissions-boundary-output.ts';
import type { StoreTx } from '../../store/types.ts';
import type { AttachedPolicy, GroupDetail, InstanceProfile, PolicyDetail, RoleDetail, UserDetail } from '../../protocol/generated/iam.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind, Link } from '../kinds.ts';
import type { UserRecord } from '../records.ts';
import { groupArn, type GroupData, type GroupRecord } from '../groups/records.ts';
import { instanceProfileOutput, type InstanceProfileData } from '../roles/instance-profile-records.ts';
import type { RoleRecord } from '../roles/records.ts';
import { roleOutput } from '../roles/role-output.ts';
import { PrincipalNames } from '../roles/trust-policy-principals.ts';
import { encodePolicyDocument } from '../policies/document.ts';
import { parsePolicyArn, type InlinePolicyData } from '../policies/records.ts';
import { allLinks, listAll } from '../store-scan.ts';

/**
 * The UserDetail, GroupDetail and RoleDetail of GetAccountAuthorizationDetails: each entity
 * with its inline policies, attached managed policies, groups, instance profiles, boundary
 * and tags, read from the records and links the owning modules write.
 */

async function inlinePolicies(tx: StoreTx, accountId: string, kind: string, ownerId: string): Promise<PolicyDetail[]> {
  const policies = await listAll<InlinePolicyData>(tx, accountId, kind, { parentId: ownerId });
  return policies.map((policy) => ({ PolicyName: policy.name, PolicyDocument: encodePolicyDocument(policy.data.document) }));
}

async function attachedPolicies(tx: StoreTx, link: string, ownerId: string): Promise<AttachedPolicy[]> {
  const arns = await allLinks(tx, 'from', link, ownerId);
  return arns.map((arn) => ({ PolicyName: parsePolicyArn(arn)?.name ?? arn, PolicyArn: arn }));
}

function boundary(arn: string | undefined) {
  return arn !== undefined ? { PermissionsBoundary: attachedBoundary(arn) } : {};
}

export async function userDetail(tx: StoreTx, user: UserRecord): Promise<UserDetail> {
  const userPolicies = await inlinePolicies(tx, user.accountId, Kind.userInlinePolicy, user.id);
  const groupNames: string[] = [];
  for (const id of await allLinks(tx, 'to', Link.groupMember, user.id)) {
    const group = await tx.get<GroupData>(Kind.group, id);
    if (group) groupNames.push(group.name);
  }
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: iamArn(user.accountId, 'user', user.path, user.name),
    CreateDate: new Date(user.createdAt),
    // AWS leaves UserPolicyList out for a user without inline policies; the two lists below are always present.
    ...(userPolicies.length > 0 ? { UserPolicyList: userPolicies } : {}),
    GroupList: groupNames.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    AttachedManagedPolicies: await attachedPolicies(tx, Link.userPolicy, user.id),
    ...boundary(user.data.permissionsBoundary),
    ...(user.data.tags.length > 0 ? { Tags: user.data.tags } : {}),
  };
}

export async function groupDetail(tx: StoreTx, group: GroupRecord): Promise<GroupDetail> {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: groupArn(group.accountId, group.path, group.name),
    CreateDate: new Date(group.createdAt),
    GroupPolicyList: await inlinePolicies(tx, group.accountId, Kind.groupInlinePolicy, group.id),
    AttachedManagedPolicies: await attachedPolicies(tx, Link.groupPolicy, group.id),
  };
}

async function instanceProfiles(tx: StoreTx, role: RoleRecord): Promise<InstanceProfile[]> {
  const profiles: InstanceProfile[] = [];
  for (const profileId of await allLinks(tx, 'to', Link.profileRole, role.id)) {
    const profile = await tx.get<InstanceProfileData>(Kind.instanceProfile, profileId);
    if (profile) profiles.push(await instanceProfileOutput(tx, profile, { tags: true }));
  }
  return profiles;
}

export async function roleDetail(tx: StoreTx, role: RoleRecord): Promise<RoleDetail> {
  const { data } = role;
  return {
    ...(await roleOutput(role, 'nested', new PrincipalNames(tx))),
    InstanceProfileList: await instanceProfiles(tx, role),
    RolePolicyList: await inlinePolicies(tx, role.accountId, Kind.roleInlinePolicy, role.id),
    AttachedManagedPolicies: await attachedPolicies(tx, Link.rolePolicy, role.id),
    ...boundary(data.permissionsBoundary),
    ...(data.tags.length > 0 ? { Tags: data.tags } : {}),
    // Present in every RoleDetail, empty for a role never used (as AWS sends <RoleLastUsed/>).
    RoleLastUsed: data.lastUsed ? { LastUsedDate: new Date(data.lastUsed.date), Region: data.lastUsed.region } : {},
  };
}
