import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { awsError } from '../support/tessera-server.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

/**
 * Requests Tessera forwards to a protected service are CloudTrail events like its own: the
 * service's event source, management events for bucket and account operations, data events
 * for S3 object operations, refused calls with their error code.
 */
describe('forwarded requests in the CloudTrail event history', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  test('ListBuckets and CreateBucket are management events, PutObject a data event, a refusal keeps its code', async () => {
    const root = env.server.root;
    const s3 = env.s3(root, { forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-test' }));
    await s3.send(new PutObjectCommand({ Bucket: 'trail-test', Key: 'a.txt', Body: 'hello' }));
    await s3.send(new ListBucketsCommand({}));
    const reader = await env.user('lister', [allow('s3:GetObject', 'arn:aws:s3:::trail-test/*')]);
    const refused = await awsError(() => env.s3(reader, { forcePathStyle: true }).send(new ListBucketsCommand({})));
    assert.equal(refused.name, 'AccessDenied');

    await env.server.tessera.deps.audit.flush();
    const events = await env.server.tessera.deps.store.listAudit({ accountId: env.server.accountId, limit: 1000 });
    const records = events.map((e) => (e.data as { record: Record<string, unknown> }).record);
    const find = (name: string, user?: string) => records.find((r) => r['eventName'] === name && r['eventSource'] === 's3.amazonaws.com'
      && (user === undefined || JSON.stringify(r['userIdentity']).includes(user)));

    const create = find('CreateBucket');
    assert.ok(create, 'CreateBucket recorded');
    assert.equal(create['eventCategory'], 'Management');
    assert.equal(create['managementEvent'], true);

    const put = find('PutObject');
    assert.ok(put, 'PutObject recorded');
    assert.equal(put['eventCategory'], 'Data');
    assert.equal(put['managementEvent'], false);

    const list = find('ListBuckets', root.accessKeyId);
    assert.ok(list, 'ListBuckets recorded');
    assert.equal(list['eventCategory'], 'Management');
    assert.equal(list['errorCode'], undefined);

    const denied = find('ListBuckets', reader.arn);
    assert.ok(denied, 'the refused ListBuckets recorded');
    assert.equal(denied['errorCode'], 'AccessDenied');
    // No secret of the callers appears in any record.
    assert.ok(!JSON.stringify(records).includes(reader.secretAccessKey));
    assert.ok(!JSON.stringify(records).includes(root.secretAccessKey));
  });
});
