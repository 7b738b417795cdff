import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand, UpdateAccessKeyCommand, ListUsersCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsError, deniedText, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { EVENTUALLY_MS, waitUntil } from '../support/wait.ts';

describe('IAM access keys through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.iam().send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'red' }] }));
  });
  after(async () => server.stop());

  test('CreateAccessKey returns AKIA… and a 40-character secret that signs requests as the user', async () => {
    const created = await server.iam().send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const key = created.AccessKey!;
    assert.match(key.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.match(key.SecretAccessKey!, /^[A-Za-z0-9+/]{40}$/);
    assert.equal(key.Status, 'Active');
    assert.equal(key.UserName, 'alice');
    const who = await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${server.accountId}:user/alice`);
    assert.equal(who.Account, server.accountId);
    assert.match(who.UserId!, /^AIDA/);
  });

  test('at most 2 keys per user: LimitExceeded with AWS wording', async () => {
    const iam = server.iam();
    await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const err = await awsError(() => iam.send(new CreateAccessKeyCommand({ UserName: 'alice' })));
    assert.equal(err.name, 'LimitExceededException');
    assert.equal(err.status, 409);
    assert.equal(err.message, 'Cannot exceed quota for AccessKeysPerUser: 2');
  });

  test('ListAccessKeys lists the user\'s keys; unknown user is NoSuchEntity', async () => {
    const iam = server.iam();
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }));
    assert.equal(listed.AccessKeyMetadata?.length, 2);
    assert.ok(listed.AccessKeyMetadata!.every((k) => k.UserName === 'alice' && k.Status === 'Active' && k.CreateDate instanceof Date));
    assert.equal((await awsError(() => iam.send(new ListAccessKeysCommand({ UserName: 'ghost' })))).name, 'NoSuchEntityException');
  });

  test('an Inactive key is refused at authentication; reactivated it works again', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.AccessKeyId!, Status: 'Inactive' }));
    const err = await awsError(() => server.sts(creds).send(new GetCallerIdentityCommand({})));
    assert.equal(err.name, 'InvalidClientTokenId');
    assert.equal(err.status, 403);
    assert.equal(err.message, 'The security token included in the request is invalid.');
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.AccessKeyId!, Status: 'Active' }));
    assert.equal((await server.sts(creds).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${server.accountId}:user/carol`);
  });

  test('a deleted key is refused; another user\'s key cannot be touched', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'dave' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))).AccessKey!;
    const wrongOwner = await awsError(() => iam.send(new DeleteAccessKeyCommand({ UserName: 'carol', AccessKeyId: key.AccessKeyId! })));
    assert.equal(wrongOwner.name, 'NoSuchEntityException');
    assert.equal(wrongOwner.message, `The Access Key with id ${key.AccessKeyId} cannot be found.`);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'dave', AccessKeyId: key.AccessKeyId! }));
    const err = await awsError(() => server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({})));
    assert.equal(err.name, 'InvalidClientTokenId');
  });

  test('GetAccessKeyLastUsed reports N/A before use, then service and region', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!;
    const before = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
    assert.equal(before.UserName, 'erin');
    assert.deepEqual(before.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
    await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, 'eu-west-1').send(new GetCallerIdentityCommand({}));
    // The use is recorded off the request path: wait until it is in.
    let used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
    await waitUntil(async () => (used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }))).AccessKeyLastUsed?.ServiceName !== 'N/A', EVENTUALLY_MS);
    assert.equal(used.AccessKeyLastUsed?.ServiceName, 'sts');
    assert.equal(used.AccessKeyLastUsed?.Region, 'eu-west-1');
    assert.ok(used.AccessKeyLastUsed?.LastUsedDate instanceof Date);
  });

  test('a user without policies may not call IAM: AccessDenied in AWS format', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'frank' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'frank' }))).AccessKey!;
    const frank = server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const err = await awsError(() => frank.send(new CreateUserCommand({ UserName: 'bob' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.status, 403);
    assert.equal(deniedText(err.message), `User: arn:aws:iam::${server.accountId}:user/frank is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${server.accountId}:user/bob because no identity-based policy allows the iam:CreateUser action`);
    const list = await awsError(() => frank.send(new ListUsersCommand({})));
    assert.equal(list.name, 'AccessDenied');
  });

  test('root can create its own access keys (no UserName)', async () => {
    const iam = server.iam();
    const key = (await iam.send(new CreateAccessKeyCommand({}))).AccessKey!;
    assert.equal(key.UserName, undefined);
    const who = await server.sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${server.accountId}:root`);
    await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.AccessKeyId! }));
  });
});
