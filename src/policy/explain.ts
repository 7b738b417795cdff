// Reasons in AWS's words. AWS's AccessDenied messages read
//   "... is not authorized to perform: <action> on resource: <arn> because no <type> allows the <action> action"
//   "... is not authorized to perform: <action> on resource: <arn> with an explicit deny in a <type>"
// and the engine's `reason` is the phrase after "because" / "with". The policy-type names
// are the ones listed in IAM's "Troubleshooting access denied error messages" page.
// Phrases for an Allowed decision are the engine's own (AWS has none).

import type { DecidingPolicyKind } from './types.ts';

export type ReasonKind = DecidingPolicyKind | 'trust';

const TYPE_NAMES: Readonly<Record<ReasonKind, string>> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  trust: 'role trust policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

/** "an explicit deny in an identity-based policy" (AWS: "with an explicit deny in ..."). */
export function explicitDenyReason(kind: ReasonKind): string {
  // AWS writes "in the role trust policy" for trust policies and "in a/an ..." otherwise.
  if (kind === 'trust') return 'an explicit deny in the role trust policy';
  const name = TYPE_NAMES[kind];
  return `an explicit deny in ${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** "no identity-based policy allows the s3:GetObject action" (AWS: "because no ..."). */
export function implicitDenyReason(kind: ReasonKind, action: string): string {
  return `no ${TYPE_NAMES[kind]} allows the ${action} action`;
}

export function allowedReason(grantedBy: 'root' | 'identity' | 'resource' | 'identity+resource' | 'always', action: string): string {
  switch (grantedBy) {
    case 'always':
      return `the ${action} action needs no permission and cannot be denied`;
    case 'root':
      return `the account root user is allowed the ${action} action on its own account's resources`;
    case 'identity':
      return `an identity-based policy allows the ${action} action`;
    case 'resource':
      return `a resource-based policy allows the ${action} action`;
    case 'identity+resource':
      return `an identity-based policy and a resource-based policy allow the ${action} action`;
  }
}
