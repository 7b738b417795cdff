// An "existence oracle" sweep of the gateway (Tessera in front of moto). On AWS a caller who may
// not act on a resource is refused whether or not the resource exists: the refusal of a missing
// resource reads as the refusal of an existing one, but for the name the caller gave. Only an
// allowed caller learns that a resource is missing, from the service's own not-found error. For
// each of SQS, SNS, DynamoDB, KMS, Lambda, Secrets Manager, SSM and CloudWatch Logs and a few
// reads and writes each, this compares
//   - a refused caller's answer for an EXISTING resource with its answer for a MISSING one, in
//     its own account and in another account (existing there but not shared): code, HTTP status
//     and message equal once the resource's own name is set aside;
//   - an allowed caller's answer for a missing resource: the service's not-found error, never
//     AccessDenied nor a 5xx (Tessera reads resource policies and tags from the upstream: a
//     lookup that finds nothing must not turn into a refusal or a 503);
//   - the time of a refusal, existing vs missing (only gross differences, > 5x over 20 runs).
//
// What AWS documents or shows, and followed here:
//   - Secrets Manager names the secret as the caller gave it: "…is not authorized to perform:
//     secretsmanager:GetSecretValue on resource: foo with an explicit deny in a resource-based
//     policy" (a real answer quoted in a public test suite; likewise "on resource: db-connection",
//     "on resource: cfn/atlas/profile/development" in public issue threads), and IAM authorization
//     happens before the secret is looked up, so a missing secret is refused the same way. Naming
//     the existing secret's full ARN (with its random suffix) tells the refused caller it exists.
//   - KMS authorizes an alias on the key it points to: a refusal by alias names the key's ARN (as
//     AWS's does). Whether AWS answers NotFoundException to an unauthorized caller for a missing
//     alias is not documented: the alias cases set the resource aside and compare the rest.
//   - SQS answers "The specified queue does not exist or you do not have access to it."
//     (AWS.SimpleQueueService.NonExistentQueue) to GetQueueUrl of another account's queue
//     whether it is missing or not shared (public issue threads): the same answer either way,
//     so no oracle there either. Tessera's AccessDenied for both is compared for equality only.
//   - S3 is the documented exception: bucket names are global, a missing bucket is NoSuchBucket
//     (404) to anyone, another account's bucket AccessDenied (403).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import { sendRaw, signedQuery, xmlText } from '../support/raw-request.ts';
import { awsError, type Credentials } from '../support/tessera-server.ts';
import { signRequest } from '../../src/sigv4/index.ts';

const REGION = 'us-east-1';
const ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
/** Names of the same length: the existing resource's and the missing one's. */
const EX = 'exists-1';
const NX = 'missing1';
const MISSING_KEY = '0badc0de-0000-4000-8000-000000000000';

interface Answer {
  status: number;
  code: string;
  message: string;
  ms: number;
}

/** One signed request, its answer read whatever the protocol. */
async function signed(baseUrl: string, creds: Credentials, service: string, req: { method: string; path: string; query?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const host = new URL(baseUrl).host;
  const body = req.body ?? '';
  const started = performance.now();
  const s = signRequest({ method: req.method, path: req.path, query: req.query ?? '', headers: { host, ...(req.headers ?? {}) }, body }, creds, { region: REGION, service, date: new Date() });
  const res = await sendRaw(baseUrl, { method: s.method, path: s.path, query: s.query, headers: s.headers, body });
  const ms = performance.now() - started;
  let code = '';
  let message = '';
  const errorType = res.headers['x-amzn-errortype'];
  if (res.body.trimStart().startsWith('<')) {
    code = xmlText(res.body, 'Code') ?? '';
    message = (xmlText(res.body, 'Message') ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  } else {
    try {
      const parsed = JSON.parse(res.body) as Record<string, unknown>;
      code = String(parsed['__type'] ?? parsed['Type'] ?? '').split('#').pop()!;
      message = String(parsed['message'] ?? parsed['Message'] ?? '');
    } catch { /* empty body */ }
  }
  if (typeof errorType === 'string') code = errorType.split(':', 1)[0]!.split('#').pop()!;
  return { status: res.status, code, message, ms };
}

const json = (url: string, creds: Credentials, service: string, version: string, target: string, payload: object) =>
  signed(url, creds, service, { method: 'POST', path: '/', headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: JSON.stringify(payload) });

async function query(url: string, creds: Credentials, service: string, params: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const res = await signedQuery(url, creds, params, { service, region: REGION });
  return { status: res.status, code: xmlText(res.body, 'Code') ?? '', message: (xmlText(res.body, 'Message') ?? '').replaceAll('&quot;', '"'), ms: performance.now() - started };
}

/** An operation naming a resource of `account` called `name` (EX or NX). */
interface Op {
  name: string;
  run(creds: Credentials, account: string, name: string): Promise<Answer>;
  /** What an allowed caller gets for a missing resource (codes; statuses). */
  notFound?: { codes: string[]; status: number | number[] };
  /** Only in the caller's own account (the operation names a resource by name alone). */
  ownAccountOnly?: true;
  /** The refusal names another resource than the one given (an alias: its key): set aside. */
  resourceVaries?: true;
}

describe('gateway existence-oracle sweep', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let A: string;
  let B: Credentials & { accountId: string };
  let bare: Credentials & { arn: string };
  let all: Credentials & { arn: string };
  /** The key IDs of the existing keys, by account. */
  const keys: Record<string, string> = {};
  const url = () => env.server.url;

  const SQS = (target: string, payload: (account: string, name: string) => object): Op['run'] => (c, acct, n) => json(url(), c, 'sqs', '1.0', `AmazonSQS.${target}`, payload(acct, n));
  const queueUrl = (account: string, name: string) => `${url()}/${account}/${name}`;
  const keyId = (account: string, name: string) => (name === EX ? keys[account]! : MISSING_KEY);
  const keyArn = (account: string, name: string) => `arn:aws:kms:${REGION}:${account}:key/${keyId(account, name)}`;
  const secretArn = (account: string, name: string) => `arn:aws:secretsmanager:${REGION}:${account}:secret:${name}`;
  const table = (account: string, name: string) => `arn:aws:dynamodb:${REGION}:${account}:table/${name}`;
  const fn = (account: string, name: string) => `arn:aws:lambda:${REGION}:${account}:function:${name}`;

  const OPS: Record<string, Op[]> = {
    sqs: [
      { name: 'GetQueueAttributes', run: SQS('GetQueueAttributes', (a, n) => ({ QueueUrl: queueUrl(a, n), AttributeNames: ['All'] })), notFound: { codes: ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], status: 400 } },
      { name: 'SendMessage', run: SQS('SendMessage', (a, n) => ({ QueueUrl: queueUrl(a, n), MessageBody: 'x' })), notFound: { codes: ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], status: 400 } },
      { name: 'GetQueueUrl', run: SQS('GetQueueUrl', (a, n) => ({ QueueName: n, QueueOwnerAWSAccountId: a })), notFound: { codes: ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], status: 400 } },
    ],
    sns: [
      { name: 'GetTopicAttributes', run: (c, a, n) => query(url(), c, 'sns', { Action: 'GetTopicAttributes', Version: '2010-03-31', TopicArn: `arn:aws:sns:${REGION}:${a}:${n}` }), notFound: { codes: ['NotFound'], status: 404 } },
      { name: 'Publish', run: (c, a, n) => query(url(), c, 'sns', { Action: 'Publish', Version: '2010-03-31', TopicArn: `arn:aws:sns:${REGION}:${a}:${n}`, Message: 'x' }), notFound: { codes: ['NotFound'], status: 404 } },
    ],
    dynamodb: [
      { name: 'DescribeTable', run: (c, a, n) => json(url(), c, 'dynamodb', '1.0', 'DynamoDB_20120810.DescribeTable', { TableName: table(a, n) }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
      { name: 'GetItem', run: (c, a, n) => json(url(), c, 'dynamodb', '1.0', 'DynamoDB_20120810.GetItem', { TableName: table(a, n), Key: { id: { S: 'k' } } }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
      { name: 'PutItem', run: (c, a, n) => json(url(), c, 'dynamodb', '1.0', 'DynamoDB_20120810.PutItem', { TableName: table(a, n), Item: { id: { S: 'k' } } }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
      { name: 'DescribeTable by name', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'dynamodb', '1.0', 'DynamoDB_20120810.DescribeTable', { TableName: n }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
    ],
    kms: [
      { name: 'DescribeKey by key ID', ownAccountOnly: true, run: (c, a, n) => json(url(), c, 'kms', '1.1', 'TrentService.DescribeKey', { KeyId: keyId(a, n) }), notFound: { codes: ['NotFoundException'], status: 400 } },
      { name: 'DescribeKey by key ARN', run: (c, a, n) => json(url(), c, 'kms', '1.1', 'TrentService.DescribeKey', { KeyId: keyArn(a, n) }), notFound: { codes: ['NotFoundException'], status: 400 } },
      { name: 'Encrypt by key ARN', run: (c, a, n) => json(url(), c, 'kms', '1.1', 'TrentService.Encrypt', { KeyId: keyArn(a, n), Plaintext: 'aGk=' }), notFound: { codes: ['NotFoundException'], status: 400 } },
      { name: 'Encrypt by alias name', ownAccountOnly: true, resourceVaries: true, run: (c, _a, n) => json(url(), c, 'kms', '1.1', 'TrentService.Encrypt', { KeyId: `alias/${n}`, Plaintext: 'aGk=' }), notFound: { codes: ['NotFoundException'], status: 400 } },
      { name: 'Encrypt by alias ARN', resourceVaries: true, run: (c, a, n) => json(url(), c, 'kms', '1.1', 'TrentService.Encrypt', { KeyId: `arn:aws:kms:${REGION}:${a}:alias/${n}`, Plaintext: 'aGk=' }), notFound: { codes: ['NotFoundException'], status: 400 } },
    ],
    lambda: [
      { name: 'GetFunction', run: (c, a, n) => signed(url(), c, 'lambda', { method: 'GET', path: `/2015-03-31/functions/${encodeURIComponent(fn(a, n))}` }), notFound: { codes: ['ResourceNotFoundException'], status: 404 } },
      { name: 'Invoke', run: (c, a, n) => signed(url(), c, 'lambda', { method: 'POST', path: `/2015-03-31/functions/${encodeURIComponent(fn(a, n))}/invocations`, body: '{}' }), notFound: { codes: ['ResourceNotFoundException'], status: 404 } },
      { name: 'GetFunction by name', ownAccountOnly: true, run: (c, _a, n) => signed(url(), c, 'lambda', { method: 'GET', path: `/2015-03-31/functions/${n}` }), notFound: { codes: ['ResourceNotFoundException'], status: 404 } },
    ],
    // ResourceNotFoundException is 400 in Secrets Manager's model; moto answers it with 404 and
    // the gateway forwards the upstream's answer as it is: either is the service's not-found.
    secretsmanager: [
      { name: 'GetSecretValue by name', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'secretsmanager', '1.1', 'secretsmanager.GetSecretValue', { SecretId: n }), notFound: { codes: ['ResourceNotFoundException'], status: [400, 404] } },
      { name: 'DescribeSecret by name', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'secretsmanager', '1.1', 'secretsmanager.DescribeSecret', { SecretId: n }), notFound: { codes: ['ResourceNotFoundException'], status: [400, 404] } },
      { name: 'GetSecretValue by partial ARN', run: (c, a, n) => json(url(), c, 'secretsmanager', '1.1', 'secretsmanager.GetSecretValue', { SecretId: secretArn(a, n) }), notFound: { codes: ['ResourceNotFoundException'], status: [400, 404] } },
      { name: 'DescribeSecret by partial ARN', run: (c, a, n) => json(url(), c, 'secretsmanager', '1.1', 'secretsmanager.DescribeSecret', { SecretId: secretArn(a, n) }), notFound: { codes: ['ResourceNotFoundException'], status: [400, 404] } },
    ],
    ssm: [
      { name: 'GetParameter by name', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'ssm', '1.1', 'AmazonSSM.GetParameter', { Name: `/${n}` }), notFound: { codes: ['ParameterNotFound'], status: 400 } },
      { name: 'GetParameter by ARN', run: (c, a, n) => json(url(), c, 'ssm', '1.1', 'AmazonSSM.GetParameter', { Name: `arn:aws:ssm:${REGION}:${a}:parameter/${n}` }), notFound: { codes: ['ParameterNotFound'], status: 400 } },
    ],
    logs: [
      { name: 'DescribeLogStreams by name', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'logs', '1.1', 'Logs_20140328.DescribeLogStreams', { logGroupName: n }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
      { name: 'DescribeLogStreams by ARN', run: (c, a, n) => json(url(), c, 'logs', '1.1', 'Logs_20140328.DescribeLogStreams', { logGroupIdentifier: `arn:aws:logs:${REGION}:${a}:log-group:${n}` }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
      { name: 'PutLogEvents', ownAccountOnly: true, run: (c, _a, n) => json(url(), c, 'logs', '1.1', 'Logs_20140328.PutLogEvents', { logGroupName: n, logStreamName: 'st', logEvents: [{ timestamp: Date.now(), message: 'x' }] }), notFound: { codes: ['ResourceNotFoundException'], status: 400 } },
    ],
  };

  /** Every resource, `EX` in `owner`'s account (by its root). */
  async function makeResources(owner: Credentials, account: string): Promise<void> {
    const ok = (answer: Answer, what: string) => assert.ok(answer.status < 300, `${what}: ${answer.status} ${answer.code} ${answer.message}`);
    ok(await json(url(), owner, 'sqs', '1.0', 'AmazonSQS.CreateQueue', { QueueName: EX }), 'CreateQueue');
    ok(await query(url(), owner, 'sns', { Action: 'CreateTopic', Version: '2010-03-31', Name: EX }), 'CreateTopic');
    ok(await json(url(), owner, 'dynamodb', '1.0', 'DynamoDB_20120810.CreateTable', { TableName: EX, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }), 'CreateTable');
    const key = await signed(url(), owner, 'kms', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey' }, body: '{}' });
    ok(key, 'CreateKey');
    // The key's ID from DescribeKey on its alias would need one more lookup: list the keys instead.
    const listed = await signRequestJson(owner, 'kms', 'TrentService.ListKeys', {});
    keys[account] = (listed['Keys'] as { KeyId: string }[])[0]!.KeyId;
    ok(await json(url(), owner, 'kms', '1.1', 'TrentService.CreateAlias', { AliasName: `alias/${EX}`, TargetKeyId: keys[account] }), 'CreateAlias');
    ok(await json(url(), owner, 'secretsmanager', '1.1', 'secretsmanager.CreateSecret', { Name: EX, SecretString: 's' }), 'CreateSecret');
    ok(await json(url(), owner, 'ssm', '1.1', 'AmazonSSM.PutParameter', { Name: `/${EX}`, Value: 'v', Type: 'String' }), 'PutParameter');
    ok(await json(url(), owner, 'logs', '1.1', 'Logs_20140328.CreateLogGroup', { logGroupName: EX }), 'CreateLogGroup');
    ok(await json(url(), owner, 'logs', '1.1', 'Logs_20140328.CreateLogStream', { logGroupName: EX, logStreamName: 'st' }), 'CreateLogStream');
    await createMotoServiceRole(env.moto.url, account, 'fn-exec');
    const made = await env.cli(['lambda', 'create-function', '--function-name', EX, '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/fn-exec`, '--zip-file', `fileb://${lambdaZip('tessera-oracle-')}`], owner);
    assert.equal(made.code, 0, made.stderr);
  }

  async function signRequestJson(creds: Credentials, service: string, target: string, payload: object): Promise<Record<string, unknown>> {
    const host = new URL(url()).host;
    const body = JSON.stringify(payload);
    const s = signRequest({ method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body }, creds, { region: REGION, service, date: new Date() });
    const res = await sendRaw(url(), { method: 'POST', path: '/', headers: s.headers, body });
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body) as Record<string, unknown>;
  }

  before(async () => {
    env = await startGatewayEnv();
    A = env.server.accountId;
    B = await env.account();
    bare = await env.user('oracle-bare');
    all = await env.user('oracle-all', [ALL]);
    await makeResources(env.server.root, A);
    await makeResources(B, B.accountId);
  });
  after(() => env?.stop());

  /** The answer with the resource's own name set aside. */
  function normalized(answer: Answer, account: string, name: string, op: Op): { status: number; code: string; message: string } {
    let message = answer.message;
    if (op.resourceVaries) message = message.replace(/on resource: \S+/, 'on resource: <resource>');
    message = message.replaceAll(keyId(account, name), '<key>').replaceAll(name, '<name>');
    return { status: answer.status, code: answer.code, message };
  }

  const differences: string[] = [];
  async function compareRefusals(service: string, caller: Credentials, account: string, crossAccount: boolean): Promise<string[]> {
    const found: string[] = [];
    for (const op of OPS[service]!) {
      if (crossAccount && op.ownAccountOnly) continue;
      const existing = await op.run(caller, account, EX);
      const missing = await op.run(caller, account, NX);
      const label = `${service} ${op.name} (${crossAccount ? 'another account' : 'own account'})`;
      // Both must be refusals: the caller may do nothing here.
      for (const [which, answer] of [['existing', existing], ['missing', missing]] as const) {
        // Known limit (src/gateway/logs-group-identifier.ts): a log group ARN of another account is
        // answered InvalidParameterException, the same whether or not the group exists (compared below).
        const knownLimit = answer.code === 'InvalidParameterException' && /Tessera reads a log group of the account/.test(answer.message);
        if (!/AccessDenied|AuthorizationError/.test(answer.code) && !knownLimit) {
          found.push(`${label}: the ${which} resource was not refused: ${answer.status} ${answer.code} ${answer.message}`);
        }
      }
      const e = normalized(existing, account, EX, op);
      const m = normalized(missing, account, NX, op);
      if (JSON.stringify(e) !== JSON.stringify(m)) found.push(`${label}: existing ${JSON.stringify(e)} vs missing ${JSON.stringify(m)}`);
    }
    differences.push(...found);
    return found;
  }

  for (const service of Object.keys(OPS)) {
    test(`${service}: a refused caller of the same account cannot tell an existing resource from a missing one`, async () => {
      assert.deepEqual(await compareRefusals(service, bare, A, false), []);
    });
    test(`${service}: a caller of another account cannot tell an existing, unshared resource from a missing one`, async () => {
      assert.deepEqual(await compareRefusals(service, all, B.accountId, true), []);
    });
    test(`${service}: an allowed caller gets the service's own not-found error for a missing resource`, async () => {
      const wrong: string[] = [];
      for (const op of OPS[service]!) {
        const answer = await op.run(all, A, NX);
        const expected = op.notFound!;
        const statuses = ([] as number[]).concat(expected.status);
        if (!expected.codes.includes(answer.code) || !statuses.includes(answer.status)) {
          wrong.push(`${op.name}: ${answer.status} ${answer.code} ${answer.message} (expected ${statuses.join('/')} ${expected.codes.join('/')})`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('Secrets Manager: the refusal names the secret as the caller gave it (AWS: "…on resource: foo…"), not the existing secret\'s full ARN', async () => {
    const byName = await json(url(), bare, 'secretsmanager', '1.1', 'secretsmanager.GetSecretValue', { SecretId: EX });
    assert.equal(byName.code, 'AccessDeniedException');
    assert.doesNotMatch(byName.message, new RegExp(`secret:${EX}-[A-Za-z0-9]{6}`), 'the refusal tells the caller the secret exists, and its ARN');
  });

  test('S3 (documented exception): a missing bucket is NoSuchBucket to anyone; another account\'s bucket is AccessDenied', async () => {
    await env.s3(B).send(new CreateBucketCommand({ Bucket: 'oracle-b-bucket' }));
    const other = await awsError(() => env.s3(all).send(new ListObjectsV2Command({ Bucket: 'oracle-b-bucket' })));
    assert.deepEqual([other.name, other.status], ['AccessDenied', 403]);
    const missing = await awsError(() => env.s3(all).send(new ListObjectsV2Command({ Bucket: 'oracle-no-bucket' })));
    assert.deepEqual([missing.name, missing.status], ['NoSuchBucket', 404]);
    const bareMissing = await awsError(() => env.s3(bare).send(new ListObjectsV2Command({ Bucket: 'oracle-no-bucket' })));
    assert.deepEqual([bareMissing.name, bareMissing.status], ['NoSuchBucket', 404]);
  });

  test('timing: a refusal of a missing resource is not grossly slower or faster than of an existing one (> 5x, median of 20)', async (t) => {
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const gross: string[] = [];
    const lines: string[] = [];
    for (const [service, ops] of Object.entries(OPS)) {
      const op = ops.find((candidate) => !candidate.ownAccountOnly) ?? ops[0]!;
      for (const [caller, account] of [[bare, A], [all, B.accountId]] as const) {
        if (account !== A && op.ownAccountOnly) continue;
        const ex: number[] = [];
        const nx: number[] = [];
        for (let i = 0; i < 20; i++) {
          ex.push((await op.run(caller, account, EX)).ms);
          nx.push((await op.run(caller, account, NX)).ms);
        }
        const [e, m] = [median(ex), median(nx)];
        const line = `${service} ${op.name} ${account === A ? 'own' : 'other'} account: existing ${e.toFixed(1)} ms, missing ${m.toFixed(1)} ms`;
        lines.push(line);
        if (Math.max(e, m) / Math.max(Math.min(e, m), 0.5) > 5) gross.push(line);
      }
    }
    t.diagnostic(lines.join('; '));
    assert.deepEqual(gross, [], lines.join('\n'));
  });
});
