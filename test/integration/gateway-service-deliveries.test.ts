// Deliveries between services through the gateway (server/gateway/delivery-targets.ts): a call
// that has one service write into another resource for the caller — an S3 event notification,
// a CloudWatch Logs export, an SNS subscription of a queue — is accepted only when the target's
// resource policy allows that service, as AWS validates it. moto checks none of this: each test
// failed before the fix, the data landing in moto (a queue's message, a bucket's object) from a
// caller with no right on the target.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetBucketNotificationConfigurationCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutBucketPolicyCommand, CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, PurgeQueueCommand, ReceiveMessageCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsCliAvailable } from '../support/cli-process.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import { sdkFailure, type Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';

function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}


describe('gateway deliveries between services', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  let rootS3: S3Client;
  let rootSqs: SQSClient;

  /** Every message in the queue, read (and deleted from view) by the account's root. */
  async function messages(queue: string, owner = account, who: SQSClient = rootSqs): Promise<string[]> {
    const out = await who.send(new ReceiveMessageCommand({ QueueUrl: `${env.server.url}/${owner}/${queue}`, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    return (out.Messages ?? []).map((message) => message.Body ?? '');
  }

  async function queue(name: string, policy?: object, sqs: SQSClient = rootSqs): Promise<{ url: string; arn: string }> {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(policy ? { Attributes: { Policy: JSON.stringify(policy) } } : {}) }));
    const url = created.QueueUrl!;
    const owner = new URL(url).pathname.split('/')[1]!;
    return { url, arn: `arn:aws:sqs:${REGION}:${owner}:${name}` };
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
    rootS3 = env.s3(root);
    rootSqs = env.sqs(root);
  });
  after(() => env?.stop());

  test('S3 notifications: a queue whose policy does not allow s3.amazonaws.com from the bucket is refused with S3\'s InvalidArgument, and nothing lands in it', async () => {
    const user = await env.user('s3-only', [allow('s3:*')]);
    const s3 = env.s3(user);
    const closed = await queue('notify-closed');
    const bucketArn = 'arn:aws:s3:::notify-source';
    const open = await queue('notify-open', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${account}:notify-open`, Condition: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': account } } }],
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'notify-source' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'notify-other' }));
    const config = (...arns: string[]) => ({ QueueConfigurations: arns.map((arn) => ({ QueueArn: arn, Events: ['s3:ObjectCreated:*' as const] })) });

    // Before the fix moto stored the configuration, sent its s3:TestEvent into the queue and
    // every later object's event: a caller with no sqs right wrote into it.
    const refused = await sdkFailure(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-source', NotificationConfiguration: config(open.arn, closed.arn) })));
    assert.equal(refused.name, 'InvalidArgument');
    assert.equal(refused.message, 'Unable to validate the following destination configurations');
    assert.equal(refused['ArgumentName1'], closed.arn);
    assert.equal(refused['ArgumentValue1'], 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket');
    assert.equal(refused['ArgumentName2'], undefined);
    assert.equal(((refused as { $metadata?: { httpStatusCode?: number } }).$metadata)?.httpStatusCode, 400);
    await s3.send(new PutObjectCommand({ Bucket: 'notify-source', Key: 'a.txt', Body: 'data' }));
    assert.deepEqual(await messages('notify-closed'), []);
    assert.deepEqual(await messages('notify-open'), []);
    const stored = await rootS3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'notify-source' }));
    assert.equal(stored.QueueConfigurations, undefined);

    // The policy's aws:SourceArn is the bucket's: another bucket of the same caller may not use it.
    const other = await sdkFailure(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-other', NotificationConfiguration: config(open.arn) })));
    assert.equal(other['ArgumentName1'], open.arn);

    // The queue that allows S3 from this bucket: accepted, and S3's events land in it.
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-source', NotificationConfiguration: config(open.arn) }));
    await s3.send(new PutObjectCommand({ Bucket: 'notify-source', Key: 'b.txt', Body: 'data' }));
    const landed = await messages('notify-open');
    assert.ok(landed.some((body) => body.includes('"key": "b.txt"') || body.includes('"key":"b.txt"')), landed.join('\n'));
    assert.deepEqual(await messages('notify-closed'), []);
  });

  test('S3 notifications: an SNS topic and a Lambda function are validated by their own policies (sns:Publish, lambda:InvokeFunction)', async () => {
    const user = await env.user('s3-only-2', [allow('s3:*')]);
    const s3 = env.s3(user);
    await s3.send(new CreateBucketCommand({ Bucket: 'notify-fanout' }));
    const topic = JSON.parse((await env.cli(['sns', 'create-topic', '--name', 'notify-topic'], root)).stdout).TopicArn as string;
    const sink = await queue('notify-topic-sink', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: '*', Condition: { ArnEquals: { 'aws:SourceArn': topic } } }],
    });
    assert.equal((await env.cli(['sns', 'subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', sink.arn], root)).code, 0);
    await createMotoServiceRole(env.moto.url, account, 'notify-exec');
    const zip = lambdaZip('tessera-deliveries-');
    const created = await env.cli(['lambda', 'create-function', '--function-name', 'notify-fn', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/notify-exec`, '--zip-file', `fileb://${zip}`], root);
    assert.equal(created.code, 0, created.stderr);
    const fn = `arn:aws:lambda:${REGION}:${account}:function:notify-fn`;
    const config = { TopicConfigurations: [{ TopicArn: topic, Events: ['s3:ObjectCreated:*' as const] }], LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn, Events: ['s3:ObjectCreated:*' as const] }] };

    // The topic's default policy serves its account's principals, not S3; the function has no permission.
    const refused = await sdkFailure(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-fanout', NotificationConfiguration: config })));
    assert.equal(refused.name, 'InvalidArgument');
    const argument = (n: number) => [refused[`ArgumentName${n}`], refused[`ArgumentValue${n}`]];
    assert.deepEqual([argument(1), argument(2)].sort(), [
      [`${fn}, null`, `Not authorized to invoke function [${fn}]`],
      [topic, 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket'],
    ].sort());
    await s3.send(new PutObjectCommand({ Bucket: 'notify-fanout', Key: 'a.txt', Body: 'data' }));
    assert.deepEqual(await messages('notify-topic-sink'), []);

    const topicPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sns:Publish', Resource: topic, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::notify-*' } } }] };
    assert.equal((await env.cli(['sns', 'set-topic-attributes', '--topic-arn', topic, '--attribute-name', 'Policy', '--attribute-value', JSON.stringify(topicPolicy)], root)).code, 0);
    const onlyFunction = await sdkFailure(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-fanout', NotificationConfiguration: config })));
    assert.equal(onlyFunction['ArgumentName1'], `${fn}, null`);
    assert.equal(onlyFunction['ArgumentName2'], undefined);

    const permitted = await env.cli(['lambda', 'add-permission', '--function-name', 'notify-fn', '--statement-id', 's3', '--action', 'lambda:InvokeFunction', '--principal', 's3.amazonaws.com', '--source-arn', 'arn:aws:s3:::notify-fanout', '--source-account', account], root);
    assert.equal(permitted.code, 0, permitted.stderr);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-fanout', NotificationConfiguration: config }));
    await s3.send(new PutObjectCommand({ Bucket: 'notify-fanout', Key: 'b.txt', Body: 'data' }));
    const landed = await messages('notify-topic-sink');
    assert.ok(landed.some((body) => body.includes('b.txt')), landed.join('\n'));
  });

  test('S3 notifications: another account\'s open queue does not open the same-named queue of the bucket\'s account, where moto delivers', async () => {
    const other = await env.account();
    const otherSqs = env.sqs(other);
    const user = await env.user('s3-only-3', [allow('s3:*')]);
    const s3 = env.s3(user);
    await s3.send(new CreateBucketCommand({ Bucket: 'notify-twin' }));
    await queue('twin-queue');
    const open = await queue('twin-queue', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] }, otherSqs);
    const refused = await sdkFailure(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-twin', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: open.arn, Events: ['s3:ObjectCreated:*'] }] } })));
    assert.equal(refused['ArgumentName1'], open.arn);
    await s3.send(new PutObjectCommand({ Bucket: 'notify-twin', Key: 'a.txt', Body: 'data' }));
    assert.deepEqual(await messages('twin-queue'), []);
  });

  test('SNS Subscribe: another account\'s open queue does not open the topic account\'s same-named queue, where moto delivers; nor does a queue ARN with more segments', async () => {
    const other = await env.account();
    const user = await env.user('sns-only-2', [allow('sns:*')]);
    const sns = (args: string[]) => env.cli(['sns', ...args], user);
    const topic = JSON.parse((await sns(['create-topic', '--name', 'twin-pusher'])).stdout).TopicArn as string;
    await queue('sns-twin');
    const open = await queue('sns-twin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] }, env.sqs(other));
    // Before the fix moto subscribed the other account's queue and delivered into this account's.
    const refused = await sns(['subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', open.arn]);
    assert.equal(cliError(refused.stderr).code, 'AuthorizationError');
    // moto delivers to the ARN's last segment: `…:<open queue>:<closed queue>` names no queue SNS could check.
    const segments = await sns(['subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', `arn:aws:sqs:${REGION}:${other.accountId}:sns-twin:sns-twin`]);
    assert.deepEqual(cliError(segments.stderr), { code: 'InvalidParameter', message: 'Invalid parameter: SQS endpoint ARN' });
    assert.equal((await sns(['publish', '--topic-arn', topic, '--message', 'pushed'])).code, 0);
    assert.deepEqual(await messages('sns-twin'), []);
  });

  test('CloudWatch Logs CreateExportTask: a bucket whose policy does not allow logs.<region>.amazonaws.com is refused as CloudWatch Logs refuses it, and nothing is written', async () => {
    const user = await env.user('logs-only', [allow('logs:*')]);
    await rootS3.send(new CreateBucketCommand({ Bucket: 'export-target' }));
    const logs = (args: string[]) => env.cli(['logs', ...args], user);
    assert.equal((await logs(['create-log-group', '--log-group-name', 'exported'])).code, 0);
    assert.equal((await logs(['create-log-stream', '--log-group-name', 'exported', '--log-stream-name', 's'])).code, 0);
    assert.equal((await logs(['put-log-events', '--log-group-name', 'exported', '--log-stream-name', 's', '--log-events', `timestamp=${Date.now()},message=secret-line`])).code, 0);
    const exportTask = () => logs(['create-export-task', '--log-group-name', 'exported', '--from', '0', '--to', String(Date.now() + 3_600_000), '--destination', 'export-target', '--destination-prefix', 'exports']);
    const objects = async () => ((await rootS3.send(new ListObjectsV2Command({ Bucket: 'export-target' }))).Contents ?? []).map((object) => object.Key);

    // Before the fix moto wrote its test object and the exported log lines into the bucket.
    const refused = await exportTask();
    assert.deepEqual(cliError(refused.stderr), { code: 'InvalidParameterException', message: 'GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.' });
    assert.deepEqual(await objects(), []);

    // A policy for the service but from another account's log groups (aws:SourceAccount) allows nothing here.
    const policy = (sourceAccount: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: `logs.${REGION}.amazonaws.com` }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::export-target', Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } },
        { Effect: 'Allow', Principal: { Service: `logs.${REGION}.amazonaws.com` }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::export-target/exports/*', Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': sourceAccount }, ArnLike: { 'aws:SourceArn': `arn:aws:logs:${REGION}:${sourceAccount}:log-group:*` } } },
      ],
    });
    await rootS3.send(new PutBucketPolicyCommand({ Bucket: 'export-target', Policy: JSON.stringify(policy('111122223333')) }));
    assert.equal(cliError((await exportTask()).stderr).code, 'InvalidParameterException');
    assert.deepEqual(await objects(), []);

    await rootS3.send(new PutBucketPolicyCommand({ Bucket: 'export-target', Policy: JSON.stringify(policy(account)) }));
    const accepted = await exportTask();
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.ok((await objects()).length > 0);
  });

  test('SNS Subscribe (sqs) is refused while the queue does not allow the topic, and Publish is refused once the queue\'s policy no longer allows it', async () => {
    const user = await env.user('sns-only', [allow('sns:*')]);
    const sns = (args: string[]) => env.cli(['sns', ...args], user);
    const topic = JSON.parse((await sns(['create-topic', '--name', 'pusher'])).stdout).TopicArn as string;
    const target = await queue('sns-target');
    const subscribe = () => sns(['subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', target.arn]);
    const publish = (message: string) => sns(['publish', '--topic-arn', topic, '--message', message]);

    // Before the fix the subscription was made and every Publish landed in the queue.
    const refused = await subscribe();
    assert.equal(refused.code, 255);
    const error = cliError(refused.stderr);
    assert.equal(error.code, 'AuthorizationError');
    assert.match(error.message, /the queue's policy does not allow sns\.amazonaws\.com to sqs:SendMessage/);
    const listed = JSON.parse((await sns(['list-subscriptions-by-topic', '--topic-arn', topic])).stdout).Subscriptions as unknown[];
    assert.deepEqual(listed, []);
    assert.equal((await publish('first')).code, 0);
    assert.deepEqual(await messages('sns-target'), []);

    const allowTopic = (arn: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: target.arn, Condition: { ArnEquals: { 'aws:SourceArn': arn } } }] });
    await rootSqs.send(new SetQueueAttributesCommand({ QueueUrl: target.url, Attributes: { Policy: allowTopic(topic) } }));
    const subscribed = await subscribe();
    assert.equal(subscribed.code, 0, subscribed.stderr);
    assert.equal((await publish('second')).code, 0);
    const landed = await messages('sns-target');
    assert.equal(landed.length, 1);
    assert.match(landed[0]!, /second/);
    await rootSqs.send(new PurgeQueueCommand({ QueueUrl: target.url }));

    // The queue's owner takes the grant back: moto would still deliver, so the Publish is refused.
    await rootSqs.send(new SetQueueAttributesCommand({ QueueUrl: target.url, Attributes: { Policy: allowTopic(`${topic}-other`) } }));
    const revoked = await publish('third');
    assert.equal(revoked.code, 255);
    assert.equal(cliError(revoked.stderr).code, 'AuthorizationError');
    assert.match(cliError(revoked.stderr).message, new RegExp(`has a subscription to ${target.arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, whose policy no longer allows`));
    // Named as TargetArn, the topic is published to all the same.
    const asTarget = await sns(['publish', '--target-arn', topic, '--message', 'third-as-target']);
    assert.equal(cliError(asTarget.stderr).code, 'AuthorizationError');
    assert.deepEqual(await messages('sns-target'), []);

    // Without the subscription, the topic publishes again.
    const subscription = JSON.parse((await sns(['list-subscriptions-by-topic', '--topic-arn', topic])).stdout).Subscriptions[0].SubscriptionArn as string;
    assert.equal((await sns(['unsubscribe', '--subscription-arn', subscription])).code, 0);
    assert.equal((await publish('fourth')).code, 0);
    assert.deepEqual(await messages('sns-target'), []);
  });
  // Last: it puts the account in an organization.
  test('S3 notifications: aws:SourceOrgID and aws:SourceOrgPaths are the organization and path of the bucket\'s account (a queue that requires them accepts it; another organization or path is refused)', async () => {
    const organizations = new OrganizationsClient({ endpoint: env.server.url, region: REGION, credentials: root, maxAttempts: 1 });
    try {
      const orgId = (await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
      const fromOrg = (name: string, id: string) => queue(name, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${account}:${name}`, Condition: { StringEquals: { 'aws:SourceOrgID': id } } }],
      });
      const ours = await fromOrg('notify-our-org', orgId);
      const theirs = await fromOrg('notify-their-org', 'o-aaaaaaaaaa');
      await rootS3.send(new CreateBucketCommand({ Bucket: 'notify-org-source' }));
      const config = (arn: string) => ({ QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectCreated:*' as const] }] });
      const refused = await sdkFailure(rootS3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-org-source', NotificationConfiguration: config(theirs.arn) })));
      assert.equal(refused.name, 'InvalidArgument');
      assert.equal(refused['ArgumentName1'], theirs.arn);
      await rootS3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-org-source', NotificationConfiguration: config(ours.arn) }));
      // aws:SourceOrgPaths: the account's path in the organization (`o-…/r-…/` at the root).
      const byPath = (name: string, pattern: string) => queue(name, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${account}:${name}`, Condition: { 'ForAnyValue:StringLike': { 'aws:SourceOrgPaths': pattern } } }],
      });
      const underRoot = await byPath('notify-org-root', `${orgId}/r-*/`);
      const underOu = await byPath('notify-org-ou', `${orgId}/r-*/ou-*`);
      await rootS3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-org-source', NotificationConfiguration: config(underRoot.arn) }));
      const notInOu = await sdkFailure(rootS3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'notify-org-source', NotificationConfiguration: config(underOu.arn) })));
      assert.equal(notInOu['ArgumentName1'], underOu.arn);
    } finally {
      organizations.destroy();
    }
  });
});
