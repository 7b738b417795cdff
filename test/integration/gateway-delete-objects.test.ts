import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsCliAsync, awsCliAvailable } from '../support/cli-process.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * S3's DeleteObjects through the gateway: each listed object is decided on its own, as S3
 * decides it — the allowed ones are deleted, each refused one is an AccessDenied error in the
 * 200 answer and stays in the bucket, in verbose and quiet mode, with the SDK and the aws CLI.
 */
describe('DeleteObjects through the gateway: decided object by object', () => {
  let env: GatewayEnv;
  let root: Credentials;
  let user: Credentials & { arn: string };
  const BUCKET = 'batch-delete';
  before(async () => {
    env = await startGatewayEnv();
    root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: BUCKET }));
    // May delete under mine/ only; and never mine/keep.txt (the bucket policy's explicit deny).
    user = await env.user('batcher', [allow('s3:DeleteObject', `arn:aws:s3:::${BUCKET}/mine/*`)]);
    await env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: BUCKET,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: user.arn }, Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/mine/keep.txt` }] }),
    }));
  });
  after(() => env?.stop());

  const put = async (...keys: string[]) => {
    for (const key of keys) await env.s3(root).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  };
  const keys = async () => ((await env.s3(root).send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!).sort();
  const remove = (listed: string[], quiet = false) =>
    env.s3(user).send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: quiet, Objects: listed.map((Key) => ({ Key })) } }));

  test('the allowed objects are deleted, the refused ones answered AccessDenied and kept', async () => {
    // A key with XML's special characters: the document sent upstream is written anew.
    await put('mine/a.txt', 'mine/b&<c>.txt', 'mine/keep.txt', 'theirs/c.txt');
    const out = await remove(['mine/a.txt', 'theirs/c.txt', 'mine/keep.txt', 'mine/b&<c>.txt']);
    assert.deepEqual((out.Deleted ?? []).map((d) => d.Key).sort(), ['mine/a.txt', 'mine/b&<c>.txt']);
    assert.deepEqual((out.Errors ?? []).map((e) => [e.Key, e.Code, e.Message]).sort(), [
      ['mine/keep.txt', 'AccessDenied', 'Access Denied'],
      ['theirs/c.txt', 'AccessDenied', 'Access Denied'],
    ]);
    assert.deepEqual(await keys(), ['mine/keep.txt', 'theirs/c.txt']);
  });

  test('quiet mode: only the refused objects are reported', async () => {
    await put('mine/q.txt', 'theirs/q.txt');
    const out = await remove(['mine/q.txt', 'theirs/q.txt'], true);
    // (moto lists deleted objects even in quiet mode, as it does without Tessera.)
    assert.ok(!(out.Deleted ?? []).some((d) => d.Key === 'theirs/q.txt'));
    assert.deepEqual((out.Errors ?? []).map((e) => [e.Key, e.Code]), [['theirs/q.txt', 'AccessDenied']]);
    assert.ok(!(await keys()).includes('mine/q.txt'));
    assert.ok((await keys()).includes('theirs/q.txt'));
  });

  test('every object refused: 200 with an error for each, nothing deleted', async () => {
    await put('theirs/x.txt', 'theirs/y.txt');
    const before = await keys();
    const out = await remove(['theirs/x.txt', 'theirs/y.txt']);
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(out.Deleted ?? [], []);
    assert.deepEqual((out.Errors ?? []).map((e) => e.Key).sort(), ['theirs/x.txt', 'theirs/y.txt']);
    assert.deepEqual(await keys(), before);
  });

  test('every object allowed: one request, all deleted', async () => {
    await put('mine/1.txt', 'mine/2.txt');
    const out = await remove(['mine/1.txt', 'mine/2.txt']);
    assert.deepEqual((out.Deleted ?? []).map((d) => d.Key).sort(), ['mine/1.txt', 'mine/2.txt']);
    assert.deepEqual(out.Errors ?? [], []);
  });

  test('the aws CLI (Content-MD5 on the body) sees the same per-object outcome', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, async () => {
    await put('mine/cli.txt', 'theirs/cli.txt');
    const result = await awsCliAsync(env.server.url, user, ['s3api', 'delete-objects', '--bucket', BUCKET, '--delete', JSON.stringify({ Objects: [{ Key: 'mine/cli.txt' }, { Key: 'theirs/cli.txt' }] })]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json.Deleted.map((d: { Key: string }) => d.Key), ['mine/cli.txt']);
    assert.deepEqual(result.json.Errors.map((e: { Key: string; Code: string }) => [e.Key, e.Code]), [['theirs/cli.txt', 'AccessDenied']]);
    assert.ok((await keys()).includes('theirs/cli.txt'));
    assert.ok(!(await keys()).includes('mine/cli.txt'));
  });

  test('the answer carries Tessera\'s request ID, and the request is explained by its first refused object', async () => {
    await put('theirs/explain.txt', 'mine/explain.txt');
    const out = await remove(['mine/explain.txt', 'theirs/explain.txt']);
    await env.server.tessera.deps.audit.flush();
    const events = await env.server.tessera.deps.store.auditByRequestId(out.$metadata.requestId!);
    assert.equal(events.length, 1);
    const { record, decision } = events[0]!.data as { record: Record<string, unknown>; decision: { decision: string; action: string; resource: string } };
    assert.equal(record['eventName'], 'DeleteObjects');
    assert.equal(record['errorCode'], undefined);
    assert.equal(decision.decision, 'ImplicitDeny');
    assert.equal(decision.resource, `arn:aws:s3:::${BUCKET}/theirs/explain.txt`);
  });
  test('across accounts both sides decide each object: the bucket policy grants shared/ only', async () => {
    const other = await env.account();
    const outsider = await env.user('batch-outsider', [allow('s3:DeleteObject', '*')], { iam: env.server.iam, root: other });
    const SHARED = 'batch-shared';
    await env.s3(root).send(new CreateBucketCommand({ Bucket: SHARED }));
    await env.s3(root).send(new PutBucketPolicyCommand({
      Bucket: SHARED,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: outsider.arn }, Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${SHARED}/shared/*` }] }),
    }));
    for (const key of ['shared/x.txt', 'private/y.txt']) await env.s3(root).send(new PutObjectCommand({ Bucket: SHARED, Key: key, Body: key }));
    const out = await env.s3(outsider).send(new DeleteObjectsCommand({ Bucket: SHARED, Delete: { Objects: [{ Key: 'shared/x.txt' }, { Key: 'private/y.txt' }] } }));
    assert.deepEqual((out.Deleted ?? []).map((d) => d.Key), ['shared/x.txt']);
    assert.deepEqual((out.Errors ?? []).map((e) => [e.Key, e.Code]), [['private/y.txt', 'AccessDenied']]);
    const left = ((await env.s3(root).send(new ListObjectsV2Command({ Bucket: SHARED }))).Contents ?? []).map((o) => o.Key);
    assert.deepEqual(left, ['private/y.txt']);
  });
});
