import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import { targets } from './authorization.ts';
import type { GroupData } from './records.ts';

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
    await tx.insert<GroupData>({ accountId: account, kind: Kind.group, id: 'AGPAOPS', name: 'Ops', parentId: '', path: '/eng/', data: {}, createdAt: '2024-01-01T00:00:00Z' });
  });
});
after(async () => store.close());

test('groups are named by their real path; unknown ones by the root path', async () => {
  assert.deepEqual(await targets.GetGroup({ GroupName: 'ops' }, ctx), { resource: `arn:aws:iam::${account}:group/eng/Ops` });
  assert.deepEqual(await targets.AddUserToGroup({ GroupName: 'ghosts', UserName: 'x' }, ctx), { resource: `arn:aws:iam::${account}:group/ghosts` });
  assert.deepEqual(await targets.CreateGroup({ GroupName: 'New', Path: '/a/' }, ctx), { resource: `arn:aws:iam::${account}:group/a/New` });
  assert.deepEqual(await targets.ListGroupsForUser({ UserName: 'bob' }, ctx), { resource: `arn:aws:iam::${account}:user/bob` });
});

test('renaming or moving a group also needs UpdateGroup on the new name', async () => {
  assert.deepEqual(await targets.UpdateGroup({ GroupName: 'Ops', NewGroupName: 'Platform' }, ctx), {
    resource: `arn:aws:iam::${account}:group/eng/Ops`,
    also: [{ action: 'iam:UpdateGroup', resource: `arn:aws:iam::${account}:group/eng/Platform` }],
  });
  assert.deepEqual((await targets.UpdateGroup({ GroupName: 'Ops', NewPath: '/infra/' }, ctx)).also, [
    { action: 'iam:UpdateGroup', resource: `arn:aws:iam::${account}:group/infra/Ops` },
  ]);
  assert.equal((await targets.UpdateGroup({ GroupName: 'Ops' }, ctx)).also, undefined);
});
