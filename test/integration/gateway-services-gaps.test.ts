// Gaps of the non-S3 gateway, each against moto_server behind Tessera: an unsigned request to a
// protected service answered in that service's format; lambda:FunctionArn of the event source
// mapping calls read from the upstream; a secret encrypted with a customer managed KMS key
// needing kms:Decrypt on it (Secrets Manager decrypts on the caller's behalf).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { sendRaw } from '../support/raw-request.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';

const REGION = 'us-east-1';

describe('gateway gaps: unsigned requests to the non-S3 services', () => {
  let env: GatewayEnv;
  let host: string;
  before(async () => {
    env = await startGatewayEnv();
    host = new URL(env.server.url).host;
  });
  after(() => env?.stop());

  const json = (target: string, version: string, body = '{}') => ({
    method: 'POST', path: '/', headers: { host, 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body,
  });

  test('JSON services: MissingAuthenticationTokenException in the service\'s JSON, with its status', async () => {
    const cases: { target: string; version: string; status: number; message: string }[] = [
      { target: 'DynamoDB_20120810.ListTables', version: '1.0', status: 400, message: 'Request is missing Authentication Token' },
      { target: 'TrentService.ListKeys', version: '1.1', status: 400, message: 'Missing Authentication Token' },
      { target: 'secretsmanager.ListSecrets', version: '1.1', status: 400, message: 'Missing Authentication Token' },
      { target: 'AmazonSSM.DescribeParameters', version: '1.1', status: 400, message: 'Missing Authentication Token' },
      { target: 'Logs_20140328.DescribeLogGroups', version: '1.1', status: 400, message: 'Missing Authentication Token' },
      { target: 'DynamoDBStreams_20120810.ListStreams', version: '1.0', status: 400, message: 'Request is missing Authentication Token' },
    ];
    for (const { target, version, status, message } of cases) {
      const res = await sendRaw(env.server.url, json(target, version));
      assert.equal(res.status, status, `${target}: ${res.body}`);
      assert.equal(res.headers['content-type'], `application/x-amz-json-${version}`, target);
      assert.deepEqual(JSON.parse(res.body), { __type: 'MissingAuthenticationTokenException', message }, target);
      assert.ok(res.headers['x-amzn-requestid'], target);
    }
  });

  test('SQS JSON: MissingAuthenticationTokenException, 403, with the Query code in x-amzn-query-error', async () => {
    const res = await sendRaw(env.server.url, json('AmazonSQS.ListQueues', '1.0'));
    assert.equal(res.status, 403, res.body);
    assert.equal(res.headers['x-amzn-query-error'], 'MissingAuthenticationToken;Sender');
    assert.equal(JSON.parse(res.body).__type, 'MissingAuthenticationTokenException');
  });

  test('SQS and SNS Query: MissingAuthenticationToken (403) in the service\'s ErrorResponse', async () => {
    const sqs = await sendRaw(env.server.url, { method: 'GET', path: '/', query: 'Action=ListQueues&Version=2012-11-05', headers: { host } });
    assert.equal(sqs.status, 403, sqs.body);
    assert.match(sqs.body, /^<\?xml version="1.0"\?>\n<ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message><\/Error>/);
    // A queue's path names SQS without a Version.
    const byPath = await sendRaw(env.server.url, { method: 'GET', path: `/${env.server.accountId}/q1`, query: 'Action=SendMessage&MessageBody=x', headers: { host } });
    assert.equal(byPath.status, 403);
    assert.match(byPath.body, /queue\.amazonaws\.com.*<Code>MissingAuthenticationToken<\/Code>/);
    const sns = await sendRaw(env.server.url, { method: 'GET', path: '/', query: 'Action=ListTopics&Version=2010-03-31', headers: { host } });
    assert.equal(sns.status, 403, sns.body);
    assert.match(sns.body, /<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
    // The Host alone names the service, a form body too then.
    const formPost = await sendRaw(env.server.url, {
      method: 'POST', path: '/', headers: { host: `sns.${REGION}.localhost:${new URL(env.server.url).port}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31',
    });
    assert.equal(formPost.status, 403, formPost.body);
    assert.match(formPost.body, /sns\.amazonaws\.com.*<Code>MissingAuthenticationToken<\/Code>/);
  });

  test('Lambda REST-JSON: 403 with x-amzn-ErrorType and {"message": "Missing Authentication Token"}', async () => {
    for (const path of ['/2015-03-31/functions/', '/2015-03-31/functions/fn/invocations', '/2015-03-31/event-source-mappings/']) {
      const res = await sendRaw(env.server.url, { method: path.endsWith('invocations') ? 'POST' : 'GET', path, headers: { host } });
      assert.equal(res.status, 403, `${path}: ${res.body}`);
      assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
      assert.deepEqual(JSON.parse(res.body), { message: 'Missing Authentication Token' });
    }
  });

  test('nothing reaches the upstream, and requests not shaped like a protected service keep Tessera\'s answer', async () => {
    const before = await env.cli(['sqs', 'list-queues'], env.server.root);
    assert.equal(before.code, 0, before.stderr);
    await sendRaw(env.server.url, json('AmazonSQS.CreateQueue', '1.0', '{"QueueName":"unsigned-made"}'));
    await sendRaw(env.server.url, { method: 'GET', path: '/', query: 'Action=CreateQueue&QueueName=unsigned-made-2&Version=2012-11-05', headers: { host } });
    const listed = await env.cli(['sqs', 'list-queues'], env.server.root);
    assert.doesNotMatch(listed.stdout, /unsigned-made/);
    // IAM's own unsigned answer is unchanged.
    const iam = await sendRaw(env.server.url, { method: 'GET', path: '/', query: 'Action=ListUsers&Version=2010-05-08', headers: { host } });
    assert.equal(iam.status, 403);
    assert.match(iam.body, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.doesNotMatch(iam.body, /queue\.amazonaws|sns\.amazonaws/);
  });
});

/** The CLI's error line: `An error occurred (<code>) when calling the <op> operation: <message>`. */
function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

describe('gateway gaps: facts only the upstream knows', () => {
  let env: GatewayEnv;
  let account: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('Lambda Get/Update/DeleteEventSourceMapping: lambda:FunctionArn is the mapping\'s function, read upstream', async () => {
    // Lambda checks its execution role in the upstream's IAM: made there directly.
    await createMotoServiceRole(env.moto.url, account, 'esm-exec');
    const zip = lambdaZip('tessera-gaps-');
    const root = env.server.root;
    for (const name of ['payroll', 'reports']) {
      const created = await env.cli(['lambda', 'create-function', '--function-name', name, '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/esm-exec`, '--zip-file', `fileb://${zip}`], root);
      assert.equal(created.code, 0, created.stderr);
    }
    const queue = await env.cli(['sqs', 'create-queue', '--queue-name', 'esm-work'], root);
    assert.equal(queue.code, 0, queue.stderr);
    const mapping = async (fn: string) => {
      const made = await env.cli(['lambda', 'create-event-source-mapping', '--function-name', fn, '--event-source-arn', `arn:aws:sqs:${REGION}:${account}:esm-work`], root);
      assert.equal(made.code, 0, made.stderr);
      return JSON.parse(made.stdout).UUID as string;
    };
    const payroll = await mapping('payroll');
    const reports = await mapping('reports');
    const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${account}:function:${name}`;
    // Allowed only for the reports function's mappings; payroll's are denied by name.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'], Resource: '*', Condition: { ArnLike: { 'lambda:FunctionArn': fnArn('reports*') } } },
        { Effect: 'Deny', Action: 'lambda:DeleteEventSourceMapping', Resource: '*', Condition: { ArnLike: { 'lambda:FunctionArn': fnArn('payroll*') } } },
      ],
    };
    const user = await env.user('esm-reports-only', [policy]);
    const got = await env.cli(['lambda', 'get-event-source-mapping', '--uuid', reports], user);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(JSON.parse(got.stdout).FunctionArn, fnArn('reports'));
    const other = await env.cli(['lambda', 'get-event-source-mapping', '--uuid', payroll], user);
    assert.notEqual(other.code, 0, other.stdout);
    assert.equal(cliError(other.stderr).message, `User: ${user.arn} is not authorized to perform: lambda:GetEventSourceMapping on resource: arn:aws:lambda:${REGION}:${account}:event-source-mapping:${payroll} because no identity-based policy allows the lambda:GetEventSourceMapping action`);
    const updated = await env.cli(['lambda', 'update-event-source-mapping', '--uuid', reports, '--batch-size', '5'], user);
    assert.equal(updated.code, 0, updated.stderr);
    const denied = await env.cli(['lambda', 'delete-event-source-mapping', '--uuid', payroll], user);
    assert.equal(cliError(denied.stderr).message, `User: ${user.arn} is not authorized to perform: lambda:DeleteEventSourceMapping on resource: arn:aws:lambda:${REGION}:${account}:event-source-mapping:${payroll} with an explicit deny in an identity-based policy`);
    assert.equal((await env.cli(['lambda', 'get-event-source-mapping', '--uuid', payroll], root)).code, 0, 'the denied delete was not forwarded');
    const deleted = await env.cli(['lambda', 'delete-event-source-mapping', '--uuid', reports], user);
    assert.equal(deleted.code, 0, deleted.stderr);
  });

  test('Secrets Manager under a customer managed key: GetSecretValue also needs kms:Decrypt on it ("Access to KMS is not allowed")', async () => {
    const root = env.server.root;
    const key = JSON.parse((await env.cli(['kms', 'create-key', '--description', 'secrets'], root)).stdout).KeyMetadata.Arn as string;
    const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'cmk-secret', '--secret-string', 'v4lue', '--kms-key-id', key], root);
    assert.equal(created.code, 0, created.stderr);
    const secret = JSON.parse(created.stdout).ARN as string;
    const secretOnly = await env.user('sm-no-kms', [allow('secretsmanager:GetSecretValue', secret)]);
    const refused = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'cmk-secret'], secretOnly);
    assert.notEqual(refused.code, 0, refused.stdout);
    assert.deepEqual(cliError(refused.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
    // kms:Decrypt through Secrets Manager only (kms:ViaService), with the secret's encryption context.
    const viaSecrets = await env.user('sm-with-kms', [
      allow('secretsmanager:GetSecretValue', secret),
      allow('kms:Decrypt', key, { Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': secret } } }),
    ]);
    const served = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'cmk-secret'], viaSecrets);
    assert.equal(served.code, 0, served.stderr);
    assert.equal(JSON.parse(served.stdout).SecretString, 'v4lue');
    // A secret under the AWS managed key needs nothing more in its own account.
    const plain = await env.cli(['secretsmanager', 'create-secret', '--name', 'plain-secret', '--secret-string', 'p'], root);
    const plainArn = JSON.parse(plain.stdout).ARN as string;
    const plainReader = await env.user('sm-plain', [allow('secretsmanager:GetSecretValue', plainArn)]);
    assert.equal((await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'plain-secret'], plainReader)).code, 0);
  });

  test('Secrets Manager across accounts: the key policy must allow the other account; the AWS managed key never does', async () => {
    const root = env.server.root;
    const other = await env.account();
    const iam = new IAMClient({ endpoint: env.server.url, region: REGION, credentials: other, maxAttempts: 1 });
    const made = await iam.send(new CreateUserCommand({ UserName: 'xacct-reader' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'xacct-reader', PolicyName: 'all', PolicyDocument: JSON.stringify(allow(['secretsmanager:GetSecretValue', 'kms:Decrypt'])) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'xacct-reader' }));
    iam.destroy();
    const reader = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const readerArn = made.User!.Arn!;
    const resourcePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: readerArn }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });

    const cmk = JSON.parse((await env.cli(['kms', 'create-key'], root)).stdout).KeyMetadata.Arn as string;
    const shared = JSON.parse((await env.cli(['secretsmanager', 'create-secret', '--name', 'xacct-cmk', '--secret-string', 's', '--kms-key-id', cmk], root)).stdout).ARN as string;
    const managed = JSON.parse((await env.cli(['secretsmanager', 'create-secret', '--name', 'xacct-managed', '--secret-string', 'm'], root)).stdout).ARN as string;
    for (const arn of [shared, managed]) assert.equal((await env.cli(['secretsmanager', 'put-resource-policy', '--secret-id', arn, '--resource-policy', resourcePolicy], root)).code, 0);

    // The default key policy trusts the owner's account only.
    const before = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', shared], reader);
    assert.deepEqual(cliError(before.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
    const keyPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'owner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'reader', Effect: 'Allow', Principal: { AWS: readerArn }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
      ],
    });
    const put = await env.cli(['kms', 'put-key-policy', '--key-id', cmk, '--policy-name', 'default', '--policy', keyPolicy], root);
    assert.equal(put.code, 0, put.stderr);
    const after = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', shared], reader);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout).SecretString, 's');
    const viaManaged = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', managed], reader);
    assert.deepEqual(cliError(viaManaged.stderr), { code: 'AccessDeniedException', message: 'Access to KMS is not allowed' });
  });
});
