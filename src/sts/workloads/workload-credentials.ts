import type { AuthorizationTarget, TargetContext } from '../../authz/target.ts';
import type { OperationContext } from '../../kernel/operation.ts';
import { Kind } from '../../iam/kinds.ts';
import type { InstanceProfileData } from '../../iam/roles/instance-profile-records.ts';
import { findRoleByArn } from '../../iam/roles/records.ts';
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
  const target = await roleTrustTarget(ctx, grant.role.arn, { 'sts:RoleSessionName': grant.workloadId }, { tagSession: false, setSourceIdentity: false });
  return { ...target, action: 'sts:AssumeRole' };
}

/**
 * The role's session, named after the workload, issued by the one role-session issuer. An
 * instance gets credentials only while its instance profile still holds the role (removing
 * the role stops new credentials; those already issued live to their expiry, as on AWS). The
 * session lasts the launch's duration, up to the role's MaxSessionDuration, and carries the
 * instance's ARN and delivery version (ec2:SourceInstanceARN, ec2:RoleDelivery).
 */
async function getWorkloadCredentials(_input: GetWorkloadCredentialsRequest, ctx: OperationContext): Promise<GetWorkloadCredentialsResponse> {
  const { grant, roleDelivery } = verifiedWorkload(ctx);
  const role = await findRoleByArn(ctx.store, grant.role.arn);
  if (!role) throw noSuchRole(grant.role.name);
  if (grant.instanceProfile) {
    const profile = await ctx.store.get<InstanceProfileData>(Kind.instanceProfile, grant.instanceProfile.id);
    if (!profile) throw noSuchInstanceProfile(grant.instanceProfile.name);
    if ((await profileRole(ctx.store, profile))?.id !== role.id) throw roleNoLongerInProfile(role.name, profile.name);
  }
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
    RoleArn: grant.role.arn,
    AssumedRoleArn: session.AssumedRoleUser.Arn,
  };
}

export const workloadCredentialsHandlers = { GetWorkloadCredentials: getWorkloadCredentials };
