import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateGroupCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand, CreateUserCommand, DeleteGroupCommand, DeleteGroupPolicyCommand,
  DeleteRoleCommand, DeleteRolePolicyCommand, DeleteUserCommand, DeleteUserPolicyCommand, GetGroupPolicyCommand, GetRolePolicyCommand,
  GetUserPolicyCommand, ListGroupPoliciesCommand, ListRolePoliciesCommand, ListUserPoliciesCommand, PutGroupPolicyCommand,
  PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** A valid identity policy of exactly `size` characters, white space excluded. */
function policyOfSize(size: number): string {
  const shell = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${resource}` }] });
  return shell('a'.repeat(size - shell('').length));
}

describe('IAM inline policies through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'ops' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: EC2_TRUST }));
  });
  after(async () => server.stop());

  test('put, get (document percent-encoded, exactly as written), list, replace, delete', async () => {
    const iam = server.iam();
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, null, 2);
    await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'S3', PolicyDocument: text }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'BOB', PolicyName: 's3' }));
    assert.equal(got.UserName, 'bob');
    assert.equal(got.PolicyName, 'S3');
    assert.ok(got.PolicyDocument?.startsWith('%7B%0A%20%20%22Version%22'), got.PolicyDocument);
    assert.ok(got.PolicyDocument?.includes('%2A'), '`*` is percent-encoded, as AWS sends it');
    assert.equal(decodeURIComponent(got.PolicyDocument!), text);

    for (const name of ['b-two', 'a-one']) await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: name, PolicyDocument: text }));
    const first = await iam.send(new ListUserPoliciesCommand({ UserName: 'bob', MaxItems: 2 }));
    assert.deepEqual([first.PolicyNames, first.IsTruncated], [['a-one', 'b-two'], true]);
    const rest = await iam.send(new ListUserPoliciesCommand({ UserName: 'bob', Marker: first.Marker }));
    assert.deepEqual([rest.PolicyNames, rest.IsTruncated], [['S3'], false]);

    // Putting under an existing name replaces the document.
    const replaced = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] });
    await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'S3', PolicyDocument: replaced }));
    assert.equal(decodeURIComponent((await iam.send(new GetUserPolicyCommand({ UserName: 'bob', PolicyName: 'S3' }))).PolicyDocument!), replaced);
    assert.equal((await iam.send(new ListUserPoliciesCommand({ UserName: 'bob' }))).PolicyNames?.length, 3);

    const blocked = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'bob' })));
    assert.equal(blocked.name, 'DeleteConflictException');
    assert.equal(blocked.message, 'Cannot delete entity, must delete policies first.');

    for (const name of ['S3', 'a-one', 'b-two']) await iam.send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: name }));
    const gone = await awsError(() => iam.send(new GetUserPolicyCommand({ UserName: 'bob', PolicyName: 'S3' })));
    assert.equal(gone.name, 'NoSuchEntityException');
    assert.equal(gone.status, 404);
    assert.equal(gone.message, 'The user policy with name S3 cannot be found.');
    const again = await awsError(() => iam.send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: 'S3' })));
    assert.equal(again.message, 'The user policy with name S3 cannot be found.');
  });

  test('groups and roles alike, with their own messages', async () => {
    const iam = server.iam();
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] });
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'Queues', PolicyDocument: text }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'Queues', PolicyDocument: text }));
    const group = await iam.send(new GetGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'Queues' }));
    assert.deepEqual([group.GroupName, group.PolicyName, decodeURIComponent(group.PolicyDocument!)], ['ops', 'Queues', text]);
    const role = await iam.send(new GetRolePolicyCommand({ RoleName: 'worker', PolicyName: 'Queues' }));
    assert.deepEqual([role.RoleName, role.PolicyName, decodeURIComponent(role.PolicyDocument!)], ['worker', 'Queues', text]);
    assert.deepEqual((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'ops' }))).PolicyNames, ['Queues']);
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'worker' }))).PolicyNames, ['Queues']);

    for (const call of [() => iam.send(new DeleteGroupCommand({ GroupName: 'ops' })), () => iam.send(new DeleteRoleCommand({ RoleName: 'worker' }))]) {
      const err = await awsError(call);
      assert.equal(err.name, 'DeleteConflictException');
      assert.equal(err.message, 'Cannot delete entity, must delete policies first.');
    }
    assert.equal((await awsError(() => iam.send(new GetGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'nope' })))).message, 'The group policy with name nope cannot be found.');
    assert.equal((await awsError(() => iam.send(new GetRolePolicyCommand({ RoleName: 'worker', PolicyName: 'nope' })))).message, 'The role policy with name nope cannot be found.');
    assert.equal((await awsError(() => iam.send(new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'p', PolicyDocument: text })))).name, 'NoSuchEntityException');

    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'ops', PolicyName: 'Queues' }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'worker', PolicyName: 'Queues' }));
    assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: 'worker' }))).PolicyNames, []);
  });

  test('documents are validated as identity policies', async () => {
    const iam = server.iam();
    const err = await awsError(() => iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}' })));
    assert.equal(err.name, 'MalformedPolicyDocumentException');
    assert.equal(err.message, 'Policy statement must contain actions.');
    const syntax = await awsError(() => iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'bad', PolicyDocument: '{not json' })));
    assert.equal(syntax.message, 'Syntax errors in policy.');
  });

  test('aggregate inline size limits, white space excluded: user 2,048, group 5,120, role 10,240', async () => {
    const iam = server.iam();
    const cases = [
      { limit: 2048, put: (name: string, doc: string) => iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: name, PolicyDocument: doc })), what: 'user bob' },
      { limit: 5120, put: (name: string, doc: string) => iam.send(new PutGroupPolicyCommand({ GroupName: 'ops', PolicyName: name, PolicyDocument: doc })), what: 'group ops' },
      { limit: 10240, put: (name: string, doc: string) => iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: name, PolicyDocument: doc })), what: 'role worker' },
    ];
    for (const { limit, put, what } of cases) {
      const half = Math.floor(limit / 2);
      // One document over the whole allowance.
      const single = await awsError(() => put('huge', policyOfSize(limit + 1)));
      assert.equal(single.name, 'LimitExceededException');
      assert.equal(single.message, `Maximum policy size of ${limit} bytes exceeded for ${what}`);
      // Two that fit together exactly (white space, added generously, does not count).
      await put('first', policyOfSize(half).replace(/,/g, ',\n    '));
      await put('second', policyOfSize(limit - half));
      // Any more is too much together; replacing one with a smaller one still fits.
      const together = await awsError(() => put('third', policyOfSize(200)));
      assert.equal(together.name, 'LimitExceededException');
      assert.equal(together.message, `Maximum policy size of ${limit} bytes exceeded for ${what}`);
      await put('second', policyOfSize(limit - half - 200));
      await put('third', policyOfSize(200));
      const grow = await awsError(() => put('third', policyOfSize(201)));
      assert.equal(grow.name, 'LimitExceededException', `${what}: replacing a policy counts its new size`);
    }
  });

  test('service-linked roles keep their policies: UnmodifiableEntity', async () => {
    const iam = server.iam();
    const slr = (await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'elasticbeanstalk.amazonaws.com' }))).Role!;
    const err = await awsError(() => iam.send(new PutRolePolicyCommand({ RoleName: slr.RoleName, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) })));
    assert.equal(err.name, 'UnmodifiableEntityException');
  });
});
