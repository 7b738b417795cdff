import { evaluate, type ContextValue, type PolicyCache } from '../../policy/index.ts';
import { samlAssumeDenied } from './errors.ts';

/**
 * AssumeRoleWithSAML comes without credentials: the caller is the SAML provider itself, so
 * the role's trust policy alone decides, for a `Federated` principal naming the provider ARN.
 * Passing session tags also needs sts:TagSession, and a source identity sts:SetSourceIdentity,
 * from the same trust policy (as for AssumeRole).
 */
export interface TrustCheck {
  policyCache: PolicyCache;
  trustPolicy: string;
  roleArn: string;
  providerArn: string;
  context: Record<string, ContextValue>;
  tagsPassed: boolean;
  sourceIdentityPassed: boolean;
}

export function assertTrustAllows(check: TrustCheck): void {
  const compiled = check.policyCache.compile(check.trustPolicy, 'trust', check.roleArn);
  // A stored trust policy that no longer validates trusts nobody.
  if (!compiled.ok) throw samlAssumeDenied();
  const actions = [
    'sts:AssumeRoleWithSAML',
    ...(check.tagsPassed ? ['sts:TagSession'] : []),
    ...(check.sourceIdentityPassed ? ['sts:SetSourceIdentity'] : []),
  ];
  for (const action of actions) {
    const decision = evaluate(
      { principal: { kind: 'web-identity', provider: check.providerArn }, action, resource: check.roleArn, context: check.context },
      { resource: compiled.policy },
    );
    if (decision.decision !== 'Allowed') throw samlAssumeDenied();
  }
}
