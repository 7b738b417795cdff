import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, CreateServiceLinkedRoleCommand,
  DeleteInstanceProfileCommand, DeleteRoleCommand, GetInstanceProfileCommand, ListInstanceProfileTagsCommand,
  ListInstanceProfilesCommand, ListInstanceProfilesForRoleCommand, RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand, UntagInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';

const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('IAM instance profiles through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    for (const name of ['web', 'worker']) await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/app/', AssumeRolePolicyDocument: EC2_TRUST, Tags: [{ Key: 'k', Value: 'v' }] }));
  });
  after(async () => server.stop());

  test('CreateInstanceProfile returns the profile with AWS shapes, tags and no roles', async () => {
    const iam = server.iam();
    const out = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web-profile', Path: '/app/', Tags: [{ Key: 'tier', Value: 'front' }] }));
    const profile = out.InstanceProfile!;
    assert.equal(profile.InstanceProfileName, 'web-profile');
    assert.equal(profile.Path, '/app/');
    assert.match(profile.InstanceProfileId ?? '', /^AIPA[A-Z2-7]{17}$/);
    assert.equal(profile.Arn, `arn:aws:iam::${server.accountId}:instance-profile/app/web-profile`);
    assert.ok(profile.CreateDate instanceof Date);
    assert.deepEqual(profile.Roles, []);
    assert.deepEqual(profile.Tags, [{ Key: 'tier', Value: 'front' }]);

    const clash = await awsError(() => iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'WEB-PROFILE' })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
    assert.equal(clash.status, 409);
    assert.equal(clash.message, 'Instance Profile WEB-PROFILE already exists.');
    const missing = await awsError(() => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'nope' })));
    assert.equal(missing.name, 'NoSuchEntityException');
    assert.equal(missing.status, 404);
    assert.equal(missing.message, 'Instance Profile nope cannot be found.');
  });

  test('a profile holds one role: the role appears in it, a second is LimitExceeded', async () => {
    const iam = server.iam();
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'Web' }));
    const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'Web-Profile' }))).InstanceProfile!;
    assert.equal(profile.Roles?.length, 1);
    const role = profile.Roles![0]!;
    assert.equal(role.RoleName, 'web');
    assert.equal(role.Arn, `arn:aws:iam::${server.accountId}:role/app/web`);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), EC2_TRUST);
    assert.equal(role.Tags, undefined, 'nested roles carry identity and trust policy only');
    assert.equal(role.MaxSessionDuration, undefined);
    assert.deepEqual(profile.Tags, [{ Key: 'tier', Value: 'front' }]);

    for (const RoleName of ['worker', 'web']) {
      const limit = await awsError(() => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName })));
      assert.equal(limit.name, 'LimitExceededException');
      assert.equal(limit.status, 409);
      assert.equal(limit.message, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
    }
    const noRole = await awsError(() => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'ghost' })));
    assert.equal(noRole.message, 'The role with name ghost cannot be found.');
    const noProfile = await awsError(() => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ghost', RoleName: 'worker' })));
    assert.equal(noProfile.message, 'Instance Profile ghost cannot be found.');
  });

  test('only one of many concurrent AddRoleToInstanceProfile calls wins', async () => {
    const iam = server.iam();
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'contested' }));
    const roles = Array.from({ length: 6 }, (_, i) => `contender-${i}`);
    for (const RoleName of roles) await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: EC2_TRUST }));
    const results = await Promise.allSettled(roles.map((RoleName) => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'contested', RoleName }))));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(results.length - failed.length, 1);
    assert.ok(failed.every((r) => (r.reason as Error).name === 'LimitExceededException'));
    assert.equal((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'contested' }))).InstanceProfile?.Roles?.length, 1);
  });

  test('ListInstanceProfiles pages, filters by PathPrefix, carries roles but not tags', async () => {
    const iam = server.iam();
    for (let i = 0; i < 4; i++) await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: `batch-${i}`, Path: '/batch/', Tags: [{ Key: 'i', Value: String(i) }] }));
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/batch/', MaxItems: 3, Marker: marker }));
      for (const profile of page.InstanceProfiles ?? []) {
        seen.push(profile.InstanceProfileName!);
        assert.equal(profile.Tags, undefined);
        assert.deepEqual(profile.Roles, []);
      }
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(seen, ['batch-0', 'batch-1', 'batch-2', 'batch-3']);
    const app = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/app/' }));
    assert.deepEqual(app.InstanceProfiles?.map((p) => [p.InstanceProfileName, p.Roles?.map((r) => r.RoleName)]), [['web-profile', ['web']]]);
  });

  test('ListInstanceProfilesForRole pages over the profiles holding the role', async () => {
    const iam = server.iam();
    const names = ['wk-a', 'wk-b', 'wk-c'];
    for (const name of names) {
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: 'worker' }));
    }
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'worker', MaxItems: 2, Marker: marker }));
      pages++;
      for (const profile of page.InstanceProfiles ?? []) {
        seen.push(profile.InstanceProfileName!);
        assert.deepEqual(profile.Roles?.map((r) => r.RoleName), ['worker']);
      }
      marker = page.Marker;
    } while (marker);
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), names);
    await iam.send(new CreateRoleCommand({ RoleName: 'loner', AssumeRolePolicyDocument: EC2_TRUST }));
    const none = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'loner' }));
    assert.deepEqual(none.InstanceProfiles, []);
    assert.equal(none.IsTruncated, false);
    const missing = await awsError(() => iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ghost' })));
    assert.equal(missing.message, 'The role with name ghost cannot be found.');
  });

  test('deleting is refused in both directions while the role is in the profile (DeleteConflict 409)', async () => {
    const iam = server.iam();
    const message = 'Cannot delete entity, must remove roles from instance profile first.';
    const profile = await awsError(() => iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-profile' })));
    assert.equal(profile.name, 'DeleteConflictException');
    assert.equal(profile.status, 409);
    assert.equal(profile.message, message);
    const role = await awsError(() => iam.send(new DeleteRoleCommand({ RoleName: 'web' })));
    assert.equal(role.name, 'DeleteConflictException');
    assert.equal(role.message, message);

    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'web' }));
    const again = await awsError(() => iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web-profile', RoleName: 'web' })));
    assert.equal(again.name, 'NoSuchEntityException');
    assert.deepEqual((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-profile' }))).InstanceProfile?.Roles, []);
    await iam.send(new DeleteRoleCommand({ RoleName: 'web' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-profile' }));
    assert.equal((await awsError(() => iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-profile' })))).name, 'NoSuchEntityException');
  });

  test('a service-linked role cannot be put in a profile (UnmodifiableEntity)', async () => {
    const iam = server.iam();
    await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'spot.amazonaws.com' }));
    const err = await awsError(() => iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'batch-0', RoleName: 'AWSServiceRoleForEC2Spot' })));
    assert.equal(err.name, 'UnmodifiableEntityException');
    assert.equal(err.message, "Cannot perform the operation on the protected role 'AWSServiceRoleForEC2Spot' - this role is only modifiable by AWS");
  });

  test('tags: merge case-insensitively, list, untag; duplicates and the quota refused', async () => {
    const iam = server.iam();
    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'batch-1', Tags: [{ Key: 'I', Value: 'one' }, { Key: 'env', Value: 'prod' }] }));
    let tags = await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'batch-1' }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }, { Key: 'I', Value: 'one' }]);
    const dup = await awsError(() => iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'batch-1', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })));
    assert.equal(dup.name, 'InvalidInputException');
    const many = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const quota = await awsError(() => iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'batch-1', Tags: many })));
    assert.equal(quota.name, 'LimitExceededException');
    await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: 'batch-1', TagKeys: ['i'] }));
    tags = await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'batch-1' }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'prod' }]);
    assert.equal((await awsError(() => iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'ghost' })))).name, 'NoSuchEntityException');
  });
});

describe('IAM instance profiles quota per account', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, instanceProfilesPerAccount: 1 } });
  });
  after(async () => server.stop());

  test('CreateInstanceProfile beyond InstanceProfilesPerAccount: LimitExceeded', async () => {
    const iam = server.iam();
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'only' }));
    const limit = await awsError(() => iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'second' })));
    assert.equal(limit.name, 'LimitExceededException');
    assert.equal(limit.message, 'Cannot exceed quota for InstanceProfilesPerAccount: 1');
  });
});
