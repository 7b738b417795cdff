import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserCommand, DeleteUserCommand, GetUserCommand, ListUserTagsCommand, ListUsersCommand,
  TagUserCommand, UntagUserCommand, UpdateUserCommand, CreateAccessKeyCommand, DeleteAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

describe('IAM users through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('CreateUser returns the user with AWS shapes, tags included', async () => {
    const iam = server.iam();
    const out = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'red' }] }));
    assert.equal(out.User?.UserName, 'alice');
    assert.equal(out.User?.Path, '/eng/');
    assert.match(out.User?.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    assert.equal(out.User?.Arn, `arn:aws:iam::${server.accountId}:user/eng/alice`);
    assert.ok(out.User?.CreateDate instanceof Date);
    assert.deepEqual(out.User?.Tags, [{ Key: 'team', Value: 'red' }]);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  test('names are unique regardless of case: EntityAlreadyExists 409', async () => {
    const err = await awsError(() => server.iam().send(new CreateUserCommand({ UserName: 'ALICE' })));
    assert.equal(err.name, 'EntityAlreadyExistsException');
    assert.equal(err.status, 409);
    assert.equal(err.message, 'User with name ALICE already exists.');
  });

  test('GetUser finds by any case, and without a name returns the root caller', async () => {
    const iam = server.iam();
    const got = await iam.send(new GetUserCommand({ UserName: 'Alice' }));
    assert.equal(got.User?.UserName, 'alice');
    assert.deepEqual(got.User?.Tags, [{ Key: 'team', Value: 'red' }]);
    const me = await iam.send(new GetUserCommand({}));
    assert.equal(me.User?.Arn, `arn:aws:iam::${server.accountId}:root`);
    assert.equal(me.User?.UserId, server.accountId);
    assert.equal(me.User?.UserName, undefined);
  });

  test('unknown user: NoSuchEntity 404 with AWS message', async () => {
    const err = await awsError(() => server.iam().send(new GetUserCommand({ UserName: 'nobody' })));
    assert.equal(err.name, 'NoSuchEntityException');
    assert.equal(err.status, 404);
    assert.equal(err.message, 'The user with name nobody cannot be found.');
  });

  test('invalid names get the model-driven ValidationError text', async () => {
    const err = await awsError(() => server.iam().send(new CreateUserCommand({ UserName: 'a b' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.status, 400);
    assert.equal(err.message, "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  });

  test('ListUsers pages with Marker/MaxItems and filters by PathPrefix', async () => {
    const iam = server.iam();
    for (let i = 0; i < 7; i++) await iam.send(new CreateUserCommand({ UserName: `pager-${i}`, Path: '/pager/' }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListUsersCommand({ PathPrefix: '/pager/', MaxItems: 3, Marker: marker }));
      pages++;
      seen.push(...(page.Users ?? []).map((u) => u.UserName!));
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['pager-0', 'pager-1', 'pager-2', 'pager-3', 'pager-4', 'pager-5', 'pager-6']);
    const all = await iam.send(new ListUsersCommand({}));
    assert.ok(all.Users!.some((u) => u.UserName === 'alice'));
    assert.equal(all.Users!.find((u) => u.UserName === 'alice')!.Tags, undefined, 'ListUsers carries no tags, as on AWS');
    const bad = await awsError(() => iam.send(new ListUsersCommand({ Marker: 'not-a-marker!' })));
    assert.equal(bad.name, 'InvalidInputException');
  });

  test('UpdateUser renames and moves; a clash is EntityAlreadyExists', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new UpdateUserCommand({ UserName: 'bob', NewUserName: 'robert', NewPath: '/ops/' }));
    const got = await iam.send(new GetUserCommand({ UserName: 'robert' }));
    assert.equal(got.User?.Arn, `arn:aws:iam::${server.accountId}:user/ops/robert`);
    assert.equal((await awsError(() => iam.send(new GetUserCommand({ UserName: 'bob' })))).name, 'NoSuchEntityException');
    const clash = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'robert', NewUserName: 'Alice' })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
  });

  test('tags: merge case-insensitively, list, untag; duplicates and the quota refused', async () => {
    const iam = server.iam();
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'TEAM', Value: 'blue' }, { Key: 'cost', Value: '42' }] }));
    let tags = await iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
    assert.deepEqual(tags.Tags, [{ Key: 'cost', Value: '42' }, { Key: 'TEAM', Value: 'blue' }]);
    const dup = await awsError(() => iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })));
    assert.equal(dup.name, 'InvalidInputException');
    assert.equal(dup.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const quota = await awsError(() => iam.send(new TagUserCommand({ UserName: 'alice', Tags: many })));
    assert.equal(quota.name, 'LimitExceededException');
    await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['team'] }));
    tags = await iam.send(new ListUserTagsCommand({ UserName: 'alice', MaxItems: 1 }));
    assert.deepEqual(tags.Tags, [{ Key: 'cost', Value: '42' }]);
    assert.equal(tags.IsTruncated, false);
  });

  test('DeleteUser refuses while the user has access keys (DeleteConflict 409), then deletes', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'temp' }));
    const conflict = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'temp' })));
    assert.equal(conflict.name, 'DeleteConflictException');
    assert.equal(conflict.status, 409);
    assert.equal(conflict.message, 'Cannot delete entity, must delete access keys first.');
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: key.AccessKey!.AccessKeyId! }));
    await iam.send(new DeleteUserCommand({ UserName: 'temp' }));
    assert.equal((await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'temp' })))).name, 'NoSuchEntityException');
  });

  test('100 parallel CreateUser of one name: exactly one succeeds', async () => {
    const iam = server.iam();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => iam.send(new CreateUserCommand({ UserName: 'racer' }))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 1);
    assert.ok(failed.every((r) => (r.reason as Error).name === 'EntityAlreadyExistsException'));
  });
});
