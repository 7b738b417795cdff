// s3:LocationConstraint decides CreateBucket as the S3 User Guide's example does ("Restricting
// bucket creation to a specific Region"): the Region the request's CreateBucketConfiguration
// names. Without the key, a Deny conditioned on a Region never applied and an Allow limited to
// one never allowed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { signRequest } from '../../src/sigv4/index.ts';
import { sendRaw, xmlText } from '../support/raw-request.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

describe('s3:LocationConstraint on CreateBucket', () => {
  let env: GatewayEnv;
  let onlyWest: Credentials;
  let notEu: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    // The guide's policy: CreateBucket allowed only with LocationConstraint us-west-2.
    onlyWest = await env.user('location-only-west', [allow('s3:CreateBucket', '*', { Condition: { StringLike: { 's3:LocationConstraint': 'us-west-2' } } })]);
    // Any Region but eu-west-1: an explicit Deny on the key with the request's value.
    notEu = await env.user('location-not-eu', [
      { Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' },
        { Effect: 'Deny', Action: 's3:CreateBucket', Resource: '*', Condition: { StringEquals: { 's3:LocationConstraint': 'eu-west-1' } } },
      ] },
    ]);
  });
  after(() => env.stop());

  async function create(credentials: Credentials, bucket: string, location?: string): Promise<string> {
    const client = env.s3(credentials);
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket, ...(location ? { CreateBucketConfiguration: { LocationConstraint: location as BucketLocationConstraint } } : {}) }));
      return 'created';
    } catch (err) {
      return (err as Error).name;
    }
  }

  async function exists(bucket: string): Promise<boolean> {
    try {
      await env.s3(env.server.root).send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch {
      return false;
    }
  }

  test('an Allow limited to a Region allows that Region and refuses another, and a bucket without one', async () => {
    assert.equal(await create(onlyWest, 'loc-west-ok', 'us-west-2'), 'created');
    assert.equal(await exists('loc-west-ok'), true);
    assert.equal(await create(onlyWest, 'loc-west-eu', 'eu-west-1'), 'AccessDenied');
    assert.equal(await create(onlyWest, 'loc-west-none'), 'AccessDenied');
    assert.equal(await exists('loc-west-eu'), false);
    assert.equal(await exists('loc-west-none'), false);
  });

  test('a Deny on a Region refuses exactly that Region', async () => {
    assert.equal(await create(notEu, 'loc-deny-eu', 'eu-west-1'), 'AccessDenied');
    assert.equal(await exists('loc-deny-eu'), false);
    assert.equal(await create(notEu, 'loc-deny-west', 'us-west-2'), 'created');
    assert.equal(await create(notEu, 'loc-deny-none'), 'created');
  });

  test('a CreateBucketConfiguration that is not XML is MalformedXML, and nothing is created', async () => {
    const host = new URL(env.server.url).host;
    const body = '<CreateBucketConfiguration><LocationConstraint>us-west-2';
    const signed = signRequest({ method: 'PUT', path: '/loc-malformed', query: '', headers: { host, 'x-amz-content-sha256': sha256Hex(body) }, body }, env.server.root, { region: 'us-east-1', service: 's3', date: new Date() });
    const response = await sendRaw(env.server.url, { method: 'PUT', path: '/loc-malformed', headers: signed.headers, body });
    assert.equal(response.status, 400);
    assert.equal(xmlText(response.body, 'Code'), 'MalformedXML');
    assert.equal(await exists('loc-malformed'), false);
  });
});
