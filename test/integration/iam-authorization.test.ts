import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, DeleteUserCommand, DeleteUserPermissionsBoundaryCommand,
  GetUserCommand, ListUsersCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand, TagUserCommand,
  AttachUserPolicyCommand, CreateGroupCommand, AttachGroupPolicyCommand, AddUserToGroupCommand, DetachGroupPolicyCommand,
  PutGroupPolicyCommand, RemoveUserFromGroupCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsError, deniedText, startTestServer, type TestServer } from '../support/tessera-server.ts';

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('every IAM call is decided by the policy engine', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  /** A user with the given inline policy (if any) and a client signed with its key. */
  async function userWith(name: string, policy?: object[]): Promise<IAMClient> {
    await root.send(new CreateUserCommand({ UserName: name }));
    if (policy) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(policy) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  }

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test('implicitly denied without a policy, with AWS\'s message', async () => {
    const nobody = await userWith('nobody');
    const err = await awsError(() => nobody.send(new CreateUserCommand({ UserName: 'x' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.status, 403);
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${account}:user/nobody is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${account}:user/x because no identity-based policy allows the iam:CreateUser action`);
  });

  test('allowed by an inline policy on the right resource only', async () => {
    const admin = await userWith('user-admin', [{ Effect: 'Allow', Action: ['iam:CreateUser', 'iam:GetUser'], Resource: `arn:aws:iam::${account}:user/team/*` }]);
    const made = await admin.send(new CreateUserCommand({ UserName: 'teammate', Path: '/team/' }));
    assert.equal(made.User?.Arn, `arn:aws:iam::${account}:user/team/teammate`);
    const elsewhere = await awsError(() => admin.send(new CreateUserCommand({ UserName: 'outsider' })));
    assert.equal(elsewhere.name, 'AccessDenied');
    assert.match(elsewhere.message, /on resource: arn:aws:iam::\d{12}:user\/outsider because no identity-based policy allows/);
    // GetUser of an existing user is authorized against its real path.
    assert.equal((await admin.send(new GetUserCommand({ UserName: 'teammate' }))).User?.UserName, 'teammate');
  });

  test('an explicit deny wins, and says so', async () => {
    const denied = await userWith('denied', [
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' },
    ]);
    await root.send(new CreateUserCommand({ UserName: 'victim' }));
    const err = await awsError(() => denied.send(new DeleteUserCommand({ UserName: 'victim' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${account}:user/denied is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::${account}:user/victim with an explicit deny in an identity-based policy`);
    assert.ok((await denied.send(new ListUsersCommand({}))).Users!.length > 0);
  });

  test('conditions see aws:RequestTag, aws:TagKeys and aws:ResourceTag', async () => {
    const tagger = await userWith('tagger', [
      { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'red' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
      { Effect: 'Allow', Action: 'iam:TagUser', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'red' } } },
      // Tagging as it creates is iam:TagUser on the new user too: allowed for the same tags.
      { Effect: 'Allow', Action: 'iam:TagUser', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'red' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
    ]);
    await tagger.send(new CreateUserCommand({ UserName: 'red-one', Tags: [{ Key: 'team', Value: 'red' }] }));
    const blue = await awsError(() => tagger.send(new CreateUserCommand({ UserName: 'blue-one', Tags: [{ Key: 'team', Value: 'blue' }] })));
    assert.equal(blue.name, 'AccessDenied');
    const extraKey = await awsError(() => tagger.send(new CreateUserCommand({ UserName: 'red-two', Tags: [{ Key: 'team', Value: 'red' }, { Key: 'cost', Value: '1' }] })));
    assert.equal(extraKey.name, 'AccessDenied');
    await tagger.send(new TagUserCommand({ UserName: 'red-one', Tags: [{ Key: 'note', Value: 'ok' }] }));
    await root.send(new CreateUserCommand({ UserName: 'blue-two', Tags: [{ Key: 'team', Value: 'blue' }] }));
    const notRed = await awsError(() => tagger.send(new TagUserCommand({ UserName: 'blue-two', Tags: [{ Key: 'note', Value: 'x' }] })));
    assert.equal(notRed.name, 'AccessDenied');
  });

  test('a permissions boundary limits what identity policies allow, and cannot be removed by its holder', async () => {
    const boundary = await root.send(new CreatePolicyCommand({
      PolicyName: 'only-read-users',
      PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' }]),
    }));
    const bounded = await userWith('bounded', [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: boundary.Policy!.Arn! }));
    await bounded.send(new ListUsersCommand({}));
    const err = await awsError(() => bounded.send(new CreateUserCommand({ UserName: 'escape' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${account}:user/bounded is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${account}:user/escape because no permissions boundary allows the iam:CreateUser action`);
    const remove = await awsError(() => bounded.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'bounded' })));
    assert.equal(remove.name, 'AccessDenied');
    const grant = await awsError(() => bounded.send(new PutUserPolicyCommand({ UserName: 'bounded', PolicyName: 'more', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) })));
    assert.equal(grant.name, 'AccessDenied');
  });

  test('a user cannot grant itself more: attaching a policy to itself needs iam:AttachUserPolicy', async () => {
    const admin = await root.send(new CreatePolicyCommand({ PolicyName: 'admin', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    const climber = await userWith('climber', [{ Effect: 'Allow', Action: ['iam:GetUser'], Resource: '*' }]);
    const err = await awsError(() => climber.send(new AttachUserPolicyCommand({ UserName: 'climber', PolicyArn: admin.Policy!.Arn! })));
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /iam:AttachUserPolicy on resource: arn:aws:iam::\d{12}:user\/climber because no identity-based policy allows/);
  });

  test('a policy change applies to the very next request', async () => {
    const flip = await userWith('flip');
    await awsError(() => flip.send(new ListUsersCommand({})));
    await root.send(new PutUserPolicyCommand({ UserName: 'flip', PolicyName: 'inline', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) }));
    assert.ok((await flip.send(new ListUsersCommand({}))).Users);
  });

  test('cached policy sets follow every kind of change: group membership, group policy, detaching', async () => {
    const member = await userWith('member');
    const readUsers = await root.send(new CreatePolicyCommand({ PolicyName: 'read-users', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) }));
    await root.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await root.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: readUsers.Policy!.Arn! }));
    assert.equal((await awsError(() => member.send(new ListUsersCommand({})))).name, 'AccessDenied');
    await root.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'member' }));
    assert.ok((await member.send(new ListUsersCommand({}))).Users, 'allowed once in the group');
    await root.send(new DetachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: readUsers.Policy!.Arn! }));
    assert.equal((await awsError(() => member.send(new ListUsersCommand({})))).name, 'AccessDenied', 'denied once detached');
    await root.send(new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'g', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) }));
    assert.ok((await member.send(new ListUsersCommand({}))).Users, 'allowed by the group inline policy');
    await root.send(new RemoveUserFromGroupCommand({ GroupName: 'readers', UserName: 'member' }));
    assert.equal((await awsError(() => member.send(new ListUsersCommand({})))).name, 'AccessDenied', 'denied once removed');
  });

  test('GetCallerIdentity needs no permission', async () => {
    await root.send(new CreateUserCommand({ UserName: 'quiet' }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'quiet' }))).AccessKey!;
    const who = await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${account}:user/quiet`);
  });
});
