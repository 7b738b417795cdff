import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, DeleteGroupCommand, DeleteUserCommand, GetGroupCommand,
  ListGroupsCommand, ListGroupsForUserCommand, RemoveUserFromGroupCommand, UpdateGroupCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';

describe('IAM groups through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.stop());

  test('CreateGroup returns the group with AWS shapes; names are unique regardless of case', async () => {
    const iam = server.iam();
    const out = await iam.send(new CreateGroupCommand({ GroupName: 'Admins', Path: '/ops/' }));
    assert.equal(out.Group?.GroupName, 'Admins');
    assert.equal(out.Group?.Path, '/ops/');
    assert.match(out.Group?.GroupId ?? '', /^AGPA[A-Z2-7]{17}$/);
    assert.equal(out.Group?.Arn, `arn:aws:iam::${server.accountId}:group/ops/Admins`);
    assert.ok(out.Group?.CreateDate instanceof Date);

    const clash = await awsError(() => iam.send(new CreateGroupCommand({ GroupName: 'ADMINS' })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
    assert.equal(clash.status, 409);
    assert.equal(clash.message, 'Group with name ADMINS already exists.');
  });

  test('unknown group or user: NoSuchEntity 404 with AWS messages', async () => {
    const iam = server.iam();
    const group = await awsError(() => iam.send(new GetGroupCommand({ GroupName: 'nobody' })));
    assert.equal(group.name, 'NoSuchEntityException');
    assert.equal(group.status, 404);
    assert.equal(group.message, 'The group with name nobody cannot be found.');
    const user = await awsError(() => iam.send(new AddUserToGroupCommand({ GroupName: 'Admins', UserName: 'ghost' })));
    assert.equal(user.message, 'The user with name ghost cannot be found.');
    const noGroup = await awsError(() => iam.send(new AddUserToGroupCommand({ GroupName: 'ghosts', UserName: 'ghost' })));
    assert.equal(noGroup.message, 'The group with name ghosts cannot be found.', 'the group is looked up first');
    assert.equal((await awsError(() => iam.send(new ListGroupsForUserCommand({ UserName: 'ghost' })))).name, 'NoSuchEntityException');
  });

  test('membership: add (idempotent), GetGroup pages its users, ListGroupsForUser, remove (idempotent)', async () => {
    const iam = server.iam();
    await iam.send(new CreateGroupCommand({ GroupName: 'crew' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'Bakers' }));
    const names = ['m-0', 'm-1', 'm-2', 'm-3', 'm-4'];
    for (const name of names) {
      await iam.send(new CreateUserCommand({ UserName: name, Path: '/staff/' }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'crew', UserName: name }));
    }
    await iam.send(new AddUserToGroupCommand({ GroupName: 'CREW', UserName: 'M-0' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'Bakers', UserName: 'm-0' }));

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new GetGroupCommand({ GroupName: 'crew', MaxItems: 2, Marker: marker }));
      pages++;
      assert.equal(page.Group?.GroupName, 'crew');
      for (const user of page.Users ?? []) {
        assert.equal(user.Arn, `arn:aws:iam::${server.accountId}:user/staff/${user.UserName}`);
        seen.push(user.UserName!);
      }
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), names, 'every member once, the repeated add changed nothing');

    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'm-0' }));
    assert.deepEqual(groups.Groups?.map((g) => g.GroupName), ['Bakers', 'crew'], 'ordered by name, any case');
    assert.equal(groups.IsTruncated, false);
    const first = await iam.send(new ListGroupsForUserCommand({ UserName: 'm-0', MaxItems: 1 }));
    assert.deepEqual(first.Groups?.map((g) => g.GroupName), ['Bakers']);
    const second = await iam.send(new ListGroupsForUserCommand({ UserName: 'm-0', MaxItems: 1, Marker: first.Marker }));
    assert.deepEqual(second.Groups?.map((g) => g.GroupName), ['crew']);
    assert.equal(second.IsTruncated, false);

    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'crew', UserName: 'm-4' }));
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'crew', UserName: 'm-4' }));
    const after = await iam.send(new GetGroupCommand({ GroupName: 'crew' }));
    assert.deepEqual(after.Users?.map((u) => u.UserName).sort(), ['m-0', 'm-1', 'm-2', 'm-3']);
    assert.deepEqual((await iam.send(new ListGroupsForUserCommand({ UserName: 'm-4' }))).Groups, []);
  });

  test('a user is in at most 10 groups: LimitExceeded with AWS wording', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'joiner' }));
    for (let i = 0; i < 11; i++) await iam.send(new CreateGroupCommand({ GroupName: `club-${i}` }));
    for (let i = 0; i < 10; i++) await iam.send(new AddUserToGroupCommand({ GroupName: `club-${i}`, UserName: 'joiner' }));
    const limit = await awsError(() => iam.send(new AddUserToGroupCommand({ GroupName: 'club-10', UserName: 'joiner' })));
    assert.equal(limit.name, 'LimitExceededException');
    assert.equal(limit.status, 409);
    assert.equal(limit.message, 'Cannot exceed quota for GroupsPerUser: 10');
    // Adding to a group the user is already in is not a new membership.
    await iam.send(new AddUserToGroupCommand({ GroupName: 'club-0', UserName: 'joiner' }));
    assert.equal((await iam.send(new ListGroupsForUserCommand({ UserName: 'joiner' }))).Groups?.length, 10);
  });

  test('the per-user limit holds under concurrent adds', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'racer' }));
    const groups = Array.from({ length: 14 }, (_, i) => `race-${i}`);
    for (const group of groups) await iam.send(new CreateGroupCommand({ GroupName: group }));
    const results = await Promise.allSettled(groups.map((GroupName) => iam.send(new AddUserToGroupCommand({ GroupName, UserName: 'racer' }))));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(results.length - failed.length, 10);
    assert.ok(failed.every((r) => (r.reason as Error).name === 'LimitExceededException'));
    assert.equal((await iam.send(new ListGroupsForUserCommand({ UserName: 'racer' }))).Groups?.length, 10);
  });

  test('DeleteGroup and DeleteUser are refused while the membership exists (DeleteConflict 409)', async () => {
    const iam = server.iam();
    await iam.send(new CreateGroupCommand({ GroupName: 'temp-group' }));
    await iam.send(new CreateUserCommand({ UserName: 'temp-member' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'temp-group', UserName: 'temp-member' }));

    const group = await awsError(() => iam.send(new DeleteGroupCommand({ GroupName: 'temp-group' })));
    assert.equal(group.name, 'DeleteConflictException');
    assert.equal(group.status, 409);
    assert.equal(group.message, 'Cannot delete entity, must remove users from group first.');
    const user = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'temp-member' })));
    assert.equal(user.name, 'DeleteConflictException');
    assert.equal(user.message, 'Cannot delete entity, must remove users from group first.');

    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'temp-group', UserName: 'temp-member' }));
    await iam.send(new DeleteUserCommand({ UserName: 'temp-member' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'temp-group' }));
    assert.equal((await awsError(() => iam.send(new DeleteGroupCommand({ GroupName: 'temp-group' })))).name, 'NoSuchEntityException');
  });

  test('UpdateGroup renames and moves, members follow; a clash is EntityAlreadyExists', async () => {
    const iam = server.iam();
    await iam.send(new CreateGroupCommand({ GroupName: 'old-name' }));
    await iam.send(new CreateUserCommand({ UserName: 'follower' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'old-name', UserName: 'follower' }));
    await iam.send(new UpdateGroupCommand({ GroupName: 'old-name', NewGroupName: 'new-name', NewPath: '/moved/' }));
    const got = await iam.send(new GetGroupCommand({ GroupName: 'new-name' }));
    assert.equal(got.Group?.Arn, `arn:aws:iam::${server.accountId}:group/moved/new-name`);
    assert.deepEqual(got.Users?.map((u) => u.UserName), ['follower']);
    assert.equal((await awsError(() => iam.send(new GetGroupCommand({ GroupName: 'old-name' })))).name, 'NoSuchEntityException');
    const clash = await awsError(() => iam.send(new UpdateGroupCommand({ GroupName: 'new-name', NewGroupName: 'admins' })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
    assert.equal(clash.message, 'Group with name admins already exists.');
    const missing = await awsError(() => iam.send(new UpdateGroupCommand({ GroupName: 'old-name', NewPath: '/x/' })));
    assert.equal(missing.name, 'NoSuchEntityException');
  });

  test('ListGroups pages with Marker/MaxItems and filters by PathPrefix', async () => {
    const iam = server.iam();
    for (let i = 0; i < 5; i++) await iam.send(new CreateGroupCommand({ GroupName: `pg-${i}`, Path: '/paged/' }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListGroupsCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: marker }));
      seen.push(...(page.Groups ?? []).map((g) => g.GroupName!));
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(seen, ['pg-0', 'pg-1', 'pg-2', 'pg-3', 'pg-4']);
    const all = await iam.send(new ListGroupsCommand({}));
    assert.ok(all.Groups?.some((g) => g.GroupName === 'Admins'));
    assert.ok(all.Groups?.some((g) => g.GroupName === 'pg-0'));
    const bad = await awsError(() => iam.send(new ListGroupsCommand({ Marker: 'bogus!' })));
    assert.equal(bad.name, 'InvalidInputException');
  });
});

describe('IAM groups quota per account', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, groupsPerAccount: 2 } });
  });
  after(async () => server.stop());

  test('CreateGroup beyond GroupsPerAccount: LimitExceeded, and nothing is created', async () => {
    const iam = server.iam();
    await iam.send(new CreateGroupCommand({ GroupName: 'g1' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'g2' }));
    const limit = await awsError(() => iam.send(new CreateGroupCommand({ GroupName: 'g3' })));
    assert.equal(limit.name, 'LimitExceededException');
    assert.equal(limit.message, 'Cannot exceed quota for GroupsPerAccount: 2');
    assert.deepEqual((await iam.send(new ListGroupsCommand({}))).Groups?.map((g) => g.GroupName), ['g1', 'g2']);
  });
});
