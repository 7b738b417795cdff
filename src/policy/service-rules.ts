import { arnSubject } from './arn.ts';

// Rules of AWS's services that no policy states, applied by the engine whenever the request
// says which service and resource it is for — in the server, the simulator and scenario
// files alike. Data, not code paths: each entry cites what it encodes.

/**
 * Requests that the resource's own policy must allow, even within one account, because the
 * service says so:
 *   - a role is assumed only if its trust policy allows it ("the role trust policy ... must
 *     allow", IAM User Guide, "Cross-account policy evaluation logic" / "Granting a user
 *     permissions to switch roles"): identity policies alone never suffice;
 *   - a KMS key is used only if its key policy allows it, or delegates to the account
 *     (`"Principal": {"AWS": "arn:aws:iam::<account>:root"}`) and an identity policy allows
 *     it too ("Unless the key policy explicitly allows it, you cannot use IAM policies to
 *     allow access to a KMS key", AWS KMS Developer Guide, "Key policies in AWS KMS").
 * `actions` are lower case; an empty list means every action of the resource's service.
 */
export interface ResourcePolicyRule {
  actions: readonly string[];
  resourceService: string;
  resourceTypePrefix: string;
  reasonKind: 'trust' | 'resource';
}

export const RESOURCE_POLICY_REQUIRED: readonly ResourcePolicyRule[] = [
  {
    actions: ['sts:assumerole', 'sts:assumerolewithwebidentity', 'sts:assumerolewithsaml', 'sts:tagsession', 'sts:setsourceidentity'],
    resourceService: 'iam',
    resourceTypePrefix: 'role/',
    reasonKind: 'trust',
  },
  { actions: [], resourceService: 'kms', resourceTypePrefix: 'key/', reasonKind: 'resource' },
];

/** The rule an action (lower case) on a resource's ARN segments meets, if any. */
export function resourcePolicyRuleFor(action: string, service: string, segments: readonly string[] | undefined): ResourcePolicyRule | undefined {
  // Six segments: arn, partition, service, region, account, and the resource (colons kept).
  if (!segments || segments.length !== 6) return undefined;
  const resourceService = segments[2]!;
  const resourcePart = segments[5]!;
  return RESOURCE_POLICY_REQUIRED.find((rule) =>
    rule.resourceService === resourceService
    && resourcePart.startsWith(rule.resourceTypePrefix)
    && (rule.actions.length === 0 ? service === rule.resourceService : rule.actions.includes(action)));
}

/** Whether `action` on the resource ARN `resource` needs the resource's own policy to allow (or delegate). */
export function requiresResourcePolicy(action: string, resource: string): boolean {
  const lower = action.toLowerCase();
  const colon = lower.indexOf(':');
  return resourcePolicyRuleFor(lower, colon < 0 ? lower : lower.slice(0, colon), arnSubject(resource).segments ?? undefined) !== undefined;
}

/**
 * Actions the root user of the resource's own account keeps whatever the resource's policy
 * denies: "To ensure that bucket owners don't inadvertently lock themselves out of their own
 * buckets, the root principal in a bucket owner's AWS account can perform the
 * GetBucketPolicy, PutBucketPolicy, and DeleteBucketPolicy API actions, even if their bucket
 * policy explicitly denies the root principal's access. Bucket owner root principals can only
 * be blocked from performing these API actions by VPC endpoint policies and AWS Organizations
 * policies" (Amazon S3 API Reference, PutBucketPolicy / DeleteBucketPolicy). SQS has the
 * same root-only action — "Edit or delete an SQS resource-based policy that denies all
 * principals … to unlock an SQS queue" (AWS Account Management, root-only actions) — through
 * GetQueueAttributes and SetQueueAttributes, the queue actions AWS's SQSUnlockQueuePolicy root
 * task policy leaves a root session. Lower case.
 */
export const OWNER_ROOT_OVERRIDES_RESOURCE_DENY: ReadonlySet<string> = new Set([
  's3:getbucketpolicy',
  's3:putbucketpolicy',
  's3:deletebucketpolicy',
  'sqs:getqueueattributes',
  'sqs:setqueueattributes',
]);
