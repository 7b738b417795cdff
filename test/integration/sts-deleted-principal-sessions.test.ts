import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteRoleCommand, DeleteRolePolicyCommand,
  DeleteUserCommand, DeleteUserPolicyCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * A live session outlives nothing: once the role (or user) behind it is deleted, its sessions
 * are refused everything that needs permission — including chaining into a role whose trust
 * policy is bound to the deleted role's unique ID, which a session still carries.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trusting = (aws: string) => doc([{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }]);
const everything = doc([{ Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:ListUsers'], Resource: '*' }]);
const credentialsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('sessions of deleted roles and users', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test("a role session cannot chain into a role that trusted its role once that role is deleted", async () => {
    const hop = (await root.send(new CreateRoleCommand({ RoleName: 'Hop', AssumeRolePolicyDocument: trusting(`arn:aws:iam::${account}:root`) }))).Role!;
    await root.send(new PutRolePolicyCommand({ RoleName: 'Hop', PolicyName: 'all', PolicyDocument: everything }));
    const target = (await root.send(new CreateRoleCommand({ RoleName: 'Target', AssumeRolePolicyDocument: trusting(hop.Arn!) }))).Role!;
    await root.send(new CreateUserCommand({ UserName: 'starter' }));
    await root.send(new PutUserPolicyCommand({ UserName: 'starter', PolicyName: 'all', PolicyDocument: everything }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'starter' }))).AccessKey!;
    const session = credentialsOf((await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! })
      .send(new AssumeRoleCommand({ RoleArn: hop.Arn!, RoleSessionName: 'ss' }))).Credentials);
    // Twice, so the role's policies are in the cache when it is deleted.
    assert.ok((await server.sts(session).send(new AssumeRoleCommand({ RoleArn: target.Arn!, RoleSessionName: 'aa' }))).Credentials);
    assert.ok((await server.iam(session).send(new ListUsersCommand({}))).Users);

    await root.send(new DeleteRolePolicyCommand({ RoleName: 'Hop', PolicyName: 'all' }));
    await root.send(new DeleteRoleCommand({ RoleName: 'Hop' }));
    const chained = await awsError(() => server.sts(session).send(new AssumeRoleCommand({ RoleArn: target.Arn!, RoleSessionName: 'bb' })));
    assert.equal(chained.name, 'AccessDenied');
    assert.match(chained.message, new RegExp(`^User: arn:aws:sts::${account}:assumed-role/Hop/ss is not authorized to perform: sts:AssumeRole on resource: ${target.Arn!.replaceAll('/', '\\/')} because the role ${hop.Arn!.replaceAll('/', '\\/')} no longer exists`));
    const listed = await awsError(() => server.iam(session).send(new ListUsersCommand({})));
    assert.equal(listed.name, 'AccessDenied');
    // Who it is needs no permission, as on AWS.
    assert.equal((await server.sts(session).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${account}:assumed-role/Hop/ss`);
  });

  test('a GetSessionToken session of a deleted user is refused', async () => {
    await root.send(new CreateUserCommand({ UserName: 'leaver' }));
    await root.send(new PutUserPolicyCommand({ UserName: 'leaver', PolicyName: 'all', PolicyDocument: everything }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'leaver' }))).AccessKey!;
    const role = (await root.send(new CreateRoleCommand({ RoleName: 'TrustsLeaver', AssumeRolePolicyDocument: trusting(`arn:aws:iam::${account}:user/leaver`) }))).Role!;
    const session = credentialsOf((await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! })
      .send(new GetSessionTokenCommand({}))).Credentials);
    assert.ok((await server.sts(session).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'aa' }))).Credentials);

    await root.send(new DeleteAccessKeyCommand({ UserName: 'leaver', AccessKeyId: key.AccessKeyId! }));
    await root.send(new DeleteUserPolicyCommand({ UserName: 'leaver', PolicyName: 'all' }));
    await root.send(new DeleteUserCommand({ UserName: 'leaver' }));
    const refused = await awsError(() => server.sts(session).send(new AssumeRoleCommand({ RoleArn: role.Arn!, RoleSessionName: 'bb' })));
    assert.equal(refused.name, 'AccessDenied');
    assert.match(refused.message, /because the IAM user arn:aws:iam::\d{12}:user\/leaver no longer exists/);
  });
});
