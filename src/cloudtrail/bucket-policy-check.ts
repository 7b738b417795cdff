import { compilePolicy, evaluate, type ContextValue, type EvaluationPrincipal } from '../policy/index.ts';
import { isoSeconds } from '../kernel/clock.ts';
import type { TrailDeliveryProbe } from '../kernel/operation.ts';

/**
 * Whether a bucket policy lets CloudTrail deliver a trail's objects, as AWS checks before it
 * creates or updates a trail on an S3 bucket (InsufficientS3BucketPolicyException otherwise).
 * Decided by the policy engine, as a resource-policy evaluation of the requests CloudTrail
 * itself makes — caller the service principal `cloudtrail.amazonaws.com`, with the condition
 * keys its delivery carries:
 *
 *   - `s3:PutObject` on each of the trail's object ARNs the probe names (a log file's and a
 *     digest's, under `[prefix/]AWSLogs/<account>/`), with `s3:x-amz-acl` =
 *     `bucket-owner-full-control`;
 *   - `s3:GetBucketAcl` on the bucket ARN — AWS's required policy grants it, and CreateTrail
 *     is refused without it (stricter where AWS's check is not documented);
 *
 * each with `aws:SourceArn` (the trail's ARN), `aws:SourceAccount` (its account),
 * `aws:PrincipalServiceName`, `aws:PrincipalIsAWSService` = true, `aws:SecureTransport` =
 * true, `aws:ViaAWSService` = false, `aws:CurrentTime`/`aws:EpochTime`, `s3:authType` =
 * REST-HEADER and `s3:signatureversion` = AWS4-HMAC-SHA256. No `aws:SourceIp`: a service
 * principal's request has none. Every request must be Allowed: Conditions, NotPrincipal,
 * NotAction, NotResource and explicit Denies count as the engine reads them everywhere else.
 *
 * A policy that is not JSON, does not validate as a resource policy, or is over S3's 20 KB
 * bucket policy quota allows nothing.
 */
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
/** S3's bucket policy quota. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

export type DeliveryVerdict =
  | { allowed: true }
  | { allowed: false; action: string; resource: string; decision: 'ExplicitDeny' | 'ImplicitDeny' }
  | { allowed: false; decision: 'InvalidPolicy' };

const CLOUDTRAIL_PRINCIPAL: EvaluationPrincipal = { kind: 'service', serviceName: CLOUDTRAIL };

function deliveryContext(probe: TrailDeliveryProbe): Record<string, ContextValue> {
  return {
    'aws:SourceArn': probe.trailArn,
    'aws:SourceAccount': probe.accountId,
    'aws:PrincipalServiceName': CLOUDTRAIL,
    'aws:PrincipalIsAWSService': 'true',
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:CurrentTime': isoSeconds(probe.now),
    'aws:EpochTime': String(Math.floor(probe.now.getTime() / 1000)),
    's3:authType': 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
}

export function cloudTrailDeliveryVerdict(policyText: string, bucket: string, probe: TrailDeliveryProbe, bucketOwner?: string): DeliveryVerdict {
  if (Buffer.byteLength(policyText, 'utf8') > MAX_BUCKET_POLICY_BYTES) return { allowed: false, decision: 'InvalidPolicy' };
  const compiled = compilePolicy(policyText, 'resource', `bucket policy of ${bucket}`);
  if (!compiled.ok) return { allowed: false, decision: 'InvalidPolicy' };
  const context = deliveryContext(probe);
  const requests = [
    ...probe.objectKeys.map((key) => ({ action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${key}`, context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' } })),
    { action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${bucket}`, context },
  ];
  for (const request of requests) {
    const decision = evaluate({ principal: CLOUDTRAIL_PRINCIPAL, ...request, resourceAccount: bucketOwner ?? probe.accountId }, { resource: compiled.policy });
    if (decision.decision !== 'Allowed') return { allowed: false, action: request.action, resource: request.resource, decision: decision.decision };
  }
  return { allowed: true };
}

export function policyAllowsCloudTrail(policyText: string, bucket: string, probe: TrailDeliveryProbe, bucketOwner?: string): boolean {
  return cloudTrailDeliveryVerdict(policyText, bucket, probe, bucketOwner).allowed;
}
