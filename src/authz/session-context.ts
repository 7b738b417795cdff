import type { ContextValue } from '../policy/index.ts';
import type { Principal } from '../kernel/principal.ts';

/**
 * Condition keys that describe a session (temporary credentials): aws:TokenIssueTime,
 * aws:MultiFactorAuthPresent ("false" unless the session was made with MFA — for
 * temporary credentials the key is always present), aws:MultiFactorAuthAge, aws:SourceIdentity,
 * aws:AssumedRoot ("true" for sts:AssumeRoot's sessions),
 * aws:FederatedProvider with the identity provider's session keys (sts/federated-session-keys.ts), and — sessions of an instance profile — ec2:SourceInstanceARN and
 * ec2:RoleDelivery.
 * Long-term credentials get none of these, as on AWS.
 */
export function sessionContext(principal: Principal, now: Date): Record<string, ContextValue> {
  const session = principal.session;
  if (!session) return {};
  const context: Record<string, ContextValue> = {
    'aws:TokenIssueTime': session.issuedAt,
    'aws:MultiFactorAuthPresent': session.mfa ? 'true' : 'false',
  };
  if (session.mfa) {
    context['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now.getTime() - Date.parse(session.mfa.authenticatedAt)) / 1000)));
  }
  if (session.sourceIdentity !== undefined) context['aws:SourceIdentity'] = session.sourceIdentity;
  // A session of sts:AssumeRoot says so (IAM User Guide, global condition keys: aws:AssumedRoot,
  // present only for AssumeRoot's credentials): SCPs can set its sessions apart.
  if (session.kind === 'root-session') context['aws:AssumedRoot'] = 'true';
  // Sessions made by AssumeRoleWithWebIdentity / AssumeRoleWithSAML name their provider.
  if (session.federation !== undefined) {
    context['aws:FederatedProvider'] = session.federation.provider;
    // …and keep the provider's keys that name the federated user (`<url>:sub`, `saml:sub`, …).
    if (session.federation.keys !== undefined) Object.assign(context, session.federation.keys);
  }
  // Sessions EC2 made for an instance profile name their instance and how they were delivered.
  if (session.workload?.service === 'ec2.amazonaws.com') {
    context['ec2:SourceInstanceARN'] = session.workload.sourceArn;
    if (session.workload.roleDelivery !== undefined) context['ec2:RoleDelivery'] = session.workload.roleDelivery;
  }
  return context;
}
