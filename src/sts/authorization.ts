import type { Operations } from '../protocol/generated/sts.ts';
import type { TargetResolver } from '../authz/target.ts';
import { requestTagContext } from '../iam/authorization/request-tags.ts';
import { assumeRoleTarget } from './assume-role-target.ts';
import { assumeRootTarget } from './assume-root.ts';
import { federatedRoleTarget, verifiedFederation } from './federated-role-target.ts';
import { federatedUserArn } from './session-arns.ts';
import { sessionCredentialsRefused } from './errors.ts';
import { webIdentityTokenTarget } from './web-identity-token.ts';

/**
 * What each STS operation is authorized against (see authz/target.ts), per AWS's Service
 * Authorization Reference: sts:AssumeRole on the role ARN with the role's trust policy as the
 * resource policy (assume-role-target.ts); sts:GetFederationToken on the federated user's ARN
 * (arn:aws:sts::<account>:federated-user/<name>), with sts:TagSession there too when session
 * tags are passed; sts:GetAccessKeyInfo and sts:DecodeAuthorizationMessage support no
 * resource type, so they are authorized on "*", as AWS authorizes them. sts:AssumeRoot is
 * authorized on the member account's root user (arn:aws:iam::<member>:root) with
 * sts:TaskPolicyArn, decided by the caller's policies in its own account (assume-root.ts).
 *
 * sts:GetCallerIdentity and sts:GetSessionToken need no permission (AWS: "No permissions are
 * required for a user to get a session token … You cannot use policies to control
 * authentication operations"): their targets carry that rule.
 *
 * A resolver may refuse a request outright where AWS refuses it whatever the policies say:
 * the root user calling AssumeRole or AssumeRoot, temporary credentials calling GetSessionToken
 * or GetFederationToken, an AssumeRoot task policy that is not a root-task policy.
 */
export type StsTargetResolver<K extends keyof Operations> = TargetResolver<Operations[K]['input']>;

export const stsTargets = {
  GetCallerIdentity: async () => ({ rule: 'no-permission', resource: '*' }),
  GetSessionToken: async (_input, ctx) => {
    if (ctx.principal.session) throw sessionCredentialsRefused('GetSessionToken');
    return { rule: 'no-permission', resource: '*' };
  },
  AssumeRole: assumeRoleTarget,
  AssumeRoot: assumeRootTarget,
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
  GetAccessKeyInfo: async () => ({ resource: '*' }),
  DecodeAuthorizationMessage: async () => ({ resource: '*' }),
  // sts:GetWebIdentityToken: no resource type; its own condition keys (web-identity-token.ts).
  GetWebIdentityToken: webIdentityTokenTarget,
  // sts:GetDelegatedAccessToken: no resource type; refused after authorization (unsupported.ts).
  GetDelegatedAccessToken: async () => ({ resource: '*' }),
} satisfies { readonly [K in keyof Operations]?: StsTargetResolver<K> };

/** The operations whose caller an identity provider vouches for (see federated-role-target.ts). */
export const webIdentityTargets = {
  AssumeRoleWithWebIdentity: (input, ctx) => federatedRoleTarget(ctx, input.RoleArn, input.RoleSessionName),
} satisfies { readonly [K in keyof Operations]?: StsTargetResolver<K> };

export const samlTargets = {
  AssumeRoleWithSAML: (input, ctx) => federatedRoleTarget(ctx, input.RoleArn, verifiedFederation(ctx).sessionName),
} satisfies { readonly [K in keyof Operations]?: StsTargetResolver<K> };
