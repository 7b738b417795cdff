import type { OperationContext } from '../kernel/operation.ts';
import type { GetSessionTokenRequest, GetSessionTokenResponse } from '../protocol/generated/sts.ts';
import type { StsHandlerTable } from './handler.ts';
import { sessionCredentialsRefused } from './errors.ts';
import { userSessionDuration } from './durations.ts';
import { authenticateMfa } from './mfa.ts';
import { sessionUser } from './user-sessions.ts';
import { issueTemporaryCredentials } from './temporary-credentials.ts';

/**
 * sts:GetSessionToken: temporary credentials for the calling IAM user (or root user) itself,
 * typically to prove MFA (the session carries when the code was checked, for
 * aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge). Twelve hours by default, up to 36;
 * the root user's at most one. Temporary credentials cannot call it.
 */
async function getSessionToken(input: GetSessionTokenRequest, ctx: OperationContext): Promise<GetSessionTokenResponse> {
  const caller = ctx.principal;
  if (caller.session || (caller.kind !== 'user' && caller.kind !== 'root')) throw sessionCredentialsRefused('GetSessionToken');
  const duration = userSessionDuration(input.DurationSeconds, caller.kind === 'root');
  const mfa = await authenticateMfa(ctx, input.SerialNumber, input.TokenCode);
  const credentials = await issueTemporaryCredentials(ctx, duration, {
    kind: 'user-session',
    accountId: caller.accountId,
    user: sessionUser(caller),
    ...(mfa ? { mfa } : {}),
  });
  return { Credentials: credentials };
}

export const sessionTokenHandlers = {
  GetSessionToken: getSessionToken,
} satisfies StsHandlerTable;
