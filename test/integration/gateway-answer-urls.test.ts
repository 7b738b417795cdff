import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError } from '../support/tessera-server.ts';

/**
 * URLs in the upstream's answers name Tessera, not the upstream: an SQS queue URL (JSON and
 * Query protocols, SDK v3 and the aws CLI) and S3's CompleteMultipartUpload Location. A client
 * that follows the returned URL — the SDK's SQS client uses a queue URL as its endpoint — comes
 * back through Tessera and is authorized there.
 */
describe('URLs in forwarded answers', () => {
  let env: GatewayEnv;
  let origin: string;
  let motoHost: string;
  before(async () => {
    env = await startGatewayEnv();
    origin = new URL(env.server.url).origin;
    motoHost = new URL(env.moto.url).host;
  });
  after(() => env?.stop());

  test('SDK v3 (JSON): CreateQueue, GetQueueUrl and ListQueues answer Tessera\'s URL; a client with no endpoint follows it through Tessera', async () => {
    const sqs = env.sqs(env.server.root);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'followed' }));
    assert.equal(QueueUrl, `${origin}/${env.server.accountId}/followed`);
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'followed' }))).QueueUrl, QueueUrl);
    const listed = await sqs.send(new ListQueuesCommand({}));
    assert.ok((listed.QueueUrls ?? []).length > 0);
    for (const url of listed.QueueUrls ?? []) assert.ok(url.startsWith(`${origin}/`), url);

    // No endpoint configured: the SDK sends to the queue URL's host.
    const queueArn = `arn:aws:sqs:us-east-1:${env.server.accountId}:followed`;
    const sender = await env.user('url-sender', [allow('sqs:SendMessage', queueArn)]);
    const bare = await env.user('url-bare');
    const direct = (credentials: { accessKeyId: string; secretAccessKey: string }) => new SQSClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
    const allowed = direct(sender);
    const refused = direct(bare);
    try {
      await allowed.send(new SendMessageCommand({ QueueUrl, MessageBody: 'through tessera' }));
      // moto accepts any key: only Tessera refuses this one.
      const denied = await awsError(() => refused.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
      assert.equal(denied.name, 'AccessDenied');
      assert.equal(denied.status, 403);
    } finally {
      allowed.destroy();
      refused.destroy();
    }
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(received.Messages?.[0]?.Body, 'through tessera');
  });

  test('the aws CLI: create-queue answers Tessera\'s URL, and send-message with it works', async () => {
    const root = env.server.root;
    const created = await env.cli(['sqs', 'create-queue', '--queue-name', 'cli-followed', '--output', 'json'], root);
    assert.equal(created.code, 0, created.stderr);
    const queueUrl = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    assert.equal(queueUrl, `${origin}/${env.server.accountId}/cli-followed`);
    const listed = await env.cli(['sqs', 'list-queues', '--output', 'json'], root);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(motoHost), listed.stdout);
    const sent = await env.cli(['sqs', 'send-message', '--queue-url', queueUrl, '--message-body', 'cli message', '--output', 'json'], root);
    assert.equal(sent.code, 0, sent.stderr);
    const received = await env.sqs(root).send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    assert.equal(received.Messages?.[0]?.Body, 'cli message');
  });

  test('the Query protocol: GetQueueUrl\'s XML names Tessera', async () => {
    await env.sqs(env.server.root).send(new CreateQueueCommand({ QueueName: 'query-followed' }));
    const host = new URL(env.server.url).host;
    const body = 'Action=GetQueueUrl&QueueName=query-followed&Version=2012-11-05';
    const signed = signRequest(
      { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, body },
      env.server.root, { region: 'us-east-1', service: 'sqs', date: new Date() },
    );
    const answer = await fetch(`${env.server.url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const text = await answer.text();
    assert.equal(answer.status, 200, text);
    assert.match(text, /<QueueUrl>/);
    assert.ok(text.includes(`<QueueUrl>${origin}/${env.server.accountId}/query-followed</QueueUrl>`), text);
    assert.equal(answer.headers.get('content-length'), String(Buffer.byteLength(text)));
  });

  test('S3: CompleteMultipartUpload\'s Location is the object\'s URL at Tessera; object bodies pass unchanged', async () => {
    const s3 = env.s3(env.server.root);
    await s3.send(new CreateBucketCommand({ Bucket: 'located' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'located', Key: 'dir/big.bin' }));
    const part = Buffer.alloc(5 * 1024 * 1024, 9);
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: 'located', Key: 'dir/big.bin', UploadId, PartNumber: 1, Body: part }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'located', Key: 'dir/big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    assert.equal(done.Location, `${origin}/located/dir/big.bin`);
    // An object whose content looks like a queue URL answer is not touched.
    const lookalike = `<QueueUrl>${env.moto.url}/x</QueueUrl><Location>${env.moto.url}/y</Location>`;
    await s3.send(new PutObjectCommand({ Bucket: 'located', Key: 'look.xml', Body: lookalike }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'located', Key: 'look.xml' }));
    assert.equal(await got.Body!.transformToString(), lookalike);
  });
});
