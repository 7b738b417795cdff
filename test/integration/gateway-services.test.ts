import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { parseUpstreams } from '../../src/gateway/upstreams.ts';
import { startGatewayEnv, allow, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, startTestServer } from '../support/tessera-server.ts';

/**
 * SQS, DynamoDB and KMS through the gateway with the AWS SDK v3: each refusal in the service's
 * own error format, queue policies across accounts, dynamodb:LeadingKeys from the table's key
 * schema, a KMS key usable only through its key policy, and audit mode.
 */
describe('SQS, DynamoDB and KMS through the gateway', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  test('SQS: an identity policy on one queue; another account through the queue policy only with both sides', async () => {
    const root = env.server.root;
    const sqs = env.sqs(root);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
    const queueArn = `arn:aws:sqs:us-east-1:${env.server.accountId}:orders`;
    const sender = await env.user('sender', [allow('sqs:SendMessage', queueArn)]);
    await env.sqs(sender).send(new SendMessageCommand({ QueueUrl, MessageBody: 'order 1' }));
    const receive = await awsError(() => env.sqs(sender).send(new ReceiveMessageCommand({ QueueUrl })));
    assert.equal(receive.name, 'AccessDenied');
    assert.equal(receive.status, 403);
    assert.equal(receive.message, `User: ${sender.arn} is not authorized to perform: sqs:ReceiveMessage on resource: ${queueArn} because no identity-based policy allows the sqs:ReceiveMessage action`);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(received.Messages?.[0]?.Body, 'order 1');

    const other = await env.account();
    const remote = await env.user('remote-sender', [allow('sqs:SendMessage', queueArn)], { iam: env.server.iam, root: other });
    const noQueuePolicy = await awsError(() => env.sqs(remote).send(new SendMessageCommand({ QueueUrl, MessageBody: 'remote' })));
    assert.equal(noQueuePolicy.message, `User: ${remote.arn} is not authorized to perform: sqs:SendMessage on resource: ${queueArn} because no resource-based policy allows the sqs:SendMessage action`);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: other.accountId }, Action: 'sqs:SendMessage', Resource: queueArn }] }) } }));
    await env.sqs(remote).send(new SendMessageCommand({ QueueUrl, MessageBody: 'remote' }));
    // The other account's user without an identity policy is still refused.
    const bare = await env.user('remote-bare', [], { iam: env.server.iam, root: other });
    assert.equal((await awsError(() => env.sqs(bare).send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })))).name, 'AccessDenied');
  });

  test('DynamoDB: dynamodb:LeadingKeys from the table\'s partition key; refusals as AccessDeniedException', async () => {
    const root = env.server.root;
    const ddb = env.dynamodb(root);
    await ddb.send(new CreateTableCommand({ TableName: 'profiles', AttributeDefinitions: [{ AttributeName: 'owner', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    const tableArn = `arn:aws:dynamodb:us-east-1:${env.server.accountId}:table/profiles`;
    const own = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } } }],
    };
    const carol = await env.user('carol', [own]);
    await env.dynamodb(carol).send(new PutItemCommand({ TableName: 'profiles', Item: { owner: { S: 'carol' }, bio: { S: 'hi' } } }));
    const mine = await env.dynamodb(carol).send(new GetItemCommand({ TableName: 'profiles', Key: { owner: { S: 'carol' } } }));
    assert.equal(mine.Item?.['bio']?.S, 'hi');
    const theirs = await awsError(() => env.dynamodb(carol).send(new PutItemCommand({ TableName: 'profiles', Item: { owner: { S: 'dave' } } })));
    assert.equal(theirs.name, 'AccessDeniedException');
    assert.equal(theirs.status, 400);
    assert.equal(theirs.message, `User: ${carol.arn} is not authorized to perform: dynamodb:PutItem on resource: ${tableArn} because no identity-based policy allows the dynamodb:PutItem action`);
  });

  test('KMS: a key usable only through its key policy; identity policies alone are not enough', async () => {
    const root = env.server.root;
    const kms = env.kms(root);
    const keyUser = await env.user('key-user');
    const identityOnly = await env.user('identity-only', [allow('kms:*')]);
    // The key policy names key-user directly and does not delegate to the account.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${env.server.accountId}:user/key-user` }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
      ],
    };
    const created = await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(policy), BypassPolicyLockoutSafetyCheck: true }));
    const keyArn = created.KeyMetadata!.Arn!;
    const encrypted = await env.kms(keyUser).send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('secret') }));
    const decrypted = await env.kms(keyUser).send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob!, KeyId: keyArn }));
    assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'secret');
    const refused = await awsError(() => env.kms(identityOnly).send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.equal(refused.message, `User: ${identityOnly.arn} is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no resource-based policy allows the kms:Encrypt action`);
    // Not even the account's root user: the key policy does not delegate to the account.
    assert.equal((await awsError(() => kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })))).name, 'AccessDeniedException');

    // A key whose policy delegates to the account (the default policy): identity policies decide.
    const delegated = await kms.send(new CreateKeyCommand({}));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: delegated.KeyMetadata!.KeyId! }));
    const byAlias = await env.kms(identityOnly).send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('x') }));
    assert.equal(byAlias.KeyId, delegated.KeyMetadata!.Arn);
    const noIdentity = await awsError(() => env.kms(keyUser).send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('x') })));
    assert.equal(noIdentity.message, `User: ${keyUser.arn} is not authorized to perform: kms:Encrypt on resource: ${delegated.KeyMetadata!.Arn} because no identity-based policy allows the kms:Encrypt action`);
  });

  test('an unknown service with an upstream is refused, naming it; a malformed or oversized JSON body is refused quickly', async () => {
    const root = env.server.root;
    const { signRequest } = await import('../../src/sigv4/index.ts');
    const send = async (service: string, target: string, body: string) => {
      const signed = signRequest({ method: 'POST', path: '/', query: '', headers: { host: new URL(env.server.url).host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target }, body }, root, { region: 'us-east-1', service, date: new Date() });
      const answer = await fetch(env.server.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
      return { status: answer.status, body: await answer.json() as { __type: string; message: string } };
    };
    const ecs = await send('ecs', 'AmazonEC2ContainerServiceV20141113.ListClusters', '{}');
    assert.equal(ecs.status, 501);
    assert.match(ecs.body.message, /^Tessera does not protect the service ecs: it cannot authorize its requests, so it forwards none/);
    const malformed = await send('dynamodb', 'DynamoDB_20120810.GetItem', '{"TableName": ');
    assert.deepEqual([malformed.status, malformed.body.__type], [400, 'SerializationException']);
    const started = performance.now();
    const huge = await send('dynamodb', 'DynamoDB_20120810.GetItem', `{"TableName":"${'x'.repeat(7 * 1024 * 1024)}"}`);
    assert.deepEqual([huge.status, huge.body.__type], [413, 'EntityTooLarge']);
    assert.ok(performance.now() - started < 5000);
    // A request signed for one service and sent with another's target is refused by its scope's rules, unforwarded.
    const wrongTarget = await send('kms', 'DynamoDB_20120810.ListTables', '{}');
    assert.equal(wrongTarget.body.__type, 'UnknownOperationException');
  });

  test('a tag written through Tessera on a secret named by its name counts at once (the cache keeps it under its ARN)', async () => {
    const root = env.server.root;
    const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'db-password', '--secret-string', 'hunter2'], root);
    assert.equal(created.code, 0, created.stderr);
    const reader = await env.user('tag-reader', [allow('secretsmanager:GetSecretValue', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': 'red' } } })]);
    const before = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'db-password'], reader);
    assert.match(before.stderr, /AccessDeniedException.*not authorized to perform: secretsmanager:GetSecretValue on resource: db-password because/);
    assert.equal((await env.cli(['secretsmanager', 'tag-resource', '--secret-id', 'db-password', '--tags', 'Key=team,Value=red'], root)).code, 0);
    // Well within the lookup cache's 5 seconds: the tag write dropped what was read under the ARN.
    const after = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'db-password'], reader);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).SecretString, 'hunter2');
    assert.equal((await env.cli(['secretsmanager', 'untag-resource', '--secret-id', 'db-password', '--tag-keys', 'team'], root)).code, 0);
    assert.match((await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'db-password'], reader)).stderr, /AccessDeniedException/);
  });

  test('CloudWatch Logs: a log group is authorized as log-group:<name>:log-stream:, as Logs authorizes it', async () => {
    const root = env.server.root;
    const account = env.server.accountId;
    assert.equal((await env.cli(['logs', 'create-log-group', '--log-group-name', 'app'], root)).code, 0);
    assert.equal((await env.cli(['logs', 'create-log-stream', '--log-group-name', 'app', '--log-stream-name', 'web-1'], root)).code, 0);
    const group = `arn:aws:logs:us-east-1:${account}:log-group:app`;
    // log-group:* — the usual grant — covers DescribeLogGroups, a group's streams and its events.
    const wide = await env.user('logs-wide', [allow(['logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], `arn:aws:logs:us-east-1:${account}:log-group:*`)]);
    const groups = await env.cli(['logs', 'describe-log-groups', '--output', 'json'], wide);
    assert.equal(groups.code, 0, groups.stderr);
    assert.ok(JSON.parse(groups.stdout).logGroups.some((found: { logGroupName: string }) => found.logGroupName === 'app'));
    assert.equal((await env.cli(['logs', 'describe-log-streams', '--log-group-name', 'app'], wide)).code, 0);
    assert.equal((await env.cli(['logs', 'put-log-events', '--log-group-name', 'app', '--log-stream-name', 'web-1', '--log-events', 'timestamp=1,message=hi'], wide)).code, 0);
    // The group's bare ARN does not match what Logs authorizes; <group>:* does.
    const bare = await env.user('logs-bare', [allow(['logs:DescribeLogStreams', 'logs:DescribeLogGroups'], group)]);
    const refused = await env.cli(['logs', 'describe-log-streams', '--log-group-name', 'app'], bare);
    assert.match(refused.stderr, new RegExp(`AccessDeniedException.*not authorized to perform: logs:DescribeLogStreams on resource: ${group}:log-stream: because no identity-based policy allows`));
    assert.match((await env.cli(['logs', 'describe-log-groups'], bare)).stderr, new RegExp(`logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1:${account}:log-group::log-stream: because`));
    const star = await env.user('logs-star', [allow('logs:DescribeLogStreams', `${group}:*`)]);
    assert.equal((await env.cli(['logs', 'describe-log-streams', '--log-group-name', 'app'], star)).code, 0);
  });

  test('passing a role: Lambda CreateFunction needs iam:PassRole on its execution role, with iam:PassedToService', async () => {
    const account = env.server.accountId;
    const role = `arn:aws:iam::${account}:role/fn-exec`;
    const zip = join(await mkdtemp(join(tmpdir(), 'lambda-zip-')), 'fn.zip');
    // The smallest zip archive there is: an empty one (the upstream reads it, Tessera does not).
    await writeFile(zip, Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    const create = (credentials: { accessKeyId: string; secretAccessKey: string }) => env.cli(['lambda', 'create-function', '--function-name', 'resize', '--runtime', 'python3.12', '--handler', 'index.handler', '--role', role, '--zip-file', `fileb://${zip}`], credentials);
    const onlyLambda = await env.user('fn-deployer', [allow('lambda:CreateFunction')]);
    const refused = await create(onlyLambda);
    assert.match(refused.stderr, new RegExp(`AccessDeniedException.*User: ${onlyLambda.arn} is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the iam:PassRole action`));
    const wrongService = await env.user('fn-deployer-ec2', [allow('lambda:CreateFunction'), allow('iam:PassRole', role, { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })]);
    assert.match((await create(wrongService)).stderr, /not authorized to perform: iam:PassRole/);
    const passes = await env.user('fn-deployer-ok', [allow('lambda:CreateFunction'), allow('iam:PassRole', role, { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })]);
    const forwarded = await create(passes);
    // Past Tessera: whatever the upstream answers (moto checks the role in its own IAM), not a refusal of Tessera's.
    assert.doesNotMatch(forwarded.stderr, /not authorized to perform/);
    assert.match(`${forwarded.stdout}${forwarded.stderr}`, /"FunctionArn"|InvalidParameterValueException\) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda/);
  });

  test('KMS: a key policy that would lock its writer out is refused, unless the safety check is bypassed', async () => {
    const account = env.server.accountId;
    const admin = await env.user('key-admin', [allow('kms:*')]);
    const kms = env.kms(admin);
    // The principal the policy names exists: an unknown one is refused before the lockout check.
    await env.user('someone-else');
    const policy = (principal: string, action = 'kms:*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*' }] });
    const locked = await awsError(() => kms.send(new CreateKeyCommand({ Policy: policy(`arn:aws:iam::${account}:user/someone-else`) })));
    assert.deepEqual([locked.name, locked.message], ['MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.']);
    // Delegating to the account lets the admin's identity policy keep kms:PutKeyPolicy.
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: policy(`arn:aws:iam::${account}:root`) }));
    const keyId = KeyMetadata!.KeyId!;
    const narrowed = await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy(`arn:aws:iam::${account}:root`, 'kms:Encrypt') })));
    assert.equal(narrowed.name, 'MalformedPolicyDocumentException');
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy(admin.arn) }));
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy(`arn:aws:iam::${account}:root`, 'kms:Encrypt'), BypassPolicyLockoutSafetyCheck: true }));
    // Now locked out, as the bypass allowed: the admin can no longer change it.
    assert.equal((await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy(admin.arn) })))).name, 'AccessDeniedException');
  });

  test('queue and topic policies written through Tessera are validated in the service\'s words before they are stored', async () => {
    const root = env.server.root;
    const account = env.server.accountId;
    const sqs = env.sqs(root);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'validated' }));
    const policyOf = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*', ...statement }] });
    for (const bad of ['{not json', policyOf({ Principal: { AWS: `arn:aws:iam::${account}:user/ghost` }, Action: 'sqs:SendMessage' }), policyOf({ Principal: '*', Action: 'sqs:SendMessage', Effect: 'Perhaps' })]) {
      const refused = await awsError(() => sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: bad } })));
      assert.deepEqual([refused.name, refused.message], ['InvalidAttributeValue', 'Invalid value for the parameter Policy.']);
    }
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: policyOf({ Principal: { AWS: account }, Action: 'sqs:SendMessage' }) } }));

    const created = await env.cli(['sns', 'create-topic', '--name', 'validated', '--output', 'json'], root);
    const topic = JSON.parse(created.stdout).TopicArn as string;
    const setPolicy = (value: string) => env.cli(['sns', 'set-topic-attributes', '--topic-arn', topic, '--attribute-name', 'Policy', '--attribute-value', value], root);
    assert.match((await setPolicy('{not json')).stderr, /InvalidParameter\) when calling the SetTopicAttributes operation: Invalid parameter: Policy Error: null/);
    assert.match((await setPolicy(policyOf({ Principal: '*', Action: 'sqs:SendMessage' }))).stderr, /Invalid parameter: Policy statement action out of service scope!/);
    assert.match((await setPolicy(policyOf({ Principal: { AWS: `arn:aws:iam::${account}:role/ghost` }, Action: 'sns:Publish' }))).stderr, /Invalid parameter: Policy Error: PrincipalNotFound/);
    assert.equal((await setPolicy(policyOf({ Principal: { AWS: account }, Action: 'sns:Publish' }))).code, 0);
  });

  test('audit mode forwards what enforce mode refuses, and logs it', async () => {
    const logs: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const logger = {
      debug() {}, info() {}, error() {},
      warn(message: string, fields: Record<string, unknown> = {}) {
        logs.push({ message, fields });
      },
    };
    const auditing = await startTestServer(
      { gateway: { ...parseUpstreams([env.moto.url], '--upstream'), credentials: new Map(), accountHeader: 'x-moto-account-id', mode: 'audit' } },
      { logger: logger as never },
    );
    try {
      const { S3Client } = await import('@aws-sdk/client-s3');
      const { CreateUserCommand, CreateAccessKeyCommand } = await import('@aws-sdk/client-iam');
      const iam = auditing.iam();
      await iam.send(new CreateUserCommand({ UserName: 'auditee' }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditee' }))).AccessKey!;
      const s3 = new S3Client({ endpoint: auditing.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, forcePathStyle: true, maxAttempts: 1 });
      const listed = await s3.send(new ListBucketsCommand({}));
      assert.ok(Array.isArray(listed.Buckets));
      await s3.send(new CreateBucketCommand({ Bucket: 'audited-bucket' }));
      s3.destroy();
      const refused = logs.filter((entry) => entry.message.startsWith('gateway audit mode'));
      assert.deepEqual(refused.map((entry) => entry.fields['action']), ['s3:ListAllMyBuckets', 's3:CreateBucket']);
      assert.match(String(refused[0]!.fields['reason']), /no identity-based policy allows the s3:ListAllMyBuckets action/);
    } finally {
      await auditing.stop();
    }
  });
});
