import type { OperationContext } from '../kernel/operation.ts';
import type { GetFederationTokenRequest, GetFederationTokenResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { sessionCredentialsRefused } from './errors.ts';
import { userSessionDuration } from './durations.ts';
import { packedPolicySize } from './packed-size.ts';
import { federatedUserArn, federatedUserId } from './session-arns.ts';
import { sessionPolicies } from './session-policies.ts';
import { sessionTags } from './session-tags.ts';
import { sessionUser } from './user-sessions.ts';
import { issueTemporaryCredentials } from './temporary-credentials.ts';

/**
 * sts:GetFederationToken: a federated user acting for the calling IAM user (or root user),
 * with the intersection of that user's permissions and the session policies — none given,
 * none granted (AWS: "you must pass an inline or managed session policy"). Session tags
 * are allowed, but not transitive ones (there is no chaining from a federated user).
 * Twelve hours by default, up to 36; the root user's at most one. Only long-term credentials
 * may call it.
 */
async function getFederationToken(input: GetFederationTokenRequest, ctx: OperationContext): Promise<GetFederationTokenResponse> {
  const caller = ctx.principal;
  if (caller.session || (caller.kind !== 'user' && caller.kind !== 'root')) throw sessionCredentialsRefused('GetFederationToken');
  const duration = userSessionDuration(input.DurationSeconds, caller.kind === 'root');
  const tags = sessionTags(input.Tags, undefined, undefined);
  const policies = await sessionPolicies(ctx.store, caller.accountId, input.Policy, input.PolicyArns);
  const packedSize = packedPolicySize(policies, tags.tags);
  const credentials = await issueTemporaryCredentials(ctx, duration, {
    kind: 'federated-user',
    accountId: caller.accountId,
    federatedName: input.Name,
    user: sessionUser(caller),
    ...(policies ? { sessionPolicies: policies } : {}),
    ...(Object.keys(tags.tags).length > 0 ? { tags: tags.tags } : {}),
  });
  return {
    Credentials: credentials,
    FederatedUser: { FederatedUserId: federatedUserId(caller.accountId, input.Name), Arn: federatedUserArn(caller.accountId, input.Name) },
    ...(packedSize !== undefined ? { PackedPolicySize: packedSize } : {}),
  };
}

export const federationTokenHandlers = {
  GetFederationToken: getFederationToken,
} satisfies StsHandlerTable;
