import type { Decision } from '../../policy/index.ts';

/**
 * AWS's AccessDenied message: "User: <arn> is not authorized to perform: <action> on
 * resource: <resource> because no identity-based policy allows the <action> action", or
 * "… with an explicit deny in a <policy type>". The engine's reason is the phrase after
 * "because"/"with".
 */
export function accessDeniedMessage(principalArn: string, action: string, resource: string, decision: Pick<Decision, 'decision' | 'reason'>): string {
  const joiner = decision.decision === 'ExplicitDeny' ? 'with' : 'because';
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${joiner} ${decision.reason}`;
}
