// IAM answers as recorded from AWS (see docs/differences-from-aws.md for what is still
// different): the policy parser's order and texts, and the shapes and messages of responses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttachRolePolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreatePolicyVersionCommand, CreateRoleCommand,
  CreateUserCommand, CreateVirtualMFADeviceCommand, GetPolicyCommand, GetUserCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand,
  UpdateAccessKeyCommand, UpdateAssumeRolePolicyCommand, UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const statement = { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example_bucket' };
const text = (doc: unknown) => JSON.stringify(doc);
const trust = text({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('IAM answers as AWS answers them, through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust }));
  });
  after(async () => server.stop());

  const malformed = async (call: () => Promise<unknown>, message: string) => {
    const err = await awsError(call);
    assert.equal(err.name, 'MalformedPolicyDocumentException', message);
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
  };

  test('a managed policy needs Version 2012-10-17, checked before anything but syntax; inline policies do not', async () => {
    const iam = server.iam();
    const version = 'Policy document must be version 2012-10-17 or greater.';
    await malformed(() => iam.send(new CreatePolicyCommand({ PolicyName: 'p1', PolicyDocument: text({ Statement: statement }) })), version);
    await malformed(() => iam.send(new CreatePolicyCommand({ PolicyName: 'p1', PolicyDocument: text({ Version: '2008-10-17', Statement: statement }) })), version);
    // Ahead of a wrong-case Effect and duplicate Sids, which would otherwise be reported.
    await malformed(() => iam.send(new CreatePolicyCommand({ PolicyName: 'p1', PolicyDocument: text({ Statement: [{ ...statement, Sid: 'a', Effect: 'allow' }, { Sid: 'a', Effect: 'Allow' }] }) })), version);
    await malformed(() => iam.send(new CreatePolicyCommand({ PolicyName: 'p1', PolicyDocument: text({ Version: '2013-10-17', Statement: statement }) })), 'Syntax errors in policy.');
    const created = (await iam.send(new CreatePolicyCommand({ PolicyName: 'p1', PolicyDocument: text({ Version: '2012-10-17', Statement: statement }) }))).Policy!;
    await malformed(() => iam.send(new CreatePolicyVersionCommand({ PolicyArn: created.Arn, PolicyDocument: text({ Statement: statement }) })), version);
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'legacy', PolicyDocument: text({ Statement: statement }) }));
  });

  test('resources, actions, conditions and Effect get the parser\'s own texts, in its order', async () => {
    const iam = server.iam();
    const create = (s: Record<string, unknown> | Record<string, unknown>[]) => () =>
      iam.send(new CreatePolicyCommand({ PolicyName: 'p2', PolicyDocument: text({ Version: '2012-10-17', Statement: s }) }));
    await malformed(create({ ...statement, Resource: 'arn:aws' }), 'Resource vendor must be fully qualified and cannot contain regexes.');
    await malformed(create({ ...statement, Resource: 'a:b:cadfsdf' }), 'Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".');
    await malformed(create({ ...statement, Resource: 'arn:aws:s3::example_bucket' }), 'The policy failed legacy parsing');
    await malformed(create({ ...statement, Resource: 'arn:aws:iam:us-east-1::example_bucket' }), 'IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.');
    await malformed(create({ ...statement, Resource: 'arn:aws:s3:us-east-1::example_bucket' }), 'Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.');
    await malformed(create({ ...statement, Resource: 'arn:aws:iam::123456789012:widget/x' }),
      'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.');
    await malformed(create({ ...statement, Action: 'a a:ListBucket' }), 'Vendor a a is not valid');
    await malformed(create({ ...statement, Effect: 'Permit' }), 'Syntax errors in policy.');
    await malformed(create({ ...statement, Effect: 'deny' }), 'The policy failed legacy parsing');
    await malformed(create({ Action: 's3:ListBucket', Resource: '*' }), 'Syntax errors in policy.');
    await malformed(create([]), 'Syntax errors in policy.');
    await malformed(create({ ...statement, Condition: { StringEqualz: { 'aws:username': 'a' } } }), 'Syntax errors in policy.');
    await malformed(create({ ...statement, Condition: { 'ForAnyValue::StringEquals': { 'aws:username': 'a' } } }), 'Syntax errors in policy.');
    await malformed(create({ ...statement, Condition: { DateGreaterThan: { 'aws:CurrentTime': 'tomorrow' } } }), 'The policy failed legacy parsing');
    await malformed(create([{ ...statement, Sid: 'x' }, { Sid: 'x', Effect: 'Allow' }]), 'Statement IDs (SID) in a single policy must be unique.');
    // Accepted as AWS accepts them.
    await iam.send(new CreatePolicyCommand({ PolicyName: 'short-arn', PolicyDocument: text({ Version: '2012-10-17', Statement: { ...statement, Resource: 'arn:aws:fdsasf' } }) }));
    await iam.send(new CreatePolicyCommand({ PolicyName: 'no-vendor-key', PolicyDocument: text({ Version: '2012-10-17', Statement: { ...statement, Condition: { StringEquals: { username: 'a' } } } }) }));
  });

  test('a trust policy that is not JSON: "This policy contains invalid Json" on create and update', async () => {
    const iam = server.iam();
    const invalid = 'This policy contains invalid Json';
    await malformed(() => iam.send(new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: '{"Version":"2012-10-17",}' })), invalid);
    await malformed(() => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: 'not json' })), invalid);
    await malformed(() => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: '[]' })), 'Syntax errors in policy.');
  });

  test('a PolicyArn that is not an ARN: ValidationError "Invalid ARN:  Could not be parsed!"; an ARN of something else: InvalidInput', async () => {
    const iam = server.iam();
    for (const call of [
      () => iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'ReadOnlyAccessPolicyName' })),
      () => iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam:policy/ReadOnlyAccess' })),
      () => iam.send(new GetPolicyCommand({ PolicyArn: 'service-role/AWSLambdaBasicExecutionRole' })),
      () => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: 'not-an-arn-but-long-enough' })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.status, 400);
      assert.equal(err.message, 'Invalid ARN:  Could not be parsed!');
    }
    const role = `arn:aws:iam::${server.accountId}:role/app`;
    const other = await awsError(() => iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: role })));
    assert.equal(other.name, 'InvalidInputException');
    assert.equal(other.message, `ARN ${role} is not valid.`);
  });

  test('an enum violation names neither the value nor the value set', async () => {
    const err = await awsError(() => server.iam().send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Paused' as 'Active' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.message, "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set");
  });

  test('CreatePolicy leaves Description out; GetPolicy has it, and Tags even when there are none', async () => {
    const iam = server.iam();
    const created = (await iam.send(new CreatePolicyCommand({ PolicyName: 'described', Description: 'reads the bucket', PolicyDocument: text({ Version: '2012-10-17', Statement: statement }) }))).Policy!;
    assert.equal(created.Description, undefined);
    assert.equal(created.Tags, undefined);
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: created.Arn }))).Policy!;
    assert.equal(got.Description, 'reads the bucket');
    assert.deepEqual(got.Tags, []);
    const aws = (await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))).Policy!;
    assert.deepEqual(aws.Tags, []);
  });

  test('PermissionsBoundaryType is "Policy"', async () => {
    const iam = server.iam();
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const user = (await iam.send(new GetUserCommand({ UserName: 'alice' }))).User!;
    assert.deepEqual(user.PermissionsBoundary, { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  });

  test('an invalid path gets IAM\'s own text, for every entity that has one', async () => {
    const iam = server.iam();
    const message = 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.';
    for (const call of [
      () => iam.send(new CreateUserCommand({ UserName: 'p-user', Path: 'team' })),
      () => iam.send(new CreateUserCommand({ UserName: 'p-user', Path: '/team' })),
      () => iam.send(new CreateGroupCommand({ GroupName: 'p-group', Path: '/a//b/' })),
      () => iam.send(new CreateRoleCommand({ RoleName: 'p-role', Path: 'x/', AssumeRolePolicyDocument: trust })),
      () => iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'p-mfa', Path: 'test' })),
      () => iam.send(new UpdateUserCommand({ UserName: 'alice', NewPath: '//' })),
      () => iam.send(new CreatePolicyCommand({ PolicyName: 'p-policy', Path: '/team*/', PolicyDocument: text({ Version: '2012-10-17', Statement: statement }) })),
    ]) {
      const err = await awsError(call);
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.message, message);
    }
    // Too long is still the model's length message.
    const long = await awsError(() => iam.send(new CreateUserCommand({ UserName: 'p-user', Path: `/${'b'.repeat(511)}/` })));
    assert.equal(long.message, "1 validation error detected: Value '" + `/${'b'.repeat(511)}/` + "' at 'path' failed to satisfy constraint: Member must have length less than or equal to 512");
    await iam.send(new CreateUserCommand({ UserName: 'p-user', Path: '/division_abc/subdivision_xyz/' }));
  });

  test('hostile documents are refused quickly with AWS\'s answer', async () => {
    const iam = server.iam();
    const started = performance.now();
    const colons = ':'.repeat(5000);
    const partition = await awsError(() => iam.send(new CreatePolicyCommand({ PolicyName: 'h1', PolicyDocument: text({ Version: '2012-10-17', Statement: { ...statement, Resource: `arn${colons}` } }) })));
    assert.equal(partition.name, 'MalformedPolicyDocumentException');
    assert.ok(partition.message.startsWith('Partition "" is not valid for resource "arn::::'), partition.message.slice(0, 80));
    const dates = Array.from({ length: 120 }, (_, i) => `2016-12-13t2:00:00.${'9'.repeat(i % 12)}+10:59`);
    await malformed(() => iam.send(new CreatePolicyCommand({ PolicyName: 'h2', PolicyDocument: text({ Version: '2012-10-17', Statement: { ...statement, Condition: { DateLessThan: { 'aws:CurrentTime': dates } } } }) })),
      'The policy failed legacy parsing');
    const nested = '['.repeat(900) + ']'.repeat(900);
    await malformed(() => iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: `{"Version":"2012-10-17","Statement":${nested}}` })), 'Syntax errors in policy.');
    assert.ok(performance.now() - started < 2000, 'refused in well under two seconds');
  });
});
