// A matrix of every check whose decision needs a resource policy, against moto: for each resource
// type that carries one (S3 bucket, SQS queue, SNS topic, KMS key, Lambda function, Secrets
// Manager secret, DynamoDB table), each operation naming the resource in each way the service
// allows (and the secondary resources: a copy source, a ReEncrypt's destination key, a
// transaction's second table), tried by four callers:
//
//   aAllowed — same account, an identity policy allowing everything; the resource policy Denies it → refused
//   aBare    — same account, no identity policy; the resource policy Allows it → allowed
//   bAllowed — another account, identity allows everything; the resource policy Allows it → allowed
//   bOther   — another account, identity allows everything; the resource policy grants it nothing → refused
//
// (AWS's evaluation: in one account either policy may allow and an explicit Deny in either wins;
// across accounts both must allow. A KMS key policy must allow or delegate to the account, even
// in the same account. A Lambda function policy has no Deny statements: aAllowed is allowed.)
// Writes check moto's state: changed exactly when the request was allowed.
//
// A row is one test; its `expect` is AWS's documented behaviour. A row that disagrees with AWS
// because of a documented known limit carries `knownLimit` and is reported as a todo.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand,
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsCommand, ListObjectsV2Command, ListPartsCommand,
  PutBucketPolicyCommand, PutObjectCommand, PutObjectTaggingCommand, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import {
  CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, ListGrantsCommand,
  PutKeyPolicyCommand, ReEncryptCommand,
} from '@aws-sdk/client-kms';
import {
  BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, GetItemCommand, PutItemCommand, PutResourcePolicyCommand, QueryCommand,
  TransactGetItemsCommand, TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import type { Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';
const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
type Who = 'aAllowed' | 'aBare' | 'bAllowed' | 'bOther';
const WHO: Who[] = ['aAllowed', 'aBare', 'bAllowed', 'bOther'];
type Outcome = 'ok' | 'denied' | 'skip' | string;
type Caller = Credentials & { arn: string; who: Who; account: string };

/** The four cases' expected outcome (case 1..4). */
const MATRIX: Record<Who, Outcome> = { aAllowed: 'denied', aBare: 'ok', bAllowed: 'ok', bOther: 'denied' };
/** Same account only (a name or key ID names the caller's own account's resource). */
const SAME_ACCOUNT: Record<Who, Outcome> = { ...MATRIX, bAllowed: 'skip', bOther: 'skip' };

/** docs/gateway-mapping.md, Known limits. */
const KMS_BLOB_LIMIT = 'across accounts, a ciphertext alone names its key by ID only in moto: name the key by ARN (KeyId / SourceKeyId)';

interface Row {
  name: string;
  run(caller: Caller): Promise<unknown>;
  /** Whether the write took effect in moto (checked after each attempt: true exactly when allowed). */
  effect?(caller: Caller): Promise<boolean>;
  expect?: Partial<Record<Who, Outcome>>;
  /** moto cannot serve this form (it answers 500): any answer but the gateway's refusal means the gateway forwarded it — counted as allowed. */
  motoFails?: boolean;
  /** A documented known limit (docs/gateway-mapping.md): the row still runs, reported as a todo, while it disagrees with AWS. */
  knownLimit?: string;
}

function classify(name: string, message: string): Outcome {
  return /AccessDenied|AuthorizationError|not authorized/i.test(name) ? 'denied' : `error:${name}: ${message.slice(0, 200)}`;
}

describe('gateway resource-policy matrix', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let A: string;
  let B: Credentials & { accountId: string };
  const callers = {} as Record<Who, Caller>;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-matrix-'));

  async function cli(args: string[], who: Credentials): Promise<string> {
    const out = await env.cli(args, who);
    if (out.code === 0) return out.stdout;
    const match = /An error occurred \(([^)]+)\) when calling the \w+ operation[^:]*: (.*)/.exec(out.stderr);
    const error = new Error(match?.[2] ?? out.stderr);
    error.name = match?.[1] ?? 'CliFailure';
    throw error;
  }
  const rootCli = async (args: string[]) => cli(args, env.server.root);

  let lastMessage = '';
  async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
    lastMessage = '';
    try {
      await fn();
      return 'ok';
    } catch (err) {
      const e = err as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
      lastMessage = `${e.name}: ${e.message}`;
      if (/was not forwarded/.test(e.message ?? '')) return 'not-forwarded';
      return classify(e.name ?? e.Code ?? 'Error', e.message ?? '');
    }
  }

  /** A policy of the four cases for `actions` on `resources`. */
  function matrixPolicy(actions: string | string[], resources: string | string[], extra: object[] = [], denyAllBut?: string): string {
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        ...extra,
        denyAllBut === undefined
          ? { Sid: 'DenyAAllowed', Effect: 'Deny', Principal: { AWS: callers.aAllowed.arn }, Action: actions, Resource: resources }
          : { Sid: 'DenyAAllowed', Effect: 'Deny', Principal: { AWS: callers.aAllowed.arn }, NotAction: denyAllBut, Resource: resources },
        { Sid: 'AllowABare', Effect: 'Allow', Principal: { AWS: callers.aBare.arn }, Action: actions, Resource: resources },
        { Sid: 'AllowBAllowed', Effect: 'Allow', Principal: { AWS: callers.bAllowed.arn }, Action: actions, Resource: resources },
      ],
    });
  }
  /** A policy allowing all four callers: the resource a row does not test (a copy's destination). */
  function openPolicy(actions: string | string[], resources: string | string[], extra: object[] = []): string {
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: [...extra, { Sid: 'Open', Effect: 'Allow', Principal: { AWS: WHO.map((who) => callers[who].arn) }, Action: actions, Resource: resources }],
    });
  }

  /** A user of `owner`'s account with `policy` inline (env.user). */
  const makeUser = (owner: Credentials, name: string, policy?: Record<string, unknown>) =>
    env.user(name, policy ? [policy] : [], { iam: env.server.iam, root: owner });

  before(async () => {
    env = await startGatewayEnv();
    A = env.server.accountId;
    B = await env.account();
    callers.aAllowed = { ...(await makeUser(env.server.root, 'mx-a-allowed', ALL)), who: 'aAllowed', account: A };
    callers.aBare = { ...(await makeUser(env.server.root, 'mx-a-bare')), who: 'aBare', account: A };
    callers.bAllowed = { ...(await makeUser(B, 'mx-b-allowed', ALL)), who: 'bAllowed', account: B.accountId };
    callers.bOther = { ...(await makeUser(B, 'mx-b-other', ALL)), who: 'bOther', account: B.accountId };
  });
  after(() => env?.stop());

  const failures: string[] = [];
  async function runRow(row: Row): Promise<void> {
    const results: string[] = [];
    for (const who of WHO) {
      const expected = row.expect?.[who] ?? MATRIX[who];
      if (expected === 'skip') continue;
      let got = await outcome(() => row.run(callers[who]));
      if (row.motoFails && got.startsWith('error:')) got = 'ok';
      // Refused either way: the gateway's AccessDenied, or its 503 when moto refused the gateway's own read.
      if (expected === 'refused' && (got === 'denied' || got === 'not-forwarded')) got = 'refused';
      let line = `${who}: expected ${expected}, got ${got}${got === 'denied' ? ` (${lastMessage.slice(0, 300)})` : ''}`;
      if (row.effect !== undefined && (got === 'ok' || got === 'denied')) {
        const effect = await row.effect(callers[who]);
        if (effect !== (got === 'ok')) line += ` — but moto's state ${effect ? 'changed' : 'did not change'}`;
        else if (got === expected) continue;
      } else if (got === expected) continue;
      results.push(line);
    }
    if (results.length > 0) failures.push(`${row.name}\n    ${results.join('\n    ')}`);
    assert.deepEqual(results, [], `${row.name}:\n  ${results.join('\n  ')}`);
  }
  // ---------------------------------------------------------------- S3
  let s3Ready: Promise<void> | undefined;
  // moto itself applies a bucket policy's Deny to every object request, whoever it names: the
  // Deny of case 1 is in a bucket of its own (mx-deny, aAllowed's), the grants of cases 2–4 in
  // mx-bucket. A request the gateway wrongly forwards to mx-deny gets moto's bare 403, not the
  // gateway's AccessDenied — told apart below (an `error:Unknown…` outcome).
  const bk = (c: Caller) => (c.who === 'aAllowed' ? 'mx-deny' : 'mx-bucket');
  const open = 'mx-open';
  const uploads = {} as Record<Who, string>;
  const s3Setup = () => (s3Ready ??= (async () => {
    const root = env.s3(env.server.root);
    for (const name of ['mx-bucket', 'mx-deny', open]) {
      await root.send(new CreateBucketCommand({ Bucket: name }));
      await root.send(new PutObjectCommand({ Bucket: name, Key: 'src.txt', Body: `source of ${name}` }));
    }
    for (const who of WHO) {
      const name = who === 'aAllowed' ? 'mx-deny' : 'mx-bucket';
      await root.send(new PutObjectCommand({ Bucket: name, Key: `del/${who}`, Body: 'x' }));
      await root.send(new PutObjectCommand({ Bucket: name, Key: `dels/${who}`, Body: 'x' }));
      uploads[who] = (await root.send(new CreateMultipartUploadCommand({ Bucket: name, Key: `mp/${who}` }))).UploadId!;
    }
    const both = (name: string) => [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`];
    await root.send(new PutBucketPolicyCommand({ Bucket: 'mx-deny', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: callers.aAllowed.arn }, Action: 's3:*', Resource: both('mx-deny') }] }) }));
    await root.send(new PutBucketPolicyCommand({ Bucket: 'mx-bucket', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: [callers.aBare.arn, callers.bAllowed.arn] }, Action: 's3:*', Resource: both('mx-bucket') }] }) }));
    await root.send(new PutBucketPolicyCommand({ Bucket: open, Policy: openPolicy('s3:*', both(open)) }));
  })());
  /** Whether moto holds the object (listed: moto refuses the root's HeadObject in mx-deny). */
  const exists = async (Bucket: string, Key: string) => ((await env.s3(env.server.root).send(new ListObjectsV2Command({ Bucket, Prefix: Key }))).Contents ?? []).some((item) => item.Key === Key);
  const s3Rows = (): Row[] => [
    { name: 'PutObject', run: (c) => env.s3(c).send(new PutObjectCommand({ Bucket: bk(c), Key: `put/${c.who}`, Body: 'p' })), effect: (c) => exists(bk(c), `put/${c.who}`) },
    { name: 'GetObject', run: (c) => env.s3(c).send(new GetObjectCommand({ Bucket: bk(c), Key: 'src.txt' })) },
    {
      // A refused HEAD has no body: the SDK names it Unknown; a 403 is the refusal (mx-bucket has no Deny moto would apply for bOther).
      name: 'HeadObject',
      run: (c) => env.s3(c).send(new HeadObjectCommand({ Bucket: bk(c), Key: 'src.txt' })).catch((err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        throw err.$metadata?.httpStatusCode === 403 ? Object.assign(new Error('403'), { name: 'AccessDenied' }) : err;
      }),
    },
    { name: 'GetObjectTagging', run: (c) => env.s3(c).send(new GetObjectTaggingCommand({ Bucket: bk(c), Key: 'src.txt' })) },
    {
      name: 'PutObjectTagging',
      run: (c) => env.s3(c).send(new PutObjectTaggingCommand({ Bucket: bk(c), Key: 'src.txt', Tagging: { TagSet: [{ Key: 'by', Value: c.who }] } })),
    },
    { name: 'DeleteObject', run: (c) => env.s3(c).send(new DeleteObjectCommand({ Bucket: bk(c), Key: `del/${c.who}` })), effect: async (c) => !(await exists(bk(c), `del/${c.who}`)) },
    {
      name: 'DeleteObjects (a per-key AccessDenied counts as refused)',
      run: async (c) => {
        const out = await env.s3(c).send(new DeleteObjectsCommand({ Bucket: bk(c), Delete: { Objects: [{ Key: `dels/${c.who}` }] } }));
        const error = out.Errors?.[0];
        if (error !== undefined) throw Object.assign(new Error(error.Message ?? ''), { name: error.Code ?? 'Error' });
      },
      effect: async (c) => !(await exists(bk(c), `dels/${c.who}`)),
    },
    { name: 'ListObjectsV2', run: (c) => env.s3(c).send(new ListObjectsV2Command({ Bucket: bk(c) })) },
    { name: 'ListObjects (v1)', run: (c) => env.s3(c).send(new ListObjectsCommand({ Bucket: bk(c) })) },
    { name: 'ListMultipartUploads', run: (c) => env.s3(c).send(new ListMultipartUploadsCommand({ Bucket: bk(c) })) },
    {
      name: 'CopyObject: the source in the bucket (destination open)',
      expect: { aAllowed: 'refused' },
      run: (c) => env.s3(c).send(new CopyObjectCommand({ Bucket: open, Key: `copy/${c.who}`, CopySource: `${bk(c)}/src.txt` })),
      effect: (c) => exists(open, `copy/${c.who}`),
    },
    {
      name: 'CopyObject: the destination in the bucket (source open)',
      run: (c) => env.s3(c).send(new CopyObjectCommand({ Bucket: bk(c), Key: `copied/${c.who}`, CopySource: `${open}/src.txt` })),
      effect: (c) => exists(bk(c), `copied/${c.who}`),
    },
    {
      name: 'UploadPart into an upload in the bucket',
      run: (c) => env.s3(c).send(new UploadPartCommand({ Bucket: bk(c), Key: `mp/${c.who}`, UploadId: uploads[c.who], PartNumber: 1, Body: 'part' })),
    },
    {
      name: 'UploadPartCopy: the source in the bucket (the upload open)',
      expect: { aAllowed: 'refused' },
      run: async (c) => {
        const upload = (await env.s3(env.server.root).send(new CreateMultipartUploadCommand({ Bucket: open, Key: `mpc/${c.who}` }))).UploadId!;
        await env.s3(c).send(new UploadPartCopyCommand({ Bucket: open, Key: `mpc/${c.who}`, UploadId: upload, PartNumber: 1, CopySource: `${bk(c)}/src.txt` }));
      },
    },
    { name: 'ListParts', run: (c) => env.s3(c).send(new ListPartsCommand({ Bucket: bk(c), Key: `mp/${c.who}`, UploadId: uploads[c.who] })) },
    {
      name: 'AbortMultipartUpload',
      run: (c) => env.s3(c).send(new AbortMultipartUploadCommand({ Bucket: bk(c), Key: `mp/${c.who}`, UploadId: uploads[c.who] })),
      effect: async (c) => !((await env.s3(env.server.root).send(new ListMultipartUploadsCommand({ Bucket: bk(c) }))).Uploads ?? []).some((upload) => upload.UploadId === uploads[c.who]),
    },
  ];

  // ---------------------------------------------------------------- SQS
  let sqsReady: Promise<void> | undefined;
  const queueUrl = (name: string) => `${env.server.url}/${A}/${name}`;
  const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${A}:${name}`;
  const sqsSetup = () => (sqsReady ??= (async () => {
    const root = env.sqs(env.server.root);
    for (const name of ['mx-queue', 'mx-sink']) {
      await root.send(new CreateQueueCommand({ QueueName: name }));
      await root.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl(name), Attributes: { Policy: matrixPolicy('sqs:*', queueArn(name)) } }));
    }
    for (let i = 0; i < 12; i++) await root.send(new SendMessageCommand({ QueueUrl: queueUrl('mx-queue'), MessageBody: `m${i}` }));
  })());
  /** A receipt handle of mx-queue's (the root receives one message, hidden for five minutes). */
  async function receipt(): Promise<string> {
    const out = await env.sqs(env.server.root).send(new ReceiveMessageCommand({ QueueUrl: queueUrl('mx-queue'), MaxNumberOfMessages: 1, VisibilityTimeout: 300 }));
    return out.Messages![0]!.ReceiptHandle!;
  }
  /** The bodies the sink holds (each read once: received and deleted by the root). */
  async function drainSink(): Promise<string[]> {
    const root = env.sqs(env.server.root);
    const bodies: string[] = [];
    for (;;) {
      const out = await root.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('mx-sink'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      if (!out.Messages?.length) return bodies;
      for (const message of out.Messages) {
        bodies.push(message.Body!);
        await root.send(new DeleteMessageCommand({ QueueUrl: queueUrl('mx-sink'), ReceiptHandle: message.ReceiptHandle! }));
      }
    }
  }
  const sqsRows = (): Row[] => [
    { name: 'SendMessage', run: (c) => env.sqs(c).send(new SendMessageCommand({ QueueUrl: queueUrl('mx-sink'), MessageBody: `send-${c.who}` })), effect: async (c) => (await drainSink()).includes(`send-${c.who}`) },
    {
      name: 'SendMessageBatch',
      run: (c) => env.sqs(c).send(new SendMessageBatchCommand({ QueueUrl: queueUrl('mx-sink'), Entries: [{ Id: '1', MessageBody: `batch-${c.who}` }] })).then((out) => {
        if (out.Failed?.length) throw Object.assign(new Error(out.Failed[0]!.Message ?? ''), { name: out.Failed[0]!.Code ?? 'Error' });
      }),
      effect: async (c) => (await drainSink()).includes(`batch-${c.who}`),
    },
    { name: 'ReceiveMessage', run: (c) => env.sqs(c).send(new ReceiveMessageCommand({ QueueUrl: queueUrl('mx-queue'), VisibilityTimeout: 0 })) },
    { name: 'DeleteMessage', run: async (c) => env.sqs(c).send(new DeleteMessageCommand({ QueueUrl: queueUrl('mx-queue'), ReceiptHandle: await receipt() })) },
    {
      name: 'DeleteMessageBatch',
      run: async (c) => {
        const out = await env.sqs(c).send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl('mx-queue'), Entries: [{ Id: '1', ReceiptHandle: await receipt() }] }));
        if (out.Failed?.length) throw Object.assign(new Error(out.Failed[0]!.Message ?? ''), { name: out.Failed[0]!.Code ?? 'Error' });
      },
    },
    { name: 'ChangeMessageVisibility', run: async (c) => env.sqs(c).send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl('mx-queue'), ReceiptHandle: await receipt(), VisibilityTimeout: 1 })) },
    { name: 'GetQueueAttributes', run: (c) => env.sqs(c).send(new GetQueueAttributesCommand({ QueueUrl: queueUrl('mx-queue'), AttributeNames: ['All'] })) },
    { name: 'GetQueueUrl with QueueOwnerAWSAccountId', run: (c) => env.sqs(c).send(new GetQueueUrlCommand({ QueueName: 'mx-queue', QueueOwnerAWSAccountId: A })) },
    { name: 'GetQueueUrl by name (same account)', run: (c) => env.sqs(c).send(new GetQueueUrlCommand({ QueueName: 'mx-queue' })), expect: SAME_ACCOUNT },
  ];

  // ---------------------------------------------------------------- SNS
  let snsReady: Promise<void> | undefined;
  const topicArn = () => `arn:aws:sns:${REGION}:${A}:mx-topic`;
  const snsSetup = () => (snsReady ??= (async () => {
    await sqsSetup();
    await rootCli(['sns', 'create-topic', '--name', 'mx-topic']);
    await rootCli(['sns', 'set-topic-attributes', '--topic-arn', topicArn(), '--attribute-name', 'Policy', '--attribute-value', matrixPolicy('sns:*', topicArn())]);
    // Deliveries land in mx-sink: its policy also lets the topic send.
    await env.sqs(env.server.root).send(new SetQueueAttributesCommand({
      QueueUrl: queueUrl('mx-sink'),
      Attributes: { Policy: matrixPolicy('sqs:*', queueArn('mx-sink'), [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn('mx-sink'), Condition: { ArnEquals: { 'aws:SourceArn': topicArn() } } }]) },
    }));
    await rootCli(['sns', 'subscribe', '--topic-arn', topicArn(), '--protocol', 'sqs', '--notification-endpoint', queueArn('mx-sink'), '--attributes', 'RawMessageDelivery=true']);
    await drainSink();
  })());
  const subscribed = async (endpoint: string) => (await rootCli(['sns', 'list-subscriptions-by-topic', '--topic-arn', topicArn()])).includes(endpoint);
  const snsRows = (): Row[] => [
    { name: 'Publish by TopicArn', run: (c) => cli(['sns', 'publish', '--topic-arn', topicArn(), '--message', `pub-${c.who}`], c), effect: async (c) => (await drainSink()).includes(`pub-${c.who}`) },
    { name: 'Publish by TargetArn', run: (c) => cli(['sns', 'publish', '--target-arn', topicArn(), '--message', `tgt-${c.who}`], c), effect: async (c) => (await drainSink()).includes(`tgt-${c.who}`) },
    {
      name: 'PublishBatch',
      run: async (c) => {
        const out = JSON.parse(await cli(['sns', 'publish-batch', '--topic-arn', topicArn(), '--publish-batch-request-entries', JSON.stringify([{ Id: '1', Message: `pb-${c.who}` }])], c));
        if (out.Failed?.length) throw Object.assign(new Error(out.Failed[0].Message ?? ''), { name: out.Failed[0].Code ?? 'Error' });
      },
      effect: async (c) => (await drainSink()).includes(`pb-${c.who}`),
    },
    { name: 'GetTopicAttributes', run: (c) => cli(['sns', 'get-topic-attributes', '--topic-arn', topicArn()], c) },
    {
      name: 'Subscribe (email)',
      run: (c) => cli(['sns', 'subscribe', '--topic-arn', topicArn(), '--protocol', 'email', '--notification-endpoint', `mx-${c.who.toLowerCase()}@example.com`], c),
      effect: (c) => subscribed(`mx-${c.who.toLowerCase()}@example.com`),
    },
    { name: 'ListSubscriptionsByTopic', run: (c) => cli(['sns', 'list-subscriptions-by-topic', '--topic-arn', topicArn()], c) },
  ];

  // ---------------------------------------------------------------- KMS
  let kmsReady: Promise<void> | undefined;
  const keys = {} as Record<'k1' | 'k2' | 'k3' | 'open', { id: string; arn: string }>;
  const blobs = {} as Record<'k1' | 'open', Uint8Array>;
  const rootA = () => `arn:aws:iam::${A}:root`;
  const delegate = (actions: string | string[] = 'kms:*') => ({ Sid: 'Delegate', Effect: 'Allow', Principal: { AWS: rootA() }, Action: actions, Resource: '*' });
  const kmsSetup = () => (kmsReady ??= (async () => {
    const root = env.kms(env.server.root);
    const policies = {
      // The Deny is written with NotAction: moto's KMS refuses DescribeKey to every caller (and so
      // the gateway's own alias reads) when any Deny statement's Action covers it, whoever it names.
      k1: matrixPolicy('kms:*', '*', [delegate()], 'kms:PutKeyPolicy'),
      k2: matrixPolicy('kms:*', '*', [delegate()], 'kms:PutKeyPolicy'),
      // No delegation of kms:Encrypt to the account: identity policies cannot allow it.
      k3: matrixPolicy('kms:*', '*', [delegate(['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:DescribeKey', 'kms:ListGrants'])], 'kms:PutKeyPolicy'),
      open: openPolicy('kms:*', '*', [delegate()]),
    };
    for (const name of ['k1', 'k2', 'k3', 'open'] as const) {
      const meta = (await root.send(new CreateKeyCommand({}))).KeyMetadata!;
      keys[name] = { id: meta.KeyId!, arn: meta.Arn! };
      await root.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId!, PolicyName: 'default', Policy: policies[name] }));
    }
    await root.send(new CreateAliasCommand({ AliasName: 'alias/mx-k1', TargetKeyId: keys.k1.id }));
    blobs.k1 = (await root.send(new EncryptCommand({ KeyId: keys.k1.id, Plaintext: Buffer.from('k1 secret') }))).CiphertextBlob!;
    blobs.open = (await root.send(new EncryptCommand({ KeyId: keys.open.id, Plaintext: Buffer.from('open secret') }))).CiphertextBlob!;
  })());
  const grantCount = async () => (await env.kms(env.server.root).send(new ListGrantsCommand({ KeyId: keys.k1.id }))).Grants?.length ?? 0;
  const plaintext = Buffer.from('hello');
  const kmsRows = (): Row[] => [
    { name: 'Encrypt by key ID (same account)', run: (c) => env.kms(c).send(new EncryptCommand({ KeyId: keys.k1.id, Plaintext: plaintext })), expect: SAME_ACCOUNT },
    { name: 'Encrypt by key ARN', run: (c) => env.kms(c).send(new EncryptCommand({ KeyId: keys.k1.arn, Plaintext: plaintext })) },
    { name: 'Encrypt by alias ARN', run: (c) => env.kms(c).send(new EncryptCommand({ KeyId: `arn:aws:kms:${REGION}:${A}:alias/mx-k1`, Plaintext: plaintext })) },
    { name: 'Encrypt by alias name (same account)', run: (c) => env.kms(c).send(new EncryptCommand({ KeyId: 'alias/mx-k1', Plaintext: plaintext })), expect: SAME_ACCOUNT },
    {
      // AWS: a symmetric ciphertext names its key (ARN included), so Decrypt needs no KeyId, across accounts too.
      // Known limit for bAllowed (fidelity): moto's blob names only the key ID, so the gateway checks
      // `arn:…:<caller's account>:key/<id>` — no such key, no key policy — and refuses.
      name: 'Decrypt by ciphertext alone',
      knownLimit: KMS_BLOB_LIMIT,
      run: (c) => env.kms(c).send(new DecryptCommand({ CiphertextBlob: blobs.k1 })),
    },
    { name: 'Decrypt with KeyId = key ARN', run: (c) => env.kms(c).send(new DecryptCommand({ CiphertextBlob: blobs.k1, KeyId: keys.k1.arn })) },
    { name: 'ReEncrypt from the key (SourceKeyId ARN) to an open key', run: (c) => env.kms(c).send(new ReEncryptCommand({ CiphertextBlob: blobs.k1, SourceKeyId: keys.k1.arn, DestinationKeyId: keys.open.arn })) },
    // Known limit for bAllowed (fidelity): as Decrypt by ciphertext alone.
    { name: 'ReEncrypt from the key (ciphertext alone) to an open key', knownLimit: KMS_BLOB_LIMIT, run: (c) => env.kms(c).send(new ReEncryptCommand({ CiphertextBlob: blobs.k1, DestinationKeyId: keys.open.arn })) },
    { name: 'ReEncrypt from an open key to the key (DestinationKeyId ARN)', run: (c) => env.kms(c).send(new ReEncryptCommand({ CiphertextBlob: blobs.open, SourceKeyId: keys.open.arn, DestinationKeyId: keys.k2.arn })) },
    { name: 'GenerateDataKey by key ARN', run: (c) => env.kms(c).send(new GenerateDataKeyCommand({ KeyId: keys.k1.arn, KeySpec: 'AES_256' })) },
    { name: 'DescribeKey by key ARN', run: (c) => env.kms(c).send(new DescribeKeyCommand({ KeyId: keys.k1.arn })) },
    { name: 'DescribeKey by alias ARN', run: (c) => env.kms(c).send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:${REGION}:${A}:alias/mx-k1` })) },
    {
      name: 'CreateGrant by key ARN',
      run: async (c) => {
        const before = await grantCount();
        await env.kms(c).send(new CreateGrantCommand({ KeyId: keys.k1.arn, GranteePrincipal: c.arn, Operations: ['Decrypt'] }));
        (c as Caller & { grantsBefore?: number }).grantsBefore = before;
      },
      effect: async (c) => {
        const before = (c as Caller & { grantsBefore?: number }).grantsBefore;
        delete (c as Caller & { grantsBefore?: number }).grantsBefore;
        return before !== undefined && (await grantCount()) === before + 1;
      },
    },
    {
      // The key policy does not delegate kms:Encrypt to the account: aAllowed's identity policy alone cannot allow it.
      name: 'Encrypt with a key whose policy does not delegate to the account',
      run: (c) => env.kms(c).send(new EncryptCommand({ KeyId: keys.k3.arn, Plaintext: plaintext })),
    },
  ];

  // ---------------------------------------------------------------- Lambda
  let lambdaReady: Promise<void> | undefined;
  const fnArn = () => `arn:aws:lambda:${REGION}:${A}:function:mx-fn`;
  const lambdaSetup = () => (lambdaReady ??= (async () => {
    await createMotoServiceRole(env.moto.url, A, 'mx-fn-exec');
    await rootCli(['lambda', 'create-function', '--function-name', 'mx-fn', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${A}:role/mx-fn-exec`, '--zip-file', `fileb://${lambdaZip('tessera-mx-')}`]);
    const version = JSON.parse(await rootCli(['lambda', 'publish-version', '--function-name', 'mx-fn'])).Version as string;
    await rootCli(['lambda', 'create-alias', '--function-name', 'mx-fn', '--name', 'live', '--function-version', version]);
    // A function policy has Allow statements only: aBare and bAllowed are named, on the function and on its alias.
    let sid = 0;
    for (const who of ['aBare', 'bAllowed'] as const) {
      for (const action of ['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration']) {
        await rootCli(['lambda', 'add-permission', '--function-name', 'mx-fn', '--statement-id', `s${sid++}`, '--action', action, '--principal', callers[who].arn]);
      }
      await rootCli(['lambda', 'add-permission', '--function-name', 'mx-fn', '--qualifier', 'live', '--statement-id', `s${sid++}`, '--action', 'lambda:InvokeFunction', '--principal', callers[who].arn]);
    }
  })());
  // No Deny in a function policy: aAllowed's identity policy allows.
  const LAMBDA: Partial<Record<Who, Outcome>> = { aAllowed: 'ok' };
  const LAMBDA_SAME: Partial<Record<Who, Outcome>> = { ...SAME_ACCOUNT, aAllowed: 'ok' };
  const invoke = (name: string, c: Caller, extra: string[] = []) => cli(['lambda', 'invoke', '--function-name', name, ...extra, join(dir, `out-${c.who}.json`)], c);
  const lambdaRows = (): Row[] => [
    { name: 'Invoke by name (same account)', run: (c) => invoke('mx-fn', c), expect: LAMBDA_SAME },
    { name: 'Invoke by function ARN', run: (c) => invoke(fnArn(), c), expect: LAMBDA },
    { name: 'Invoke by partial ARN (account:function:name)', run: (c) => invoke(`${A}:function:mx-fn`, c), expect: LAMBDA, motoFails: true },
    { name: 'Invoke by qualified ARN (alias)', run: (c) => invoke(`${fnArn()}:live`, c), expect: LAMBDA, motoFails: true },
    { name: 'Invoke by ARN with --qualifier', run: (c) => invoke(fnArn(), c, ['--qualifier', 'live']), expect: LAMBDA },
    { name: 'GetFunction by ARN', run: (c) => cli(['lambda', 'get-function', '--function-name', fnArn()], c), expect: LAMBDA },
    { name: 'GetFunction by name (same account)', run: (c) => cli(['lambda', 'get-function', '--function-name', 'mx-fn'], c), expect: LAMBDA_SAME },
    { name: 'GetFunctionConfiguration by ARN', run: (c) => cli(['lambda', 'get-function-configuration', '--function-name', fnArn()], c), expect: LAMBDA },
  ];

  // ---------------------------------------------------------------- Secrets Manager
  let secretReady: Promise<void> | undefined;
  let secretArn = '';
  const secretSetup = () => (secretReady ??= (async () => {
    await kmsSetup();
    // A customer managed key every caller may use: AWS refuses another account's secret under aws/secretsmanager.
    secretArn = JSON.parse(await rootCli(['secretsmanager', 'create-secret', '--name', 'mx-secret', '--secret-string', 'initial', '--kms-key-id', keys.open.arn])).ARN as string;
    await rootCli(['secretsmanager', 'put-resource-policy', '--secret-id', secretArn, '--resource-policy', matrixPolicy('secretsmanager:*', '*')]);
  })());
  const partialArn = () => `arn:aws:secretsmanager:${REGION}:${A}:secret:mx-secret`;
  const secretRows = (): Row[] => [
    { name: 'GetSecretValue by name (same account)', run: (c) => cli(['secretsmanager', 'get-secret-value', '--secret-id', 'mx-secret'], c), expect: SAME_ACCOUNT },
    { name: 'GetSecretValue by full ARN', run: (c) => cli(['secretsmanager', 'get-secret-value', '--secret-id', secretArn], c) },
    { name: 'GetSecretValue by partial ARN', run: (c) => cli(['secretsmanager', 'get-secret-value', '--secret-id', partialArn()], c) },
    { name: 'DescribeSecret by full ARN', run: (c) => cli(['secretsmanager', 'describe-secret', '--secret-id', secretArn], c) },
    { name: 'DescribeSecret by partial ARN', run: (c) => cli(['secretsmanager', 'describe-secret', '--secret-id', partialArn()], c) },
    {
      name: 'PutSecretValue by full ARN',
      run: (c) => cli(['secretsmanager', 'put-secret-value', '--secret-id', secretArn, '--secret-string', `v-${c.who}`], c),
      effect: async (c) => JSON.parse(await rootCli(['secretsmanager', 'get-secret-value', '--secret-id', secretArn])).SecretString === `v-${c.who}`,
    },
  ];

  // ---------------------------------------------------------------- DynamoDB
  let ddbReady: Promise<void> | undefined;
  const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${A}:table/${name}`;
  const ddbSetup = () => (ddbReady ??= (async () => {
    const root = env.dynamodb(env.server.root);
    for (const name of ['mx-table', 'mx-open-table']) {
      await root.send(new CreateTableCommand({ TableName: name, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
      await root.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'seed' } } }));
    }
    await root.send(new PutResourcePolicyCommand({ ResourceArn: tableArn('mx-table'), Policy: matrixPolicy('dynamodb:*', tableArn('mx-table')) }));
    await root.send(new PutResourcePolicyCommand({ ResourceArn: tableArn('mx-open-table'), Policy: openPolicy('dynamodb:*', tableArn('mx-open-table')) }));
  })());
  const hasItem = async (pk: string) => (await env.dynamodb(env.server.root).send(new GetItemCommand({ TableName: 'mx-table', Key: { pk: { S: pk } } }))).Item !== undefined;
  const ddbRows = (): Row[] => [
    { name: 'GetItem by table name (same account)', run: (c) => env.dynamodb(c).send(new GetItemCommand({ TableName: 'mx-table', Key: { pk: { S: 'seed' } } })), expect: SAME_ACCOUNT },
    { name: 'GetItem by table ARN', run: (c) => env.dynamodb(c).send(new GetItemCommand({ TableName: tableArn('mx-table'), Key: { pk: { S: 'seed' } } })) },
    { name: 'PutItem by table ARN', run: (c) => env.dynamodb(c).send(new PutItemCommand({ TableName: tableArn('mx-table'), Item: { pk: { S: `put-${c.who}` } } })), effect: (c) => hasItem(`put-${c.who}`) },
    { name: 'Query by table ARN', run: (c) => env.dynamodb(c).send(new QueryCommand({ TableName: tableArn('mx-table'), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'seed' } } })) },
    { name: 'BatchGetItem (the open table and the table)', run: (c) => env.dynamodb(c).send(new BatchGetItemCommand({ RequestItems: { [tableArn('mx-open-table')]: { Keys: [{ pk: { S: 'seed' } }] }, [tableArn('mx-table')]: { Keys: [{ pk: { S: 'seed' } }] } } })) },
    {
      name: 'BatchWriteItem (the open table and the table)',
      run: (c) => env.dynamodb(c).send(new BatchWriteItemCommand({ RequestItems: { [tableArn('mx-open-table')]: [{ PutRequest: { Item: { pk: { S: `bwo-${c.who}` } } } }], [tableArn('mx-table')]: [{ PutRequest: { Item: { pk: { S: `bw-${c.who}` } } } }] } })),
      effect: (c) => hasItem(`bw-${c.who}`),
    },
    { name: 'TransactGetItems (the table second)', run: (c) => env.dynamodb(c).send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: tableArn('mx-open-table'), Key: { pk: { S: 'seed' } } } }, { Get: { TableName: tableArn('mx-table'), Key: { pk: { S: 'seed' } } } }] })) },
    {
      name: 'TransactWriteItems (the table second)',
      run: (c) => env.dynamodb(c).send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: tableArn('mx-open-table'), Item: { pk: { S: `tw-${c.who}` } } } }, { Put: { TableName: tableArn('mx-table'), Item: { pk: { S: `tw-${c.who}` } } } }] })),
      effect: (c) => hasItem(`tw-${c.who}`),
    },
  ];

  const groups: [string, () => Promise<void>, () => Row[]][] = [
    ['S3 bucket policy', () => s3Setup(), s3Rows],
    ['SQS queue policy', () => sqsSetup(), sqsRows],
    ['SNS topic policy', () => snsSetup(), snsRows],
    ['KMS key policy', () => kmsSetup(), kmsRows],
    ['Lambda function policy', () => lambdaSetup(), lambdaRows],
    ['Secrets Manager resource policy', () => secretSetup(), secretRows],
    ['DynamoDB resource policy', () => ddbSetup(), ddbRows],
  ];
  // One test per row (the rows' requests read the callers and resources only when run).
  for (const [group, setup, list] of groups) {
    describe(group, () => {
      for (const row of list()) {
        test(row.name, row.knownLimit !== undefined ? { todo: row.knownLimit } : {}, async () => {
          await setup();
          await runRow(row);
        });
      }
    });
  }

  after(() => {
    if (failures.length > 0) console.log(`\nresource-policy matrix — ${failures.length} row(s) disagree with AWS:\n  ${failures.join('\n  ')}`);
  });
});
