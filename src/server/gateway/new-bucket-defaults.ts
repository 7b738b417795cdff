// A new S3 bucket's settings as AWS makes them, written upstream when a CreateBucket passes
// through Tessera — before the client hears of the new bucket — so that the bucket answers as
// a new bucket on AWS does, whatever the upstream's own defaults:
//   - Block Public Access, all four settings on, and ACLs disabled (Object Ownership
//     BucketOwnerEnforced) unless the CreateBucket chose its ownership: AWS's defaults since
//     April 2023 (block-public-access.ts applies them);
//   - default encryption SSE-S3 (AES256), AWS's base level of encryption for every bucket since
//     January 2023: GetBucketEncryption answers it, and objects written without encryption
//     headers are answered `x-amz-server-side-encryption: AES256`. DeleteBucketEncryption does
//     not remove it on AWS but "resets the default encryption for the bucket as server-side
//     encryption with Amazon S3 managed keys (SSE-S3)": Tessera writes it again after one passes.

import type { ReadContext } from '../../gateway/upstream-reads.ts';
import type { Flow } from './flow.ts';

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const ALL_BLOCKED = `<PublicAccessBlockConfiguration xmlns="${S3_NAMESPACE}">`
  + '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>'
  + '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>'
  + '</PublicAccessBlockConfiguration>';

const OWNER_ENFORCED = `<OwnershipControls xmlns="${S3_NAMESPACE}">`
  + '<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>';

const SSE_S3 = `<ServerSideEncryptionConfiguration xmlns="${S3_NAMESPACE}">`
  + '<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>'
  + '<BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>';

interface SettingWrite {
  query: string;
  body: string;
  what: string;
}

const ENCRYPTION: SettingWrite = { query: 'encryption=', body: SSE_S3, what: 'PutBucketEncryption' };

/**
 * Writes a new bucket's defaults upstream, in the owner's account. Never throws: an upstream
 * that lacks these APIs (an S3-compatible store) keeps the bucket as made, with a warning.
 */
export async function writeNewBucketDefaults(flow: Flow, reads: ReadContext, bucket: string): Promise<void> {
  const writes: SettingWrite[] = [{ query: 'publicAccessBlock=', body: ALL_BLOCKED, what: 'PutPublicAccessBlock' }];
  if (flow.ctx.http.headers['x-amz-object-ownership'] === undefined) writes.push({ query: 'ownershipControls=', body: OWNER_ENFORCED, what: 'PutBucketOwnershipControls' });
  writes.push(ENCRYPTION);
  for (const write of writes) await writeSetting(flow, reads, bucket, write);
}

/** After a DeleteBucketEncryption: the bucket's encryption is SSE-S3 again, as on AWS. */
export async function restoreDefaultEncryption(flow: Flow, reads: ReadContext, bucket: string): Promise<void> {
  await writeSetting(flow, reads, bucket, ENCRYPTION);
}

async function writeSetting(flow: Flow, reads: ReadContext, bucket: string, write: SettingWrite): Promise<void> {
  try {
    const response = await reads.call({ method: 'PUT', path: `/${encodeURIComponent(bucket)}`, query: write.query, headers: { 'content-type': 'application/xml' }, body: Buffer.from(write.body) });
    if (response.status < 200 || response.status >= 300) throw new Error(`the upstream answered ${response.status}`);
  } catch (err) {
    flow.deps.logger.warn("a bucket's default settings could not be written upstream", { requestId: flow.ctx.requestId, bucket, operation: write.what, error: String(err) });
  }
}
