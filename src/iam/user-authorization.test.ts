import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import type { TargetContext } from './authorization/target.ts';
import { Kind } from './kinds.ts';
import type { UserData } from './records.ts';
import { userTargets } from './user-authorization.ts';

const account = '123456789012';
let store: Store;
let ctx: TargetContext;

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    tx: store,
    accountId: account,
    principal: { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/ops/bob`, userId: 'AIDABOB', name: 'bob', tags: {}, accessKeyId: 'AKIABOB' },
  };
  await store.transaction(async (tx) => {
    await tx.insert<UserData>({ accountId: account, kind: Kind.user, id: 'AIDABOB', name: 'bob', parentId: '', path: '/ops/', createdAt: '2024-01-01T00:00:00Z', data: { tags: [{ Key: 'team', Value: 'ops' }] } });
  });
});
after(async () => store.close());

test('renaming or moving a user also needs UpdateUser on the ARN it will have, decided with its tags', async () => {
  assert.deepEqual(await userTargets.UpdateUser({ UserName: 'BOB', NewUserName: 'admin' }, ctx), {
    resource: `arn:aws:iam::${account}:user/ops/bob`,
    resourceTags: { team: 'ops' },
    also: [{ action: 'iam:UpdateUser', resource: `arn:aws:iam::${account}:user/ops/admin`, resourceTags: { team: 'ops' } }],
  });
  assert.deepEqual((await userTargets.UpdateUser({ UserName: 'bob', NewPath: '/admins/' }, ctx)).also, [
    { action: 'iam:UpdateUser', resource: `arn:aws:iam::${account}:user/admins/bob`, resourceTags: { team: 'ops' } },
  ]);
  assert.deepEqual((await userTargets.UpdateUser({ UserName: 'bob', NewPath: '/admins/', NewUserName: 'root-ish' }, ctx)).also, [
    { action: 'iam:UpdateUser', resource: `arn:aws:iam::${account}:user/admins/root-ish`, resourceTags: { team: 'ops' } },
  ]);
  assert.equal((await userTargets.UpdateUser({ UserName: 'bob' }, ctx)).also, undefined);
});

test('renaming a user that does not exist names both ARNs with the root path', async () => {
  assert.deepEqual(await userTargets.UpdateUser({ UserName: 'ghost', NewUserName: 'spirit' }, ctx), {
    resource: `arn:aws:iam::${account}:user/ghost`,
    also: [{ action: 'iam:UpdateUser', resource: `arn:aws:iam::${account}:user/spirit` }],
  });
});
