import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, UploadPartCopyCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';

/**
 * A copy whose source is another account's object: s3:GetObject on the source is decided with the
 * source bucket's policy, in its owner's account — AWS's cross-account rule (both sides allow).
 * Before, the copy-source check read no bucket policy at all (its resource type was not known),
 * so every cross-account copy was refused although a direct GetObject of the same object worked,
 * and a bucket-policy Deny on the source was ignored.
 */
describe('cross-account copies', () => {
  let env: GatewayEnv;
  let owner: Credentials & { accountId: string };
  let copier: Credentials & { arn: string };
  const policy = (effect: 'Allow' | 'Deny', principal: string, resource: string) => JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: principal }, Action: 's3:GetObject', Resource: resource }],
  });
  before(async () => {
    env = await startGatewayEnv();
    owner = await env.account();
    const theirs = env.s3(owner);
    await theirs.send(new CreateBucketCommand({ Bucket: 'xacct-source' }));
    await theirs.send(new PutObjectCommand({ Bucket: 'xacct-source', Key: 'shared/report.txt', Body: 'shared report' }));
    await theirs.send(new PutObjectCommand({ Bucket: 'xacct-source', Key: 'private/plan.txt', Body: 'private plan' }));
    await env.s3(env.server.root).send(new CreateBucketCommand({ Bucket: 'xacct-target' }));
    copier = await env.user('xacct-copier', [allow(['s3:GetObject', 's3:PutObject'])]);
  });
  after(() => env?.stop());

  const copy = (Key: string, source: string) => env.s3(copier).send(new CopyObjectCommand({ Bucket: 'xacct-target', Key, CopySource: source }));

  test('refused while the source bucket\'s policy grants nothing; allowed once it grants the caller\'s account', async () => {
    const refused = await awsError(() => copy('a.txt', 'xacct-source/shared/report.txt'));
    assert.equal(refused.name, 'AccessDenied');
    await env.s3(owner).send(new PutBucketPolicyCommand({ Bucket: 'xacct-source', Policy: policy('Allow', `arn:aws:iam::${env.server.accountId}:root`, 'arn:aws:s3:::xacct-source/shared/*') }));
    await copy('a.txt', 'xacct-source/shared/report.txt');
    const copied = await env.s3(copier).send(new GetObjectCommand({ Bucket: 'xacct-target', Key: 'a.txt' }));
    assert.equal(await copied.Body!.transformToString(), 'shared report');
    // Outside the granted prefix: still refused (only the caller's identity policy allows it).
    assert.equal((await awsError(() => copy('b.txt', 'xacct-source/private/plan.txt'))).name, 'AccessDenied');
    // UploadPartCopy reads the source the same way.
    const upload = await env.s3(copier).send(new CreateMultipartUploadCommand({ Bucket: 'xacct-target', Key: 'big.txt' }));
    await env.s3(copier).send(new UploadPartCopyCommand({ Bucket: 'xacct-target', Key: 'big.txt', UploadId: upload.UploadId!, PartNumber: 1, CopySource: 'xacct-source/shared/report.txt' }));
    assert.equal((await awsError(() => env.s3(copier).send(new UploadPartCopyCommand({ Bucket: 'xacct-target', Key: 'big.txt', UploadId: upload.UploadId!, PartNumber: 2, CopySource: 'xacct-source/private/plan.txt' })))).name, 'AccessDenied');
  });

  test('a Deny in the source bucket\'s policy wins over the grant', async () => {
    await env.s3(owner).send(new PutBucketPolicyCommand({
      Bucket: 'xacct-source',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${env.server.accountId}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-source/*' },
        { Effect: 'Deny', Principal: { AWS: copier.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::xacct-source/shared/*' },
      ] }),
    }));
    const denied = await awsError(() => copy('c.txt', 'xacct-source/shared/report.txt'));
    assert.equal(denied.name, 'AccessDenied');
    await copy('d.txt', 'xacct-source/private/plan.txt');
  });
  test('in one account, a bucket-policy Deny on the source stops the copy (it was ignored: no policy was read)', async () => {
    const s3 = env.s3(env.server.root);
    await s3.send(new CreateBucketCommand({ Bucket: 'same-source' }));
    await s3.send(new PutObjectCommand({ Bucket: 'same-source', Key: 'secret.txt', Body: 'secret' }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'same-source',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: copier.arn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::same-source/*' }] }),
    }));
    const denied = await awsError(() => copy('leak.txt', 'same-source/secret.txt'));
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, /s3:GetObject on resource: "arn:aws:s3:::same-source\/secret.txt" with an explicit deny in a resource-based policy/);
    assert.equal((await awsError(() => env.s3(env.server.root).send(new GetObjectCommand({ Bucket: 'xacct-target', Key: 'leak.txt' })))).name, 'NoSuchKey');
  });
});
