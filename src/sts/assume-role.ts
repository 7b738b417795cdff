import type { OperationContext } from '../kernel/operation.ts';
import { findRoleByArn, roleArn } from '../iam/roles/records.ts';
import { recordRoleUse } from '../iam/roles/last-used.ts';
import type { AssumeRoleRequest, AssumeRoleResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { assumeRoleDenied, rootCannotAssumeRoles } from './errors.ts';
import { assumeRoleDuration } from './durations.ts';
import { authenticateMfa } from './mfa.ts';
import { packedPolicySize } from './packed-size.ts';
import { assertArnShape } from './role-arn.ts';
import { assumedRoleArn } from './session-arns.ts';
import { sessionPolicies } from './session-policies.ts';
import { sessionTags } from './session-tags.ts';
import { effectiveSourceIdentity } from './source-identity.ts';
import { issueTemporaryCredentials } from './temporary-credentials.ts';

/**
 * sts:AssumeRole (authorized beforehand against the role's trust policy, see
 * assume-role-target.ts): a session of the role for up to its MaxSessionDuration (an hour when
 * chained), with the caller's session policies, session tags (plus the transitive tags of a
 * calling role session), source identity and MFA sealed into its token. Every check comes
 * before the MFA code is consumed, so a refused request never uses up a code.
 */
async function assumeRole(input: AssumeRoleRequest, ctx: OperationContext): Promise<AssumeRoleResponse> {
  const caller = ctx.principal;
  if (caller.kind === 'root') throw rootCannotAssumeRoles();
  assertArnShape(input.RoleArn);
  const role = await findRoleByArn(ctx.store, input.RoleArn);
  // Only reached when the caller's own policies allowed a role that does not exist.
  if (!role) throw assumeRoleDenied(caller.arn, input.RoleArn);

  const callerSession = caller.session;
  const chained = callerSession?.kind === 'role-session';
  const duration = assumeRoleDuration(input.DurationSeconds, role.data.maxSessionDuration, chained);
  const tags = sessionTags(input.Tags, input.TransitiveTagKeys, callerSession);
  const sourceIdentity = effectiveSourceIdentity(input.SourceIdentity, callerSession);
  const policies = await sessionPolicies(ctx.store, role.accountId, input.Policy, input.PolicyArns);
  const packedSize = packedPolicySize(policies, tags.tags);
  // A session made with MFA (e.g. from GetSessionToken with a code) passes that on.
  const mfa = (await authenticateMfa(ctx, input.SerialNumber, input.TokenCode)) ?? callerSession?.mfa;

  const credentials = await issueTemporaryCredentials(ctx, duration, {
    kind: 'role-session',
    accountId: role.accountId,
    role: { id: role.id, arn: roleArn(role.accountId, role.path, role.name), name: role.name, path: role.path },
    sessionName: input.RoleSessionName,
    ...(policies ? { sessionPolicies: policies } : {}),
    ...(Object.keys(tags.tags).length > 0 ? { tags: tags.tags } : {}),
    ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    ...(mfa ? { mfa } : {}),
    ...(chained ? { chained: true } : {}),
  });
  await recordRoleUse(ctx.store, role.id, ctx.clock.now(), ctx.region);
  return {
    Credentials: credentials,
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${input.RoleSessionName}`,
      Arn: assumedRoleArn(role.accountId, role.name, input.RoleSessionName),
    },
    ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
    ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
  };
}

export const assumeRoleHandlers = {
  AssumeRole: assumeRole,
} satisfies StsHandlerTable;
