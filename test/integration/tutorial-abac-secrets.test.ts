// AWS's "IAM tutorial: Define permissions to access AWS resources based on tags" (ABAC with
// Secrets Manager), step by step with the aws CLI against Tessera in front of moto_server: users
// tagged with a project, team and cost center assume roles tagged alike; the roles' one ABAC
// policy lets them create, read, update and delete only the secrets whose tags match theirs.
// Also tag on create for the other services: a creating call that carries tags needs the tagging
// action too (src/gateway/tag-on-create.ts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AttachRolePolicyCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { allow, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { createMotoServiceRole, lambdaZip } from '../support/moto-iam.ts';
import type { Credentials } from '../support/tessera-server.ts';

const TAGS = ['access-project', 'access-team', 'cost-center'] as const;
const principalTag = (key: string) => '${aws:PrincipalTag/' + key + '}';

/** The tutorial's access-same-project-team policy, as AWS writes it. */
const ABAC_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllActionsSecretsManagerSameProjectSameTeam',
      Effect: 'Allow',
      Action: 'secretsmanager:*',
      Resource: '*',
      Condition: {
        StringEquals: Object.fromEntries(TAGS.map((key) => [`aws:ResourceTag/${key}`, principalTag(key)])),
        'ForAllValues:StringEquals': { 'aws:TagKeys': [...TAGS, 'Name', 'OwnedBy'] },
        StringEqualsIfExists: Object.fromEntries(TAGS.map((key) => [`aws:RequestTag/${key}`, principalTag(key)])),
      },
    },
    { Sid: 'AllResourcesSecretsManagerNoTags', Effect: 'Allow', Action: ['secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'], Resource: '*' },
    {
      Sid: 'ReadSecretsManagerSameTeam',
      Effect: 'Allow',
      Action: ['secretsmanager:Describe*', 'secretsmanager:Get*', 'secretsmanager:List*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/access-team': principalTag('access-team') } },
    },
    { Sid: 'DenyUntagSecretsManagerReservedTags', Effect: 'Deny', Action: 'secretsmanager:UntagResource', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'access-*' } } },
    { Sid: 'DenyPermissionsManagement', Effect: 'Deny', Action: 'secretsmanager:*Policy', Resource: '*' },
  ],
};

type Who = { project: string; team: string; cost: string };
const PEG_ENG: Who = { project: 'peg', team: 'eng', cost: '987654' };
const UNI_ENG: Who = { project: 'uni', team: 'eng', cost: '123456' };
const PEG_QAS: Who = { project: 'peg', team: 'qas', cost: '987654' };
const tagList = (who: Who) => [{ Key: 'access-project', Value: who.project }, { Key: 'access-team', Value: who.team }, { Key: 'cost-center', Value: who.cost }];
const cliTags = (who: Who, extra: string[] = []) => ['--tags', `Key=access-project,Value=${who.project}`, `Key=access-team,Value=${who.team}`, `Key=cost-center,Value=${who.cost}`, ...extra];

describe('IAM tutorial: ABAC with Secrets Manager, through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  let arnavKey: Credentials;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
    const iam = env.server.iam(env.server.root);
    const assumePolicy = await iam.send(new CreatePolicyCommand({
      PolicyName: 'access-assume-role',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'TutorialAssumeRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/access-*`,
          Condition: { StringEquals: Object.fromEntries(TAGS.map((key) => [`iam:ResourceTag/${key}`, principalTag(key)])) },
        }],
      }),
    }));
    const abac = await iam.send(new CreatePolicyCommand({ PolicyName: 'access-same-project-team', PolicyDocument: JSON.stringify(ABAC_POLICY) }));
    await iam.send(new CreateUserCommand({ UserName: 'access-Arnav-peg-eng', Tags: tagList(PEG_ENG) }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'access-Arnav-peg-eng', PolicyArn: assumePolicy.Policy!.Arn! }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'access-Arnav-peg-eng' }));
    arnavKey = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] });
    for (const [name, who] of [['access-peg-engineering', PEG_ENG], ['access-uni-engineering', UNI_ENG]] as const) {
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, Tags: tagList(who) }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: abac.Policy!.Arn! }));
    }
  });
  after(() => env?.stop());

  const pegEngineering = async (): Promise<Credentials> => {
    const answer = await env.server.sts(arnavKey).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/access-peg-engineering`, RoleSessionName: 'arnav' }));
    const c = answer.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  };

  test('step 3: a user assumes only the role whose tags match their own', async () => {
    const refused = await env.cli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/access-uni-engineering`, '--role-session-name', 'arnav'], arnavKey);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied.*is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/access-uni-engineering/);
    await pegEngineering();
  });

  test('step 4: the role creates a secret tagged with its own project, team and cost center — and no other', async () => {
    const role = await pegEngineering();
    const created = await env.cli(['secretsmanager', 'create-secret', '--name', 'test-access-peg-eng', '--secret-string', 'peg-eng', ...cliTags(PEG_ENG)], role);
    assert.equal(created.code, 0, created.stderr);
    assert.match(JSON.parse(created.stdout).ARN, /:secret:test-access-peg-eng-[A-Za-z0-9]{6}$/);
    const other = await env.cli(['secretsmanager', 'create-secret', '--name', 'test-access-uni-eng', '--secret-string', 'x', ...cliTags(UNI_ENG)], role);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /AccessDeniedException.*not authorized to perform: secretsmanager:CreateSecret on resource: arn:aws:secretsmanager:us-east-1:\d{12}:secret:test-access-uni-eng/);
    const untagged = await env.cli(['secretsmanager', 'create-secret', '--name', 'test-access-none', '--secret-string', 'x'], role);
    assert.notEqual(untagged.code, 0, 'a secret without the tags has no matching aws:ResourceTag');
    const extraKey = await env.cli(['secretsmanager', 'create-secret', '--name', 'test-access-extra', '--secret-string', 'x', ...cliTags(PEG_ENG, ['Key=other,Value=x'])], role);
    assert.notEqual(extraKey.code, 0, 'a tag key outside the policy\'s aws:TagKeys list');
    assert.match(extraKey.stderr, /not authorized to perform: secretsmanager:CreateSecret/);
    const listed = await env.cli(['secretsmanager', 'list-secrets', '--query', 'SecretList[].Name', '--output', 'text'], env.server.root);
    assert.deepEqual(listed.stdout.trim().split(/\s+/).filter((name) => name.startsWith('test-access')), ['test-access-peg-eng'], 'nothing refused was created upstream');
  });

  test('steps 5 and 7: read the same team\'s secrets, change only the same project\'s, never the reserved tags or the policy', async () => {
    for (const [name, who] of [['test-access-peg-qas', PEG_QAS], ['test-access-uni-eng2', UNI_ENG]] as const) {
      const made = await env.cli(['secretsmanager', 'create-secret', '--name', name, '--secret-string', `value-of-${name}`, ...cliTags(who)], env.server.root);
      assert.equal(made.code, 0, made.stderr);
    }
    const role = await pegEngineering();
    const sameTeam = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'test-access-uni-eng2', '--query', 'SecretString', '--output', 'text'], role);
    assert.equal(sameTeam.stdout.trim(), 'value-of-test-access-uni-eng2', sameTeam.stderr);
    const otherTeam = await env.cli(['secretsmanager', 'get-secret-value', '--secret-id', 'test-access-peg-qas'], role);
    assert.match(otherTeam.stderr, /AccessDeniedException.*secretsmanager:GetSecretValue.*because no identity-based policy allows/);
    assert.equal((await env.cli(['secretsmanager', 'update-secret', '--secret-id', 'test-access-peg-eng', '--description', 'updated'], role)).code, 0);
    assert.notEqual((await env.cli(['secretsmanager', 'update-secret', '--secret-id', 'test-access-uni-eng2', '--description', 'no'], role)).code, 0, 'same team, other project: read only');
    assert.equal((await env.cli(['secretsmanager', 'tag-resource', '--secret-id', 'test-access-peg-eng', '--tags', 'Key=Name,Value=db'], role)).code, 0);
    const foreignTag = await env.cli(['secretsmanager', 'tag-resource', '--secret-id', 'test-access-peg-eng', '--tags', 'Key=other,Value=x'], role);
    assert.match(foreignTag.stderr, /secretsmanager:TagResource.*because no identity-based policy allows/);
    const untagReserved = await env.cli(['secretsmanager', 'untag-resource', '--secret-id', 'test-access-peg-eng', '--tag-keys', 'access-team'], role);
    assert.match(untagReserved.stderr, /secretsmanager:UntagResource.*with an explicit deny in an identity-based policy/);
    const policy = await env.cli(['secretsmanager', 'put-resource-policy', '--secret-id', 'test-access-peg-eng', '--resource-policy', JSON.stringify(allow('secretsmanager:GetSecretValue', '*', { Principal: { AWS: `arn:aws:iam::${account}:root` } }))], role);
    assert.match(policy.stderr, /secretsmanager:PutResourcePolicy.*with an explicit deny in an identity-based policy/);
    assert.notEqual((await env.cli(['secretsmanager', 'delete-secret', '--secret-id', 'test-access-peg-qas'], role)).code, 0);
    assert.equal((await env.cli(['secretsmanager', 'delete-secret', '--secret-id', 'test-access-peg-eng', '--force-delete-without-recovery'], role)).code, 0);
  });
});

describe('tag on create through the gateway: the tagging action is needed too', () => {
  let env: GatewayEnv;
  before(async () => {
    env = await startGatewayEnv();
  });
  after(() => env?.stop());

  test('SQS CreateQueue with tags needs sqs:TagQueue; without tags it does not', async () => {
    const creator = await env.user('queue-creator', [allow('sqs:CreateQueue')]);
    const plain = await env.cli(['sqs', 'create-queue', '--queue-name', 'plain-q'], creator);
    assert.equal(plain.code, 0, plain.stderr);
    const tagged = await env.cli(['sqs', 'create-queue', '--queue-name', 'tagged-q', '--tags', 'team=blue'], creator);
    assert.notEqual(tagged.code, 0);
    assert.match(tagged.stderr, /not authorized to perform: sqs:TagQueue on resource: arn:aws:sqs:us-east-1:\d{12}:tagged-q because no identity-based policy allows the sqs:TagQueue action/);
    const listed = await env.cli(['sqs', 'list-queues', '--output', 'text'], env.server.root);
    assert.doesNotMatch(listed.stdout, /tagged-q/, 'the refused queue was not created');
    const tagger = await env.user('queue-tagger', [allow(['sqs:CreateQueue', 'sqs:TagQueue'], '*', { Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } } })]);
    assert.equal((await env.cli(['sqs', 'create-queue', '--queue-name', 'tagged-q', '--tags', 'team=blue'], tagger)).code, 0, 'allowed both actions for team=blue');
    assert.notEqual((await env.cli(['sqs', 'create-queue', '--queue-name', 'red-q', '--tags', 'team=red'], tagger)).code, 0, 'not for another team');
  });

  test('SNS CreateTopic, KMS CreateKey and Secrets Manager CreateSecret with tags need their tagging action', async () => {
    const creator = await env.user('creator', [allow(['sns:CreateTopic', 'kms:CreateKey', 'secretsmanager:CreateSecret'])]);
    const topic = await env.cli(['sns', 'create-topic', '--name', 't1', '--tags', 'Key=team,Value=a'], creator);
    assert.match(topic.stderr, /AuthorizationError.*SNS:TagResource/);
    const key = await env.cli(['kms', 'create-key', '--tags', 'TagKey=team,TagValue=a'], creator);
    assert.match(key.stderr, /AccessDeniedException.*not authorized to perform: kms:TagResource because no identity-based policy allows the kms:TagResource action/);
    const secret = await env.cli(['secretsmanager', 'create-secret', '--name', 's1', '--secret-string', 'x', '--tags', 'Key=team,Value=a'], creator);
    assert.match(secret.stderr, /AccessDeniedException.*secretsmanager:TagResource/);
    assert.equal((await env.cli(['sns', 'create-topic', '--name', 't2'], creator)).code, 0);
    const both = await env.user('creator-tagger', [allow(['sns:CreateTopic', 'sns:TagResource', 'kms:CreateKey', 'kms:TagResource'])]);
    assert.equal((await env.cli(['sns', 'create-topic', '--name', 't3', '--tags', 'Key=team,Value=a'], both)).code, 0);
    assert.equal((await env.cli(['kms', 'create-key', '--tags', 'TagKey=team,TagValue=a'], both)).code, 0);
  });
});

describe('Lambda Developer Guide, "Secure your functions by tag": step 1 through the gateway', () => {
  let env: GatewayEnv;
  let account: string;
  before(async () => {
    env = await startGatewayEnv();
    account = env.server.accountId;
  });
  after(() => env?.stop());

  test('a function may be created only tagged with the creator\'s own project', async () => {
    // Lambda checks its execution role in the upstream's IAM: made there directly.
    await createMotoServiceRole(env.moto.url, account, 'abac-exec');
    const iam = env.server.iam(env.server.root);
    await iam.send(new CreateUserCommand({ UserName: 'lambda-dev', Tags: [{ Key: 'project', Value: 'alpha' }] }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'lambda-dev', PolicyName: 'require-tag-on-create',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:TagResource'], Resource: 'arn:aws:lambda:*:*:function:*',
            Condition: { StringEquals: { 'aws:RequestTag/project': principalTag('project'), 'aws:ResourceTag/project': principalTag('project') }, 'ForAllValues:StringEquals': { 'aws:TagKeys': 'project' } },
          },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${account}:role/abac-exec`, Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
        ],
      }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'lambda-dev' }));
    const dev = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const zip = lambdaZip('tessera-abac-');
    const create = (name: string, tags: string[]) => env.cli(['lambda', 'create-function', '--function-name', name, '--runtime', 'python3.12', '--handler', 'index.handler', '--role', `arn:aws:iam::${account}:role/abac-exec`, '--zip-file', `fileb://${zip}`, ...tags], dev);
    const own = await create('alpha-fn', ['--tags', 'project=alpha']);
    assert.equal(own.code, 0, own.stderr);
    const other = await create('beta-fn', ['--tags', 'project=beta']);
    assert.match(other.stderr, /AccessDeniedException.*not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:\d{12}:function:beta-fn/);
    const untagged = await create('bare-fn', []);
    assert.notEqual(untagged.code, 0, 'no tag: aws:RequestTag/project is absent');
    const extra = await create('extra-fn', ['--tags', 'project=alpha,team=x']);
    assert.notEqual(extra.code, 0, 'a tag key the policy does not list');
  });
});
