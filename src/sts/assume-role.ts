import type { OperationContext } from '../kernel/operation.ts';
import { findRoleByArn } from '../iam/roles/records.ts';
import type { AssumeRoleRequest, AssumeRoleResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { assumeRoleDenied, rootCannotAssumeRoles } from './errors.ts';
import { authenticateMfa } from './mfa.ts';
import { assertArnShape } from './role-arn.ts';
import { sessionTags } from './session-tags.ts';
import { effectiveSourceIdentity } from './source-identity.ts';
import { issueRoleSession, prepareRoleSession } from './role-session.ts';

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
  const sourceIdentity = effectiveSourceIdentity(input.SourceIdentity, callerSession);
  const prepared = await prepareRoleSession(ctx, {
    role,
    sessionName: input.RoleSessionName,
    ...(input.DurationSeconds !== undefined ? { durationSeconds: input.DurationSeconds } : {}),
    chained: callerSession?.kind === 'role-session',
    ...(input.Policy !== undefined ? { policy: input.Policy } : {}),
    ...(input.PolicyArns !== undefined ? { policyArns: input.PolicyArns } : {}),
    tags: sessionTags(input.Tags, input.TransitiveTagKeys, callerSession),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  });
  // A session made with MFA (e.g. from GetSessionToken with a code) passes that on.
  const mfa = (await authenticateMfa(ctx, input.SerialNumber, input.TokenCode)) ?? callerSession?.mfa;
  return issueRoleSession(ctx, prepared, mfa);
}

export const assumeRoleHandlers = {
  AssumeRole: assumeRole,
} satisfies StsHandlerTable;
