import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import type { UserData } from '../records.ts';
import type { RoleData } from '../roles/records.ts';
import { targets } from './authorization.ts';
import type { PolicyData } from './records.ts';

const account = '123456789012';
const NOW = '2024-01-01T00:00:00Z';
const boundary = `arn:aws:iam::${account}:policy/Boundary`;
let store: Store;
let ctx: TargetContext;

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    tx: store,
    accountId: account,
    principal: { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/admin`, userId: 'AIDAADMIN', name: 'admin', tags: {}, accessKeyId: 'AKIAADMIN' },
  };
  await store.transaction(async (tx) => {
    const base = { accountId: account, parentId: '', createdAt: NOW };
    await tx.insert<UserData>({ ...base, kind: Kind.user, id: 'AIDABOB', name: 'Bob', path: '/eng/', data: { tags: [{ Key: 'team', Value: 'red' }], permissionsBoundary: boundary } });
    await tx.insert<RoleData>({ ...base, kind: Kind.role, id: 'AROAAPP', name: 'App', path: '/svc/', data: { assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, tags: [] } });
    await tx.insert({ ...base, kind: Kind.group, id: 'AGPADEVS', name: 'Devs', path: '/', data: {} });
    await tx.insert<PolicyData>({ ...base, kind: Kind.policy, id: 'ANPAREADER', name: 'Reader', path: '/team/', data: { defaultVersionId: 'v1', document: '{}', lastVersionNumber: 1, updatedAt: NOW, tags: [{ Key: 'owner', Value: 'ops' }] } });
  });
});
after(async () => store.close());

test('policy operations act on the policy, with its tags when it is a customer policy of the account', async () => {
  const reader = `arn:aws:iam::${account}:policy/team/Reader`;
  assert.deepEqual(await targets.GetPolicy({ PolicyArn: `arn:aws:iam::${account}:policy/team/reader` }, ctx), { resource: reader, resourceTags: { owner: 'ops' } });
  assert.deepEqual(await targets.DeletePolicyVersion({ PolicyArn: reader, VersionId: 'v2' }, ctx), { resource: reader, resourceTags: { owner: 'ops' } });
  // An AWS managed policy: its own ARN, AWS-owned (decided by the caller's own policies, authz/target.ts).
  assert.deepEqual(await targets.GetPolicy({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, ctx), { resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess', awsOwned: true });
  assert.deepEqual(await targets.GetPolicy({ PolicyArn: `arn:aws:iam::${account}:policy/Ghost` }, ctx), { resource: `arn:aws:iam::${account}:policy/Ghost` });
  assert.deepEqual(await targets.CreatePolicy({ PolicyName: 'New', Path: '/a/', PolicyDocument: '{}', Tags: [{ Key: 'k', Value: 'v' }] }, ctx), {
    resource: `arn:aws:iam::${account}:policy/a/New`,
    context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' },
    also: [{ action: 'iam:TagPolicy', resource: `arn:aws:iam::${account}:policy/a/New`, context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' } }],
  });
  assert.deepEqual((await targets.UntagPolicy({ PolicyArn: reader, TagKeys: ['owner'] }, ctx)).context, { 'aws:TagKeys': ['owner'] });
  assert.deepEqual(await targets.ListPolicies({}, ctx), { resource: '*' });
});

test('every operation on an AWS managed policy targets it as AWS-owned, under the ARN as given; customer policies never', async () => {
  const managed = 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM';
  const expected = { resource: managed, awsOwned: true };
  const PolicyArn = managed;
  const all = [
    targets.GetPolicy({ PolicyArn }, ctx), targets.DeletePolicy({ PolicyArn }, ctx), targets.ListEntitiesForPolicy({ PolicyArn }, ctx),
    targets.GetPolicyVersion({ PolicyArn, VersionId: 'v1' }, ctx), targets.ListPolicyVersions({ PolicyArn }, ctx),
    targets.CreatePolicyVersion({ PolicyArn, PolicyDocument: '{}' }, ctx), targets.DeletePolicyVersion({ PolicyArn, VersionId: 'v1' }, ctx),
    targets.SetDefaultPolicyVersion({ PolicyArn, VersionId: 'v1' }, ctx), targets.ListPolicyTags({ PolicyArn }, ctx),
  ];
  for (const target of await Promise.all(all)) assert.deepEqual(target, expected);
  assert.deepEqual(await targets.TagPolicy({ PolicyArn, Tags: [{ Key: 'k', Value: 'v' }] }, ctx), { ...expected, context: { 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] } });
  assert.deepEqual(await targets.UntagPolicy({ PolicyArn, TagKeys: ['k'] }, ctx), { ...expected, context: { 'aws:TagKeys': ['k'] } });
  // The real ARN, not a rewritten one, even when AWS has no such policy or it is spelt in another case.
  assert.deepEqual(await targets.GetPolicy({ PolicyArn: 'arn:aws:iam::aws:policy/readonlyaccess' }, ctx), { resource: 'arn:aws:iam::aws:policy/readonlyaccess', awsOwned: true });
  for (const arn of [`arn:aws:iam::${account}:policy/team/Reader`, `arn:aws:iam::${account}:policy/Ghost`, 'arn:aws:iam::210987654321:policy/Shared', 'not-an-arn']) {
    assert.equal(Object.hasOwn(await targets.GetPolicy({ PolicyArn: arn }, ctx), 'awsOwned'), false, arn);
  }
});

test('attaching names the holder, iam:PolicyARN, and the holder\'s current boundary', async () => {
  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  assert.deepEqual(await targets.AttachUserPolicy({ UserName: 'bob', PolicyArn: admin }, ctx), {
    resource: `arn:aws:iam::${account}:user/eng/Bob`,
    resourceTags: { team: 'red' },
    context: { 'iam:PolicyARN': admin, 'iam:PermissionsBoundary': boundary },
  });
  assert.deepEqual(await targets.DetachRolePolicy({ RoleName: 'app', PolicyArn: admin }, ctx), {
    resource: `arn:aws:iam::${account}:role/svc/App`,
    context: { 'iam:PolicyARN': admin },
  });
  assert.deepEqual(await targets.AttachGroupPolicy({ GroupName: 'devs', PolicyArn: admin }, ctx), {
    resource: `arn:aws:iam::${account}:group/Devs`,
    context: { 'iam:PolicyARN': admin },
  });
  assert.deepEqual(await targets.AttachUserPolicy({ UserName: 'ghost', PolicyArn: admin }, ctx), {
    resource: `arn:aws:iam::${account}:user/ghost`,
    context: { 'iam:PolicyARN': admin },
  });
});

test('inline policies act on the holder; putting and deleting carry its boundary, reading does not', async () => {
  assert.deepEqual((await targets.PutUserPolicy({ UserName: 'Bob', PolicyName: 'p', PolicyDocument: '{}' }, ctx)).context, { 'iam:PermissionsBoundary': boundary });
  assert.deepEqual((await targets.DeleteUserPolicy({ UserName: 'Bob', PolicyName: 'p' }, ctx)).context, { 'iam:PermissionsBoundary': boundary });
  assert.deepEqual(await targets.GetUserPolicy({ UserName: 'Bob', PolicyName: 'p' }, ctx), { resource: `arn:aws:iam::${account}:user/eng/Bob`, resourceTags: { team: 'red' }, context: {} });
  assert.equal((await targets.ListRolePolicies({ RoleName: 'App' }, ctx)).resource, `arn:aws:iam::${account}:role/svc/App`);
});

test('setting a boundary names the new one; removing it names the one removed', async () => {
  const next = 'arn:aws:iam::aws:policy/PowerUserAccess';
  assert.deepEqual((await targets.PutUserPermissionsBoundary({ UserName: 'Bob', PermissionsBoundary: next }, ctx)).context, { 'iam:PermissionsBoundary': next });
  assert.deepEqual((await targets.PutRolePermissionsBoundary({ RoleName: 'App', PermissionsBoundary: next }, ctx)).context, { 'iam:PermissionsBoundary': next });
  assert.deepEqual((await targets.DeleteUserPermissionsBoundary({ UserName: 'Bob' }, ctx)).context, { 'iam:PermissionsBoundary': boundary });
});

test('ListPoliciesGrantingServiceAccess acts on the entity its Arn names, with its stored spelling and tags', async () => {
  const grants = (Arn: string) => targets.ListPoliciesGrantingServiceAccess({ Arn, ServiceNamespaces: ['s3'] }, ctx);
  assert.deepEqual(await grants(`arn:aws:iam::${account}:user/eng/bob`), { resource: `arn:aws:iam::${account}:user/eng/Bob`, resourceTags: { team: 'red' } });
  assert.deepEqual(await grants(`arn:aws:iam::${account}:group/devs`), { resource: `arn:aws:iam::${account}:group/Devs` });
  assert.deepEqual(await grants(`arn:aws:iam::${account}:role/svc/App`), { resource: `arn:aws:iam::${account}:role/svc/App` });
  // Unknown, on another path, in another account, or no entity ARN at all: the ARN as given.
  for (const arn of [`arn:aws:iam::${account}:user/ghost`, `arn:aws:iam::${account}:user/Bob`, 'arn:aws:iam::210987654321:user/eng/Bob', 'arn:aws:s3:::bucket-name']) {
    assert.deepEqual(await grants(arn), { resource: arn });
  }
});
