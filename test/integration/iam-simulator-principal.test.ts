import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand,
  CreateRoleCommand, CreateUserCommand, GetContextKeysForPrincipalPolicyCommand, PutGroupPolicyCommand, PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand, PutUserPolicyCommand, SimulatePrincipalPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement }, null, 2);

describe('SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy through the AWS SDK', () => {
  let server: TestServer;
  let iam: IAMClient;
  let arn: (type: string, name: string) => string;
  let managedArn: string;
  let narrowBoundaryArn: string;

  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    arn = (type, name) => `arn:aws:iam::${server.accountId}:${type}/${name}`;
    await iam.send(new CreateUserCommand({ UserName: 'david', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'david',
      PolicyName: 'ReadReports',
      PolicyDocument: doc([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/${aws:username}/*' }]),
    }));
    const managed = await iam.send(new CreatePolicyCommand({
      PolicyName: 'QueueWriter',
      PolicyDocument: doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }),
    }));
    managedArn = managed.Policy?.Arn ?? '';
    await iam.send(new AttachUserPolicyCommand({ UserName: 'david', PolicyArn: managedArn }));
    await iam.send(new CreateGroupCommand({ GroupName: 'auditors' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'auditors', UserName: 'david' }));
    await iam.send(new PutGroupPolicyCommand({
      GroupName: 'auditors',
      PolicyName: 'NoDeletes',
      PolicyDocument: doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    }));
    const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: 'OnlyS3', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
    narrowBoundaryArn = boundary.Policy?.Arn ?? '';
  });
  after(async () => server.stop());

  test('a user: its inline and managed policies and its groups’, each cited by name and type', async () => {
    const out = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('user', 'david'),
      ActionNames: ['s3:GetObject', 'sqs:SendMessage', 's3:DeleteObject', 'ec2:RunInstances'],
      ResourceArns: ['arn:aws:s3:::reports/david/q1.csv'],
      ContextEntries: [{ ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['false'], ContextKeyType: 'boolean' }],
    }));
    const results = out.EvaluationResults ?? [];
    assert.deepEqual(results.map((r) => [r.EvalActionName, r.EvalDecision]), [
      ['s3:GetObject', 'allowed'],
      ['sqs:SendMessage', 'allowed'],
      ['s3:DeleteObject', 'explicitDeny'],
      ['ec2:RunInstances', 'implicitDeny'],
    ]);
    // `doc` pretty-prints: a statement array's first statement spans lines 4–9 (its braces at
    // column 5, so the positions just past them are column 6); a single statement object
    // opens on line 3.
    assert.deepEqual(results[0]?.MatchedStatements, [
      { SourcePolicyId: 'ReadReports', SourcePolicyType: 'user', StartPosition: { Line: 4, Column: 6 }, EndPosition: { Line: 9, Column: 6 } },
    ]);
    assert.deepEqual(results[1]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType, s.StartPosition?.Line]), [['QueueWriter', 'user-managed', 3]]);
    assert.deepEqual(results[2]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [['NoDeletes', 'group']]);
    assert.deepEqual(results[0]?.MissingContextValues, []);
  });

  test('the stored permissions boundary applies; one given in the request replaces it', async () => {
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'david', PermissionsBoundary: narrowBoundaryArn }));
    const bounded = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('user', 'david'), ActionNames: ['sqs:SendMessage', 's3:GetObject'], ResourceArns: ['arn:aws:s3:::reports/david/q1.csv'] }));
    assert.deepEqual(bounded.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary]), [
      ['sqs:SendMessage', 'implicitDeny', false],
      ['s3:GetObject', 'allowed', true],
    ]);
    assert.deepEqual(bounded.EvaluationResults?.[1]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [['ReadReports', 'user'], ['OnlyS3', 'user-managed']]);
    const replaced = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('user', 'david'),
      ActionNames: ['sqs:SendMessage'],
      PermissionsBoundaryPolicyInputList: [doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })],
    }));
    assert.equal(replaced.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.deepEqual(replaced.EvaluationResults?.[0]?.MatchedStatements?.map((s) => s.SourcePolicyId), ['QueueWriter', 'PermissionsBoundaryPolicyInputList.1']);
  });

  test('CallerArn: another user with these policies (aws:username and tags are the caller’s)', async () => {
    const asBob = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('user', 'david'),
      CallerArn: arn('user', 'bob'),
      ActionNames: ['s3:GetObject'],
      ResourceArns: ['arn:aws:s3:::reports/david/q1.csv', 'arn:aws:s3:::reports/bob/q1.csv'],
    }));
    assert.deepEqual(asBob.EvaluationResults?.map((r) => r.EvalDecision), ['implicitDeny', 'allowed']);
  });

  test('PolicyInputList adds to the stored policies', async () => {
    const out = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('user', 'bob'),
      PolicyInputList: [doc({ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' })],
      ActionNames: ['ec2:DescribeInstances', 'ec2:RunInstances'],
    }));
    assert.deepEqual(out.EvaluationResults?.map((r) => [r.EvalDecision, r.MatchedStatements?.map((s) => s.SourcePolicyId)]), [
      ['allowed', ['PolicyInputList.1']],
      ['implicitDeny', []],
    ]);
  });

  test('a role: a session of it, with the role’s tags as principal tags', async () => {
    await iam.send(new CreateRoleCommand({
      RoleName: 'builder',
      Path: '/ci/',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' } }),
      Tags: [{ Key: 'stage', Value: 'prod' }],
    }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'builder',
      PolicyName: 'Artifacts',
      PolicyDocument: doc({
        Effect: 'Allow', Action: 's3:PutObject', Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/stage': 'prod', 'aws:PrincipalArn': arn('role', 'ci/builder') } },
      }),
    }));
    const out = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('role', 'ci/builder'), ActionNames: ['s3:PutObject'] }));
    assert.equal(out.EvaluationResults?.[0]?.EvalDecision, 'allowed');
    assert.deepEqual(out.EvaluationResults?.[0]?.MatchedStatements?.map((s) => [s.SourcePolicyId, s.SourcePolicyType]), [['Artifacts', 'role']]);
    // A resource policy for a role needs a CallerArn (a role is no IAM user).
    const err = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('role', 'ci/builder'), ActionNames: ['s3:PutObject'],
      ResourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*' } }),
    })));
    assert.equal(err.name, 'InvalidInputException');
  });

  test('a group: its own inline and attached policies', async () => {
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: narrowBoundaryArn }));
    const out = await iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn('group', 'auditors'),
      ActionNames: ['s3:ListBucket', 's3:DeleteObject', 'sqs:SendMessage'],
      ContextEntries: [{ ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' }],
    }));
    assert.deepEqual(out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision, r.MatchedStatements?.map((s) => `${s.SourcePolicyType}:${s.SourcePolicyId}`)]), [
      ['s3:ListBucket', 'allowed', ['user-managed:OnlyS3']],
      ['s3:DeleteObject', 'allowed', ['user-managed:OnlyS3']],
      ['sqs:SendMessage', 'implicitDeny', []],
    ]);
  });

  test('unknown entities: NoSuchEntity in AWS words; other ARNs: InvalidInput', async () => {
    const user = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('user', 'nobody'), ActionNames: ['s3:GetObject'] })));
    assert.equal(user.name, 'NoSuchEntityException');
    assert.equal(user.status, 404);
    assert.equal(user.message, 'The user with name nobody cannot be found.');
    const role = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn('role', 'ghost'), ActionNames: ['s3:GetObject'] })));
    assert.equal(role.message, 'The role with name ghost cannot be found.');
    const group = await awsError(() => iam.send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: arn('group', 'ghosts') })));
    assert.equal(group.message, 'The group with name ghosts cannot be found.');
    const otherAccount = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::999988887777:user/david', ActionNames: ['s3:GetObject'] })));
    assert.equal(otherAccount.name, 'NoSuchEntityException');
    const policyArn = await awsError(() => iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: managedArn, ActionNames: ['s3:GetObject'] })));
    assert.equal(policyArn.name, 'InvalidInputException');
  });

  test('GetContextKeysForPrincipalPolicy: keys of the user’s, its groups’ and the added policies', async () => {
    const out = await iam.send(new GetContextKeysForPrincipalPolicyCommand({
      PolicySourceArn: arn('user', 'david'),
      PolicyInputList: [doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
    }));
    assert.deepEqual([...(out.ContextKeyNames ?? [])].sort(), ['aws:MultiFactorAuthPresent', 'aws:PrincipalTag/team', 'aws:SourceIp', 'aws:username'].sort());
  });
});
