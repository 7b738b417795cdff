import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import { Kind } from '../kinds.ts';
import { findRoleByArn, parseRoleArn, type RoleData } from './records.ts';
import { recordRoleUse } from './last-used.ts';

let store: Store;
const account = '123456789012';

before(async () => {
  store = await openSqliteStore(':memory:');
  await store.transaction(async (tx) => {
    await tx.insert<RoleData>({
      accountId: account, kind: Kind.role, id: 'AROAEXAMPLE000000001', name: 'Deployer', parentId: '', path: '/ci/',
      data: { assumeRolePolicyDocument: '{}', maxSessionDuration: 7200, tags: [{ Key: 'team', Value: 'red' }] },
      createdAt: '2024-01-01T00:00:00Z',
    });
  });
});
after(async () => store.close());

test('role ARNs parse into account, path and name', () => {
  assert.deepEqual(parseRoleArn('arn:aws:iam::123456789012:role/ci/Deployer'), { accountId: account, path: '/ci/', name: 'Deployer' });
  assert.deepEqual(parseRoleArn('arn:aws:iam::123456789012:role/R'), { accountId: account, path: '/', name: 'R' });
  for (const bad of ['arn:aws:iam::123456789012:user/R', 'arn:aws:iam::12345:role/R', 'arn:aws:iam::123456789012:role/', 'arn:aws:iam::123456789012:role/a//b']) {
    assert.equal(parseRoleArn(bad), undefined, bad);
  }
});

test('findRoleByArn finds the role by its exact path and any-case name', async () => {
  const role = await findRoleByArn(store, 'arn:aws:iam::123456789012:role/ci/deployer');
  assert.equal(role?.id, 'AROAEXAMPLE000000001');
  assert.equal(role?.data.maxSessionDuration, 7200);
  assert.equal(await findRoleByArn(store, 'arn:aws:iam::123456789012:role/Deployer'), undefined, 'wrong path');
  assert.equal(await findRoleByArn(store, 'arn:aws:iam::999999999999:role/ci/Deployer'), undefined, 'other account');
});

test('recordRoleUse records the latest use, at most once a minute per region', async () => {
  const at = (iso: string) => new Date(iso);
  const lastUsed = async () => (await store.get<RoleData>(Kind.role, 'AROAEXAMPLE000000001'))?.data.lastUsed;
  assert.equal(await recordRoleUse(store, 'AROAEXAMPLE000000001', at('2024-02-01T10:00:00.500Z'), 'eu-west-1'), true);
  assert.deepEqual(await lastUsed(), { date: '2024-02-01T10:00:00Z', region: 'eu-west-1' });
  assert.equal(await recordRoleUse(store, 'AROAEXAMPLE000000001', at('2024-02-01T10:00:30Z'), 'eu-west-1'), false, 'same minute, same region');
  assert.equal(await recordRoleUse(store, 'AROAEXAMPLE000000001', at('2024-02-01T09:00:00Z'), 'us-east-1'), false, 'older than recorded');
  assert.equal(await recordRoleUse(store, 'AROAEXAMPLE000000001', at('2024-02-01T10:00:31Z'), 'us-east-1'), true, 'another region');
  assert.deepEqual(await lastUsed(), { date: '2024-02-01T10:00:31Z', region: 'us-east-1' });
  assert.equal(await recordRoleUse(store, 'AROAEXAMPLE000000001', at('2024-02-01T10:05:00Z'), 'us-east-1'), true);
  assert.deepEqual(await lastUsed(), { date: '2024-02-01T10:05:00Z', region: 'us-east-1' });
  assert.equal(await recordRoleUse(store, 'AROANOSUCHROLE000000', at('2024-02-01T10:05:00Z'), 'us-east-1'), false);
  const role = await store.get<RoleData>(Kind.role, 'AROAEXAMPLE000000001');
  assert.deepEqual(role?.data.tags, [{ Key: 'team', Value: 'red' }], 'other data untouched');
});
