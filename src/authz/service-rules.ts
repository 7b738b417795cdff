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
 * Services with a single global endpoint, physically in one region: every request to them is
 * made to that region, whatever region the client signed for — with a custom endpoint the aws
 * CLI and the SDKs sign IAM requests with their configured region. AWS's condition-key
 * reference: "Because this endpoint is physically located in the US East (N. Virginia)
 * Region, IAM calls are always made to the us-east-1 Region"; its example "Denies access to
 * AWS based on the requested Region" exempts `iam:*` and `organizations:*` for that reason.
 * The region is the request's `aws:RequestedRegion`, its CloudTrail `awsRegion` and the
 * access key's last-used Region.
 */
export const GLOBAL_ENDPOINT_REGIONS: ReadonlyMap<string, string> = new Map([
  ['iam', 'us-east-1'],
  ['organizations', 'us-east-1'],
]);

/** The region a request to `service` is made to: a global service's own, else the region the request was signed for. */
export function requestedRegion(service: string | undefined, signedRegion: string | undefined): string | undefined {
  return (service === undefined ? undefined : GLOBAL_ENDPOINT_REGIONS.get(service)) ?? signedRegion;
}

/**
 * Resources no principal may change, whatever its policies allow — the root user included:
 * a service-linked role belongs to its service (IAM answers UnmodifiableEntity), an AWS
 * managed policy to AWS. Decided after the policies allowed the request, so a caller without
 * permission still learns only AccessDenied. A resource is named by its service, its account
 * (`aws` for AWS's own, `*` for any) and the start of its resource part; `{name}` in the
 * message is the resource's last path segment, `{arn}` the whole ARN.
 *
 * Two rules stay with their handlers because they depend on the input rather than on the
 * resource acted on: UpdateRole (a service-linked role's description may be edited, only its
 * MaxSessionDuration may not) and AddRoleToInstanceProfile (the instance profile is the
 * resource; the role put in it is a parameter).
 */
export interface ProtectedResource {
  service: string;
  account: string;
  resourcePrefix: string;
  actions: readonly string[];
  error: { code: string; message: string };
}

export const PROTECTED_RESOURCES: readonly ProtectedResource[] = [
  {
    service: 'iam',
    account: '*',
    resourcePrefix: 'role/aws-service-role/',
    actions: [
      'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
      'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary',
      'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole',
    ],
    // AWS's wording.
    error: { code: 'UnmodifiableEntity', message: "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS" },
  },
  {
    service: 'iam',
    account: 'aws',
    resourcePrefix: 'policy/',
    actions: ['iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
    // Best effort: AWS publishes no text; the model offers InvalidInput for such requests.
    error: { code: 'InvalidInput', message: 'Policy {arn} is an AWS managed policy and cannot be modified.' },
  },
];

/**
 * Services whose AccessDenied text names the resource even when it is `*` ("…perform:
 * sts:GetAccessKeyInfo on resource: *"); the protected services' texts leave it out ("…perform:
 * s3:ListAllMyBuckets because…", as AWS answers `aws s3 ls`).
 */
export const STAR_RESOURCE_NAMED: ReadonlySet<string> = new Set(['iam', 'sts', 'organizations', 'cloudtrail', 'tessera']);
