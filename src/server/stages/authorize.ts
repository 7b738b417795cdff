import { serviceError } from '../../protocol/errors.ts';
import type { RequestContext } from '../request-context.ts';
import { requestTarget } from '../request-target.ts';

/**
 * Authorization. The policy engine decides every request once IAM policies can be attached;
 * until then the rule is AWS's default for an account with no policies: the root user may
 * do everything in its account, every other principal nothing, except the calls AWS never
 * requires permission for (sts:GetCallerIdentity).
 */
const ALWAYS_ALLOWED: ReadonlySet<string> = new Set(['sts:GetCallerIdentity']);

export async function authorize(ctx: RequestContext): Promise<void> {
  const principal = ctx.principal!;
  const { action, resource } = requestTarget(ctx.service!, ctx.operation!, ctx.input ?? {}, principal);
  if (ALWAYS_ALLOWED.has(action) || principal.kind === 'root') {
    ctx.authorization = { decision: 'Allowed', action, resource };
    return;
  }
  const reason = `no identity-based policy allows the ${action} action`;
  ctx.authorization = { decision: 'ImplicitDeny', action, resource, reason };
  throw serviceError(ctx.service!, 'AccessDenied', `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} because ${reason}`);
}
