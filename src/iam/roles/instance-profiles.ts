import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import type { InstanceProfile } from '../../protocol/generated/iam.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { uniqueId } from '../../kernel/ids.ts';
import { StoreConflictError } from '../../store/types.ts';
import { assertDeletable } from '../deletion-checks.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind, Link } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { instanceProfileAlreadyExists, protectedRole, roleNotInInstanceProfile } from './errors.ts';
import {
  instanceProfileOutput, requireInstanceProfile, ROLES_PER_INSTANCE_PROFILE, type InstanceProfileData,
} from './instance-profile-records.ts';
import { isServiceLinked, requireRole } from './records.ts';
import { instanceProfileTags } from './instance-profile-tags.ts';
import { assertEntityPath, assertPathPrefix } from '../paths.ts';

/**
 * Instance profiles: CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles,
 * DeleteInstanceProfile, AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile,
 * ListInstanceProfilesForRole.
 */

async function createInstanceProfile(input: IamOperations['CreateInstanceProfile']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  const accountId = ctx.principal.accountId;
  const tags = instanceProfileTags.tagsForCreate(input.Tags, ctx);
  return ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.instanceProfile)) >= ctx.quotas.instanceProfilesPerAccount) {
      throw quotaExceeded('InstanceProfilesPerAccount', ctx.quotas.instanceProfilesPerAccount);
    }
    try {
      const profile = await tx.insert<InstanceProfileData>({
        accountId,
        kind: Kind.instanceProfile,
        id: uniqueId(ctx.random, 'AIPA'),
        name: input.InstanceProfileName,
        parentId: '',
        path: input.Path ?? '/',
        data: { tags },
        createdAt: isoSeconds(ctx.clock.now()),
      });
      return { InstanceProfile: await instanceProfileOutput(tx, profile, { tags: true }) };
    } catch (err) {
      if (err instanceof StoreConflictError) throw instanceProfileAlreadyExists(input.InstanceProfileName);
      throw err;
    }
  });
}

async function getInstanceProfile(input: IamOperations['GetInstanceProfile']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    return { InstanceProfile: await instanceProfileOutput(tx, profile, { tags: true }) };
  });
}

async function listInstanceProfiles(input: IamOperations['ListInstanceProfiles']['input'], ctx: OperationContext) {
  assertPathPrefix(input.PathPrefix, 'entity');
  const accountId = ctx.principal.accountId;
  return ctx.store.transaction(async (tx) => {
    const page = await pageOf(
      (after, limit) => tx.list<InstanceProfileData>(accountId, Kind.instanceProfile, { parentId: '', pathPrefix: input.PathPrefix, after, limit }),
      (profile) => profile.name.toLowerCase(),
      input.Marker,
      input.MaxItems,
    );
    const profiles: InstanceProfile[] = [];
    for (const profile of page.items) profiles.push(await instanceProfileOutput(tx, profile, { tags: false }));
    return { InstanceProfiles: profiles, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
  });
}

/** Refused while the profile holds a role (see deletion-checks.ts). */
async function deleteInstanceProfile(input: IamOperations['DeleteInstanceProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    await assertDeletable(tx, 'instanceProfile', profile);
    await tx.delete(Kind.instanceProfile, profile.id);
  });
  return {};
}

/**
 * A profile holds at most one role: a second one — or the same one again — is refused with
 * AWS's LimitExceeded "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1".
 * Service-linked roles are their service's alone and cannot be put in a profile.
 */
async function addRoleToInstanceProfile(input: IamOperations['AddRoleToInstanceProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    if (isServiceLinked(role)) throw protectedRole(role.name);
    if ((await tx.countLinksFrom(Link.profileRole, profile.id)) >= ROLES_PER_INSTANCE_PROFILE) {
      throw quotaExceeded('InstanceSessionsPerInstanceProfile', ROLES_PER_INSTANCE_PROFILE);
    }
    await tx.link(Link.profileRole, ctx.principal.accountId, profile.id, role.id);
  });
  return {};
}

async function removeRoleFromInstanceProfile(input: IamOperations['RemoveRoleFromInstanceProfile']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const profile = await requireInstanceProfile(tx, ctx.principal.accountId, input.InstanceProfileName);
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    if (!(await tx.unlink(Link.profileRole, profile.id, role.id))) throw roleNotInInstanceProfile(role.name, profile.name);
  });
  return {};
}

/**
 * The profiles holding the role, paged by profile id (the order the store keeps links in),
 * so pages stay put while profiles gain or lose the role concurrently.
 */
async function listInstanceProfilesForRole(input: IamOperations['ListInstanceProfilesForRole']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const role = await requireRole(tx, ctx.principal.accountId, input.RoleName);
    const page = await pageOf(
      (after, limit) => tx.linksTo(Link.profileRole, role.id, { after, limit }),
      (profileId) => profileId,
      input.Marker,
      input.MaxItems,
    );
    const profiles: InstanceProfile[] = [];
    for (const id of page.items) {
      const profile = await tx.get<InstanceProfileData>(Kind.instanceProfile, id);
      if (profile) profiles.push(await instanceProfileOutput(tx, profile, { tags: false }));
    }
    return { InstanceProfiles: profiles, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
  });
}

export const instanceProfileHandlers = {
  CreateInstanceProfile: createInstanceProfile,
  GetInstanceProfile: getInstanceProfile,
  ListInstanceProfiles: listInstanceProfiles,
  DeleteInstanceProfile: deleteInstanceProfile,
  AddRoleToInstanceProfile: addRoleToInstanceProfile,
  RemoveRoleFromInstanceProfile: removeRoleFromInstanceProfile,
  ListInstanceProfilesForRole: listInstanceProfilesForRole,
} satisfies IamHandlerTable;
