import type { AuthorizationTarget, TargetContext } from '../../authz/target.ts';
import type { OperationContext } from '../../kernel/operation.ts';
import { Kind } from '../../iam/kinds.ts';
import type { InstanceProfileData } from '../../iam/roles/instance-profile-records.ts';
import { findRoleByArn, roleArn, type RoleRecord } from '../../iam/roles/records.ts';
import type { StoreTx } from '../../store/types.ts';
import type { WorkloadGrant } from '../../kernel/workload.ts';
import type { GetWorkloadCredentialsRequest, GetWorkloadCredentialsResponse } from '../../protocol/generated/tessera.ts';
import { roleTrustTarget } from '../assume-role-target.ts';
import { issueRoleSession, prepareRoleSession } from '../role-session.ts';
import { sessionTags } from '../session-tags.ts';
import { noSuchInstanceProfile, noSuchRole, roleNoLongerInProfile } from './errors.ts';
import { profileRole } from './launch-workload.ts';
import { verifiedWorkload } from './workload-caller.ts';

/**
 * tessera:GetWorkloadCredentials — the service (authenticated by the workload's grant,
 * workload-caller.ts) assumes the role: sts:AssumeRole on the role, decided by the role's
 * trust policy alone (a service principal has no identity policies), with the service's
 * condition keys and sts:RoleSessionName = the instance or task ID. A trust policy that does
 * not allow the service refuses it, as AWS does.
 */
export async function workloadCredentialsTarget(_input: GetWorkloadCredentialsRequest, ctx: TargetContext): Promise<AuthorizationTarget> {
  const { grant } = verifiedWorkload(ctx);
  const role = await currentRole(ctx.tx, grant);
  const target = await roleTrustTarget(ctx, role ? roleArnOf(role) : grant.role.arn, { 'sts:RoleSessionName': grant.workloadId }, { tagSession: false, setSourceIdentity: false });
  return { ...target, action: 'sts:AssumeRole' };
}

/**
 * The role a workload's credentials are for now. An instance is tied to its instance profile,
 * not to the role it held at launch: a role put in the profile in place of another is the one
 * the instance gets once its credentials are renewed, as on EC2 (AddRoleToInstanceProfile,
 * which itself needs iam:PassRole on that role). A profile deleted, or left without a role,
 * gives no new credentials. A task's role is the one it was launched with.
 */
async function currentRole(store: StoreTx, grant: WorkloadGrant): Promise<RoleRecord | undefined> {
  if (!grant.instanceProfile) return findRoleByArn(store, grant.role.arn);
  const profile = await store.get<InstanceProfileData>(Kind.instanceProfile, grant.instanceProfile.id);
  if (!profile) throw noSuchInstanceProfile(grant.instanceProfile.name);
  const role = await profileRole(store, profile);
  if (!role) throw roleNoLongerInProfile(grant.role.name, profile.name);
  return role;
}

/**
 * The role's session, named after the workload, issued by the one role-session issuer. An
 * instance gets credentials for the role its instance profile holds now ({@link currentRole}:
 * removing the role stops new credentials; those already issued live to their expiry, as on
 * AWS). The
 * session lasts the launch's duration, up to the role's MaxSessionDuration, and carries the
 * instance's ARN and delivery version (ec2:SourceInstanceARN, ec2:RoleDelivery).
 */
async function getWorkloadCredentials(_input: GetWorkloadCredentialsRequest, ctx: OperationContext): Promise<GetWorkloadCredentialsResponse> {
  const { grant, roleDelivery } = verifiedWorkload(ctx);
  const role = await currentRole(ctx.store, grant);
  if (!role) throw noSuchRole(grant.role.name);
  const session = await issueRoleSession(ctx, await prepareRoleSession(ctx, {
    role,
    sessionName: grant.workloadId,
    durationSeconds: Math.min(grant.durationSeconds, role.data.maxSessionDuration),
    chained: false,
    tags: sessionTags(undefined, undefined, undefined),
    workload: { service: grant.service, sourceArn: grant.workloadArn, ...(roleDelivery ? { roleDelivery } : {}) },
  }));
  return {
    AccessKeyId: session.Credentials.AccessKeyId,
    SecretAccessKey: session.Credentials.SecretAccessKey,
    SessionToken: session.Credentials.SessionToken,
    Expiration: session.Credentials.Expiration,
    RoleArn: roleArnOf(role),
    AssumedRoleArn: session.AssumedRoleUser.Arn,
  };
}

function roleArnOf(role: RoleRecord): string {
  return roleArn(role.accountId, role.path, role.name);
}

export const workloadCredentialsHandlers = { GetWorkloadCredentials: getWorkloadCredentials };
