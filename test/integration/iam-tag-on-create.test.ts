// Tagging as it creates: an IAM Create… call that carries tags is authorized for the entity's
// Tag… action too, on the new entity — as AWS refuses a Terraform or CloudFormation role
// creation whose caller may create roles but not tag them ("… is not authorized to perform:
// iam:TagRole on resource: arn:aws:iam::…:role/…").

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateAccessKeyCommand, CreateInstanceProfileCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand, PutUserPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { awsError, deniedText, startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const TRUST = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

describe('IAM tag on create', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  async function userWith(name: string, policy: object[]): Promise<{ iam: IAMClient; arn: string }> {
    const created = await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(policy) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { iam: server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }), arn: created.User!.Arn! };
  }

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test('CreateRole with tags needs iam:TagRole; without tags it does not; nothing is created when refused', async () => {
    const creator = await userWith('role-creator', [{ Effect: 'Allow', Action: ['iam:CreateRole', 'iam:GetRole'], Resource: '*' }]);
    await creator.iam.send(new CreateRoleCommand({ RoleName: 'plain', AssumeRolePolicyDocument: TRUST }));
    const tagged = await awsError(() => creator.iam.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'team', Value: 'blue' }] })));
    assert.equal(tagged.name, 'AccessDenied');
    assert.equal(deniedText(tagged.message), `User: ${creator.arn} is not authorized to perform: iam:TagRole on resource: arn:aws:iam::${account}:role/tagged because no identity-based policy allows the iam:TagRole action`);
    assert.equal((await awsError(() => root.send(new GetRoleCommand({ RoleName: 'tagged' })))).name, 'NoSuchEntityException');
  });

  test('the tagging check sees the request\'s tags: a TagRole allowed for one tag value only', async () => {
    const creator = await userWith('team-creator', [
      { Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:TagRole', Resource: `arn:aws:iam::${account}:role/*`, Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } } },
    ]);
    await creator.iam.send(new CreateRoleCommand({ RoleName: 'blue-role', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'team', Value: 'blue' }] }));
    const red = await awsError(() => creator.iam.send(new CreateRoleCommand({ RoleName: 'red-role', AssumeRolePolicyDocument: TRUST, Tags: [{ Key: 'team', Value: 'red' }] })));
    assert.equal(deniedText(red.message), `User: ${creator.arn} is not authorized to perform: iam:TagRole on resource: arn:aws:iam::${account}:role/red-role because no identity-based policy allows the iam:TagRole action`);
  });

  test('CreateUser, CreatePolicy and CreateInstanceProfile: iam:TagUser, iam:TagPolicy, iam:TagInstanceProfile', async () => {
    const creator = await userWith('all-creator', [{ Effect: 'Allow', Action: ['iam:CreateUser', 'iam:CreatePolicy', 'iam:CreateInstanceProfile'], Resource: '*' }]);
    const tags = [{ Key: 'cost', Value: '42' }];
    const user = await awsError(() => creator.iam.send(new CreateUserCommand({ UserName: 'tagged-user', Tags: tags })));
    assert.match(deniedText(user.message), new RegExp(`not authorized to perform: iam:TagUser on resource: arn:aws:iam::${account}:user/tagged-user because`));
    const policy = await awsError(() => creator.iam.send(new CreatePolicyCommand({ PolicyName: 'tagged-policy', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]), Tags: tags })));
    assert.match(deniedText(policy.message), new RegExp(`not authorized to perform: iam:TagPolicy on resource: arn:aws:iam::${account}:policy/tagged-policy because`));
    const profile = await awsError(() => creator.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'tagged-profile', Tags: tags })));
    assert.match(deniedText(profile.message), new RegExp(`not authorized to perform: iam:TagInstanceProfile on resource: arn:aws:iam::${account}:instance-profile/tagged-profile because`));
    // The same calls without tags need nothing more.
    await creator.iam.send(new CreateUserCommand({ UserName: 'bare-user' }));
    await creator.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'bare-profile' }));
  });
});
