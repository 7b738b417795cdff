// KMS keys behind services, against moto_server behind Tessera: S3 SSE-KMS objects and uploads,
// SQS and SNS with a KmsMasterKeyId, SSM SecureString parameters and Secrets Manager writes
// need permission on the key the service uses for the caller — decided by the key policy (or
// IAM, when the key policy delegates to the account), with kms:ViaService and the service's
// encryption context; across accounts the key policy must name the caller.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';

const REGION = 'us-east-1';
const CIPHERTEXT = 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';

/** The CLI's error line: `An error occurred (<code>) when calling the <op> operation: <message>`. */
function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

async function refused(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const error = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }
  assert.fail('the request was not refused');
}

/** A key policy naming `principals` for `actions`, with or without the statement that delegates to the account's IAM policies. */
function keyPolicy(account: string, grants: { principal: string; actions: string[] }[], delegate = true): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...(delegate ? [{ Sid: 'iam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] : [{ Sid: 'admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:DescribeKey', 'kms:ListGrants'], Resource: '*' }]),
      ...grants.map((grant, index) => ({ Sid: `g${index}`, Effect: 'Allow', Principal: { AWS: grant.principal }, Action: grant.actions, Resource: '*' })),
    ],
  });
}

describe('gateway: KMS keys behind services', () => {
  let env: GatewayEnv;
  let account: string;
  let key: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    key = (await env.kms(env.server.root).send(new CreateKeyCommand({ Description: 'behind services' }))).KeyMetadata!.Arn!;
  });
  after(() => env?.stop());

  describe('S3 SSE-KMS', () => {
    const bucket = 'kms-objects';
    const plainBucket = 'plain-objects';
    const object = (name: string, where = bucket) => `arn:aws:s3:::${where}/${name}`;
    before(async () => {
      const s3 = env.s3(env.server.root);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new CreateBucketCommand({ Bucket: plainBucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret.txt', Body: 'classified', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: 'public', ServerSideEncryption: 'AES256' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'managed.txt', Body: 'managed', ServerSideEncryption: 'aws:kms' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bucket-key.txt', Body: 'bk', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key, BucketKeyEnabled: true }));
    });

    test('the key is used through a forward access session: aws:ViaAWSService true and aws:CalledVia s3.amazonaws.com (IAM User Guide, "Forward access sessions")', async () => {
      // "Use KMS only through services": a Deny on direct use leaves S3's use of the key alone.
      const throughServices = await env.user('s3-fas-only', [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
        { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'false' } } },
      ] }]);
      const object = await env.s3(throughServices).send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' }));
      assert.equal(await object.Body!.transformToString(), 'classified');
      assert.equal((await refused(env.kms(throughServices).send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x') })))).name, 'AccessDeniedException');
      // A Deny on S3's calls (aws:CalledVia) refuses the object, and not the caller's own use of the key.
      const notViaS3 = await env.user('s3-fas-denied', [{ Version: '2012-10-17', Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
        { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': 's3.amazonaws.com' }, StringEquals: { 'aws:CalledViaFirst': 's3.amazonaws.com', 'aws:CalledViaLast': 's3.amazonaws.com' } } },
      ] }]);
      assert.deepEqual(await refused(env.s3(notViaS3).send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' }))), { name: 'AccessDenied', message: CIPHERTEXT, status: 403 });
      await env.kms(notViaS3).send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from('x') }));
    });

    test('GetObject of an SSE-KMS object needs kms:Decrypt on its key; an SSE-S3 object does not; HeadObject does not', async () => {
      const reader = await env.user('s3-reader', [allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`)]);
      const s3 = env.s3(reader);
      const denied = await refused(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' })));
      assert.deepEqual(denied, { name: 'AccessDenied', message: CIPHERTEXT, status: 403 });
      const plain = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt' }));
      assert.equal(await plain.Body!.transformToString(), 'public');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret.txt' }));
      assert.equal(head.ServerSideEncryption, 'aws:kms');
      // Under the AWS managed key aws/s3: any principal of the account, through S3.
      const managed = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'managed.txt' }));
      assert.equal(await managed.Body!.transformToString(), 'managed');
    });

    test('kms:Decrypt through S3 (kms:ViaService) with the object\'s encryption context lets the object through; a Bucket Key\'s context is the bucket', async () => {
      const reader = await env.user('s3-decrypter', [
        allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`),
        allow('kms:Decrypt', key, { Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': object('secret.txt') } } }),
      ]);
      const s3 = env.s3(reader);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'secret.txt' }));
      assert.equal(await got.Body!.transformToString(), 'classified');
      // With an S3 Bucket Key, S3 uses the bucket's ARN as the context: this policy does not match it.
      const bucketKey = await refused(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'bucket-key.txt' })));
      assert.deepEqual(bucketKey, { name: 'AccessDenied', message: CIPHERTEXT, status: 403 });
      const byBucket = await env.user('s3-bucket-decrypter', [
        allow('s3:GetObject', `arn:aws:s3:::${bucket}/*`),
        allow('kms:Decrypt', key, { Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}` } } }),
      ]);
      const viaBucket = await env.s3(byBucket).send(new GetObjectCommand({ Bucket: bucket, Key: 'bucket-key.txt' }));
      assert.equal(await viaBucket.Body!.transformToString(), 'bk');
    });

    test('a key policy that does not delegate to IAM: the identity policy alone is not enough; the key policy naming the user is', async () => {
      const kms = env.kms(env.server.root);
      const own = (await kms.send(new CreateKeyCommand({ Description: 'no delegation' }))).KeyMetadata!.Arn!;
      await env.s3(env.server.root).send(new PutObjectCommand({ Bucket: bucket, Key: 'strict.txt', Body: 'strict', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: own }));
      const user = await env.user('s3-strict-reader', [allow(['s3:GetObject', 'kms:Decrypt'], '*')]);
      await kms.send(new PutKeyPolicyCommand({ KeyId: own, PolicyName: 'default', Policy: keyPolicy(account, [], false) }));
      const denied = await refused(env.s3(user).send(new GetObjectCommand({ Bucket: bucket, Key: 'strict.txt' })));
      assert.equal(denied.message, CIPHERTEXT);
      await kms.send(new PutKeyPolicyCommand({ KeyId: own, PolicyName: 'default', Policy: keyPolicy(account, [{ principal: user.arn, actions: ['kms:Decrypt'] }], false) }));
      const got = await env.s3(user).send(new GetObjectCommand({ Bucket: bucket, Key: 'strict.txt' }));
      assert.equal(await got.Body!.transformToString(), 'strict');
    });

    test('PutObject with SSE-KMS needs kms:GenerateDataKey, and a refused one writes nothing', async () => {
      const writer = await env.user('s3-writer', [allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`)]);
      const denied = await refused(env.s3(writer).send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key })));
      assert.equal(denied.name, 'AccessDenied');
      assert.equal(denied.status, 403);
      assert.match(denied.message, new RegExp(`^User: ${writer.arn} is not authorized to perform: kms:GenerateDataKey on resource: "?${key}"? because no identity-based policy allows the kms:GenerateDataKey action$`));
      const absent = await refused(env.s3(env.server.root).send(new HeadObjectCommand({ Bucket: bucket, Key: 'new.txt' })));
      assert.equal(absent.status, 404);
      // SSE-S3 needs nothing of KMS.
      await env.s3(writer).send(new PutObjectCommand({ Bucket: bucket, Key: 'new-plain.txt', Body: 'x', ServerSideEncryption: 'AES256' }));
      const keyed = await env.user('s3-key-writer', [allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`), allow('kms:GenerateDataKey', key, { Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } } })]);
      const put = await env.s3(keyed).send(new PutObjectCommand({ Bucket: bucket, Key: 'new.txt', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      assert.equal(put.ServerSideEncryption, 'aws:kms');
      // A multipart upload also needs kms:Decrypt (its parts are decrypted to complete it).
      const multipart = await refused(env.s3(keyed).send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key })));
      assert.equal(multipart.name, 'AccessDenied');
      assert.match(multipart.message, /kms:Decrypt/);
      const both = await env.user('s3-multipart', [allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`), allow(['kms:GenerateDataKey', 'kms:Decrypt'], key)]);
      const started = await env.s3(both).send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key }));
      assert.ok(started.UploadId);
    });

    test('a bucket whose default encryption is SSE-KMS: an upload without an encryption header needs kms:GenerateDataKey on the default key', async () => {
      const root = env.s3(env.server.root);
      await root.send(new CreateBucketCommand({ Bucket: 'kms-default' }));
      await root.send(new PutBucketEncryptionCommand({ Bucket: 'kms-default', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }] } }));
      const writer = await env.user('s3-default-writer', [allow('s3:PutObject', '*')]);
      const denied = await refused(env.s3(writer).send(new PutObjectCommand({ Bucket: 'kms-default', Key: 'a.txt', Body: 'a' })));
      assert.equal(denied.name, 'AccessDenied');
      assert.match(denied.message, /kms:GenerateDataKey/);
      await env.s3(writer).send(new PutObjectCommand({ Bucket: plainBucket, Key: 'a.txt', Body: 'a' }));
    });

    test('CopyObject from an SSE-KMS source needs kms:Decrypt on the source\'s key', async () => {
      const copier = await env.user('s3-copier', [allow(['s3:GetObject', 's3:PutObject'], '*')]);
      const denied = await refused(env.s3(copier).send(new CopyObjectCommand({ Bucket: plainBucket, Key: 'copy.txt', CopySource: `${bucket}/secret.txt` })));
      assert.deepEqual(denied, { name: 'AccessDenied', message: CIPHERTEXT, status: 403 });
      const absent = await refused(env.s3(env.server.root).send(new HeadObjectCommand({ Bucket: plainBucket, Key: 'copy.txt' })));
      assert.equal(absent.status, 404);
      await env.s3(copier).send(new CopyObjectCommand({ Bucket: plainBucket, Key: 'copy-plain.txt', CopySource: `${bucket}/plain.txt` }));
      const decrypter = await env.user('s3-copier-kms', [allow(['s3:GetObject', 's3:PutObject'], '*'), allow('kms:Decrypt', key, { Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': object('secret.txt') } } })]);
      await env.s3(decrypter).send(new CopyObjectCommand({ Bucket: plainBucket, Key: 'copy.txt', CopySource: `${bucket}/secret.txt` }));
    });

    test('across accounts: the key policy must allow the other account\'s user; the AWS managed key never does', async () => {
      const other = await env.account();
      const iam = new IAMClient({ endpoint: env.server.url, region: REGION, credentials: other, maxAttempts: 1 });
      const made = await iam.send(new CreateUserCommand({ UserName: 'xacct-s3' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'xacct-s3', PolicyName: 'all', PolicyDocument: JSON.stringify(allow(['s3:GetObject', 'kms:Decrypt'])) }));
      const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'xacct-s3' }));
      iam.destroy();
      const reader = { accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey! };
      const readerArn = made.User!.Arn!;
      const kms = env.kms(env.server.root);
      const shared = (await kms.send(new CreateKeyCommand({ Description: 'shared' }))).KeyMetadata!.Arn!;
      const root = env.s3(env.server.root);
      await root.send(new CreateBucketCommand({ Bucket: 'kms-shared' }));
      await root.send(new PutBucketPolicyCommand({ Bucket: 'kms-shared', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: readerArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::kms-shared/*' }] }) }));
      await root.send(new PutObjectCommand({ Bucket: 'kms-shared', Key: 'cmk.txt', Body: 'cmk', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: shared }));
      await root.send(new PutObjectCommand({ Bucket: 'kms-shared', Key: 'managed.txt', Body: 'managed', ServerSideEncryption: 'aws:kms' }));
      await root.send(new PutObjectCommand({ Bucket: 'kms-shared', Key: 'plain.txt', Body: 'plain' }));
      const s3 = env.s3(reader);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'kms-shared', Key: 'plain.txt' }))).Body!.transformToString(), 'plain');
      assert.equal((await refused(s3.send(new GetObjectCommand({ Bucket: 'kms-shared', Key: 'cmk.txt' })))).message, CIPHERTEXT);
      await kms.send(new PutKeyPolicyCommand({ KeyId: shared, PolicyName: 'default', Policy: keyPolicy(account, [{ principal: readerArn, actions: ['kms:Decrypt'] }]) }));
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'kms-shared', Key: 'cmk.txt' }))).Body!.transformToString(), 'cmk');
      assert.equal((await refused(s3.send(new GetObjectCommand({ Bucket: 'kms-shared', Key: 'managed.txt' })))).message, CIPHERTEXT);
    });
  });

  describe('SQS SSE-KMS', () => {
    let encrypted: string;
    let plain: string;
    before(async () => {
      const sqs = env.sqs(env.server.root);
      encrypted = (await sqs.send(new CreateQueueCommand({ QueueName: 'kms-queue', Attributes: { KmsMasterKeyId: key } }))).QueueUrl!;
      plain = (await sqs.send(new CreateQueueCommand({ QueueName: 'sse-sqs-queue' }))).QueueUrl!;
    });
    const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${account}:${name}`;

    test('SendMessage needs kms:GenerateDataKey and kms:Decrypt; ReceiveMessage kms:Decrypt; an SSE-SQS queue neither', async () => {
      const user = await env.user('sqs-no-kms', [allow(['sqs:SendMessage', 'sqs:ReceiveMessage'], '*')]);
      const sqs = env.sqs(user);
      const sent = await refused(sqs.send(new SendMessageCommand({ QueueUrl: encrypted, MessageBody: 'hello' })));
      assert.equal(sent.status, 400);
      assert.match(sent.name, /^(KMS\.AccessDeniedException|KmsAccessDenied)$/);
      assert.match(sent.message, new RegExp(`^User: ${user.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${key} because no identity-based policy allows the kms:GenerateDataKey action \\(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [^;]+; Proxy: null\\)$`));
      const received = await refused(sqs.send(new ReceiveMessageCommand({ QueueUrl: encrypted })));
      assert.match(received.message, /kms:Decrypt/);
      const count = await env.sqs(env.server.root).send(new GetQueueAttributesCommand({ QueueUrl: encrypted, AttributeNames: ['ApproximateNumberOfMessages'] }));
      assert.equal(count.Attributes?.['ApproximateNumberOfMessages'], '0', 'the refused message was not forwarded');
      await sqs.send(new SendMessageCommand({ QueueUrl: plain, MessageBody: 'plain' }));

      const decryptOnly = await env.user('sqs-decrypt', [allow(['sqs:SendMessage', 'sqs:ReceiveMessage'], '*'), allow('kms:Decrypt', key)]);
      assert.match((await refused(env.sqs(decryptOnly).send(new SendMessageCommand({ QueueUrl: encrypted, MessageBody: 'x' })))).message, /kms:GenerateDataKey/);
      const producer = await env.user('sqs-producer', [
        allow('sqs:SendMessage', queueArn('kms-queue')),
        allow(['kms:GenerateDataKey', 'kms:Decrypt'], key, { Condition: { StringEquals: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:sqs:arn': queueArn('kms-queue') } } }),
      ]);
      await env.sqs(producer).send(new SendMessageCommand({ QueueUrl: encrypted, MessageBody: 'hello' }));
      const got = await env.sqs(decryptOnly).send(new ReceiveMessageCommand({ QueueUrl: encrypted }));
      assert.equal(got.Messages?.[0]?.Body, 'hello');
    });

    test('the aws CLI reads SQS\'s refusal as KMS.AccessDeniedException', async () => {
      const user = await env.user('sqs-query-no-kms', [allow('sqs:SendMessage', '*')]);
      const res = await env.cli(['sqs', 'send-message', '--queue-url', encrypted, '--message-body', 'x'], user);
      assert.notEqual(res.code, 0);
      const error = cliError(res.stderr);
      assert.equal(error.code, 'KMS.AccessDeniedException');
      assert.match(error.message, /is not authorized to perform: kms:GenerateDataKey/);
    });
  });

  describe('SNS with KmsMasterKeyId', () => {
    test('Publish needs kms:GenerateDataKey and kms:Decrypt on the topic\'s key (KMSAccessDenied)', async () => {
      const root = env.server.root;
      const topic = JSON.parse((await env.cli(['sns', 'create-topic', '--name', 'kms-topic', '--attributes', `KmsMasterKeyId=${key}`], root)).stdout).TopicArn as string;
      const plainTopic = JSON.parse((await env.cli(['sns', 'create-topic', '--name', 'plain-topic'], root)).stdout).TopicArn as string;
      const user = await env.user('sns-no-kms', [allow('sns:Publish', '*')]);
      const denied = await env.cli(['sns', 'publish', '--topic-arn', topic, '--message', 'm'], user);
      assert.notEqual(denied.code, 0);
      const error = cliError(denied.stderr);
      assert.equal(error.code, 'KMSAccessDenied');
      assert.match(error.message, new RegExp(`^User: ${user.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${key} because`));
      assert.equal((await env.cli(['sns', 'publish', '--topic-arn', plainTopic, '--message', 'm'], user)).code, 0);
      const keyed = await env.user('sns-kms', [
        allow('sns:Publish', '*'),
        allow(['kms:GenerateDataKey*', 'kms:Decrypt'], key, { Condition: { StringEquals: { 'kms:ViaService': `sns.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:sns:topicArn': topic } } }),
      ]);
      const published = await env.cli(['sns', 'publish', '--topic-arn', topic, '--message', 'm'], keyed);
      assert.equal(published.code, 0, published.stderr);
    });
  });

  describe('SSM SecureString', () => {
    test('GetParameter(s) and GetParametersByPath WithDecryption need kms:Decrypt on a customer managed key; aws/ssm any principal of the account', async () => {
      const root = env.server.root;
      for (const args of [['--name', '/app/db', '--key-id', key], ['--name', '/app/managed'], ['--name', '/app/config', '--type', 'String']]) {
        const put = await env.cli(['ssm', 'put-parameter', '--value', 'v4lue', ...(args.includes('--type') ? [] : ['--type', 'SecureString']), ...args], root);
        assert.equal(put.code, 0, put.stderr);
      }
      const reader = await env.user('ssm-reader', [allow(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], '*')]);
      const denied = await env.cli(['ssm', 'get-parameter', '--name', '/app/db', '--with-decryption'], reader);
      assert.notEqual(denied.code, 0);
      const error = cliError(denied.stderr);
      assert.equal(error.code, 'AccessDeniedException');
      assert.match(error.message, new RegExp(`^User: ${reader.arn} is not authorized to perform: kms:Decrypt on resource: ${key} because no identity-based policy allows the kms:Decrypt action \\(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException;`));
      assert.equal((await env.cli(['ssm', 'get-parameter', '--name', '/app/db'], reader)).code, 0, 'without decryption no key is used');
      const managed = await env.cli(['ssm', 'get-parameter', '--name', '/app/managed', '--with-decryption'], reader);
      assert.equal(managed.code, 0, managed.stderr);
      assert.equal(JSON.parse(managed.stdout).Parameter.Value, 'v4lue');
      assert.equal(cliError((await env.cli(['ssm', 'get-parameters', '--names', '/app/config', '/app/db', '--with-decryption'], reader)).stderr).code, 'AccessDeniedException');
      assert.equal(cliError((await env.cli(['ssm', 'get-parameters-by-path', '--path', '/app', '--with-decryption'], reader)).stderr).code, 'AccessDeniedException');
      const decrypter = await env.user('ssm-decrypter', [
        allow(['ssm:GetParameter', 'ssm:GetParametersByPath'], '*'),
        allow('kms:Decrypt', key, { Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${account}:parameter/app/db` } } }),
      ]);
      const got = await env.cli(['ssm', 'get-parameter', '--name', '/app/db', '--with-decryption'], decrypter);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(JSON.parse(got.stdout).Parameter.Value, 'v4lue');
      const byPath = await env.cli(['ssm', 'get-parameters-by-path', '--path', '/app', '--with-decryption'], decrypter);
      assert.equal(byPath.code, 0, byPath.stderr);
    });

    test('PutParameter of a SecureString needs kms:Encrypt on its key; the default key aws/ssm needs nothing more', async () => {
      const writer = await env.user('ssm-writer', [allow('ssm:PutParameter', '*')]);
      const denied = await env.cli(['ssm', 'put-parameter', '--name', '/w/cmk', '--type', 'SecureString', '--value', 'x', '--key-id', key], writer);
      assert.equal(cliError(denied.stderr).code, 'AccessDeniedException');
      assert.match(cliError(denied.stderr).message, /kms:Encrypt/);
      assert.notEqual((await env.cli(['ssm', 'get-parameter', '--name', '/w/cmk'], env.server.root)).code, 0, 'the refused parameter was not written');
      const managed = await env.cli(['ssm', 'put-parameter', '--name', '/w/managed', '--type', 'SecureString', '--value', 'x'], writer);
      assert.equal(managed.code, 0, managed.stderr);
      const keyed = await env.user('ssm-kms-writer', [allow('ssm:PutParameter', '*'), allow('kms:Encrypt', key, { Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } } })]);
      const put = await env.cli(['ssm', 'put-parameter', '--name', '/w/cmk', '--type', 'SecureString', '--value', 'x', '--key-id', key], keyed);
      assert.equal(put.code, 0, put.stderr);
    });
  });

  describe('Secrets Manager writes', () => {
    test('CreateSecret and PutSecretValue under a customer managed key need kms:GenerateDataKey and kms:Decrypt ("Access to KMS is not allowed")', async () => {
      const root = env.server.root;
      const writer = await env.user('sm-writer', [allow(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecret'], '*')]);
      const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'w-cmk', '--secret-string', 's', '--kms-key-id', key], writer);
      assert.deepEqual(cliError(created.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
      const plain = await env.cli(['secretsmanager', 'create-secret', '--name', 'w-managed', '--secret-string', 's'], writer);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal((await env.cli(['secretsmanager', 'put-secret-value', '--secret-id', 'w-managed', '--secret-string', 't'], writer)).code, 0);
      const cmk = await env.cli(['secretsmanager', 'create-secret', '--name', 'w-root-cmk', '--secret-string', 's', '--kms-key-id', key], root);
      assert.equal(cmk.code, 0, cmk.stderr);
      const put = await env.cli(['secretsmanager', 'put-secret-value', '--secret-id', 'w-root-cmk', '--secret-string', 't'], writer);
      assert.deepEqual(cliError(put.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
      const updated = await env.cli(['secretsmanager', 'update-secret', '--secret-id', 'w-root-cmk', '--secret-string', 'u'], writer);
      assert.deepEqual(cliError(updated.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
      // Without a new value, UpdateSecret (a description) uses no key.
      assert.equal((await env.cli(['secretsmanager', 'update-secret', '--secret-id', 'w-root-cmk', '--description', 'd'], writer)).code, 0);
      const secretArn = JSON.parse(cmk.stdout).ARN as string;
      const keyed = await env.user('sm-kms-writer', [
        allow(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'], '*'),
        allow(['kms:GenerateDataKey', 'kms:Decrypt'], key, { Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } } }),
      ]);
      assert.equal((await env.cli(['secretsmanager', 'create-secret', '--name', 'w-cmk', '--secret-string', 's', '--kms-key-id', key], keyed)).code, 0);
      const allowedPut = await env.cli(['secretsmanager', 'put-secret-value', '--secret-id', secretArn, '--secret-string', 'v'], keyed);
      assert.equal(allowedPut.code, 0, allowedPut.stderr);
    });
  });
});
