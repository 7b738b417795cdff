import type { Operations } from '../protocol/generated/sts.ts';
import type { AuthorizationTarget } from '../iam/authorization/target.ts';
import { requestTagContext } from '../iam/authorization/request-tags.ts';
import type { StsTargetContext } from './target-context.ts';
import { assumeRoleTarget } from './assume-role-target.ts';
import { federatedUserArn } from './session-arns.ts';
import { sessionCredentialsRefused } from './errors.ts';

export type { StsTargetContext } from './target-context.ts';

/**
 * What each STS operation is authorized against (see iam/authorization/target.ts), per AWS's
 * Service Authorization Reference: sts:AssumeRole on the role ARN with the role's trust policy
 * as the resource policy (assume-role-target.ts); sts:GetFederationToken on the federated
 * user's ARN (arn:aws:sts::<account>:federated-user/<name>), with sts:TagSession there too
 * when session tags are passed. Operations absent here (GetAccessKeyInfo,
 * DecodeAuthorizationMessage) are authorized against "*".
 *
 * A resolver may refuse a request outright where AWS refuses it whatever the policies say:
 * the root user calling AssumeRole, temporary credentials calling GetSessionToken or
 * GetFederationToken.
 */
export type StsTargetResolver<K extends keyof Operations> = (input: Operations[K]['input'], ctx: StsTargetContext) => Promise<AuthorizationTarget>;
export type StsTargetTable = { readonly [K in keyof Operations]?: StsTargetResolver<K> };

/**
 * STS actions AWS never requires permission for: GetCallerIdentity, and GetSessionToken ("No
 * permissions are required for a user to get a session token ... You cannot use policies to
 * control authentication operations").
 */
export const STS_ACTIONS_WITHOUT_PERMISSION: ReadonlySet<string> = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken']);

/**
 * Actions decided with a role's trust policy (AssumeRole and what it also needs). AWS's
 * denials of them name the caller, action and role only — no reason, and no encoded
 * explanation, which would show the role's trust policy (or that the role exists) to the
 * caller's account, possibly another account than the role's.
 */
export const TRUST_POLICY_ACTIONS: ReadonlySet<string> = new Set(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']);

/** AWS's denial text for a trust-policy action: identical whether or not the role exists. */
export function trustPolicyDenialMessage(callerArn: string, action: string, resource: string): string {
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`;
}

export const stsTargets: StsTargetTable = {
  AssumeRole: assumeRoleTarget,
  GetFederationToken: async (input, ctx) => {
    if (ctx.principal.session) throw sessionCredentialsRefused('GetFederationToken');
    const resource = federatedUserArn(ctx.accountId, input.Name);
    const context = requestTagContext(input.Tags);
    return {
      resource,
      context,
      ...((input.Tags?.length ?? 0) > 0 ? { also: [{ action: 'sts:TagSession', resource, context }] } : {}),
    };
  },
  GetSessionToken: async (_input, ctx) => {
    if (ctx.principal.session) throw sessionCredentialsRefused('GetSessionToken');
    return { resource: '*' };
  },
};

/** Own entries only: 'constructor' or '__proto__' must not find Object.prototype's. */
export function stsTargetResolverFor(operation: string): StsTargetResolver<keyof Operations> | undefined {
  return Object.hasOwn(stsTargets, operation) ? (stsTargets as Record<string, StsTargetResolver<keyof Operations> | undefined>)[operation] : undefined;
}
