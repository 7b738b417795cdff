import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetBucketPolicyCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { awsError } from '../support/tessera-server.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { signedJson } from '../support/raw-request.ts';
import { dataEventsOf } from '../../src/cloudtrail/record.ts';
import { generatePolicy } from '../../src/cloudtrail/policy-generator.ts';

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
    const store = env.server.tessera.deps.store;
    const events = [
      ...(await store.listAudit({ accountId: env.server.accountId, limit: 1000 })),
      ...(await store.listAudit({ accountId: dataEventsOf(env.server.accountId), limit: 1000 })),
    ];
    const records = events.map((e) => (e.data as { record: Record<string, unknown> }).record);
    const find = (name: string, user?: string) => records.find((r) => r['eventName'] === name && r['eventSource'] === 's3.amazonaws.com'
      && (user === undefined || JSON.stringify(r['userIdentity']).includes(user)));

    const host = new URL(env.server.url).host;
    const create = find('CreateBucket');
    assert.ok(create, 'CreateBucket recorded');
    assert.equal(create['eventCategory'], 'Management');
    assert.equal(create['managementEvent'], true);
    assert.deepEqual(create['requestParameters'], { bucketName: 'trail-test', Host: host });

    const put = find('PutObject');
    assert.ok(put, 'PutObject recorded');
    assert.equal(put['eventCategory'], 'Data');
    assert.equal(put['managementEvent'], false);
    assert.deepEqual(put['requestParameters'], { bucketName: 'trail-test', Host: host, key: 'a.txt' });
    assert.deepEqual(find('ListBuckets', root.accessKeyId)?.['requestParameters'], { Host: host });

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
  test('data events stay out of the event history (LookupEvents) and the trails, yet explain and policy generate see them', async () => {
    const root = env.server.root;
    await env.s3(root, { forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'history-test' }));
    await env.s3(root, { forcePathStyle: true }).send(new PutObjectCommand({ Bucket: 'history-test', Key: 'k.txt', Body: 'x' }));
    const reader = await env.user('history-reader', [allow('s3:GetObject', 'arn:aws:s3:::history-test/k.txt')]);
    const s3 = env.s3(reader, { forcePathStyle: true });
    await (await s3.send(new GetObjectCommand({ Bucket: 'history-test', Key: 'k.txt' }))).Body!.transformToString();
    const refused = await awsError(() => s3.send(new GetObjectCommand({ Bucket: 'history-test', Key: 'other.txt' })));
    assert.equal(refused.name, 'AccessDenied');
    const requestId = refused.requestId;
    assert.ok(requestId);
    await env.server.tessera.deps.audit.flush();

    const lookup = async (input: object) => {
      const res = await signedJson(env.server.url, root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', input, { service: 'cloudtrail' });
      assert.equal(res.status, 200, res.body);
      return (JSON.parse(res.body) as { Events: Array<{ EventName: string; EventSource: string }> }).Events;
    };
    // CloudTrail's event history holds management events only.
    for (const name of ['GetObject', 'PutObject']) {
      assert.deepEqual(await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }), [], name);
    }
    assert.deepEqual(await lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'history-reader' }] }), []);
    const recent = await lookup({ MaxResults: 50 });
    assert.ok(recent.some((e) => e.EventName === 'CreateBucket'), 'management events are there');
    assert.ok(!recent.some((e) => /Object$/.test(e.EventName)), JSON.stringify(recent.map((e) => e.EventName)));

    // What a trail delivers is read by account, as here: management events only (a trail has no data event selectors).
    const delivered = await env.server.tessera.deps.store.auditAfter({ accountId: env.server.accountId, afterSeq: 0, limit: 10_000 });
    const deliveredNames = delivered.map((e) => String((e.data as { record: Record<string, unknown> }).record['eventName']));
    assert.ok(deliveredNames.includes('CreateBucket'));
    assert.ok(!deliveredNames.some((name) => /Object$/.test(name)), deliveredNames.join(' '));

    // The refused GetObject is still explained by its request ID.
    const byRequest = await env.server.tessera.deps.store.auditByRequestId(requestId);
    assert.equal(byRequest.length, 1);
    const { record, decision } = byRequest[0]!.data as { record: Record<string, unknown>; decision: { decision: string; action: string } };
    assert.equal(record['eventName'], 'GetObject');
    assert.equal(record['errorCode'], 'AccessDenied');
    assert.equal(decision.action, 's3:GetObject');
    assert.equal(decision.decision, 'ImplicitDeny');

    // And the reader's generated policy has the S3 read it was allowed, and the refusal apart.
    const generated = await generatePolicy(env.server.tessera.deps.store, reader.arn);
    const statements = JSON.stringify(generated.policy.Statement);
    assert.match(statements, /s3:GetObject/);
    assert.match(statements, /arn:aws:s3:::history-test\/k\.txt/);
    assert.ok(generated.denied.some((d) => d.action === 's3:GetObject' && d.resource === 'arn:aws:s3:::history-test/other.txt'), JSON.stringify(generated.denied));
  });
  test('a forwarded answer carries Tessera\'s request ID: the one its event has, and explain finds', async () => {
    const root = env.server.root;
    const s3 = env.s3(root, { forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'request-ids' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'request-ids', Key: 'k', Body: 'v' }));
    const listed = await s3.send(new ListBucketsCommand({}));
    const missing = await awsError(() => s3.send(new GetObjectCommand({ Bucket: 'request-ids', Key: 'no-such-key' })));
    assert.equal(missing.name, 'NoSuchKey', 'the upstream\'s own error, passed on');
    const queue = await env.sqs(root).send(new CreateQueueCommand({ QueueName: 'request-ids' }));
    const sent = await env.sqs(root).send(new SendMessageCommand({ QueueUrl: queue.QueueUrl!, MessageBody: 'hi' }));
    await env.dynamodb(root).send(new CreateTableCommand({
      TableName: 'request-ids', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST',
    }));
    const item = await env.dynamodb(root).send(new GetItemCommand({ TableName: 'request-ids', Key: { k: { S: 'a' } } }));
    await env.server.tessera.deps.audit.flush();
    const cases: Array<[string, string | undefined]> = [
      ['PutObject', put.$metadata.requestId], ['ListBuckets', listed.$metadata.requestId], ['GetObject', missing.requestId],
      ['SendMessage', sent.$metadata.requestId], ['GetItem', item.$metadata.requestId],
    ];
    // SQS's message operations and DynamoDB's item operations are data events too, as S3's object operations.
    const category: Record<string, string> = { PutObject: 'Data', ListBuckets: 'Management', GetObject: 'Data', SendMessage: 'Data', GetItem: 'Data' };
    for (const [operation, requestId] of cases) {
      assert.ok(requestId, `${operation}: a request ID`);
      const events = await env.server.tessera.deps.store.auditByRequestId(requestId);
      assert.equal(events.length, 1, `${operation}: ${requestId} is Tessera's`);
      const record = (events[0]!.data as { record: Record<string, unknown> }).record;
      assert.equal(record['eventName'], operation);
      assert.equal(record['eventCategory'], category[operation], operation);
    }
    const lookup = async (name: string) => {
      const res = await signedJson(env.server.url, root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }, { service: 'cloudtrail' });
      return (JSON.parse(res.body) as { Events: unknown[] }).Events.length;
    };
    // requestParameters name what the call is about, never its content (the message, the key's value).
    const parametersOf = async (requestId: string | undefined) => ((await env.server.tessera.deps.store.auditByRequestId(requestId!))[0]!.data as { record: Record<string, unknown> }).record['requestParameters'];
    assert.deepEqual(await parametersOf(sent.$metadata.requestId), { queueUrl: queue.QueueUrl });
    assert.deepEqual(await parametersOf(item.$metadata.requestId), { tableName: 'request-ids' });
    assert.equal(JSON.stringify(await parametersOf(sent.$metadata.requestId)).includes('"hi"'), false);
    assert.equal(await lookup('SendMessage'), 0);
    assert.equal(await lookup('GetItem'), 0);
    assert.ok(await lookup('CreateQueue') >= 1);
    assert.ok(await lookup('CreateTable') >= 1);
  });

  test('an error the upstream answered is the event\'s errorCode and errorMessage, as CloudTrail records a failed call', async () => {
    const root = env.server.root;
    await env.s3(root).send(new CreateBucketCommand({ Bucket: 'trail-errors' }));
    const answers = [
      await awsError(() => env.s3(root).send(new GetBucketPolicyCommand({ Bucket: 'trail-errors' }))),
      await awsError(() => env.sqs(root).send(new GetQueueUrlCommand({ QueueName: 'no-such-queue-here' }))),
      await awsError(() => env.dynamodb(root).send(new DescribeTableCommand({ TableName: 'no-such-table-here' }))),
      await awsError(() => env.kms(root).send(new DescribeKeyCommand({ KeyId: 'alias/no-such-key-here' }))),
    ];
    await env.server.tessera.deps.audit.flush();
    const records = (await env.server.tessera.deps.store.listAudit({ accountId: env.server.accountId, limit: 1000 }))
      .map((e) => (e.data as { record: Record<string, unknown> }).record);
    const recorded = (source: string, name: string) => {
      const record = records.find((r) => r['eventSource'] === `${source}.amazonaws.com` && r['eventName'] === name);
      assert.ok(record, `${name} recorded`);
      return { code: record['errorCode'], message: record['errorMessage'] };
    };
    assert.deepEqual(recorded('s3', 'GetBucketPolicy'), { code: 'NoSuchBucketPolicy', message: answers[0]!.message });
    assert.deepEqual(recorded('sqs', 'GetQueueUrl'), { code: 'QueueDoesNotExist', message: answers[1]!.message });
    assert.deepEqual(recorded('dynamodb', 'DescribeTable'), { code: 'ResourceNotFoundException', message: answers[2]!.message });
    assert.deepEqual(recorded('kms', 'DescribeKey'), { code: 'NotFoundException', message: answers[3]!.message });
    // A success has neither.
    const create = records.find((r) => r['eventName'] === 'CreateBucket' && JSON.stringify(r['requestParameters']).includes('trail-errors'));
    assert.equal(create?.['errorCode'], undefined);
  });
});
