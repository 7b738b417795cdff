import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { motoS3As } from '../support/moto-s3.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

/**
 * S3 decides each of CloudTrail's writes by the bucket policy in force, not only the one a
 * trail was created under: a bucket whose owner takes back CloudTrail's access receives
 * nothing more (the trail's status says AccessDenied), and the events wait in the history —
 * delivered once the policy lets CloudTrail in again.
 */
const BUCKET = 'trail-policy-revoked';

describe('trail delivery follows the bucket policy in force', () => {
  let env: GatewayEnv;
  let moto: S3Client;

  before(async () => {
    env = await startGatewayEnv();
    moto = motoS3As(env.moto.url, env.server.accountId);
    await env.s3(env.server.root).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    moto?.destroy();
    await env?.stop();
  });

  const allowCloudTrail = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` },
      { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*` },
    ],
  });
  const cli = async (...args: string[]) => {
    const result = await env.cli(args, env.server.root);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout);
  };
  const deliveredUsers = async () => {
    const listed = await moto.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'AWSLogs/' }));
    const names: string[] = [];
    for (const object of listed.Contents ?? []) {
      if (!object.Key!.endsWith('.json.gz')) continue;
      const body = Buffer.from(await (await moto.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key! }))).Body!.transformToByteArray());
      for (const record of (JSON.parse(gunzipSync(body).toString('utf8')) as { Records: Record<string, any>[] }).Records) {
        if (record['eventName'] === 'CreateUser') names.push(record['requestParameters']['userName']);
      }
    }
    return names.sort();
  };

  test('a policy taken back stops delivery with AccessDenied; given back, the waiting events are delivered', async () => {
    const s3 = env.s3(env.server.root);
    const iam = env.server.iam(env.server.root);
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: allowCloudTrail }));
    await cli('cloudtrail', 'create-trail', '--name', 'revoked', '--s3-bucket-name', BUCKET);
    await cli('cloudtrail', 'start-logging', '--name', 'revoked');
    await iam.send(new CreateUserCommand({ UserName: 'before-revoke' }));
    await env.server.tessera.deps.audit.flush();
    assert.ok((await env.server.tessera.deliverTrails()).logFiles >= 1);
    assert.deepEqual(await deliveredUsers(), ['before-revoke']);

    await s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    await iam.send(new CreateUserCommand({ UserName: 'while-revoked' }));
    await env.server.tessera.deps.audit.flush();
    assert.equal((await env.server.tessera.deliverTrails()).logFiles, 0);
    assert.deepEqual(await deliveredUsers(), ['before-revoke'], 'nothing written while the policy refuses CloudTrail');
    const status = await cli('cloudtrail', 'get-trail-status', '--name', 'revoked');
    assert.equal(status.LatestDeliveryError, 'AccessDenied');

    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: allowCloudTrail }));
    await env.server.tessera.deliverTrails();
    assert.deepEqual(await deliveredUsers(), ['before-revoke', 'while-revoked'], 'the events that waited are delivered');
    assert.equal((await cli('cloudtrail', 'get-trail-status', '--name', 'revoked')).LatestDeliveryError, undefined);
  });
});
