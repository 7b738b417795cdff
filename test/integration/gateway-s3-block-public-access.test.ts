import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeletePublicAccessBlockCommand, GetBucketOwnershipControlsCommand, GetObjectCommand, GetPublicAccessBlockCommand,
  PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

/**
 * S3 Block Public Access through the gateway, against moto (which has the settings but applies
 * none): a bucket made through Tessera has AWS's defaults (all four settings on, ACLs disabled)
 * before its creator hears of it; BlockPublicPolicy refuses a public policy and lets a
 * non-public one through; RestrictPublicBuckets keeps a public policy to the owner's account.
 */
describe('S3 Block Public Access through the gateway', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  const publicRead = (bucket: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

  test('a new bucket has all four settings on and ACLs disabled; a chosen Object Ownership is kept', async () => {
    const s3 = env.s3(env.server.root);
    await s3.send(new CreateBucketCommand({ Bucket: 'bpa-defaults' }));
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'bpa-defaults' }));
    assert.deepEqual(block.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'bpa-defaults' }));
    assert.equal(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'BucketOwnerEnforced');

    await s3.send(new CreateBucketCommand({ Bucket: 'bpa-writer', ObjectOwnership: 'ObjectWriter' }));
    const chosen = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: 'bpa-writer' }));
    assert.equal(chosen.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'ObjectWriter');
  });

  test('BlockPublicPolicy refuses a public policy, in S3\'s words; a policy S3 does not call public passes', async () => {
    const s3 = env.s3(env.server.root);
    await s3.send(new CreateBucketCommand({ Bucket: 'bpa-policy' }));
    const refused = await awsError(() => s3.send(new PutBucketPolicyCommand({ Bucket: 'bpa-policy', Policy: publicRead('bpa-policy') })));
    assert.equal(refused.name, 'AccessDenied');
    assert.equal(refused.status, 403);
    assert.equal(refused.message, `User: arn:aws:iam::${env.server.accountId}:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::bpa-policy" because public policies are blocked by the BlockPublicPolicy block public access setting.`);
    // A wildcard principal fixed to one source account is not public.
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bpa-policy', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bpa-policy/*', Condition: { StringEquals: { 'aws:SourceAccount': env.server.accountId } } }] }) }));
  });

  test('RestrictPublicBuckets: a public policy serves the owner\'s account only; off, it serves everyone', async () => {
    const s3 = env.s3(env.server.root);
    await s3.send(new CreateBucketCommand({ Bucket: 'bpa-restrict' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bpa-restrict', Key: 'page.html', Body: 'hello' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'bpa-restrict', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true } }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bpa-restrict', Policy: publicRead('bpa-restrict') }));

    assert.equal((await fetch(`${env.server.url}/bpa-restrict/page.html`)).status, 403);
    // A user of the owner's account, with no identity policy, still reads through the policy.
    const insider = await env.user('bpa-insider');
    const read = await env.s3(insider).send(new GetObjectCommand({ Bucket: 'bpa-restrict', Key: 'page.html' }));
    assert.equal(await read.Body!.transformToString(), 'hello');
    // Another account's user, whatever its own policies allow, does not.
    const other = await env.account();
    const outsider = await env.user('bpa-outsider', [allow('s3:GetObject')], { iam: env.server.iam, root: other });
    assert.equal((await awsError(() => env.s3(outsider).send(new GetObjectCommand({ Bucket: 'bpa-restrict', Key: 'page.html' })))).name, 'AccessDenied');

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'bpa-restrict' }));
    const open = await fetch(`${env.server.url}/bpa-restrict/page.html`);
    assert.equal(open.status, 200);
    assert.equal(await open.text(), 'hello');
    assert.equal(await (await env.s3(outsider).send(new GetObjectCommand({ Bucket: 'bpa-restrict', Key: 'page.html' }))).Body!.transformToString(), 'hello');
  });
});
