import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { errorCode, sendRaw, signedJson, signedQuery, type RawResponse } from '../support/raw-request.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * Service-specific condition keys of Secrets Manager, SSM Parameter Store, SNS and Lambda through
 * the gateway, against moto, in the style of gateway-kms-condition-keys-sweep.test.ts: each key a
 * real request carries is checked three ways — an Allow only when the key has the value the
 * request carries (succeeds), an Allow of the service with a Deny when the key has that value
 * (refused: a key the gateway leaves unset is a silent bypass), and the same Deny with another
 * value (succeeds: the Deny refuses because of its condition).
 *
 * The SDK v3 clients of these services are not installed here: the requests are the SDK's wire
 * forms (JSON 1.1 with X-Amz-Target for Secrets Manager and SSM, Query for SNS, REST-JSON for
 * Lambda), signed with SigV4.
 *
 * Only request forms whose key value AWS documents are asserted. Keys asserted with the parameter
 * omitted (a default value) need AWS documentation saying the key then has a value; none was found
 * for these services (see the report), so omitted forms are not asserted here.
 *
 * SQS has no service-specific condition keys (Service Authorization Reference). CloudWatch Logs'
 * only request keys are those of PutDeliverySource / PutDeliveryDestination (logs:LogGeneratingResourceArns,
 * logs:DeliveryDestinationResourceArn), not covered here.
 */

const V = '2012-10-17';
const REGION = 'us-east-1';
type Condition = Record<string, Record<string, unknown>>;
type Call = (credentials: Credentials) => Promise<RawResponse>;

const REFUSALS = new Set(['AccessDeniedException', 'AccessDenied', 'AuthorizationError']);

/**
 * 'ok', 'refused' (the gateway's refusal of the action itself: "… is not authorized to perform:
 * <action> …"), or the error the request met past that decision (the upstream's, or a later check
 * of the gateway's such as Secrets Manager's use of KMS, with its own text).
 */
function outcomeOf(res: RawResponse): string {
  if (res.status >= 200 && res.status < 300) return 'ok';
  const code = errorCode(res);
  if (REFUSALS.has(code) && /is not authorized to perform: /.test(res.body)) return 'refused';
  return `${res.status} ${code}: ${res.body.slice(0, 300)}`;
}

describe('Secrets Manager, SSM, SNS and Lambda condition keys through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${++serial}-${Date.now().toString(36)}`;

  // --- wire helpers ---------------------------------------------------------------------------
  const sm = (credentials: Credentials, operation: string, payload: object) => signedJson(env.server.url, credentials, `secretsmanager.${operation}`, payload, { service: 'secretsmanager' });
  const ssm = (credentials: Credentials, operation: string, payload: object) => signedJson(env.server.url, credentials, `AmazonSSM.${operation}`, payload, { service: 'ssm' });
  const sns = (credentials: Credentials, params: Record<string, string>) => signedQuery(env.server.url, credentials, { Version: '2010-03-31', ...params }, { service: 'sns' });
  async function lambda(credentials: Credentials, method: string, path: string, payload?: object): Promise<RawResponse> {
    const host = new URL(env.server.url).host;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const signed = signRequest({ method, path, query: '', headers: { host, 'content-type': 'application/json' }, body }, credentials, { region: REGION, service: 'lambda', date: new Date() });
    return sendRaw(env.server.url, { method, path: signed.path, headers: signed.headers, body });
  }

  // --- policies -------------------------------------------------------------------------------
  /** Allowed the action only when the condition holds (and iam:PassRole, for CreateFunction). */
  function onlyWhen(action: string, condition: Condition): Record<string, unknown> {
    return { Version: V, Statement: [{ Effect: 'Allow', Action: action, Resource: '*', Condition: condition }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] };
  }
  /** Allowed everything of the service, but denied the action when the condition holds. */
  function allExcept(action: string, condition: Condition): Record<string, unknown> {
    const service = action.split(':')[0];
    return { Version: V, Statement: [{ Effect: 'Allow', Action: [`${service}:*`, 'iam:PassRole'], Resource: '*' }, { Effect: 'Deny', Action: action, Resource: '*', Condition: condition }] };
  }
  async function as(policy: Record<string, unknown>): Promise<Credentials> {
    serial += 1;
    return env.user(`svc-cond-${serial}`, [policy]);
  }

  /**
   * The three checks of one key: [Allow only when it has `value` → ok, Deny when it has `value`
   * → refused, Deny when it has `other` → ok]. `upstreamMayFail`: moto does not complete this
   * operation faithfully, so what is checked is only whether the gateway refuses or forwards.
   */
  async function sweep(action: string, operator: string, key: string, value: unknown, other: unknown, call: Call, options: { upstreamMayFail?: boolean } = {}): Promise<void> {
    const run = async (policy: Record<string, unknown>) => {
      const got = outcomeOf(await call(await as(policy)));
      return options.upstreamMayFail && got !== 'refused' ? 'forwarded' : got;
    };
    const pass = options.upstreamMayFail ? 'forwarded' : 'ok';
    const got = {
      allowWhenValue: await run(onlyWhen(action, { [operator]: { [key]: value } })),
      denyWhenValue: await run(allExcept(action, { [operator]: { [key]: value } })),
      denyWhenOther: await run(allExcept(action, { [operator]: { [key]: other } })),
    };
    assert.deepEqual(got, { allowWhenValue: pass, denyWhenValue: 'refused', denyWhenOther: pass }, `${action} with ${operator} ${key} = ${JSON.stringify(value)}`);
  }

  // --- fixtures -------------------------------------------------------------------------------
  let secretArn: string;
  let topicArn: string;
  let queueArn: string;
  let roleArn: string;
  let functionName: string;
  let functionArn: string;
  let zipBase64: string;

  async function newSecret(): Promise<string> {
    const res = await sm(root, 'CreateSecret', { Name: unique('sm-pool'), SecretString: 'v' });
    assert.equal(res.status, 200, res.body);
    return (JSON.parse(res.body) as { ARN: string }).ARN;
  }

  async function newFunction(): Promise<string> {
    const name = unique('fn');
    const res = await lambda(root, 'POST', '/2015-03-31/functions', { FunctionName: name, Runtime: 'python3.12', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zipBase64 } });
    assert.equal(res.status, 201, res.body);
    return name;
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
    secretArn = await newSecret();
    const topic = await sns(root, { Action: 'CreateTopic', Name: 'cond-topic' });
    assert.equal(topic.status, 200, topic.body);
    topicArn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(topic.body)![1]!;
    const sqs = env.sqs(root);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'cond-queue' }))).QueueUrl!;
    queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
    // The queue lets the topic deliver to it (the gateway refuses a subscription Amazon SNS could not deliver to).
    await sqs.send(new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { Policy: JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } }] }) },
    }));
    for (const name of ['/cond/a', '/cond/deep/b']) {
      const put = await ssm(root, 'PutParameter', { Name: name, Value: 'v', Type: 'String' });
      assert.equal(put.status, 200, put.body);
    }
    roleArn = await createMotoServiceRole(env.moto.url, account, 'cond-fn-role');
    zipBase64 = readFileSync(lambdaZip()).toString('base64');
    functionName = await newFunction();
    functionArn = `arn:aws:lambda:${REGION}:${account}:function:${functionName}`;
  });
  after(() => env?.stop());

  // --- Secrets Manager ------------------------------------------------------------------------
  describe('Secrets Manager (Service Authorization Reference; Secrets Manager API Reference)', () => {
    test('GetSecretValue with VersionStage AWSCURRENT: secretsmanager:VersionStage', async () => {
      await sweep('secretsmanager:GetSecretValue', 'StringEquals', 'secretsmanager:VersionStage', 'AWSCURRENT', 'AWSPREVIOUS',
        (c) => sm(c, 'GetSecretValue', { SecretId: secretArn, VersionStage: 'AWSCURRENT' }));
    });

    test('GetSecretValue with the secret\'s full ARN: secretsmanager:SecretId', async () => {
      // secretsmanager:SecretId is of type ARN ("Filters access by the SecretID value in the request").
      await sweep('secretsmanager:GetSecretValue', 'StringEquals', 'secretsmanager:SecretId', secretArn, `${secretArn.slice(0, -6)}XXXXXX`,
        (c) => sm(c, 'GetSecretValue', { SecretId: secretArn }));
    });

    test('DescribeSecret with the secret\'s full ARN: secretsmanager:SecretId (ArnLike)', async () => {
      await sweep('secretsmanager:DescribeSecret', 'ArnLike', 'secretsmanager:SecretId', `arn:aws:secretsmanager:${REGION}:${account}:secret:sm-pool-*`, `arn:aws:secretsmanager:${REGION}:${account}:secret:other-*`,
        (c) => sm(c, 'DescribeSecret', { SecretId: secretArn }));
    });

    test('CreateSecret with Name: secretsmanager:Name', async () => {
      await sweep('secretsmanager:CreateSecret', 'StringLike', 'secretsmanager:Name', 'cond-name-*', 'other-*',
        (c) => sm(c, 'CreateSecret', { Name: unique('cond-name'), SecretString: 'v' }));
    });

    test('CreateSecret with Description: secretsmanager:Description', async () => {
      await sweep('secretsmanager:CreateSecret', 'StringEquals', 'secretsmanager:Description', 'payroll database', 'something else',
        (c) => sm(c, 'CreateSecret', { Name: unique('cond-desc'), SecretString: 'v', Description: 'payroll database' }));
    });

    test('CreateSecret with KmsKeyId given as a key ARN: secretsmanager:KmsKeyArn', async () => {
      const key = `arn:aws:kms:${REGION}:${account}:key/11111111-2222-3333-4444-555555555555`;
      await sweep('secretsmanager:CreateSecret', 'ArnEquals', 'secretsmanager:KmsKeyArn', key, `arn:aws:kms:${REGION}:${account}:key/99999999-2222-3333-4444-555555555555`,
        (c) => sm(c, 'CreateSecret', { Name: unique('cond-kms'), SecretString: 'v', KmsKeyId: key }), { upstreamMayFail: true });
    });

    test('CreateSecret with AddReplicaRegions: secretsmanager:AddReplicaRegions (ForAnyValue)', async () => {
      await sweep('secretsmanager:CreateSecret', 'ForAnyValue:StringEquals', 'secretsmanager:AddReplicaRegions', 'eu-west-1', 'ap-south-1',
        (c) => sm(c, 'CreateSecret', { Name: unique('cond-replica'), SecretString: 'v', AddReplicaRegions: [{ Region: 'eu-west-1' }] }), { upstreamMayFail: true });
    });

    test('DeleteSecret with RecoveryWindowInDays 7: secretsmanager:RecoveryWindowInDays', async () => {
      await sweep('secretsmanager:DeleteSecret', 'NumericEquals', 'secretsmanager:RecoveryWindowInDays', '7', '30',
        async (c) => sm(c, 'DeleteSecret', { SecretId: await newSecret(), RecoveryWindowInDays: 7 }));
    });

    test('DeleteSecret with ForceDeleteWithoutRecovery true: secretsmanager:ForceDeleteWithoutRecovery', async () => {
      await sweep('secretsmanager:DeleteSecret', 'Bool', 'secretsmanager:ForceDeleteWithoutRecovery', 'true', 'false',
        async (c) => sm(c, 'DeleteSecret', { SecretId: await newSecret(), ForceDeleteWithoutRecovery: true }));
    });

    test('PutResourcePolicy with BlockPublicPolicy true: secretsmanager:BlockPublicPolicy', async () => {
      const policy = JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }] });
      await sweep('secretsmanager:PutResourcePolicy', 'Bool', 'secretsmanager:BlockPublicPolicy', 'true', 'false',
        (c) => sm(c, 'PutResourcePolicy', { SecretId: secretArn, ResourcePolicy: policy, BlockPublicPolicy: true }));
    });

    test('RotateSecret with RotationLambdaARN: secretsmanager:RotationLambdaARN', async () => {
      const rotator = `arn:aws:lambda:${REGION}:${account}:function:rotator`;
      await sweep('secretsmanager:RotateSecret', 'ArnEquals', 'secretsmanager:RotationLambdaARN', rotator, `arn:aws:lambda:${REGION}:${account}:function:other`,
        (c) => sm(c, 'RotateSecret', { SecretId: secretArn, RotationLambdaARN: rotator, RotationRules: { AutomaticallyAfterDays: 30 } }), { upstreamMayFail: true });
    });
  });

  // --- SSM Parameter Store --------------------------------------------------------------------
  describe('SSM Parameter Store (Systems Manager User Guide, "Preventing access to Parameter Store API operations")', () => {
    test('PutParameter with Overwrite true: ssm:Overwrite is "true"', async () => {
      // The guide's example: a Deny on PutParameter with StringEquals ssm:Overwrite ["true"]
      // "prevents Entities from changing values of existing parameters".
      await sweep('ssm:PutParameter', 'StringEquals', 'ssm:Overwrite', 'true', 'false',
        (c) => ssm(c, 'PutParameter', { Name: '/cond/a', Value: 'v2', Type: 'String', Overwrite: true }));
    });

    test('PutParameter with a parameter policy: ssm:Policies is "true"', async () => {
      // The guide's example: a Deny on PutParameter with StringEquals ssm:Policies ["true"]
      // "prevents Entities from creating or updating parameters that include a parameter policy
      // ... Entities can still create or update parameters that aren't assigned a parameter policy".
      const policies = JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2099-12-31T00:00:00.000Z' } }]);
      await sweep('ssm:PutParameter', 'StringEquals', 'ssm:Policies', 'true', 'false',
        (c) => ssm(c, 'PutParameter', { Name: `/cond/${unique('policy')}`, Value: 'v', Type: 'String', Tier: 'Advanced', Policies: policies }));
    });

    test('the guide\'s ssm:Policies Deny refuses a PutParameter with a parameter policy and lets one without it through', async () => {
      const user = await as({
        Version: V,
        Statement: [
          { Effect: 'Allow', Action: 'ssm:PutParameter', Resource: `arn:aws:ssm:${REGION}:${account}:parameter/*` },
          { Effect: 'Deny', Action: 'ssm:PutParameter', Condition: { StringEquals: { 'ssm:Policies': ['true'] } }, Resource: `arn:aws:ssm:${REGION}:${account}:parameter/*` },
        ],
      });
      const policies = JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2099-12-31T00:00:00.000Z' } }]);
      assert.deepEqual({
        withPolicy: outcomeOf(await ssm(user, 'PutParameter', { Name: '/cond/guide-with', Value: 'v', Type: 'String', Tier: 'Advanced', Policies: policies })),
        withoutPolicy: outcomeOf(await ssm(user, 'PutParameter', { Name: '/cond/guide-without', Value: 'v', Type: 'String' })),
      }, { withPolicy: 'refused', withoutPolicy: 'ok' });
    });

    test('GetParametersByPath with Recursive true: ssm:Recursive is "true"', async () => {
      await sweep('ssm:GetParametersByPath', 'StringEquals', 'ssm:Recursive', 'true', 'false',
        (c) => ssm(c, 'GetParametersByPath', { Path: '/cond', Recursive: true }));
    });

    test('the guide\'s ssm:Recursive Deny: a recursive listing below the denied level is refused, a non-recursive one is not', async () => {
      const user = await as({
        Version: V,
        Statement: [
          { Effect: 'Allow', Action: 'ssm:*', Resource: `arn:aws:ssm:${REGION}:${account}:parameter/*` },
          { Effect: 'Deny', Action: 'ssm:GetParametersByPath', Condition: { StringEquals: { 'ssm:Recursive': ['true'] } }, Resource: `arn:aws:ssm:${REGION}:${account}:parameter/cond*` },
        ],
      });
      assert.deepEqual({
        recursive: outcomeOf(await ssm(user, 'GetParametersByPath', { Path: '/cond', Recursive: true })),
        nonRecursive: outcomeOf(await ssm(user, 'GetParametersByPath', { Path: '/cond', Recursive: false })),
      }, { recursive: 'refused', nonRecursive: 'ok' });
    });
  });

  // --- SNS ------------------------------------------------------------------------------------
  describe('SNS Subscribe (sns:Protocol, sns:Endpoint)', () => {
    const subscribe: Call = (c) => sns(c, { Action: 'Subscribe', TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn });

    test('Subscribe with Protocol sqs: sns:Protocol', async () => {
      await sweep('sns:Subscribe', 'StringEquals', 'sns:Protocol', 'sqs', 'email', subscribe);
    });

    test('Subscribe with an SQS queue Endpoint: sns:Endpoint', async () => {
      await sweep('sns:Subscribe', 'StringEquals', 'sns:Endpoint', queueArn, `arn:aws:sqs:${REGION}:${account}:other-queue`, subscribe);
    });
  });

  // --- Lambda ---------------------------------------------------------------------------------
  describe('Lambda (Lambda Developer Guide; Service Authorization Reference)', () => {
    test('AddPermission with Principal s3.amazonaws.com: lambda:Principal', async () => {
      await sweep('lambda:AddPermission', 'StringEquals', 'lambda:Principal', 's3.amazonaws.com', 'sns.amazonaws.com',
        (c) => lambda(c, 'POST', `/2015-03-31/functions/${functionName}/policy`, { StatementId: unique('sid'), Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceAccount: account }));
    });

    test('AddPermission with FunctionUrlAuthType NONE: lambda:FunctionUrlAuthType', async () => {
      await sweep('lambda:AddPermission', 'StringEquals', 'lambda:FunctionUrlAuthType', 'NONE', 'AWS_IAM',
        (c) => lambda(c, 'POST', `/2015-03-31/functions/${functionName}/policy`, { StatementId: unique('url'), Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }));
    });

    test('CreateFunctionUrlConfig with AuthType NONE: lambda:FunctionUrlAuthType', async () => {
      await sweep('lambda:CreateFunctionUrlConfig', 'StringEquals', 'lambda:FunctionUrlAuthType', 'NONE', 'AWS_IAM',
        async (c) => lambda(c, 'POST', `/2021-10-31/functions/${await newFunction()}/url`, { AuthType: 'NONE' }), { upstreamMayFail: true });
    });

    test('CreateFunctionUrlConfig: lambda:FunctionArn is the function\'s ARN', async () => {
      // A fresh function for each attempt (a function has one URL configuration).
      await sweep('lambda:CreateFunctionUrlConfig', 'ArnLike', 'lambda:FunctionArn', `arn:aws:lambda:${REGION}:${account}:function:fn-*`, `arn:aws:lambda:${REGION}:${account}:function:other-*`,
        async (c) => lambda(c, 'POST', `/2021-10-31/functions/${await newFunction()}/url`, { AuthType: 'AWS_IAM' }), { upstreamMayFail: true });
    });

    test('CreateEventSourceMapping with FunctionName: lambda:FunctionArn', async () => {
      await sweep('lambda:CreateEventSourceMapping', 'ArnEquals', 'lambda:FunctionArn', functionArn, `arn:aws:lambda:${REGION}:${account}:function:other`,
        (c) => lambda(c, 'POST', '/2015-03-31/event-source-mappings/', { EventSourceArn: queueArn, FunctionName: functionName, BatchSize: 1 }), { upstreamMayFail: true });
    });

    test('CreateFunction with Layers: lambda:Layer (ForAnyValue)', async () => {
      const layer = `arn:aws:lambda:${REGION}:${account}:layer:shared:1`;
      await sweep('lambda:CreateFunction', 'ForAnyValue:StringEquals', 'lambda:Layer', layer, `arn:aws:lambda:${REGION}:${account}:layer:other:1`,
        (c) => lambda(c, 'POST', '/2015-03-31/functions', { FunctionName: unique('fn-layer'), Runtime: 'python3.12', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zipBase64 }, Layers: [layer] }), { upstreamMayFail: true });
    });

    test('CreateFunction with CodeSigningConfigArn: lambda:CodeSigningConfigArn', async () => {
      const csc = `arn:aws:lambda:${REGION}:${account}:code-signing-config:csc-0123456789abcdef0`;
      await sweep('lambda:CreateFunction', 'ArnEquals', 'lambda:CodeSigningConfigArn', csc, `arn:aws:lambda:${REGION}:${account}:code-signing-config:csc-0fedcba9876543210`,
        (c) => lambda(c, 'POST', '/2015-03-31/functions', { FunctionName: unique('fn-csc'), Runtime: 'python3.12', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: zipBase64 }, CodeSigningConfigArn: csc }), { upstreamMayFail: true });
    });

    test('PutFunctionCodeSigningConfig: lambda:CodeSigningConfigArn', async () => {
      const csc = `arn:aws:lambda:${REGION}:${account}:code-signing-config:csc-0123456789abcdef0`;
      await sweep('lambda:PutFunctionCodeSigningConfig', 'ArnEquals', 'lambda:CodeSigningConfigArn', csc, `arn:aws:lambda:${REGION}:${account}:code-signing-config:csc-0fedcba9876543210`,
        (c) => lambda(c, 'PUT', `/2020-06-30/functions/${functionName}/code-signing-config`, { CodeSigningConfigArn: csc }), { upstreamMayFail: true });
    });
  });
});
