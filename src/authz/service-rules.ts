/**
 * Rules of AWS's services that are not in any policy, kept here as data so that no handler
 * decides on its own.
 */

/**
 * Actions decided with a role's trust policy. AWS's denials of them name the caller, action
 * and role only — no reason, and no encoded explanation, which would show the role's trust
 * policy (or whether the role exists) to the caller's account, possibly another account than
 * the role's.
 */
export const TRUST_POLICY_ACTIONS: ReadonlySet<string> = new Set([
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
  'sts:TagSession',
  'sts:SetSourceIdentity',
]);

/**
 * What some temporary credentials can never do, whatever their policies say (AWS documents
 * each): GetFederationToken credentials call no IAM operation and no STS operation but
 * GetCallerIdentity; GetSessionToken credentials call IAM only if the session was made with
 * MFA — without it IAM does not accept them at all (InvalidClientTokenId) — and of STS only
 * AssumeRole and GetCallerIdentity. (GetCallerIdentity needs no permission and is never
 * refused: its target carries the `no-permission` rule.)
 */
export interface SessionLimit {
  session: 'federated-user' | 'user-session';
  /** The limit applies to these services' actions… */
  services: readonly string[];
  /** …but these. */
  except?: readonly string[];
  /** Only for sessions made without MFA. */
  withoutMfaOnly?: boolean;
  /** How AWS refuses: an AccessDenied with this reason, or the token is not accepted at all. */
  refusal: 'access-denied' | 'invalid-token';
  reason: string;
}

export const SESSION_LIMITS: readonly SessionLimit[] = [
  {
    session: 'federated-user',
    services: ['iam', 'sts'],
    refusal: 'access-denied',
    reason: 'temporary credentials from GetFederationToken cannot call IAM or STS operations other than GetCallerIdentity',
  },
  {
    session: 'user-session',
    services: ['iam'],
    withoutMfaOnly: true,
    refusal: 'invalid-token',
    reason: 'temporary credentials from GetSessionToken cannot call IAM without MFA authentication',
  },
  {
    session: 'user-session',
    services: ['sts'],
    except: ['sts:AssumeRole'],
    refusal: 'access-denied',
    reason: 'temporary credentials from GetSessionToken can call only AssumeRole and GetCallerIdentity',
  },
];

/**
 * Resources whose own policy must allow the request — or delegate to the account, by naming
 * `arn:aws:iam::<account>:root` — whatever identity policies say, for every caller of the
 * owning account (its root user included) as for any other: AWS KMS key policies ("Key
 * policies in AWS KMS": "Unless the key policy explicitly allows it, you cannot use IAM
 * policies to allow access to a KMS key"). The engine's ordinary same-account logic lets
 * either side allow; for these resources a request the key policy neither allows nor
 * delegates is refused with AWS's reason, as is one decided without the key policy at all.
 */
export interface ResourcePolicyRequirement {
  /** The action's service prefix (`kms`). */
  service: string;
  /** The resource ARN's service and the start of its resource part (`key/`). */
  arnService: string;
  resourcePrefix: string;
}

export const RESOURCE_POLICY_REQUIRED: readonly ResourcePolicyRequirement[] = [
  { service: 'kms', arnService: 'kms', resourcePrefix: 'key/' },
];

/** Whether `action` on `resource` needs its resource's own policy to allow or delegate. */
export function requiresResourcePolicy(action: string, resource: string): boolean {
  const prefix = action.slice(0, action.indexOf(':')).toLowerCase();
  const parts = resource.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return false;
  const resourcePart = parts.slice(5).join(':');
  return RESOURCE_POLICY_REQUIRED.some((rule) => rule.service === prefix && parts[2] === rule.arnService && resourcePart.startsWith(rule.resourcePrefix));
}
