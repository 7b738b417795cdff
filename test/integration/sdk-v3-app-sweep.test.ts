// What a JavaScript/TypeScript application's code does through the gateway, with the AWS SDK
// for JavaScript v3 as it is configured by default (retries on, flexible checksums on): the
// calls an app makes in S3, SQS, DynamoDB and KMS, and each refusal as the SDK surfaces it —
// the service's own exception name, status, fault, AWS's message, a request ID, and no retry.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import * as S from '@aws-sdk/client-s3';
import * as Q from '@aws-sdk/client-sqs';
import * as D from '@aws-sdk/client-dynamodb';
import * as K from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';

/** The server's clock: real time moved by `offset.ms` (the SDK clients below follow it with systemClockOffset). */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

interface SdkError extends Error {
  $fault?: string;
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
  Code?: string;
}

async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  assert.fail('expected the call to fail, but it succeeded');
}

/** Counts the HTTP attempts a client makes (the deserialize step runs once per attempt, inside the retry loop). */
function countAttempts(client: { middlewareStack: { add: (mw: never, options: never) => void } }): { n: number } {
  const counter = { n: 0 };
  const mw = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    counter.n++;
    return next(args);
  };
  client.middlewareStack.add(mw as never, { step: 'deserialize', name: 'countAttempts' } as never);
  return counter;
}

describe('AWS SDK v3 application code through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  const made: { destroy(): void }[] = [];
  // Clients as an application builds them: default retry strategy (3 attempts), default checksums.
  const cfg = (credentials: Credentials) => ({ endpoint: env.server.url, region: REGION, credentials, systemClockOffset: offset.ms });
  const s3 = (c: Credentials, extra: Partial<S.S3ClientConfig> = {}) => keep(new S.S3Client({ ...cfg(c), forcePathStyle: true, ...extra }));
  const sqs = (c: Credentials) => keep(new Q.SQSClient(cfg(c)));
  const ddb = (c: Credentials) => keep(new D.DynamoDBClient(cfg(c)));
  const kms = (c: Credentials) => keep(new K.KMSClient(cfg(c)));
  function keep<T extends { destroy(): void }>(client: T): T {
    made.push(client);
    return client;
  }

  const BUCKET = 'app-data';
  let queueUrl: string;
  let keyArn: string;

  before(async () => {
    env = await startGatewayEnv({}, { clock });
    account = env.server.accountId;
    root = env.server.root;
    await s3(root).send(new S.CreateBucketCommand({ Bucket: BUCKET }));
    queueUrl = (await sqs(root).send(new Q.CreateQueueCommand({ QueueName: 'app-jobs' }))).QueueUrl!;
    for (const TableName of ['orders', 'audit']) {
      await ddb(root).send(new D.CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
    }
    keyArn = (await kms(root).send(new K.CreateKeyCommand({ Description: 'app key' }))).KeyMetadata!.Arn!;
  });
  after(async () => {
    for (const client of made) client.destroy();
    await env?.stop();
  });

  test('a refused call in S3, SQS, DynamoDB and KMS is the service\'s own exception, with AWS\'s message, and is not retried', async () => {
    const table = `arn:aws:dynamodb:${REGION}:${account}:table/orders`;
    const queueArn = `arn:aws:sqs:${REGION}:${account}:app-jobs`;
    const worker = await env.user('app-worker', [{
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
        { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: queueArn },
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn },
      ],
    }]);
    // Allowed calls that really succeed for this user, so the counter is seen counting a success.
    await s3(root).send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'reports/r0.txt', Body: 'r0' }));
    const ciphertext = (await kms(root).send(new K.EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    const because = (action: string) => `because no identity-based policy allows the ${action} action`;
    const cases: { client: { send(c: never): Promise<unknown>; middlewareStack: never }; allowed: unknown; refused: unknown; name: string; status: number; message: string }[] = [
      {
        client: s3(worker) as never,
        allowed: new S.GetObjectCommand({ Bucket: BUCKET, Key: 'reports/r0.txt' }),
        refused: new S.PutObjectCommand({ Bucket: BUCKET, Key: 'reports/r1.txt', Body: 'r1' }),
        name: 'AccessDenied',
        status: 403,
        message: `User: ${worker.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/reports/r1.txt" ${because('s3:PutObject')}`,
      },
      {
        client: sqs(worker) as never,
        allowed: new Q.ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
        refused: new Q.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job' }),
        // SQS's JSON protocol is Query-compatible: the SDK names the error by x-amzn-query-error's code.
        name: 'AccessDenied',
        status: 403,
        message: `User: ${worker.arn} is not authorized to perform: sqs:SendMessage on resource: ${queueArn} ${because('sqs:SendMessage')}`,
      },
      {
        client: ddb(worker) as never,
        allowed: new D.GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' }, sk: { S: '1' } } }),
        refused: new D.PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'a' }, sk: { S: '1' } } }),
        name: 'AccessDeniedException',
        status: 400,
        message: `User: ${worker.arn} is not authorized to perform: dynamodb:PutItem on resource: ${table} ${because('dynamodb:PutItem')}`,
      },
      {
        client: kms(worker) as never,
        allowed: new K.DecryptCommand({ CiphertextBlob: ciphertext }),
        refused: new K.EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('secret') }),
        name: 'AccessDeniedException',
        status: 400,
        message: `User: ${worker.arn} is not authorized to perform: kms:Encrypt on resource: ${keyArn} ${because('kms:Encrypt')}`,
      },
    ];

    for (const c of cases) {
      const attempts = countAttempts(c.client as never);
      await c.client.send(c.allowed as never);
      assert.equal(attempts.n, 1, `${c.name}: the allowed call is one request`);
      const err = await failure(c.client.send(c.refused as never));
      assert.equal(err.name, c.name, c.message);
      assert.equal(err.message, c.message);
      assert.equal(err.$metadata.httpStatusCode, c.status, c.name);
      assert.equal(err.$fault, 'client', c.name);
      assert.match(err.$metadata.requestId ?? '', /\S{8,}/, `${c.name}: a request ID`);
      assert.equal(attempts.n, 2, `${c.name}: the refusal is not retried`);
      assert.equal(err.$metadata.attempts, 1, c.name);
    }
    // Nothing was written by the refused calls.
    assert.equal(await failure(s3(root).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'reports/r1.txt' }))).then((e) => e.name), 'NotFound');
    assert.equal((await ddb(root).send(new D.GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' }, sk: { S: '1' } } }))).Item, undefined);
  });

  test('S3: default flexible checksums on PutObject (buffer and streamed trailer) and validated on GetObject; Range reads', async () => {
    const app = await env.user('s3-app', [allow(['s3:PutObject', 's3:GetObject'], `arn:aws:s3:::${BUCKET}/blobs/*`)]);
    const client = s3(app);
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const sent = await client.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'blobs/buffer.bin', Body: data }));
    // The SDK's default (WHEN_SUPPORTED) computes CRC32 and S3 echoes it.
    assert.match(sent.ChecksumCRC32 ?? '', /^[A-Za-z0-9+/]{6}==$/);
    const streamed = await client.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'blobs/stream.bin', Body: Readable.from([data.subarray(0, 30_000), data.subarray(30_000)]), ContentLength: data.length }));
    assert.equal(streamed.ChecksumCRC32, sent.ChecksumCRC32, 'the trailer checksum of the same bytes');
    for (const Key of ['blobs/buffer.bin', 'blobs/stream.bin']) {
      const got = await client.send(new S.GetObjectCommand({ Bucket: BUCKET, Key, ChecksumMode: 'ENABLED' }));
      assert.equal(got.ChecksumCRC32, sent.ChecksumCRC32, Key);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data), Key);
    }
    const ranged = await client.send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'blobs/buffer.bin', Range: 'bytes=1000-1999' }));
    assert.equal(ranged.$metadata.httpStatusCode, 206);
    assert.equal(ranged.ContentRange, `bytes 1000-1999/${data.length}`);
    assert.equal(ranged.ContentLength, 1000);
    assert.ok(Buffer.from(await ranged.Body!.transformToByteArray()).equals(data.subarray(1000, 2000)));
    const suffix = await client.send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'blobs/buffer.bin', Range: 'bytes=-10' }));
    assert.ok(Buffer.from(await suffix.Body!.transformToByteArray()).equals(data.subarray(-10)));
  });

  test('S3 HeadObject of a missing key: NotFound (404) with s3:ListBucket, 403 without it', async () => {
    await s3(root).send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'head/present.txt', Body: 'here' }));
    const reader = await env.user('s3-head-reader', [allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/head/*`)]);
    const lister = await env.user('s3-head-lister', [allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/head/*`), allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`)]);
    assert.equal((await s3(reader).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'head/present.txt' }))).ContentLength, 4);
    const hidden = await failure(s3(reader).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'head/missing.txt' })));
    assert.equal(hidden.$metadata.httpStatusCode, 403);
    assert.notEqual(hidden.name, 'NotFound');
    assert.equal(hidden.$fault, 'client');
    assert.match(hidden.$metadata.requestId ?? '', /\S{8,}/, 'x-amz-request-id on the bodiless 403');
    const missing = await failure(s3(lister).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'head/missing.txt' })));
    assert.equal(missing.name, 'NotFound');
    assert.equal(missing.$metadata.httpStatusCode, 404);
    // Outside the granted prefix a present key is 403 too.
    await s3(root).send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'other/x.txt', Body: 'x' }));
    assert.equal((await failure(s3(lister).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'other/x.txt' })))).$metadata.httpStatusCode, 403);
  });

  test('S3 ListObjectsV2 pagination (ContinuationToken) under an s3:prefix condition; CopyObject decided on both sides', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `pages/k${i}.txt`);
    for (const Key of keys) await s3(root).send(new S.PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    const lister = await env.user('s3-pager', [
      allow('s3:ListBucket', `arn:aws:s3:::${BUCKET}`, { Condition: { StringLike: { 's3:prefix': 'pages/*' } } }),
      allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/pages/*`),
      allow('s3:PutObject', `arn:aws:s3:::${BUCKET}/copies/*`),
    ]);
    const client = s3(lister);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of S.paginateListObjectsV2({ client, pageSize: 3 }, { Bucket: BUCKET, Prefix: 'pages/' })) {
      pages++;
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      if (pages < 3) assert.ok(page.NextContinuationToken, 'a token while truncated');
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, keys);
    const whole = await failure(client.send(new S.ListObjectsV2Command({ Bucket: BUCKET })));
    assert.equal(whole.name, 'AccessDenied');
    assert.equal(whole.message, `User: ${lister.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}" because no identity-based policy allows the s3:ListBucket action`);

    const copied = await client.send(new S.CopyObjectCommand({ Bucket: BUCKET, Key: 'copies/k0.txt', CopySource: `${BUCKET}/pages/k0.txt` }));
    assert.match(copied.CopyObjectResult?.ETag ?? '', /^"[0-9a-f]{32}"$/);
    assert.equal(await (await s3(root).send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'copies/k0.txt' }))).Body!.transformToString(), 'pages/k0.txt');
    const fromElsewhere = await failure(client.send(new S.CopyObjectCommand({ Bucket: BUCKET, Key: 'copies/x.txt', CopySource: `${BUCKET}/other/x.txt` })));
    assert.equal(fromElsewhere.name, 'AccessDenied');
    assert.equal(fromElsewhere.message, `User: ${lister.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/other/x.txt" because no identity-based policy allows the s3:GetObject action`);
    const toElsewhere = await failure(client.send(new S.CopyObjectCommand({ Bucket: BUCKET, Key: 'pages/dup.txt', CopySource: `${BUCKET}/pages/k1.txt` })));
    assert.equal(toElsewhere.message, `User: ${lister.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/pages/dup.txt" because no identity-based policy allows the s3:PutObject action`);
  });

  test('S3 DeleteObjects with the SDK\'s default checksum: allowed keys deleted, refused ones AccessDenied in Errors', async () => {
    for (const Key of ['tmp/a', 'tmp/b', 'keep/c']) await s3(root).send(new S.PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    const cleaner = await env.user('s3-cleaner', [allow('s3:DeleteObject', `arn:aws:s3:::${BUCKET}/tmp/*`)]);
    const out = await s3(cleaner).send(new S.DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'tmp/a' }, { Key: 'keep/c' }, { Key: 'tmp/b' }] } }));
    assert.deepEqual((out.Deleted ?? []).map((d) => d.Key).sort(), ['tmp/a', 'tmp/b']);
    assert.deepEqual((out.Errors ?? []).map((e) => [e.Key, e.Code, e.Message]), [['keep/c', 'AccessDenied', 'Access Denied']]);
    assert.equal((await s3(root).send(new S.HeadObjectCommand({ Bucket: BUCKET, Key: 'keep/c' }))).ContentLength, 6);
  });

  test('S3 presigned GET and PUT (getSignedUrl), an expired URL refused as "Request has expired"; presigned POST', async () => {
    const app = await env.user('s3-presigner', [allow(['s3:PutObject', 's3:GetObject'], `arn:aws:s3:::${BUCKET}/shared/*`)]);
    // A presigned PUT is signed without a body checksum (WHEN_REQUIRED), as apps handing URLs to browsers configure it.
    const signer = s3(app, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const putUrl = await getSignedUrl(signer, new S.PutObjectCommand({ Bucket: BUCKET, Key: 'shared/up.txt', ContentType: 'text/plain' }), { expiresIn: 300 });
    const put = await fetch(putUrl, { method: 'PUT', body: 'uploaded by URL', headers: { 'content-type': 'text/plain' } });
    assert.equal(put.status, 200, await put.clone().text());
    const getUrl = await getSignedUrl(signer, new S.GetObjectCommand({ Bucket: BUCKET, Key: 'shared/up.txt' }), { expiresIn: 300 });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'uploaded by URL');
    assert.equal(got.headers.get('content-type'), 'text/plain');
    // A URL for a key the signer may not read: AccessDenied naming the signer.
    const outside = await fetch(await getSignedUrl(signer, new S.GetObjectCommand({ Bucket: BUCKET, Key: 'other/x.txt' }), { expiresIn: 300 }));
    assert.equal(outside.status, 403);
    assert.match(await outside.text(), new RegExp(`<Code>AccessDenied</Code><Message>User: ${app.arn} is not authorized to perform: s3:GetObject on resource: &quot;arn:aws:s3:::${BUCKET}/other/x.txt&quot;|<Code>AccessDenied</Code><Message>User: ${app.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/other/x.txt"`));

    const shortLived = await getSignedUrl(signer, new S.GetObjectCommand({ Bucket: BUCKET, Key: 'shared/up.txt' }), { expiresIn: 1 });
    await sleep(2100);
    const expired = await fetch(shortLived);
    assert.equal(expired.status, 403);
    const text = await expired.text();
    assert.match(text, /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);

    const post = await createPresignedPost(s3(app), { Bucket: BUCKET, Key: 'shared/${filename}', Expires: 300, Conditions: [['content-length-range', 1, 1000]] });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob(['posted']), 'form.txt');
    const posted = await fetch(post.url, { method: 'POST', body: form });
    assert.equal(posted.status, 204, await posted.clone().text());
    assert.equal(await (await s3(root).send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'shared/form.txt' }))).Body!.transformToString(), 'posted');
    const elsewhere = await createPresignedPost(s3(app), { Bucket: BUCKET, Key: 'private/form.txt', Expires: 300 });
    const form2 = new FormData();
    for (const [name, value] of Object.entries(elsewhere.fields)) form2.append(name, value);
    form2.append('file', new Blob(['nope']), 'form.txt');
    const refused = await fetch(elsewhere.url, { method: 'POST', body: form2 });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('DynamoDB: BatchWriteItem, BatchGetItem and TransactWriteItems across an allowed and a refused table; Query with dynamodb:LeadingKeys; Scan refused', async () => {
    const orders = `arn:aws:dynamodb:${REGION}:${account}:table/orders`;
    const auditArn = `arn:aws:dynamodb:${REGION}:${account}:table/audit`;
    const app = await env.user('ddb-app', [
      allow(['dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:GetItem'], orders),
      allow('dynamodb:Query', orders, { Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['tenant-1'] } } }),
    ]);
    const client = ddb(app);
    const item = (table: string, pk: string, sk: string) => ({ [table]: [{ PutRequest: { Item: { pk: { S: pk }, sk: { S: sk } } } }] });
    await client.send(new D.BatchWriteItemCommand({ RequestItems: { ...item('orders', 'tenant-1', 'o1'), orders: [{ PutRequest: { Item: { pk: { S: 'tenant-1' }, sk: { S: 'o1' } } } }, { PutRequest: { Item: { pk: { S: 'tenant-2' }, sk: { S: 'o9' } } } }] } }));

    const attempts = countAttempts(client as never);
    const batch = await failure(client.send(new D.BatchWriteItemCommand({ RequestItems: { orders: [{ PutRequest: { Item: { pk: { S: 'tenant-1' }, sk: { S: 'o2' } } } }], ...item('audit', 'tenant-1', 'e1') } })));
    assert.equal(batch.name, 'AccessDeniedException');
    assert.equal(batch.$metadata.httpStatusCode, 400);
    assert.equal(batch.message, `User: ${app.arn} is not authorized to perform: dynamodb:BatchWriteItem on resource: ${auditArn} because no identity-based policy allows the dynamodb:BatchWriteItem action`);
    assert.equal(attempts.n, 1);
    // The whole batch was refused: the allowed table's item was not written either.
    assert.equal((await ddb(root).send(new D.GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'tenant-1' }, sk: { S: 'o2' } } }))).Item, undefined);

    const key = { pk: { S: 'tenant-1' }, sk: { S: 'o1' } };
    const read = await client.send(new D.BatchGetItemCommand({ RequestItems: { orders: { Keys: [key] } } }));
    assert.equal(read.Responses?.['orders']?.length, 1);
    const readBoth = await failure(client.send(new D.BatchGetItemCommand({ RequestItems: { orders: { Keys: [key] }, audit: { Keys: [key] } } })));
    assert.equal(readBoth.message, `User: ${app.arn} is not authorized to perform: dynamodb:BatchGetItem on resource: ${auditArn} because no identity-based policy allows the dynamodb:BatchGetItem action`);

    // TransactWriteItems is authorized as each item's own action (there is no dynamodb:TransactWriteItems).
    await client.send(new D.TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'orders', Item: { pk: { S: 'tenant-1' }, sk: { S: 't1' } } } }] }));
    const tx = await failure(client.send(new D.TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: 'orders', Item: { pk: { S: 'tenant-1' }, sk: { S: 't2' } } } }, { Put: { TableName: 'audit', Item: { pk: { S: 'tenant-1' }, sk: { S: 't2' } } } }],
    })));
    assert.equal(tx.name, 'AccessDeniedException');
    assert.equal(tx.message, `User: ${app.arn} is not authorized to perform: dynamodb:PutItem on resource: ${auditArn} because no identity-based policy allows the dynamodb:PutItem action`);
    assert.equal((await ddb(root).send(new D.GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'tenant-1' }, sk: { S: 't2' } } }))).Item, undefined);

    const query = (pk: string) => new D.QueryCommand({ TableName: 'orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: pk } } });
    assert.deepEqual((await client.send(query('tenant-1'))).Items?.map((i) => i['sk']?.S).sort(), ['o1', 't1']);
    const otherTenant = await failure(client.send(query('tenant-2')));
    assert.equal(otherTenant.message, `User: ${app.arn} is not authorized to perform: dynamodb:Query on resource: ${orders} because no identity-based policy allows the dynamodb:Query action`);
    const scan = await failure(client.send(new D.ScanCommand({ TableName: 'orders' })));
    assert.equal(scan.name, 'AccessDeniedException');
    assert.equal(scan.message, `User: ${app.arn} is not authorized to perform: dynamodb:Scan on resource: ${orders} because no identity-based policy allows the dynamodb:Scan action`);
  });

  test('SQS: SendMessageBatch, long-poll ReceiveMessage (WaitTimeSeconds=2) neither cut short nor buffered, DeleteMessage, queue URL forms', async () => {
    const url = (await sqs(root).send(new Q.CreateQueueCommand({ QueueName: 'app-poll' }))).QueueUrl!;
    const arn = `arn:aws:sqs:${REGION}:${account}:app-poll`;
    const app = await env.user('sqs-app', [allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'], arn)]);
    const client = sqs(app);
    const batch = await client.send(new Q.SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two' }] }));
    assert.deepEqual(batch.Successful?.map((s) => s.Id).sort(), ['a', 'b']);
    assert.equal(batch.Failed?.length ?? 0, 0);
    const got: Q.Message[] = [];
    for (let i = 0; i < 5 && got.length < 2; i++) got.push(...((await client.send(new Q.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? []));
    assert.deepEqual(got.map((m) => m.Body).sort(), ['one', 'two']);
    for (const m of got) await client.send(new Q.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));

    // An empty queue: the call waits its 2 seconds and answers with no messages.
    let started = Date.now();
    const empty = await client.send(new Q.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
    const waited = Date.now() - started;
    assert.equal(empty.Messages?.length ?? 0, 0);
    assert.ok(waited >= 1800 && waited < 6000, `waited ${waited} ms`);
    // A message sent during the wait is answered at once, not at the end of the wait.
    started = Date.now();
    const polling = client.send(new Q.ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
    await sleep(300);
    await sqs(root).send(new Q.SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    const late = await polling;
    assert.deepEqual(late.Messages?.map((m) => m.Body), ['late']);
    assert.ok(Date.now() - started < 1900, `answered after ${Date.now() - started} ms`);
    await client.send(new Q.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: late.Messages![0]!.ReceiptHandle! }));

    // The queue named by its URL in the forms apps hold; another queue refused whatever the form.
    const forms = (name: string) => [
      `https://sqs.${REGION}.amazonaws.com/${account}/${name}`,
      `https://queue.amazonaws.com/${account}/${name}`,
      `http://localhost:4566/${account}/${name}`,
    ];
    for (const QueueUrl of forms('app-poll')) {
      const sent = await client.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: QueueUrl }));
      assert.match(sent.MessageId ?? '', /\S/, QueueUrl);
    }
    for (const QueueUrl of forms('app-jobs')) {
      const refused = await failure(client.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
      assert.equal(refused.name, 'AccessDenied', QueueUrl);
      assert.equal(refused.message, `User: ${app.arn} is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:${REGION}:${account}:app-jobs because no identity-based policy allows the sqs:SendMessage action`, QueueUrl);
    }
  });

  test('KMS: Encrypt/Decrypt with an EncryptionContext held by kms:EncryptionContext:<key>; GenerateDataKey; a key policy that does not delegate to the account', async () => {
    const tenant = await env.user('kms-tenant', [allow(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], keyArn, { Condition: { StringEquals: { 'kms:EncryptionContext:tenant': 'acme' } } })]);
    const client = kms(tenant);
    const context = { tenant: 'acme' };
    const enc = await client.send(new K.EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('card'), EncryptionContext: context }));
    const dec = await client.send(new K.DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'card');
    assert.equal(dec.KeyId, keyArn);
    for (const EncryptionContext of [{ tenant: 'globex' }, undefined]) {
      const refused = await failure(client.send(new K.EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('card'), ...(EncryptionContext ? { EncryptionContext } : {}) })));
      assert.equal(refused.name, 'AccessDeniedException');
      assert.equal(refused.$metadata.httpStatusCode, 400);
      assert.equal(refused.message, `User: ${tenant.arn} is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no identity-based policy allows the kms:Encrypt action`);
    }
    const wrongContext = await failure(client.send(new K.DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: 'globex' } })));
    assert.equal(wrongContext.name, 'AccessDeniedException');
    const dataKey = await client.send(new K.GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }));
    assert.equal(dataKey.Plaintext?.length, 32);
    const unwrapped = await client.send(new K.DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }));
    assert.ok(Buffer.from(unwrapped.Plaintext!).equals(Buffer.from(dataKey.Plaintext!)));

    // A key whose policy names one admin and does not delegate to the account: an identity allow is not enough.
    const admin = await env.user('kms-key-admin', [allow('kms:*')]);
    const locked = (await kms(root).send(new K.CreateKeyCommand({
      BypassPolicyLockoutSafetyCheck: true,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: admin.arn }, Action: 'kms:*', Resource: '*' }] }),
    }))).KeyMetadata!.Arn!;
    const user = await env.user('kms-identity-only', [allow(['kms:Encrypt', 'kms:DescribeKey'], '*')]);
    const refused = await failure(kms(user).send(new K.EncryptCommand({ KeyId: locked, Plaintext: Buffer.from('x') })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.match(refused.message, new RegExp(`^User: ${user.arn} is not authorized to perform: kms:Encrypt on resource: ${locked} `));
    // The admin the key policy names may.
    assert.ok((await kms(admin).send(new K.EncryptCommand({ KeyId: locked, Plaintext: Buffer.from('x') }))).CiphertextBlob);
  });

  test('temporary credentials: an AssumeRole session used by the S3 client; expired session credentials are ExpiredToken in each service\'s words', async () => {
    const iam = env.server.iam(root);
    const roleArn = (await iam.send(new CreateRoleCommand({
      RoleName: 'app-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }),
    }))).Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app-role', PolicyName: 'p', PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/role/*` },
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*' },
        { Effect: 'Allow', Action: ['kms:Encrypt'], Resource: '*' },
      ],
    }) }));
    const caller = await env.user('role-caller', [allow('sts:AssumeRole', roleArn)]);
    const sts = keep(new STSClient(cfg(caller)));
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'job-42', DurationSeconds: 900 }));
    const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    const client = s3(session);
    await client.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'role/out.txt', Body: 'by role' }));
    assert.equal(await (await client.send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'role/out.txt' }))).Body!.transformToString(), 'by role');
    const refused = await failure(client.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: 'elsewhere.txt', Body: 'x' })));
    assert.equal(refused.message, `User: arn:aws:sts::${account}:assumed-role/app-role/job-42 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/elsewhere.txt" because no identity-based policy allows the s3:PutObject action`);

    // A URL presigned with the session outlives it (expiresIn 1 hour); after the session ends S3 answers ExpiredToken.
    const sessionUrl = await getSignedUrl(s3(session), new S.GetObjectCommand({ Bucket: BUCKET, Key: 'role/out.txt' }), { expiresIn: 3600 });
    assert.equal((await fetch(sessionUrl)).status, 200);

    // 16 minutes later (server and clients agree on the time): the 900-second session has ended.
    offset.ms = 16 * 60 * 1000;
    try {
      const viaUrl = await fetch(sessionUrl);
      const urlBody = await viaUrl.text();
      assert.deepEqual([viaUrl.status, /<Code>([^<]*)<\/Code><Message>([^<]*)<\/Message>/.exec(urlBody)?.slice(1)], [400, ['ExpiredToken', 'The provided token has expired.']], urlBody);
      const s3Expired = await failure(s3(session).send(new S.GetObjectCommand({ Bucket: BUCKET, Key: 'role/out.txt' })));
      const ddbExpired = await failure(ddb(session).send(new D.GetItemCommand({ TableName: 'orders', Key: { pk: { S: 'a' }, sk: { S: '1' } } })));
      const sqsExpired = await failure(sqs(session).send(new Q.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' })));
      const kmsExpired = await failure(kms(session).send(new K.EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })));
      const seen = (e: SdkError) => [e.name, e.$metadata.httpStatusCode, e.message];
      // S3's error code list: ExpiredToken, 400 Bad Request, "The provided token has expired."
      // DynamoDB and KMS (JSON 1.0/1.1): ExpiredTokenException, 400, "The security token included in the request is expired".
      // SQS: the Query code ExpiredToken (x-amzn-query-error), 403, as its Query form answers it.
      assert.deepEqual(
        { s3: seen(s3Expired), dynamodb: seen(ddbExpired), kms: seen(kmsExpired), sqs: seen(sqsExpired) },
        {
          s3: ['ExpiredToken', 400, 'The provided token has expired.'],
          dynamodb: ['ExpiredTokenException', 400, 'The security token included in the request is expired'],
          kms: ['ExpiredTokenException', 400, 'The security token included in the request is expired'],
          sqs: ['ExpiredToken', 403, 'The security token included in the request is expired'],
        },
      );
    } finally {
      offset.ms = 0;
    }
  });
});
