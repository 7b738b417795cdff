// S3 Block Public Access as AWS has it since April 2023: a new bucket has all four settings on
// and ACLs disabled (Object Ownership BucketOwnerEnforced), and with BlockPublicPolicy on a
// public bucket policy is refused. Tessera writes those defaults upstream when a CreateBucket
// passes through it — before the client hears of the new bucket — so that GetPublicAccessBlock
// and GetBucketOwnershipControls answer what they answer on AWS, and a test that makes a bucket
// public must first turn the settings off, as on AWS. RestrictPublicBuckets is applied where
// the bucket policy is read (gateway/upstream-reads.ts); what makes a policy public is in
// gateway/public-bucket-policy.ts.

import { accessDenied, type GatewayFailure } from '../../gateway/errors.ts';
import { isPublicBucketPolicy } from '../../gateway/public-bucket-policy.ts';
import { readPublicAccessBlock, type ReadContext } from '../../gateway/upstream-reads.ts';
import type { Flow } from './flow.ts';

const ALL_BLOCKED = '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
  + '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>'
  + '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>'
  + '</PublicAccessBlockConfiguration>';

const OWNER_ENFORCED = '<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
  + '<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>';

/**
 * Writes a new bucket's defaults upstream, in the owner's account: all Block Public Access
 * settings on, and ACLs disabled unless the CreateBucket chose its Object Ownership. Never
 * throws: an upstream that lacks these APIs (an S3-compatible store) keeps the bucket as made,
 * with a warning.
 */
export async function writeNewBucketDefaults(flow: Flow, reads: ReadContext, bucket: string): Promise<void> {
  const path = `/${encodeURIComponent(bucket)}`;
  const headers = { 'content-type': 'application/xml' };
  const writes = [{ query: 'publicAccessBlock=', body: ALL_BLOCKED, what: 'PutPublicAccessBlock' }];
  if (flow.ctx.http.headers['x-amz-object-ownership'] === undefined) writes.push({ query: 'ownershipControls=', body: OWNER_ENFORCED, what: 'PutBucketOwnershipControls' });
  for (const write of writes) {
    try {
      const response = await reads.call({ method: 'PUT', path, query: write.query, headers, body: Buffer.from(write.body) });
      if (response.status < 200 || response.status >= 300) throw new Error(`the upstream answered ${response.status}`);
    } catch (err) {
      flow.deps.logger.warn("a new bucket's default settings could not be written upstream", { requestId: flow.ctx.requestId, bucket, operation: write.what, error: String(err) });
    }
  }
}

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
