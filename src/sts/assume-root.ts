import type { AuthorizationTarget, TargetContext } from '../authz/target.ts';
import { rootArn } from '../kernel/arns.ts';
import type { OperationContext } from '../kernel/operation.ts';
import type { Principal } from '../kernel/principal.ts';
import { awsManagedCatalog } from '../iam/policies/aws-managed.ts';
import { rootAccessGap, type RootAccessGap } from '../iam/root-access/prerequisites.ts';
import { rootAccessFeatures } from '../iam/root-access/records.ts';
import type { AssumeRootRequest, AssumeRootResponse } from '../protocol/generated/sts.ts';
import { assumeRootRefused, invalidTargetPrincipal, invalidTaskPolicyArn } from './errors.ts';
import type { StsHandlerTable } from './handler.ts';
import { rootTaskPolicyArn, rootTaskPolicyNames, targetAccountOf } from './root-task.ts';
import { issueTemporaryCredentials } from './temporary-credentials.ts';

/**
 * sts:AssumeRoot (IAM User Guide, "Centrally manage root access for member accounts"): an IAM
 * user or role session of an organization's management account, whose organization enabled
 * root sessions (iam:EnableOrganizationsRootSessions, after trusted access for IAM), gets
 * short-lived credentials of a member account's root user, limited to a task policy — one of
 * the AWS managed policies under arn:aws:iam::aws:policy/root-task/, sealed into the session
 * as its session policy (the engine applies its Deny statements, authz/applicable-policies.ts).
 *
 * Authorized as sts:AssumeRoot on the member's root user (arn:aws:iam::<member>:root) with
 * sts:TaskPolicyArn, decided by the caller's own policies in its own account (no resource
 * policy takes part; the management account is exempt from SCPs). Then the handler checks the
 * organization, read at request time: disabling root sessions stops the next call.
 */

/** AssumeRoot's default and longest session: 15 minutes (the model bounds DurationSeconds to 0–900). */
export const ROOT_SESSION_SECONDS = 900;

const GAP_REASONS: Record<RootAccessGap, string> = {
  'no-organization': 'the caller\'s account is not in an organization',
  'not-management-account': 'only principals of the organization\'s management account or of a delegated administrator for iam.amazonaws.com can call AssumeRoot',
  'not-all-features': 'the organization does not have all features enabled',
  'no-trusted-access': 'trusted access for IAM (iam.amazonaws.com) is not enabled in the organization',
};

function requireTargetAccount(targetPrincipal: string): string {
  const account = targetAccountOf(targetPrincipal);
  if (account === undefined) throw invalidTargetPrincipal(targetPrincipal);
  return account;
}

/** The task policy's ARN as the catalog spells it, or InvalidParameterValue. */
async function requireTaskPolicy(arn: string | undefined): Promise<string> {
  const catalog = await awsManagedCatalog();
  const found = rootTaskPolicyArn(catalog, arn);
  if (found === undefined) throw invalidTaskPolicyArn(arn ?? 'null', rootTaskPolicyNames(catalog));
  return found;
}

/** Only an IAM user or role session may call AssumeRoot: AWS refuses root user credentials whatever the policies say. */
function assertIamCaller(caller: Principal, resource: string): void {
  if (caller.kind === 'root') throw assumeRootRefused(caller.arn, resource, 'root user credentials cannot call AssumeRoot');
  if (caller.kind !== 'user' && caller.kind !== 'role-session') throw assumeRootRefused(caller.arn, resource, 'only IAM users and roles can call AssumeRoot');
}

export async function assumeRootTarget(input: AssumeRootRequest, ctx: TargetContext): Promise<AuthorizationTarget> {
  const resource = rootArn(requireTargetAccount(input.TargetPrincipal));
  assertIamCaller(ctx.principal, resource);
  const taskPolicy = await requireTaskPolicy(input.TaskPolicyArn.arn);
  return { resource, context: { 'sts:TaskPolicyArn': taskPolicy }, resourceAccount: ctx.accountId };
}

async function assumeRoot(input: AssumeRootRequest, ctx: OperationContext): Promise<AssumeRootResponse> {
  const caller = ctx.principal;
  const target = requireTargetAccount(input.TargetPrincipal);
  const resource = rootArn(target);
  assertIamCaller(caller, resource);
  const taskPolicy = await requireTaskPolicy(input.TaskPolicyArn.arn);
  const refuse = (reason: string) => assumeRootRefused(caller.arn, resource, reason);

  const org = await ctx.organizations?.(ctx.store, caller.accountId);
  const gap = rootAccessGap(org, caller.accountId);
  if (gap !== undefined || !org) throw refuse(GAP_REASONS[gap ?? 'no-organization']);
  if (!(await rootAccessFeatures(ctx.store, org.orgId)).includes('RootSessions')) {
    throw refuse(`root sessions are not enabled for the organization ${org.orgId} (iam:EnableOrganizationsRootSessions)`);
  }
  if (target === org.managementAccountId) throw refuse('the target is the organization\'s management account, not a member account');
  const member = await ctx.organizations!(ctx.store, target);
  if (!member || member.orgId !== org.orgId) throw refuse(`the account ${target} is not a member account of the organization ${org.orgId}`);
  if (member.status !== 'ACTIVE') throw refuse(`the account ${target} is closed`);

  // A source identity set on the caller's session passes on, as AWS returns it.
  const sourceIdentity = caller.session?.sourceIdentity;
  const credentials = await issueTemporaryCredentials(ctx, input.DurationSeconds ?? ROOT_SESSION_SECONDS, {
    kind: 'root-session',
    accountId: target,
    sessionPolicies: { arns: [taskPolicy] },
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  });
  return { Credentials: credentials, ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}) };
}

export const assumeRootHandlers = {
  AssumeRoot: assumeRoot,
} satisfies StsHandlerTable;
