import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import { targets } from './authorization.ts';
import type { RoleData } from './records.ts';
import type { InstanceProfileData } from './instance-profile-records.ts';

const account = '123456789012';
let store: Store;
let ctx: TargetContext;

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    tx: store,
    accountId: account,
    principal: { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/alice`, userId: 'AIDAALICE', name: 'alice', tags: {}, accessKeyId: 'AKIAALICE' },
  };
  await store.transaction(async (tx) => {
    await tx.insert<RoleData>({
      accountId: account, kind: Kind.role, id: 'AROAWEB', name: 'Web', parentId: '', path: '/app/',
      data: { assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, tags: [{ Key: 'team', Value: 'red' }] }, createdAt: '2024-01-01T00:00:00Z',
    });
    await tx.insert<InstanceProfileData>({
      accountId: account, kind: Kind.instanceProfile, id: 'AIPAWEB', name: 'WebProfile', parentId: '', path: '/fleet/',
      data: { tags: [{ Key: 'tier', Value: 'front' }] }, createdAt: '2024-01-01T00:00:00Z',
    });
  });
});
after(async () => store.close());

test('existing roles are named by their real path, with their tags; unknown ones by the root path', async () => {
  assert.deepEqual(await targets.GetRole({ RoleName: 'web' }, ctx), { resource: `arn:aws:iam::${account}:role/app/Web`, resourceTags: { team: 'red' } });
  assert.deepEqual(await targets.DeleteRole({ RoleName: 'ghost' }, ctx), { resource: `arn:aws:iam::${account}:role/ghost` });
  assert.deepEqual(await targets.ListRoles({ PathPrefix: '/app/' }, ctx), { resource: `arn:aws:iam::${account}:role/app/` });
});

test('CreateRole carries its request tags and boundary as condition keys', async () => {
  const target = await targets.CreateRole({
    RoleName: 'New', Path: '/x/', AssumeRolePolicyDocument: '{}', Tags: [{ Key: 'cost', Value: '1' }], PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  }, ctx);
  assert.deepEqual(target, {
    resource: `arn:aws:iam::${account}:role/x/New`,
    context: { 'aws:TagKeys': ['cost'], 'aws:RequestTag/cost': '1', 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    // Tagging as it creates: iam:TagRole too, with the tags (not the boundary) as its keys.
    also: [{ action: 'iam:TagRole', resource: `arn:aws:iam::${account}:role/x/New`, context: { 'aws:TagKeys': ['cost'], 'aws:RequestTag/cost': '1' } }],
  });
  assert.equal((await targets.CreateRole({ RoleName: 'Bare', AssumeRolePolicyDocument: '{}' }, ctx)).also, undefined, 'no tags: no tagging check');
  assert.deepEqual((await targets.UntagRole({ RoleName: 'Web', TagKeys: ['team'] }, ctx)).context, { 'aws:TagKeys': ['team'] });
});

test('service-linked role operations name the role under the service path', async () => {
  assert.deepEqual(await targets.CreateServiceLinkedRole({ AWSServiceName: 'ecs.amazonaws.com' }, ctx), {
    resource: `arn:aws:iam::${account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
    context: { 'iam:AWSServiceName': 'ecs.amazonaws.com' },
  });
  const status = await targets.GetServiceLinkedRoleDeletionStatus({
    DeletionTaskId: 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/0b6a2b3c-1d2e-4f50-a617-28394a5b6c7d',
  }, ctx);
  assert.equal(status.resource, `arn:aws:iam::${account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`);
});

test('AddRoleToInstanceProfile is authorized on the profile and needs iam:PassRole on the role', async () => {
  const target = await targets.AddRoleToInstanceProfile({ InstanceProfileName: 'webprofile', RoleName: 'WEB' }, ctx);
  assert.equal(target.resource, `arn:aws:iam::${account}:instance-profile/fleet/WebProfile`);
  assert.deepEqual(target.resourceTags, { tier: 'front' });
  assert.deepEqual(target.also, [{ action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/app/Web`, context: { 'iam:PassedToService': 'ec2.amazonaws.com', 'iam:AssociatedResourceArn': `arn:aws:ec2:*:${account}:instance/*` } }]);
  assert.deepEqual(await targets.CreateInstanceProfile({ InstanceProfileName: 'P', Path: '/p/', Tags: [{ Key: 'a', Value: 'b' }] }, ctx), {
    resource: `arn:aws:iam::${account}:instance-profile/p/P`,
    context: { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': 'b' },
    also: [{ action: 'iam:TagInstanceProfile', resource: `arn:aws:iam::${account}:instance-profile/p/P`, context: { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': 'b' } }],
  });
});
