// Attribute-based access control (ABAC) as the IAM User Guide teaches it ("IAM tutorial: Define
// permissions to access AWS resources based on tags"; "Define permissions based on attributes with
// ABAC authorization"; "Passing session tags in AWS STS"; "Chaining roles with session tags"),
// through Tessera's gateway in front of moto, across the protected services.
//
// One role, assumed with session tags team=red and team=blue (AssumeRole Tags, sts:TagSession in
// the trust policy). Its permission policy allows each service's actions only when
// aws:ResourceTag/team equals ${aws:PrincipalTag/team} (and, when the request carries tags, only
// when aws:RequestTag/team equals it too), and creating a resource only when aws:RequestTag/team
// equals ${aws:PrincipalTag/team}, with aws:TagKeys limited to team and name. S3 objects use
// s3:ExistingObjectTag / s3:RequestObjectTag (bucket ABAC with aws:ResourceTag needs the bucket's
// ABAC switched on with PutBucketAbac — S3 User Guide, "Enabling ABAC in general purpose buckets" —
// which moto does not implement; not covered here).
//
// The gateway reads resource tags upstream and caches them 5 s (docs/gateway.md, "What is read
// upstream, and when"): a tag written through Tessera is seen by the next decision at once, one
// written directly upstream once the entry expires.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { signRequest } from '../../src/sigv4/index.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { errorCode, sendRaw, type RawResponse } from '../support/raw-request.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import type { Credentials } from '../support/tessera-server.ts';

const V = '2012-10-17';
const REGION = 'us-east-1';
const TEAM = '${aws:PrincipalTag/team}';
type Tags = Record<string, string>;

// --- wire helpers -----------------------------------------------------------------------------

async function signed(baseUrl: string, credentials: Credentials, service: string, req: { method?: string; path?: string; headers?: Record<string, string>; body?: string }, extra: Record<string, string> = {}): Promise<RawResponse> {
  const host = new URL(baseUrl).host;
  const method = req.method ?? 'POST';
  const body = req.body ?? '';
  const s = signRequest({ method, path: req.path ?? '/', query: '', headers: { host, ...req.headers }, body }, credentials, { region: REGION, service, date: new Date() });
  return sendRaw(baseUrl, { method, path: s.path, headers: { ...s.headers, ...extra }, body });
}

function errorMessage(res: RawResponse): string {
  try {
    const parsed = JSON.parse(res.body) as Record<string, unknown>;
    const message = parsed['message'] ?? parsed['Message'];
    if (typeof message === 'string') return message;
  } catch { /* XML */ }
  return /<Message>([^<]*)<\/Message>/.exec(res.body)?.[1] ?? '';
}

const ok = (res: RawResponse, what: string) => assert.ok(res.status >= 200 && res.status < 300, `${what}: expected success, got ${res.status} ${res.body.slice(0, 400)}`);
const outcome = (res: RawResponse) => (res.status >= 200 && res.status < 300 ? 'ok' : `${res.status} ${errorCode(res)}`);

// --- the services ------------------------------------------------------------------------------

interface Resource { name: string; arn: string; ref: string }
interface Service {
  label: string;
  /** The service's own refusal: HTTP status and code. */
  denied: { status: number; code: string };
  /** Every action the ABAC statement covers (reading, writing, tagging). */
  actions: string[];
  /** The creating action and its tag-on-create action. */
  createActions: string[];
  create(c: Credentials, name: string, tags?: Tags): Promise<{ res: RawResponse; resource?: Resource }>;
  read: { action: string; call(c: Credentials, r: Resource): Promise<RawResponse> };
  write: { action: string; call(c: Credentials, r: Resource): Promise<RawResponse> };
  tag: { action: string; call(c: Credentials, r: Resource, tags: Tags): Promise<RawResponse> };
  /** The action as the refusal spells it (as given by default). */
  spelled?(action: string): string;
  /** The resource the refusal names (the ARN by default). */
  deniedResource?(r: Resource, action: string): string;
}

describe('ABAC with session tags through the gateway (IAM User Guide)', () => {
  let env: GatewayEnv;
  let account: string;
  let root: Credentials;
  let roleArn: string;
  let chainRoleArn: string;
  let userCreds: Credentials;
  let red: Credentials;
  let blue: Credentials;
  let redArn: string;
  let lambdaRole: string;
  let zip: string;
  const stamp = Date.now().toString(36);
  const url = () => env.server.url;

  const json = (version: '1.0' | '1.1', service: string, prefix: string) => (c: Credentials, op: string, payload: object) =>
    signed(url(), c, service, { headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': `${prefix}.${op}` }, body: JSON.stringify(payload) });
  const sqs = json('1.0', 'sqs', 'AmazonSQS');
  const ddb = json('1.0', 'dynamodb', 'DynamoDB_20120810');
  const kms = json('1.1', 'kms', 'TrentService');
  const sm = json('1.1', 'secretsmanager', 'secretsmanager');
  const ssm = json('1.1', 'ssm', 'AmazonSSM');
  const logs = json('1.1', 'logs', 'Logs_20140328');
  const sns = (c: Credentials, params: Record<string, string>) =>
    signed(url(), c, 'sns', { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams({ Version: '2010-03-31', ...params }).toString() });
  const lambda = (c: Credentials, method: string, path: string, payload?: object) =>
    signed(url(), c, 'lambda', { method, path, headers: { 'content-type': 'application/json' }, body: payload === undefined ? '' : JSON.stringify(payload) });
  const list = (tags: Tags = {}) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const snsTags = (tags: Tags) => Object.fromEntries(Object.entries(tags).flatMap(([k, v], i) => [[`Tags.member.${i + 1}.Key`, k], [`Tags.member.${i + 1}.Value`, v]]));

  const SERVICES: Service[] = [
    {
      label: 'SQS',
      // SQS answers a refusal as its Query form does: 403 AccessDenied (the JSON form's __type and
      // x-amzn-query-error name the same code).
      denied: { status: 403, code: 'AccessDenied' },
      actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage', 'sqs:TagQueue'],
      createActions: ['sqs:CreateQueue', 'sqs:TagQueue'],
      async create(c, name, tags) {
        const res = await sqs(c, 'CreateQueue', { QueueName: name, ...(tags ? { tags } : {}) });
        if (res.status !== 200) return { res };
        return { res, resource: { name, arn: `arn:aws:sqs:${REGION}:${account}:${name}`, ref: (JSON.parse(res.body) as { QueueUrl: string }).QueueUrl } };
      },
      read: { action: 'sqs:GetQueueAttributes', call: (c, r) => sqs(c, 'GetQueueAttributes', { QueueUrl: r.ref, AttributeNames: ['All'] }) },
      write: { action: 'sqs:SendMessage', call: (c, r) => sqs(c, 'SendMessage', { QueueUrl: r.ref, MessageBody: 'hello' }) },
      tag: { action: 'sqs:TagQueue', call: (c, r, tags) => sqs(c, 'TagQueue', { QueueUrl: r.ref, Tags: tags }) },
    },
    {
      label: 'SNS',
      denied: { status: 403, code: 'AuthorizationError' },
      // SNS writes its actions capitalised in its refusals ("… not authorized to perform: SNS:Publish …").
      spelled: (action) => action.replace(/^sns:/, 'SNS:'),
      actions: ['sns:GetTopicAttributes', 'sns:Publish', 'sns:TagResource'],
      createActions: ['sns:CreateTopic', 'sns:TagResource'],
      async create(c, name, tags) {
        const res = await sns(c, { Action: 'CreateTopic', Name: name, ...snsTags(tags ?? {}) });
        if (res.status !== 200) return { res };
        const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(res.body)![1]!;
        return { res, resource: { name, arn, ref: arn } };
      },
      read: { action: 'sns:GetTopicAttributes', call: (c, r) => sns(c, { Action: 'GetTopicAttributes', TopicArn: r.ref }) },
      write: { action: 'sns:Publish', call: (c, r) => sns(c, { Action: 'Publish', TopicArn: r.ref, Message: 'hello' }) },
      tag: { action: 'sns:TagResource', call: (c, r, tags) => sns(c, { Action: 'TagResource', ResourceArn: r.ref, ...snsTags(tags) }) },
    },
    {
      label: 'DynamoDB',
      denied: { status: 400, code: 'AccessDeniedException' },
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:TagResource', 'dynamodb:BatchGetItem'],
      createActions: ['dynamodb:CreateTable', 'dynamodb:TagResource'],
      async create(c, name, tags) {
        const res = await ddb(c, 'CreateTable', {
          TableName: name, BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          ...(tags ? { Tags: list(tags) } : {}),
        });
        if (res.status !== 200) return { res };
        const arn = `arn:aws:dynamodb:${REGION}:${account}:table/${name}`;
        return { res, resource: { name, arn, ref: name } };
      },
      read: { action: 'dynamodb:GetItem', call: (c, r) => ddb(c, 'GetItem', { TableName: r.ref, Key: { pk: { S: 'a' } } }) },
      write: { action: 'dynamodb:PutItem', call: (c, r) => ddb(c, 'PutItem', { TableName: r.ref, Item: { pk: { S: 'a' } } }) },
      tag: { action: 'dynamodb:TagResource', call: (c, r, tags) => ddb(c, 'TagResource', { ResourceArn: r.arn, Tags: list(tags) }) },
    },
    {
      label: 'KMS',
      denied: { status: 400, code: 'AccessDeniedException' },
      actions: ['kms:DescribeKey', 'kms:Encrypt', 'kms:TagResource', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      createActions: ['kms:CreateKey', 'kms:TagResource'],
      async create(c, name, tags) {
        const res = await kms(c, 'CreateKey', { Description: name, ...(tags ? { Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) } : {}) });
        if (res.status !== 200) return { res };
        const meta = (JSON.parse(res.body) as { KeyMetadata: { Arn: string; KeyId: string } }).KeyMetadata;
        return { res, resource: { name, arn: meta.Arn, ref: meta.Arn } };
      },
      read: { action: 'kms:DescribeKey', call: (c, r) => kms(c, 'DescribeKey', { KeyId: r.ref }) },
      write: { action: 'kms:Encrypt', call: (c, r) => kms(c, 'Encrypt', { KeyId: r.ref, Plaintext: Buffer.from('secret').toString('base64') }) },
      tag: { action: 'kms:TagResource', call: (c, r, tags) => kms(c, 'TagResource', { KeyId: r.ref, Tags: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }) },
    },
    {
      label: 'Lambda',
      denied: { status: 403, code: 'AccessDeniedException' },
      actions: ['lambda:GetFunction', 'lambda:UpdateFunctionConfiguration', 'lambda:TagResource'],
      createActions: ['lambda:CreateFunction', 'lambda:TagResource'],
      async create(c, name, tags) {
        const res = await lambda(c, 'POST', '/2015-03-31/functions', { FunctionName: name, Runtime: 'python3.12', Handler: 'index.handler', Role: lambdaRole, Code: { ZipFile: zip }, ...(tags ? { Tags: tags } : {}) });
        if (res.status !== 201) return { res };
        const arn = `arn:aws:lambda:${REGION}:${account}:function:${name}`;
        return { res, resource: { name, arn, ref: name } };
      },
      read: { action: 'lambda:GetFunction', call: (c, r) => lambda(c, 'GET', `/2015-03-31/functions/${r.ref}`) },
      write: { action: 'lambda:UpdateFunctionConfiguration', call: (c, r) => lambda(c, 'PUT', `/2015-03-31/functions/${r.ref}/configuration`, { Description: 'updated' }) },
      tag: { action: 'lambda:TagResource', call: (c, r, tags) => lambda(c, 'POST', `/2017-03-31/tags/${encodeURIComponent(r.arn)}`, { Tags: tags }) },
    },
    {
      label: 'Secrets Manager',
      denied: { status: 400, code: 'AccessDeniedException' },
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource'],
      createActions: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      async create(c, name, tags) {
        const res = await sm(c, 'CreateSecret', { Name: name, SecretString: 'v1', ...(tags ? { Tags: list(tags) } : {}) });
        if (res.status !== 200) return { res };
        const arn = (JSON.parse(res.body) as { ARN: string }).ARN;
        return { res, resource: { name, arn, ref: arn } };
      },
      read: { action: 'secretsmanager:GetSecretValue', call: (c, r) => sm(c, 'GetSecretValue', { SecretId: r.ref }) },
      write: { action: 'secretsmanager:PutSecretValue', call: (c, r) => sm(c, 'PutSecretValue', { SecretId: r.ref, SecretString: 'v2' }) },
      tag: { action: 'secretsmanager:TagResource', call: (c, r, tags) => sm(c, 'TagResource', { SecretId: r.ref, Tags: list(tags) }) },
    },
    {
      label: 'SSM parameters',
      denied: { status: 400, code: 'AccessDeniedException' },
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:AddTagsToResource'],
      createActions: ['ssm:PutParameter', 'ssm:AddTagsToResource'],
      async create(c, name, tags) {
        const res = await ssm(c, 'PutParameter', { Name: `/${name}`, Value: 'v1', Type: 'String', ...(tags ? { Tags: list(tags) } : {}) });
        if (res.status !== 200) return { res };
        return { res, resource: { name, arn: `arn:aws:ssm:${REGION}:${account}:parameter/${name}`, ref: `/${name}` } };
      },
      read: { action: 'ssm:GetParameter', call: (c, r) => ssm(c, 'GetParameter', { Name: r.ref }) },
      write: { action: 'ssm:PutParameter', call: (c, r) => ssm(c, 'PutParameter', { Name: r.ref, Value: 'v2', Type: 'String', Overwrite: true }) },
      tag: { action: 'ssm:AddTagsToResource', call: (c, r, tags) => ssm(c, 'AddTagsToResource', { ResourceType: 'Parameter', ResourceId: r.ref, Tags: list(tags) }) },
    },
    {
      label: 'CloudWatch Logs',
      denied: { status: 400, code: 'AccessDeniedException' },
      actions: ['logs:ListTagsForResource', 'logs:PutRetentionPolicy', 'logs:TagResource'],
      createActions: ['logs:CreateLogGroup', 'logs:TagResource'],
      async create(c, name, tags) {
        const res = await logs(c, 'CreateLogGroup', { logGroupName: name, ...(tags ? { tags } : {}) });
        if (res.status !== 200) return { res };
        return { res, resource: { name, arn: `arn:aws:logs:${REGION}:${account}:log-group:${name}`, ref: name } };
      },
      read: { action: 'logs:ListTagsForResource', call: (c, r) => logs(c, 'ListTagsForResource', { resourceArn: r.arn }) },
      write: { action: 'logs:PutRetentionPolicy', call: (c, r) => logs(c, 'PutRetentionPolicy', { logGroupName: r.ref, retentionInDays: 7 }) },
      tag: { action: 'logs:TagResource', call: (c, r, tags) => logs(c, 'TagResource', { resourceArn: r.arn, tags }) },
      // Actions named by logGroupName are refused on the group's ARN with an empty stream, as AWS
      // words them ("… logs:PutRetentionPolicy on resource: arn:aws:logs:…:log-group:<name>:log-stream:",
      // cloudposse/terraform-aws-cicd#33); those named by resourceArn, on the ARN given.
      deniedResource: (r, action) => (action === 'logs:PutRetentionPolicy' ? `${r.arn}:log-stream:` : r.arn),
    },
  ];

  /** The role's one ABAC policy (the tutorial's shape), plus what the test's fixtures need. */
  function abacPolicy(): Record<string, unknown> {
    return {
      Version: V,
      Statement: [
        {
          Sid: 'SameTeamOnly',
          Effect: 'Allow',
          Action: SERVICES.flatMap((s) => s.actions),
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:ResourceTag/team': TEAM },
            StringEqualsIfExists: { 'aws:RequestTag/team': TEAM },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'name'] },
          },
        },
        {
          Sid: 'CreateTaggedForOwnTeam',
          Effect: 'Allow',
          Action: SERVICES.flatMap((s) => s.createActions),
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:RequestTag/team': TEAM },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'name'] },
          },
        },
        { Sid: 'ObjectsOfOwnTeam', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*', Condition: { StringEquals: { 's3:ExistingObjectTag/team': TEAM } } },
        {
          Sid: 'PutObjectsForOwnTeam', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::*/*',
          Condition: { StringEquals: { 's3:RequestObjectTag/team': TEAM }, 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'name'] } },
        },
        {
          // PutObject with x-amz-tagging needs s3:PutObjectTagging too (Amazon S3 API Reference, PutObject);
          // a new object has no existing tags, hence IfExists.
          Sid: 'TagOwnObjectsForOwnTeam', Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: 'arn:aws:s3:::*/*',
          Condition: { StringEquals: { 's3:RequestObjectTag/team': TEAM }, StringEqualsIfExists: { 's3:ExistingObjectTag/team': TEAM }, 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team', 'name'] } },
        },
        { Sid: 'NoResource', Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
        { Sid: 'PassLambdaRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
        { Sid: 'Chain', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: `arn:aws:iam::${account}:role/abac-chain` },
      ],
    };
  }

  async function assume(who: Credentials, role: string, name: string, tags?: Tags, transitive?: string[]): Promise<Credentials & { arn: string }> {
    const out = await env.server.sts(who).send(new AssumeRoleCommand({
      RoleArn: role, RoleSessionName: name,
      ...(tags ? { Tags: list(tags) } : {}),
      ...(transitive ? { TransitiveTagKeys: transitive } : {}),
    }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, arn: out.AssumedRoleUser!.Arn! };
  }

  function assertDenied(svc: Service, res: RawResponse, action: string, resource: Resource, principal = redArn): void {
    assert.equal(res.status, svc.denied.status, `${svc.label} ${action}: status (${res.body.slice(0, 300)})`);
    assert.equal(errorCode(res), svc.denied.code, `${svc.label} ${action}: code`);
    const target = svc.deniedResource ? svc.deniedResource(resource, action) : resource.arn;
    const spelled = svc.spelled ? svc.spelled(action) : action;
    assert.equal(errorMessage(res), `User: ${principal} is not authorized to perform: ${spelled} on resource: ${target} because no identity-based policy allows the ${spelled} action`);
  }

  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    root = env.server.root;
    const iam = env.server.iam(root);
    roleArn = `arn:aws:iam::${account}:role/abac-role`;
    chainRoleArn = `arn:aws:iam::${account}:role/abac-chain`;
    const user = await iam.send(new CreateUserCommand({ UserName: 'abac-user' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'abac-user', PolicyName: 'assume', PolicyDocument: JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: roleArn }] }) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'abac-user' }));
    userCreds = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new CreateRoleCommand({
      RoleName: 'abac-role',
      AssumeRolePolicyDocument: JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: { AWS: user.User!.Arn! }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringLike: { 'aws:RequestTag/team': '*' } } }] }),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'abac-role', PolicyName: 'abac', PolicyDocument: JSON.stringify(abacPolicy()) }));
    await iam.send(new CreateRoleCommand({
      RoleName: 'abac-chain',
      AssumeRolePolicyDocument: JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: { AWS: roleArn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] }),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'abac-chain', PolicyName: 'abac', PolicyDocument: JSON.stringify(abacPolicy()) }));
    const r = await assume(userCreds, roleArn, 'red-session', { team: 'red' });
    red = r;
    redArn = r.arn;
    blue = await assume(userCreds, roleArn, 'blue-session', { team: 'blue' });
    lambdaRole = await createMotoServiceRole(env.moto.url, account, 'abac-fn-role');
    zip = readFileSync(lambdaZip()).toString('base64');
  });
  after(() => env?.stop());

  test('the sessions are the role\'s, named as AWS names assumed-role sessions', () => {
    assert.equal(redArn, `arn:aws:sts::${account}:assumed-role/abac-role/red-session`);
  });

  for (const svc of SERVICES) {
    describe(svc.label, () => {
      let mine: Resource;
      let theirs: Resource;
      const n = (what: string) => `abac-${svc.label.replace(/\W/g, '').toLowerCase()}-${what}-${stamp}`;

      before(async () => {
        const a = await svc.create(red, n('red'), { team: 'red', name: 'r' });
        ok(a.res, `${svc.label}: red creates a team=red resource`);
        mine = a.resource!;
        const b = await svc.create(blue, n('blue'), { team: 'blue' });
        ok(b.res, `${svc.label}: blue creates a team=blue resource`);
        theirs = b.resource!;
      });

      test('creating: team=red succeeds for red (before); team=blue, no tag, or another tag key is refused', async () => {
        const got = {
          otherTeam: outcome((await svc.create(red, n('x1'), { team: 'blue' })).res),
          noTag: outcome((await svc.create(red, n('x2'))).res),
          extraKey: outcome((await svc.create(red, n('x3'), { team: 'red', owner: 'me' })).res),
        };
        const refused = `${svc.denied.status} ${svc.denied.code}`;
        assert.deepEqual(got, { otherTeam: refused, noTag: refused, extraKey: refused });
      });

      test('red reads and writes the red resource', async () => {
        ok(await svc.read.call(red, mine), `${svc.read.action} on red's`);
        ok(await svc.write.call(red, mine), `${svc.write.action} on red's`);
      });

      test('red is refused reading and writing the blue resource, in the service\'s own words', async () => {
        assertDenied(svc, await svc.read.call(red, theirs), svc.read.action, theirs);
        assertDenied(svc, await svc.write.call(red, theirs), svc.write.action, theirs);
        // and blue is not
        ok(await svc.read.call(blue, theirs), `${svc.read.action} by blue on blue's`);
      });

      test('retagging: red may not give its resource team=blue or a new tag key; team=red name=… is allowed', async () => {
        assertDenied(svc, await svc.tag.call(red, mine, { team: 'blue' }), svc.tag.action, mine);
        assert.equal(outcome(await svc.tag.call(red, mine, { owner: 'x' })), `${svc.denied.status} ${svc.denied.code}`);
        ok(await svc.tag.call(red, mine, { team: 'red', name: 'renamed' }), `${svc.tag.action} team=red`);
        ok(await svc.read.call(red, mine), 'the resource is still red\'s');
      });

      test('a tag changed by root through Tessera is seen by the very next decision', async () => {
        ok(await svc.read.call(red, mine), 'primes the cache with team=red');
        ok(await svc.tag.call(root, mine, { team: 'blue' }), 'root retags to blue');
        assertDenied(svc, await svc.read.call(red, mine), svc.read.action, mine);
        ok(await svc.tag.call(root, mine, { team: 'red' }), 'root retags back to red');
        ok(await svc.read.call(red, mine), 'red again at once');
      });
    });
  }

  describe('S3 objects (s3:ExistingObjectTag, s3:RequestObjectTag)', () => {
    const bucket = `abac-objects-${stamp}`;
    const code = async (p: Promise<unknown>) => { try { await p; return 'ok'; } catch (e) { return `${(e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode} ${(e as Error).name}`; } };
    before(async () => {
      const s3 = env.s3(root);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'red.txt', Body: 'r', Tagging: 'team=red' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'blue.txt', Body: 'b', Tagging: 'team=blue' }));
    });

    test('red reads the red object; the blue one is AccessDenied naming s3:GetObject and the object', async () => {
      const s3 = env.s3(red);
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'red.txt' }))).Body!.transformToString(), 'r');
      const res = await signed(url(), red, 's3', { method: 'GET', path: `/${bucket}/blue.txt` });
      assert.equal(res.status, 403);
      assert.equal(errorCode(res), 'AccessDenied');
      assert.equal(errorMessage(res), `User: ${redArn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/blue.txt" because no identity-based policy allows the s3:GetObject action`);
    });

    test('PutObject: tagged team=red succeeds; team=blue, untagged, or another key is refused', async () => {
      const s3 = env.s3(red);
      const got = {
        red: await code(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new-red.txt', Body: 'x', Tagging: 'team=red&name=n' }))),
        blue: await code(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new-blue.txt', Body: 'x', Tagging: 'team=blue' }))),
        none: await code(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new-none.txt', Body: 'x' }))),
        extraKey: await code(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'new-extra.txt', Body: 'x', Tagging: 'team=red&owner=me' }))),
      };
      assert.deepEqual(got, { red: 'ok', blue: '403 AccessDenied', none: '403 AccessDenied', extraKey: '403 AccessDenied' });
    });

    test('PutObjectTagging to team=blue on the red object is refused; root\'s retag through Tessera is seen at once', async () => {
      const s3 = env.s3(red);
      assert.equal(await code(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'red.txt', Tagging: { TagSet: [{ Key: 'team', Value: 'blue' }] } }))), '403 AccessDenied');
      assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'red.txt' }))), 'ok');
      await env.s3(root).send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'red.txt', Tagging: { TagSet: [{ Key: 'team', Value: 'blue' }] } }));
      assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'red.txt' }))), '403 AccessDenied');
      await env.s3(root).send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'red.txt', Tagging: { TagSet: [{ Key: 'team', Value: 'red' }] } }));
      assert.equal(await code(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'red.txt' }))), 'ok');
    });
  });

  test('a tag changed directly on moto is seen once the 5 s cache entry expires (SQS, DynamoDB, SSM)', async () => {
    const motoHeaders = { 'x-moto-account-id': account };
    const q = (await SERVICES[0]!.create(red, `abac-direct-q-${stamp}`, { team: 'red' })).resource!;
    const t = (await SERVICES[2]!.create(red, `abac-direct-t-${stamp}`, { team: 'red' })).resource!;
    const p = (await SERVICES[6]!.create(red, `abac-direct-p-${stamp}`, { team: 'red' })).resource!;
    const reads = async () => ({
      sqs: outcome(await SERVICES[0]!.read.call(red, q)),
      dynamodb: outcome(await SERVICES[2]!.read.call(red, t)),
      ssm: outcome(await SERVICES[6]!.read.call(red, p)),
    });
    assert.deepEqual(await reads(), { sqs: 'ok', dynamodb: 'ok', ssm: 'ok' });
    const m = env.moto.url;
    const direct = (service: string, target: string, version: string, payload: object) =>
      signed(m, { accessKeyId: 'test', secretAccessKey: 'test' }, service, { headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: JSON.stringify(payload) }, motoHeaders);
    ok(await direct('sqs', 'AmazonSQS.TagQueue', '1.0', { QueueUrl: `${m}/${account}/${q.name}`, Tags: { team: 'blue' } }), 'moto TagQueue');
    ok(await direct('dynamodb', 'DynamoDB_20120810.TagResource', '1.0', { ResourceArn: t.arn, Tags: [{ Key: 'team', Value: 'blue' }] }), 'moto TagResource');
    ok(await direct('ssm', 'AmazonSSM.AddTagsToResource', '1.1', { ResourceType: 'Parameter', ResourceId: p.ref, Tags: [{ Key: 'team', Value: 'blue' }] }), 'moto AddTagsToResource');
    await new Promise((resolve) => setTimeout(resolve, 5300));
    assert.deepEqual(await reads(), { sqs: '403 AccessDenied', dynamodb: '400 AccessDeniedException', ssm: '400 AccessDeniedException' });
  });

  describe("other names of the same resource, and where the principal's tags come from", () => {
    const svc = (label: string) => SERVICES.find((s) => s.label === label)!;
    const make = async (label: string, who: Credentials, what: string, team: string) => {
      const made = await svc(label).create(who, `abac-id-${label.replace(/\W/g, '').toLowerCase()}-${what}-${stamp}`, { team });
      ok(made.res, `${label} ${what}`);
      return made.resource!;
    };

    test('KMS: the blue key named by its alias or its bare key ID is still the blue key', async () => {
      const k = svc('KMS');
      const theirs = await make('KMS', blue, 'blue', 'blue');
      const alias = `alias/abac-blue-${stamp}`;
      ok(await kms(root, 'CreateAlias', { AliasName: alias, TargetKeyId: theirs.arn }), 'root CreateAlias');
      const keyId = theirs.arn.split('/').pop()!;
      assertDenied(k, await kms(red, 'Encrypt', { KeyId: alias, Plaintext: Buffer.from('x').toString('base64') }), 'kms:Encrypt', theirs);
      assertDenied(k, await kms(red, 'Encrypt', { KeyId: keyId, Plaintext: Buffer.from('x').toString('base64') }), 'kms:Encrypt', theirs);
      ok(await kms(blue, 'Encrypt', { KeyId: alias, Plaintext: Buffer.from('x').toString('base64') }), 'blue by alias');
    });

    test('KMS: a retag by bare key ID through Tessera is seen at once by a request naming the key by ARN or alias', async () => {
      const k = svc('KMS');
      const mine = await make('KMS', red, 'red', 'red');
      const alias = `alias/abac-red-${stamp}`;
      ok(await kms(root, 'CreateAlias', { AliasName: alias, TargetKeyId: mine.arn }), 'root CreateAlias');
      ok(await kms(red, 'DescribeKey', { KeyId: mine.arn }), 'primes by ARN');
      ok(await kms(red, 'Encrypt', { KeyId: alias, Plaintext: 'eA==' }), 'primes by alias');
      ok(await kms(root, 'TagResource', { KeyId: mine.arn.split('/').pop()!, Tags: [{ TagKey: 'team', TagValue: 'blue' }] }), 'root retags by key ID');
      assertDenied(k, await kms(red, 'DescribeKey', { KeyId: mine.arn }), 'kms:DescribeKey', mine);
      assertDenied(k, await kms(red, 'Encrypt', { KeyId: alias, Plaintext: 'eA==' }), 'kms:Encrypt', mine);
    });

    test('Secrets Manager: the blue secret named by its name is refused; a retag by name is seen by a request by ARN at once', async () => {
      const s = svc('Secrets Manager');
      const theirs = await make('Secrets Manager', blue, 'blue', 'blue');
      // Secrets Manager names the secret as the request gave it ("… on resource: cfn/atlas/profile/development
      // because …", mongodb/awscdk-resources-mongodbatlas#207).
      assertDenied(s, await sm(red, 'GetSecretValue', { SecretId: theirs.name }), 'secretsmanager:GetSecretValue', { ...theirs, arn: theirs.name });
      const mine = await make('Secrets Manager', red, 'red', 'red');
      ok(await sm(red, 'GetSecretValue', { SecretId: mine.arn }), 'primes by ARN');
      ok(await sm(root, 'TagResource', { SecretId: mine.name, Tags: [{ Key: 'team', Value: 'blue' }] }), 'root retags by name');
      assertDenied(s, await sm(red, 'GetSecretValue', { SecretId: mine.arn }), 'secretsmanager:GetSecretValue', mine);
    });

    test('Lambda: the blue function named by its ARN or partial ARN is refused', async () => {
      const l = svc('Lambda');
      const theirs = await make('Lambda', blue, 'blue', 'blue');
      assertDenied(l, await lambda(red, 'GET', `/2015-03-31/functions/${encodeURIComponent(theirs.arn)}`), 'lambda:GetFunction', theirs);
      assertDenied(l, await lambda(red, 'GET', `/2015-03-31/functions/${encodeURIComponent(`${account}:function:${theirs.name}`)}`), 'lambda:GetFunction', theirs);
    });

    test('SNS: Publish to the blue topic given as TargetArn is refused', async () => {
      const n = svc('SNS');
      const theirs = await make('SNS', blue, 'blue', 'blue');
      assertDenied(n, await sns(red, { Action: 'Publish', TargetArn: theirs.arn, Message: 'x' }), 'sns:Publish', theirs);
    });

    test('an IAM user\'s own tags are its aws:PrincipalTag (the tutorial\'s users)', async () => {
      const q = svc('SQS');
      const iam = env.server.iam(root);
      await iam.send(new CreateUserCommand({ UserName: 'abac-red-user', Tags: [{ Key: 'team', Value: 'red' }] }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'abac-red-user', PolicyName: 'abac', PolicyDocument: JSON.stringify({
        // A user's inline policies are limited to 2,048 characters: the SQS part of the role's policy.
        Version: V,
        Statement: [{ Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': TEAM } } }],
      }) }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'abac-red-user' }));
      const user: Credentials = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
      const mine = await make('SQS', red, 'user-red', 'red');
      const theirs = await make('SQS', blue, 'user-blue', 'blue');
      ok(await q.read.call(user, mine), 'the red user reads the red queue');
      assertDenied(q, await q.read.call(user, theirs), 'sqs:GetQueueAttributes', theirs, `arn:aws:iam::${account}:user/abac-red-user`);
    });

    test('a session tag overrides the role\'s tag of the same key', async () => {
      const q = svc('SQS');
      const iam = env.server.iam(root);
      await iam.send(new TagRoleCommand({ RoleName: 'abac-role', Tags: [{ Key: 'team', Value: 'blue' }] }));
      try {
        const session = await assume(userCreds, roleArn, 'red-over-role-tag', { team: 'red' });
        const mine = await make('SQS', red, 'override-red', 'red');
        const theirs = await make('SQS', blue, 'override-blue', 'blue');
        ok(await q.read.call(session, mine), 'the session is red');
        assertDenied(q, await q.read.call(session, theirs), 'sqs:GetQueueAttributes', theirs, session.arn);
      } finally {
        await iam.send(new UntagRoleCommand({ RoleName: 'abac-role', TagKeys: ['team'] }));
      }
    });
  });

  describe('requests that name several resources, or read one to write another', () => {
    const svc = (label: string) => SERVICES.find((s) => s.label === label)!;
    const make = async (label: string, who: Credentials, what: string, team: string) => {
      const made = await svc(label).create(who, `abac-multi-${label.replace(/\W/g, '').toLowerCase()}-${what}-${stamp}`, { team });
      ok(made.res, `${label} ${what}`);
      return made.resource!;
    };

    test('DynamoDB BatchGetItem and TransactGetItems over the red and the blue table are refused on the blue one', async () => {
      const d = svc('DynamoDB');
      const mine = await make('DynamoDB', red, 'red', 'red');
      const theirs = await make('DynamoDB', blue, 'blue', 'blue');
      ok(await ddb(red, 'BatchGetItem', { RequestItems: { [mine.name]: { Keys: [{ pk: { S: 'a' } }] } } }), 'BatchGetItem on red alone');
      assertDenied(d, await ddb(red, 'BatchGetItem', { RequestItems: { [mine.name]: { Keys: [{ pk: { S: 'a' } }] }, [theirs.name]: { Keys: [{ pk: { S: 'a' } }] } } }), 'dynamodb:BatchGetItem', theirs);
      // TransactGetItems has no IAM action of its own: each Get is dynamodb:GetItem on its table.
      ok(await ddb(red, 'TransactGetItems', { TransactItems: [{ Get: { TableName: mine.name, Key: { pk: { S: 'a' } } } }] }), 'TransactGetItems on red alone');
      assertDenied(d, await ddb(red, 'TransactGetItems', { TransactItems: [{ Get: { TableName: mine.name, Key: { pk: { S: 'a' } } } }, { Get: { TableName: theirs.name, Key: { pk: { S: 'a' } } } }] }), 'dynamodb:GetItem', theirs);
    });

    test('KMS ReEncrypt from the red key to the blue key is refused (kms:ReEncryptTo on the blue key)', async () => {
      const k = svc('KMS');
      const mine = await make('KMS', red, 'red', 'red');
      const theirs = await make('KMS', blue, 'blue', 'blue');
      const enc = await kms(red, 'Encrypt', { KeyId: mine.arn, Plaintext: Buffer.from('x').toString('base64') });
      ok(enc, 'Encrypt under red');
      const blob = (JSON.parse(enc.body) as { CiphertextBlob: string }).CiphertextBlob;
      ok(await kms(red, 'ReEncrypt', { CiphertextBlob: blob, SourceKeyId: mine.arn, DestinationKeyId: mine.arn }), 'ReEncrypt red → red');
      assertDenied(k, await kms(red, 'ReEncrypt', { CiphertextBlob: blob, SourceKeyId: mine.arn, DestinationKeyId: theirs.arn }), 'kms:ReEncryptTo', theirs);
    });

    // Secrets Manager API Reference, BatchGetSecretValue: "If Secrets Manager encounters errors such as
    // AccessDeniedException while attempting to retrieve any of the secrets, you can see the errors in
    // Errors in the response" (APIErrorType: ErrorCode AccessDeniedException, SecretId as given).
    test('Secrets Manager BatchGetSecretValue returns the red secret and an AccessDeniedException entry for the blue one', async () => {
      const mine = await make('Secrets Manager', red, 'red', 'red');
      const theirs = await make('Secrets Manager', blue, 'blue', 'blue');
      const all = await sm(root, 'BatchGetSecretValue', { SecretIdList: [mine.arn, theirs.arn] });
      ok(all, 'root BatchGetSecretValue (moto answers it)');
      assert.deepEqual((JSON.parse(all.body) as { SecretValues: { ARN: string }[] }).SecretValues.map((v) => v.ARN).sort(), [mine.arn, theirs.arn].sort());
      const res = await sm(red, 'BatchGetSecretValue', { SecretIdList: [mine.arn, theirs.arn] });
      ok(res, 'BatchGetSecretValue');
      const body = JSON.parse(res.body) as { SecretValues: { ARN: string; SecretString: string }[]; Errors?: { SecretId: string; ErrorCode: string }[] };
      assert.deepEqual(body.SecretValues.map((v) => v.ARN), [mine.arn]);
      assert.deepEqual((body.Errors ?? []).map((e) => [e.SecretId, e.ErrorCode]), [[theirs.arn, 'AccessDeniedException']]);
      // Every secret refused: no value, an error for each (the upstream is not asked).
      const none = await sm(red, 'BatchGetSecretValue', { SecretIdList: [theirs.arn] });
      ok(none, 'BatchGetSecretValue of refused secrets only');
      const refused = JSON.parse(none.body) as { SecretValues: unknown[]; Errors: { SecretId: string; ErrorCode: string; Message: string }[] };
      assert.deepEqual(refused.SecretValues, []);
      assert.deepEqual(refused.Errors.map((e) => [e.SecretId, e.ErrorCode]), [[theirs.arn, 'AccessDeniedException']]);
      assert.match(refused.Errors[0]!.Message, /is not authorized to perform: secretsmanager:GetSecretValue on resource: /);
      // BatchGetSecretValue itself refused: the whole request is refused, as before.
      const nobody = await sm(blue, 'BatchGetSecretValue', { Filters: [{ Key: 'name', Values: ['x'] }] });
      assert.equal(nobody.status, 400);
      assert.match(nobody.body, /AccessDeniedException/);
    });

    test('S3 CopyObject of the blue object into a new red-tagged object is refused (s3:GetObject on the source)', async () => {
      const bucket = `abac-copy-${stamp}`;
      await env.s3(root).send(new CreateBucketCommand({ Bucket: bucket }));
      await env.s3(root).send(new PutObjectCommand({ Bucket: bucket, Key: 'blue.txt', Body: 'b', Tagging: 'team=blue' }));
      await env.s3(root).send(new PutObjectCommand({ Bucket: bucket, Key: 'red.txt', Body: 'r', Tagging: 'team=red' }));
      const copy = (source: string, key: string) => env.s3(red).send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${source}`, TaggingDirective: 'REPLACE', Tagging: 'team=red' })).then(() => 'ok', (e: Error) => e.name);
      assert.deepEqual({ fromRed: await copy('red.txt', 'copy-of-red.txt'), fromBlue: await copy('blue.txt', 'copy-of-blue.txt') }, { fromRed: 'ok', fromBlue: 'AccessDenied' });
    });
  });

  describe('role chaining with session tags', () => {
    test('a transitive team=red tag survives a second AssumeRole: the chained session is red', async () => {
      const first = await assume(userCreds, roleArn, 'red-transitive', { team: 'red' }, ['team']);
      const chained = await assume(first, chainRoleArn, 'chained');
      assert.equal(chained.arn, `arn:aws:sts::${account}:assumed-role/abac-chain/chained`);
      const svc = SERVICES[0]!;
      const mine = (await svc.create(chained, `abac-chain-red-${stamp}`, { team: 'red' }));
      ok(mine.res, 'the chained session creates a team=red queue');
      ok(await svc.read.call(chained, mine.resource!), 'reads it');
      const theirs = (await svc.create(blue, `abac-chain-blue-${stamp}`, { team: 'blue' })).resource!;
      assertDenied(svc, await svc.read.call(chained, theirs), svc.read.action, theirs, chained.arn);
    });

    test('a tag that was not transitive does not survive: the chained session has no team', async () => {
      const first = await assume(userCreds, roleArn, 'red-plain', { team: 'red' });
      const chained = await assume(first, chainRoleArn, 'chained-plain');
      const svc = SERVICES[0]!;
      const redQueue = (await svc.create(red, `abac-chain-plain-${stamp}`, { team: 'red' })).resource!;
      assertDenied(svc, await svc.read.call(chained, redQueue), svc.read.action, redQueue, chained.arn);
      assert.equal(outcome((await svc.create(chained, `abac-chain-none-${stamp}`, { team: 'red' })).res), '403 AccessDenied');
    });

    test('the chained session cannot set a transitive tag to another value', async () => {
      const first = await assume(userCreds, roleArn, 'red-override', { team: 'red' }, ['team']);
      const err = await env.server.sts(first).send(new AssumeRoleCommand({ RoleArn: chainRoleArn, RoleSessionName: 'override', Tags: [{ Key: 'team', Value: 'blue' }] })).then(() => null, (e: Error) => e);
      assert.ok(err, 'AssumeRole overriding a transitive tag must fail');
      assert.equal(err.name, 'InvalidParameterValue');
    });
  });
});
