import type { AuthorizationCheck, AuthorizationTarget, TargetContext } from '../../authz/target.ts';
import type { OperationContext } from '../../kernel/operation.ts';
import type { WorkloadGrant, WorkloadService } from '../../kernel/workload.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import type { StoreTx } from '../../store/types.ts';
import { Kind, Link } from '../../iam/kinds.ts';
import { instanceProfileArn, type InstanceProfileData, type InstanceProfileRecord } from '../../iam/roles/instance-profile-records.ts';
import { instanceProfileTags } from '../../iam/roles/instance-profile-tags.ts';
import { findRoleByArn, parseRoleArn, roleArn, type RoleData, type RoleRecord } from '../../iam/roles/records.ts';
import { tagMap } from '../../iam/tags.ts';
import type { LaunchWorkloadRequest, LaunchWorkloadResponse } from '../../protocol/generated/tessera.ts';
import { invalidParameter, noSuchInstanceProfile, noSuchRole } from './errors.ts';
import { sealGrant } from './grant-seal.ts';
import { newWorkloadId, workloadArn } from './workload-ids.ts';

/**
 * tessera:LaunchWorkload — starting an EC2 instance with an instance profile, or an ECS task
 * with a task role, authorized as AWS authorizes those launches: iam:PassRole on the role with
 * iam:PassedToService = ec2.amazonaws.com / ecs-tasks.amazonaws.com (decided with the role's
 * tags as aws:ResourceTag/…), and for an instance profile iam:GetInstanceProfile on it too.
 * ec2:RunInstances / ecs:RunTask are not asked for: Tessera runs neither service.
 *
 * The answer is the workload's ID and ARN and a sealed grant (grant-seal.ts) that its
 * credential endpoint presents to GetWorkloadCredentials.
 */
export const DEFAULT_WORKLOAD_SESSION_SECONDS = 3600;
export const DEFAULT_GRANT_SECONDS = 43_200;

const EC2: WorkloadService = 'ec2.amazonaws.com';
const ECS: WorkloadService = 'ecs-tasks.amazonaws.com';

export async function launchWorkloadTarget(input: LaunchWorkloadRequest, ctx: TargetContext): Promise<AuthorizationTarget> {
  checkLaunchRequest(input);
  if (input.TaskRoleArn !== undefined) {
    const role = await findRoleByArn(ctx.tx, input.TaskRoleArn);
    // Decided on the role's own ARN: the name was found in any case (assume-role-target.ts).
    return passRole(role ? roleArn(role.accountId, role.path, role.name) : input.TaskRoleArn, ECS, role);
  }
  const name = input.InstanceProfileName!;
  const getProfile: AuthorizationCheck = { action: 'iam:GetInstanceProfile', ...(await instanceProfileTags.target(ctx, name)) };
  const profile = await ctx.tx.getByName<InstanceProfileData>(ctx.accountId, Kind.instanceProfile, name);
  const role = profile ? await profileRole(ctx.tx, profile) : undefined;
  if (!role) return { ...getProfile, action: 'iam:GetInstanceProfile' };
  return { ...passRole(roleArn(role.accountId, role.path, role.name), EC2, role), also: [getProfile] };
}

function passRole(arn: string, service: WorkloadService, role: RoleRecord | undefined): AuthorizationTarget {
  return {
    action: 'iam:PassRole',
    resource: arn,
    context: { 'iam:PassedToService': service },
    ...(role ? { resourceTags: tagMap(role.data.tags) } : {}),
  };
}

/** Exactly one of an instance profile and a task role; IMDS options only for an instance. */
function checkLaunchRequest(input: LaunchWorkloadRequest): void {
  if ((input.InstanceProfileName === undefined) === (input.TaskRoleArn === undefined)) {
    throw invalidParameter('Give exactly one of InstanceProfileName (an EC2 instance) and TaskRoleArn (an ECS task).');
  }
  if (input.TaskRoleArn !== undefined && input.MetadataHttpTokens !== undefined) {
    throw invalidParameter('MetadataHttpTokens applies to instances (InstanceProfileName) only.');
  }
  if (input.TaskRoleArn !== undefined && parseRoleArn(input.TaskRoleArn) === undefined) {
    throw invalidParameter(`TaskRoleArn must be the ARN of an IAM role (arn:aws:iam::<account>:role/<name>), got ${input.TaskRoleArn}.`);
  }
}

/** The role an instance profile holds (AWS allows one), or undefined. */
export async function profileRole(tx: StoreTx, profile: InstanceProfileRecord): Promise<RoleRecord | undefined> {
  const [roleId] = await tx.linksFrom(Link.profileRole, profile.id, { limit: 1 });
  return roleId === undefined ? undefined : tx.get<RoleData>(Kind.role, roleId);
}

async function launchWorkload(input: LaunchWorkloadRequest, ctx: OperationContext): Promise<LaunchWorkloadResponse> {
  const accountId = ctx.principal.accountId;
  const now = ctx.clock.now();
  const service = input.TaskRoleArn !== undefined ? ECS : EC2;
  let role: RoleRecord | undefined;
  let profile: InstanceProfileRecord | undefined;
  if (service === ECS) {
    const arn = input.TaskRoleArn!;
    // A role is passed within its own account only (an ECS task's role is its account's).
    if (parseRoleArn(arn)!.accountId !== accountId) throw invalidParameter(`TaskRoleArn must name a role of the caller's account ${accountId}.`);
    role = await findRoleByArn(ctx.store, arn);
    if (!role) throw noSuchRole(parseRoleArn(arn)!.name);
  } else {
    const name = input.InstanceProfileName!;
    profile = await ctx.store.getByName<InstanceProfileData>(accountId, Kind.instanceProfile, name);
    if (!profile) throw noSuchInstanceProfile(name);
    role = await profileRole(ctx.store, profile);
    // EC2 would start the instance without credentials; Tessera refuses at once (stricter).
    if (!role) throw invalidParameter(`The instance profile ${profile.name} holds no role: add one with iam:AddRoleToInstanceProfile.`);
  }
  const workloadId = newWorkloadId(ctx.random, service);
  const arn = workloadArn(service, ctx.region, accountId, workloadId);
  const expires = new Date(now.getTime() + (input.GrantDurationSeconds ?? DEFAULT_GRANT_SECONDS) * 1000);
  const grant: WorkloadGrant = {
    v: 1,
    service,
    accountId,
    region: ctx.region,
    workloadId,
    workloadArn: arn,
    role: { id: role.id, arn: roleArn(role.accountId, role.path, role.name), name: role.name },
    ...(profile ? {
      instanceProfile: { id: profile.id, arn: instanceProfileArn(profile.accountId, profile.path, profile.name), name: profile.name },
      httpTokens: input.MetadataHttpTokens ?? 'required',
    } : {}),
    durationSeconds: input.DurationSeconds ?? DEFAULT_WORKLOAD_SESSION_SECONDS,
    issuedAt: isoSeconds(now),
    expiresAt: isoSeconds(expires),
  };
  return {
    WorkloadId: workloadId,
    WorkloadArn: arn,
    AccountId: accountId,
    Region: ctx.region,
    RoleArn: grant.role.arn,
    RoleName: role.name,
    ...(grant.instanceProfile ? { InstanceProfileArn: grant.instanceProfile.arn, InstanceProfileId: grant.instanceProfile.id } : {}),
    ...(grant.httpTokens ? { MetadataHttpTokens: grant.httpTokens } : {}),
    LaunchTime: now,
    Grant: sealGrant(ctx.secrets, grant),
    GrantExpiration: expires,
  };
}

export const launchHandlers = { LaunchWorkload: launchWorkload };
