// S3 Block Public Access as AWS has it since April 2023: with BlockPublicPolicy on, a public
// bucket policy is refused. A new bucket has all four settings on (new-bucket-defaults.ts writes
// them upstream), so a test that makes a bucket public must first turn the settings off, as on
// AWS. RestrictPublicBuckets is applied where the bucket policy is read
// (gateway/upstream-reads.ts); what makes a policy public is in gateway/public-bucket-policy.ts.

import { accessDenied, type GatewayFailure } from '../../gateway/errors.ts';
import { isPublicBucketPolicy } from '../../gateway/public-bucket-policy.ts';
import { readPublicAccessBlock, type ReadContext } from '../../gateway/upstream-reads.ts';

/**
 * PutBucketPolicy of a public policy on a bucket whose BlockPublicPolicy is on: refused as S3
 * refuses it, once the call is otherwise authorized. Settings the upstream answers but that
 * cannot be read (not XML, a document type declaration) refuse the write with 503.
 */
export async function publicPolicyBlocked(reads: ReadContext, bucket: string, policy: string, callerArn: string): Promise<GatewayFailure | undefined> {
  if (!isPublicBucketPolicy(policy)) return undefined;
  let block: Awaited<ReturnType<typeof readPublicAccessBlock>>;
  try {
    block = await readPublicAccessBlock(bucket, reads);
  } catch {
    // The settings may block the policy: nothing is stored without knowing them.
    return { code: 'ServiceUnavailable', message: `Tessera could not read the public access block of ${bucket} from the s3 upstream; the policy was not stored.`, status: 503 };
  }
  if (block?.blockPublicPolicy !== true) return undefined;
  return accessDenied('s3', `User: ${callerArn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket}" because public policies are blocked by the BlockPublicPolicy block public access setting.`).failure;
}
