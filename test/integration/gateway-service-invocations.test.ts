// More deliveries between services through the gateway (server/gateway/invocation-and-log-deliveries.ts):
// a CloudWatch Logs subscription to a Lambda function or to a CloudWatch Logs destination, a
// Secrets Manager rotation function, an SNS subscription of a function and an S3 server access
// logging target are accepted only as AWS accepts them (SNS: refused where AWS would fail each
// delivery). moto checks none of it: each test failed before the fix, the effect landing in moto
// (the function invoked — moto records each invocation as a stream of /aws/lambda/<function> —
// the log events written into another log group, or S3's access logs written into a bucket)
// from a caller with no right on the target.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketAclCommand, PutBucketLoggingCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { awsCliAvailable } from '../support/cli-process.ts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import { sdkFailure, type Credentials } from '../support/tessera-server.ts';

const REGION = 'us-east-1';
const LOGS_LAMBDA = 'Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.';
const ROTATION = 'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.';


function cliError(stderr: string): { code: string; message: string } {
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  assert.ok(match, stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

describe('gateway deliveries between services (more)', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;

  async function ok(args: string[], who: Credentials = root): Promise<string> {
    const run = await env.cli(args, who);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  }

  /** A function of the default account (its execution role made in moto's IAM); its ARN. */
  async function fn(name: string): Promise<string> {
    await createMotoServiceRole(env.moto.url, account, `${name}-exec`);
    await ok(['lambda', 'create-function', '--function-name', name, '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/${name}-exec`, '--zip-file', `fileb://${lambdaZip('tessera-deliveries-more-')}`]);
    return `arn:aws:lambda:${REGION}:${account}:function:${name}`;
  }

  /** How many times moto invoked the function: the streams of its /aws/lambda group (none before the first). */
  async function invocations(name: string): Promise<number> {
    const run = await env.cli(['logs', 'describe-log-streams', '--log-group-name', `/aws/lambda/${name}`], root);
    if (run.code !== 0) {
      assert.equal(cliError(run.stderr).code, 'ResourceNotFoundException', run.stderr);
      return 0;
    }
    return (JSON.parse(run.stdout).logStreams as unknown[]).length;
  }

  async function logGroup(name: string, who: Credentials): Promise<void> {
    await ok(['logs', 'create-log-group', '--log-group-name', name], who);
    await ok(['logs', 'create-log-stream', '--log-group-name', name, '--log-stream-name', 's'], who);
  }

  function putEvents(group: string, message: string, who: Credentials): Promise<string> {
    return ok(['logs', 'put-log-events', '--log-group-name', group, '--log-stream-name', 's', '--log-events', `timestamp=${Date.now()},message=${message}`], who);
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
  });
  after(() => env?.stop());

  test('CloudWatch Logs PutSubscriptionFilter to a Lambda function: refused as CloudWatch Logs refuses it until the function\'s policy allows logs.<region>.amazonaws.com from the log group, and the function is not invoked', async () => {
    const user = await env.user('logs-sub-only', [allow('logs:*')]);
    const target = await fn('sub-fn');
    await logGroup('subscribed', user);
    const subscribe = () => env.cli(['logs', 'put-subscription-filter', '--log-group-name', 'subscribed', '--filter-name', 'all', '--filter-pattern', '', '--destination-arn', target], user);
    const filters = async () => JSON.parse(await ok(['logs', 'describe-subscription-filters', '--log-group-name', 'subscribed'], user)).subscriptionFilters as unknown[];

    // Before the fix moto stored the filter and invoked the function with every PutLogEvents.
    const refused = await subscribe();
    assert.deepEqual(cliError(refused.stderr), { code: 'InvalidParameterException', message: LOGS_LAMBDA });
    assert.deepEqual(await filters(), []);
    await putEvents('subscribed', 'first', user);
    assert.equal(await invocations('sub-fn'), 0);

    // A permission for another log group (aws:SourceArn) does not serve this one.
    const permit = (id: string, group: string) => ok(['lambda', 'add-permission', '--function-name', 'sub-fn', '--statement-id', id, '--action', 'lambda:InvokeFunction', '--principal', `logs.${REGION}.amazonaws.com`, '--source-arn', `arn:aws:logs:${REGION}:${account}:log-group:${group}:*`, '--source-account', account]);
    await permit('other', 'other-group');
    assert.equal(cliError((await subscribe()).stderr).code, 'InvalidParameterException');

    await permit('subscribed', 'subscribed');
    const accepted = await subscribe();
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal((await filters()).length, 1);
    await putEvents('subscribed', 'second', user);
    assert.ok((await invocations('sub-fn')) > 0);
  });

  test('CloudWatch Logs PutSubscriptionFilter to a logs ARN: a log group (where moto would write every event) and a destination the upstream does not have are refused', async () => {
    // May subscribe any log group to anything, but write events only into its own.
    const user = await env.user('logs-sub-only-2', [
      allow('logs:*', [`arn:aws:logs:${REGION}:${account}:log-group:pusher`, `arn:aws:logs:${REGION}:${account}:log-group:pusher:*`]),
      allow('logs:PutSubscriptionFilter'),
    ]);
    await logGroup('pusher', user);
    await logGroup('audit', root);
    const denied = await env.cli(['logs', 'put-log-events', '--log-group-name', 'audit', '--log-stream-name', 's', '--log-events', `timestamp=${Date.now()},message=forged`], user);
    assert.equal(cliError(denied.stderr).code, 'AccessDeniedException');
    const subscribe = (arn: string) => env.cli(['logs', 'put-subscription-filter', '--log-group-name', 'pusher', '--filter-name', 'all', '--filter-pattern', '', '--destination-arn', arn], user);
    const landed = async () => (JSON.parse(await ok(['logs', 'get-log-events', '--log-group-name', 'audit', '--log-stream-name', 's'])).events as { message: string }[]).map((event) => event.message);

    // Before the fix moto stored the filter and wrote every event of `pusher` into `audit`.
    const group = await subscribe(`arn:aws:logs:${REGION}:${account}:log-group:audit`);
    assert.equal(cliError(group.stderr).code, 'InvalidParameterException');
    assert.match(cliError(group.stderr).message, /delivers only to a destination/);
    // A destination that does not exist: moto would write into the log group of its name.
    const missing = await subscribe(`arn:aws:logs:${REGION}:${account}:destination:audit`);
    assert.deepEqual(cliError(missing.stderr), { code: 'ResourceNotFoundException', message: 'The specified destination does not exist.' });
    await putEvents('pusher', 'pushed', user);
    assert.deepEqual(await landed(), []);
    assert.deepEqual(JSON.parse(await ok(['logs', 'describe-subscription-filters', '--log-group-name', 'pusher'], user)).subscriptionFilters, []);

    // A destination of the account: accepted as CloudWatch Logs accepts it.
    await ok(['logs', 'put-destination', '--destination-name', 'audit', '--target-arn', `arn:aws:kinesis:${REGION}:${account}:stream/sink`, '--role-arn', `arn:aws:iam::${account}:role/cwl-to-kinesis`]);
    const accepted = await subscribe(`arn:aws:logs:${REGION}:${account}:destination:audit`);
    assert.equal(accepted.code, 0, accepted.stderr);
  });

  test('Secrets Manager RotateSecret: refused as Secrets Manager refuses it until the function\'s policy allows secretsmanager.amazonaws.com, and the function is not invoked', async () => {
    const user = await env.user('secrets-only', [allow('secretsmanager:*')]);
    const rotator = await fn('rotator');
    await ok(['secretsmanager', 'create-secret', '--name', 'rotated', '--secret-string', 'first'], user);
    const rotate = (...extra: string[]) => env.cli(['secretsmanager', 'rotate-secret', '--secret-id', 'rotated', ...extra], user);

    // Before the fix moto invoked the function for each rotation step.
    const refused = await rotate('--rotation-lambda-arn', rotator);
    assert.deepEqual(cliError(refused.stderr), { code: 'AccessDeniedException', message: ROTATION });
    assert.equal(await invocations('rotator'), 0);

    await ok(['lambda', 'add-permission', '--function-name', 'rotator', '--statement-id', 'sm', '--action', 'lambda:InvokeFunction', '--principal', 'secretsmanager.amazonaws.com']);
    const accepted = await rotate('--rotation-lambda-arn', rotator);
    assert.equal(accepted.code, 0, accepted.stderr);
    const invoked = await invocations('rotator');
    assert.ok(invoked > 0);

    // The function's owner takes the grant back: a rotation with the function the secret keeps is refused too.
    await ok(['lambda', 'remove-permission', '--function-name', 'rotator', '--statement-id', 'sm']);
    assert.deepEqual(cliError((await rotate()).stderr), { code: 'AccessDeniedException', message: ROTATION });
    assert.equal(await invocations('rotator'), invoked);
  });

  test('SNS to a Lambda function: Subscribe is refused while the function\'s policy does not allow the topic, and Publish once it no longer does; the function is not invoked', async () => {
    const user = await env.user('sns-lambda-only', [allow('sns:*')]);
    const sns = (args: string[]) => env.cli(['sns', ...args], user);
    const target = await fn('sns-fn');
    const topic = JSON.parse(await ok(['sns', 'create-topic', '--name', 'invoker'], user)).TopicArn as string;
    const subscribe = () => sns(['subscribe', '--topic-arn', topic, '--protocol', 'lambda', '--notification-endpoint', target]);
    const publish = (message: string) => sns(['publish', '--topic-arn', topic, '--message', message]);

    // Before the fix moto subscribed the function and invoked it with every Publish.
    const refused = await subscribe();
    assert.equal(cliError(refused.stderr).code, 'AuthorizationError');
    assert.match(cliError(refused.stderr).message, /the function's policy does not allow sns\.amazonaws\.com to lambda:InvokeFunction/);
    const malformed = await sns(['subscribe', '--topic-arn', topic, '--protocol', 'lambda', '--notification-endpoint', `${target}:live:x`]);
    assert.deepEqual(cliError(malformed.stderr), { code: 'InvalidParameter', message: 'Invalid parameter: Lambda endpoint ARN' });
    assert.equal((await publish('first')).code, 0);
    assert.equal(await invocations('sns-fn'), 0);

    await ok(['lambda', 'add-permission', '--function-name', 'sns-fn', '--statement-id', 'sns', '--action', 'lambda:InvokeFunction', '--principal', 'sns.amazonaws.com', '--source-arn', topic]);
    const subscribed = await subscribe();
    assert.equal(subscribed.code, 0, subscribed.stderr);
    assert.equal((await publish('second')).code, 0);
    const invoked = await invocations('sns-fn');
    assert.ok(invoked > 0);

    // The function's owner takes the grant back: moto would still invoke it, so the Publish is refused.
    await ok(['lambda', 'remove-permission', '--function-name', 'sns-fn', '--statement-id', 'sns']);
    const revoked = await publish('third');
    assert.equal(cliError(revoked.stderr).code, 'AuthorizationError');
    assert.match(cliError(revoked.stderr).message, /whose policy no longer allows sns\.amazonaws\.com to lambda:InvokeFunction/);
    assert.equal(await invocations('sns-fn'), invoked);
  });

  test('S3 PutBucketLogging: a target bucket whose policy allows logging.s3.amazonaws.com only from another bucket is refused with S3\'s InvalidTargetBucketForLogging, and no log object lands in it', async () => {
    const user = await env.user('s3-logging-only', [allow('s3:*', ['arn:aws:s3:::logged-a', 'arn:aws:s3:::logged-a/*'])]);
    const s3 = env.s3(user);
    const rootS3 = env.s3(root);
    await rootS3.send(new CreateBucketCommand({ Bucket: 'access-logs' }));
    await rootS3.send(new CreateBucketCommand({ Bucket: 'acl-logs' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'logged-a' }));
    // AWS's recommended grant ("Permissions for log delivery"), for the bucket logged-b only.
    const grant = (sourceBucket: string) => JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::access-logs/*', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${sourceBucket}` }, StringEquals: { 'aws:SourceAccount': account } } }],
    });
    await rootS3.send(new PutBucketPolicyCommand({ Bucket: 'access-logs', Policy: grant('logged-b') }));
    const enable = (target: string) => s3.send(new PutBucketLoggingCommand({ Bucket: 'logged-a', BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: 'a/' } } }));
    const objects = async (bucket: string) => ((await rootS3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key);

    // Before the fix moto accepted it (its check reads no Condition) and wrote a log object into
    // access-logs for every request to logged-a.
    const refused = await sdkFailure(enable('access-logs'));
    assert.equal(refused.name, 'InvalidTargetBucketForLogging');
    assert.equal(refused.message, 'You must either provide the necessary permissions to the logging service using a bucket policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket');
    assert.equal(refused['TargetBucket'], 'access-logs');
    await s3.send(new PutObjectCommand({ Bucket: 'logged-a', Key: 'a.txt', Body: 'data' }));
    assert.deepEqual(await objects('access-logs'), []);

    // The grant for this bucket: accepted, and S3's log objects land under the prefix.
    await rootS3.send(new PutBucketPolicyCommand({ Bucket: 'access-logs', Policy: grant('logged-a') }));
    await enable('access-logs');
    await s3.send(new PutObjectCommand({ Bucket: 'logged-a', Key: 'b.txt', Body: 'data' }));
    assert.ok((await objects('access-logs')).some((key) => key?.startsWith('a/')));

    // The log-delivery group's ACL grant serves too, unless the bucket policy denies the service.
    const logDelivery = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';
    await rootS3.send(new PutBucketAclCommand({ Bucket: 'acl-logs', GrantWrite: logDelivery, GrantReadACP: logDelivery, GrantFullControl: `id=${account}` }));
    await enable('acl-logs');
    await s3.send(new PutBucketLoggingCommand({ Bucket: 'logged-a', BucketLoggingStatus: {} }));
    await rootS3.send(new PutBucketPolicyCommand({ Bucket: 'acl-logs', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::acl-logs/*' }] }) }));
    assert.equal((await sdkFailure(enable('acl-logs'))).name, 'InvalidTargetBucketForLogging');
  });
});
