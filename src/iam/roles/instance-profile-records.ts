import type { EntityRecord, StoreTx } from '../../store/types.ts';
import type { InstanceProfile, Role } from '../../protocol/generated/iam.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind, Link } from '../kinds.ts';
import type { Tag } from '../tags.ts';
import { noSuchInstanceProfile } from './errors.ts';
import type { RoleData } from './records.ts';
import { roleOutput } from './role-output.ts';
import { PrincipalNames } from './trust-policy-principals.ts';

/**
 * Instance profiles in the store: kind `instance-profile`, id AIPA…, parent ''. The role a
 * profile holds (AWS allows at most one) is a `profile-role` link from the profile's id to
 * the role's id.
 */
export interface InstanceProfileData {
  /** Sorted by lower-cased key (see ../tags.ts). */
  tags: Tag[];
}

export type InstanceProfileRecord = EntityRecord<InstanceProfileData>;

/** AWS's fixed quota (InstanceSessionsPerInstanceProfile), not adjustable. */
export const ROLES_PER_INSTANCE_PROFILE = 1;

export function instanceProfileArn(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'instance-profile', path, name);
}

export async function requireInstanceProfile(tx: StoreTx, accountId: string, name: string): Promise<InstanceProfileRecord> {
  const profile = await tx.getByName<InstanceProfileData>(accountId, Kind.instanceProfile, name);
  if (!profile) throw noSuchInstanceProfile(name);
  return profile;
}

/** The roles in a profile, in the form AWS nests in instance profiles. */
export async function profileRoles(tx: StoreTx, profileId: string): Promise<Role[]> {
  const roles: Role[] = [];
  for (const roleId of await tx.linksFrom(Link.profileRole, profileId, { limit: ROLES_PER_INSTANCE_PROFILE + 1 })) {
    const role = await tx.get<RoleData>(Kind.role, roleId);
    if (role) roles.push(await roleOutput(role, 'nested', new PrincipalNames(tx)));
  }
  return roles;
}

/** The `InstanceProfile` structure; listings leave out its tags, as AWS documents. */
export async function instanceProfileOutput(tx: StoreTx, profile: InstanceProfileRecord, options: { tags: boolean }): Promise<InstanceProfile> {
  return {
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.id,
    Arn: instanceProfileArn(profile.accountId, profile.path, profile.name),
    CreateDate: new Date(profile.createdAt),
    Roles: await profileRoles(tx, profile.id),
    ...(options.tags && profile.data.tags.length > 0 ? { Tags: profile.data.tags } : {}),
  };
}
