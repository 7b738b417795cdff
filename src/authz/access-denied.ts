import type { Decision } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';
import { STAR_RESOURCE_NAMED } from './service-rules.ts';

/**
 * AWS's AccessDenied message: "User: <arn> is not authorized to perform: <action> on
 * resource: <resource> because no identity-based policy allows the <action> action" (no
 * "on resource" for an action on `*`), or
 * "… with an explicit deny in a <policy type>". The engine's reason is the phrase after
 * "because"/"with".
 */
export function accessDeniedMessage(principalArn: string, action: string, resource: string, decision: Pick<Decision, 'decision' | 'reason'>): string {
  const joiner = decision.decision === 'ExplicitDeny' ? 'with' : 'because';
  const written = actionAsWritten(action);
  const reason = written === action ? decision.reason : decision.reason.replaceAll(`the ${action} action`, `the ${written} action`);
  return `User: ${principalArn} is not authorized to perform: ${written}${onResource(action, resource)} ${joiner} ${reason}`;
}

/**
 * An action as its service writes it in a refusal: Amazon SNS upper-cases its prefix
 * ("…is not authorized to perform: SNS:Publish on resource: … because no identity-based policy
 * allows the SNS:Publish action", as its AuthorizationError reads); every other service writes
 * the action as policies do.
 */
export function actionAsWritten(action: string): string {
  return action.startsWith('sns:') ? `SNS:${action.slice(4)}` : action;
}

/**
 * The "on resource" part of a refusal. The protected services' texts name no resource for an
 * action on none (`*`: "…perform: s3:ListAllMyBuckets because…"); IAM's and STS's name it
 * ("…on resource: *"). S3 quotes the ARN ("…on resource: \"arn:aws:s3:::bucket/key\" because…").
 */
export function onResource(action: string, resource: string): string {
  const service = action.slice(0, action.indexOf(':')).toLowerCase();
  if (resource === '*' && !STAR_RESOURCE_NAMED.has(service)) return '';
  return service === 's3' ? ` on resource: "${resource}"` : ` on resource: ${resource}`;
}

/**
 * AWS's denial of an action decided with a role's trust policy, identical whether or not the
 * role exists: a signed caller is named with the action and role ("User: <arn> is not
 * authorized to perform: sts:AssumeRole on resource: <role>"); a caller proven by an identity
 * provider is told only "Not authorized to perform sts:AssumeRoleWithWebIdentity" (SAML
 * likewise), as AWS answers.
 */
export function trustDenialMessage(principal: Principal, action: string, resource: string): string {
  if (principal.federation) return `Not authorized to perform ${principal.federation.protocol === 'saml' ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity'}`;
  return `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource}`;
}
