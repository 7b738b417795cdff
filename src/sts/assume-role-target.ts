import type { ContextValue } from '../policy/index.ts';
import type { AuthorizationTarget, TargetContext, TargetResourcePolicy } from '../authz/target.ts';
import { requestTagContext } from '../iam/authorization/request-tags.ts';
import { findRoleByArn, roleArn } from '../iam/roles/records.ts';
import { tagMap } from '../iam/tags.ts';
import type { AssumeRoleRequest } from '../protocol/generated/sts.ts';
import { rootCannotAssumeRoles } from './errors.ts';
import { checkMfaCode } from './mfa.ts';
import { assertArnShape } from './role-arn.ts';
import { effectiveSourceIdentity } from './source-identity.ts';

/**
 * What AssumeRole is authorized against (Service Authorization Reference, "AWS Security Token
 * Service"): sts:AssumeRole on the role ARN, decided by the caller's policies together with the
 * role's trust policy, and — each against the same trust policy — sts:TagSession when the
 * request passes session tags and sts:SetSourceIdentity when the session gets a source
 * identity (asked for, or carried along a role chain). The request's condition keys:
 * sts:RoleSessionName, sts:ExternalId, sts:SourceIdentity, aws:RequestTag/…, aws:TagKeys,
 * sts:TransitiveTagKeys, aws:ResourceTag/… (the role's tags), and aws:MultiFactorAuthPresent /
 * aws:MultiFactorAuthAge when a valid MFA code comes with it (checked, not consumed). A wrong or
 * used code, or a device that is not the caller's, gets AWS's MFA error before the trust policy decides.
 *
 * A role that does not exist is named as asked, with no trust policy: the denial then reads
 * exactly as for a role the caller may not assume (the handler denies the same way should the
 * caller's own policies allow it), so nobody learns which roles exist.
 */
export async function assumeRoleTarget(input: AssumeRoleRequest, ctx: TargetContext): Promise<AuthorizationTarget> {
  const caller = ctx.principal;
  if (caller.kind === 'root') throw rootCannotAssumeRoles();
  assertArnShape(input.RoleArn);
  const sourceIdentity = effectiveSourceIdentity(input.SourceIdentity, caller.session);
  const context = await assumeRoleContext(input, sourceIdentity, ctx);

  return roleTrustTarget(ctx, input.RoleArn, context, {
    tagSession: (input.Tags?.length ?? 0) > 0 || (input.TransitiveTagKeys?.length ?? 0) > 0,
    setSourceIdentity: sourceIdentity !== undefined,
  });
}

/**
 * A role as the target of a request decided by its trust policy (AssumeRole,
 * AssumeRoleWithWebIdentity, AssumeRoleWithSAML): the role's own ARN, its trust policy as
 * the resource policy, its tags, the request's keys — and, against the same trust policy,
 * sts:TagSession when session tags are passed and sts:SetSourceIdentity when the session gets
 * a source identity. A role that does not exist has no trust policy and is named as asked: the
 * denial then reads exactly as for a role that does not trust the caller.
 *
 * The role's own ARN, not the one asked: a role is found by its name in any case (IAM names are
 * not distinguished by case), so `role/ADMIN` finds `role/Admin` — decided on the ARN as asked,
 * a Deny on `role/Admin` never applied to the session of role Admin it gave.
 */
export async function roleTrustTarget(
  ctx: TargetContext,
  arn: string,
  context: Readonly<Record<string, ContextValue>>,
  needs: { tagSession: boolean; setSourceIdentity: boolean },
): Promise<AuthorizationTarget> {
  const role = await findRoleByArn(ctx.tx, arn);
  const resource = role ? roleArn(role.accountId, role.path, role.name) : arn;
  const trust: TargetResourcePolicy | undefined = role
    ? { text: role.data.assumeRolePolicyDocument, kind: 'trust', name: resource }
    : undefined;
  const resourceTags = role ? tagMap(role.data.tags) : undefined;
  const alsoNeeded = (action: string) => ({ action, resource, context, ...(trust ? { resourcePolicy: trust, resourceTags } : {}) });
  const also = [
    ...(needs.tagSession ? [alsoNeeded('sts:TagSession')] : []),
    ...(needs.setSourceIdentity ? [alsoNeeded('sts:SetSourceIdentity')] : []),
  ];
  return {
    resource,
    context,
    ...(trust ? { resourcePolicy: trust, resourceTags } : {}),
    ...(also.length > 0 ? { also } : {}),
  };
}

async function assumeRoleContext(input: AssumeRoleRequest, sourceIdentity: string | undefined, ctx: TargetContext): Promise<Record<string, ContextValue>> {
  const context: Record<string, ContextValue> = {
    'sts:RoleSessionName': input.RoleSessionName,
    ...requestTagContext(input.Tags),
  };
  if (input.ExternalId !== undefined) context['sts:ExternalId'] = input.ExternalId;
  if (sourceIdentity !== undefined) context['sts:SourceIdentity'] = sourceIdentity;
  if (input.TransitiveTagKeys !== undefined && input.TransitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = [...input.TransitiveTagKeys];
  // MFA is checked (not consumed) before the trust policy decides: AWS answers a bad code with
  // its MFA error, never with a trust-policy denial.
  if (ctx.secrets && ctx.now && (await checkMfaCode(ctx.tx, ctx.secrets, ctx.principal, input.SerialNumber, input.TokenCode, ctx.now))) {
    context['aws:MultiFactorAuthPresent'] = 'true';
    context['aws:MultiFactorAuthAge'] = '0';
  }
  return context;
}
