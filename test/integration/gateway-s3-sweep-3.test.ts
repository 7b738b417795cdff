import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, GetObjectLegalHoldCommand, GetPublicAccessBlockCommand, HeadObjectCommand,
  PutBucketPolicyCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { allow, startGatewayEnv, motoS3, outcomeName, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * S3 sweep 3: condition keys, presigned forms and POST policies tried against Tessera in front
 * of moto. Each test checks what moto really did.
 */
describe('gateway S3 sweep 3', () => {
  let env: GatewayEnv;
  let root: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
  });
  after(() => env?.stop());

  const moto = (): S3Client => motoS3(env);
  const errorName = outcomeName;
  /** A URL presigned with signature version 2 (what `aws s3 presign` of the CLI v1 writes): no Content-MD5, no Content-Type. */
  const presignV2 = (credentials: Credentials, method: string, path: string): string => {
    const expires = Math.floor(Date.now() / 1000) + 600;
    const signature = createHmac('sha1', credentials.secretAccessKey).update(`${method}\n\n\n${expires}\n${path}`).digest('base64');
    return `${env.server.url}${path}?AWSAccessKeyId=${credentials.accessKeyId}&Expires=${expires}&Signature=${encodeURIComponent(signature)}`;
  };
  const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

  // SigV2 signs only the sub-resources its documentation lists; `?legal-hold` is not one of
  // them, so it could be added to a URL presigned for a PutObject: moto took the body as a
  // LegalHold document and lifted the hold, with the signer's permissions.
  test('a SigV2 URL presigned for PutObject cannot be turned into PutObjectLegalHold', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'sweep3-hold', ObjectLockEnabledForBucket: true }));
    await env.s3(root).send(new PutObjectCommand({ Bucket: 'sweep3-hold', Key: 'held', Body: 'kept', ObjectLockLegalHoldStatus: 'ON' }));
    const signer = await env.user('sweep3-hold-signer', [allow(['s3:PutObject', 's3:PutObjectLegalHold', 's3:GetObject'], 'arn:aws:s3:::sweep3-hold/*')]);
    const url = presignV2(signer, 'PUT', '/sweep3-hold/held');
    const lifted = await fetch(`${url}&legal-hold`, { method: 'PUT', body: bytes('<LegalHold xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>OFF</Status></LegalHold>') });
    assert.equal(lifted.status, 403, await lifted.text());
    const hold = await moto().send(new GetObjectLegalHoldCommand({ Bucket: 'sweep3-hold', Key: 'held' }));
    assert.equal(hold.LegalHold?.Status, 'ON', 'the legal hold is still on');
    // The URL still does what it was signed for.
    const put = await fetch(url, { method: 'PUT', body: bytes('new body') });
    assert.equal(put.status, 200, await put.text());
  });

  test('a SigV2 URL presigned for DeleteBucket cannot be turned into DeletePublicAccessBlock', async () => {
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'sweep3-pab' }));
    const signer = await env.user('sweep3-pab-signer', [allow(['s3:DeleteBucket', 's3:PutBucketPublicAccessBlock'], 'arn:aws:s3:::sweep3-pab')]);
    const answer = await fetch(`${presignV2(signer, 'DELETE', '/sweep3-pab')}&publicAccessBlock`, { method: 'DELETE' });
    assert.equal(answer.status, 403, await answer.text());
    const block = await moto().send(new GetPublicAccessBlockCommand({ Bucket: 'sweep3-pab' }));
    assert.equal(block.PublicAccessBlockConfiguration?.BlockPublicPolicy, true, 'the bucket still blocks public policies');
  });

  // Safe already: s3:ExistingObjectTag of a versionId request is that version's tags.
  test('s3:ExistingObjectTag decides an older version on its own tags', async () => {
    const s3 = env.s3(root);
    await s3.send(new CreateBucketCommand({ Bucket: 'sweep3-tags' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'sweep3-tags', VersioningConfiguration: { Status: 'Enabled' } }));
    const old = await s3.send(new PutObjectCommand({ Bucket: 'sweep3-tags', Key: 'doc', Body: 'old secret', Tagging: 'public=no' }));
    await s3.send(new PutObjectCommand({ Bucket: 'sweep3-tags', Key: 'doc', Body: 'public', Tagging: 'public=yes' }));
    const reader = await env.user('sweep3-tag-reader', [allow(['s3:GetObject', 's3:GetObjectVersion'], 'arn:aws:s3:::sweep3-tags/*', { Condition: { StringEquals: { 's3:ExistingObjectTag/public': 'yes' } } })]);
    assert.equal(await errorName(env.s3(reader).send(new GetObjectCommand({ Bucket: 'sweep3-tags', Key: 'doc' }))), 'ok');
    assert.equal(await errorName(env.s3(reader).send(new GetObjectCommand({ Bucket: 'sweep3-tags', Key: 'doc', VersionId: old.VersionId }))), 'AccessDenied');
  });

  // Safe already: a POST form naming `key` twice (another case) is decided and stored on the first.
  test('a POST Object form with a second key field writes only the first', async () => {
    const s3 = env.s3(root);
    await s3.send(new CreateBucketCommand({ Bucket: 'sweep3-drop' }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'sweep3-drop' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'sweep3-drop', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::sweep3-drop/uploads/*' }] }) }));
    const form = new FormData();
    form.append('key', 'uploads/a');
    form.append('KEY', 'secret/a');
    form.append('file', new Blob(['hi']), 'f.txt');
    const answer = await fetch(`${env.server.url}/sweep3-drop`, { method: 'POST', body: form });
    assert.equal(answer.status, 204, await answer.text());
    assert.equal(await errorName(moto().send(new HeadObjectCommand({ Bucket: 'sweep3-drop', Key: 'uploads/a' }))), 'ok');
    assert.notEqual(await errorName(moto().send(new HeadObjectCommand({ Bucket: 'sweep3-drop', Key: 'secret/a' }))), 'ok');
  });
});
