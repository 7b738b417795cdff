import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, PolicyCache, type EvaluationPrincipal, type PolicySet } from '../../policy/index.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { EntityRecord, Store, StoreTx } from '../../store/types.ts';
import { Kind, Link } from '../kinds.ts';
import type { UserData } from '../records.ts';
import type { RoleData } from '../roles/records.ts';
import { loadRolePolicies, loadUserPolicies, type PrincipalPolicies } from './principal-policies.ts';
import { findManagedPolicy } from './lookup.ts';
import { policyArn, type InlinePolicyData, type PolicyData } from './records.ts';

const ACCOUNT = '111122223333';
const NOW = '2024-01-01T00:00:00Z';

const allow = (...actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

async function insert<D>(tx: StoreTx, kind: string, id: string, name: string, data: D, parentId = ''): Promise<EntityRecord<D>> {
  return tx.insert<D>({ accountId: ACCOUNT, kind, id, name, parentId, path: '/', data, createdAt: NOW });
}

async function customerPolicy(tx: StoreTx, name: string, document: string): Promise<string> {
  await insert<PolicyData>(tx, Kind.policy, `ANPA${name.toUpperCase()}`, name, { defaultVersionId: 'v1', document, lastVersionNumber: 1, updatedAt: NOW, tags: [] });
  return policyArn(ACCOUNT, '/', name);
}

function decide(policies: PrincipalPolicies, principal: EvaluationPrincipal, action: string) {
  const set: PolicySet = { identity: policies.identity, ...(policies.boundary ? { boundary: policies.boundary } : {}) };
  return evaluate({ principal, action, resource: '*' }, set);
}

describe('the policies that apply to a principal, compiled for the engine', () => {
  let store: Store;
  let alice: EntityRecord<UserData>;
  let worker: EntityRecord<RoleData>;
  let orphan: EntityRecord<RoleData>;
  const aliceP: EvaluationPrincipal = { kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, name: 'alice', userId: 'AIDAALICE' };
  const workerP: EvaluationPrincipal = { kind: 'role-session', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/worker/s`, accountId: ACCOUNT, roleName: 'worker', sessionName: 's', userId: 'AROAWORKER:s' };

  before(async () => {
    store = await openSqliteStore(':memory:');
    await store.transaction(async (tx) => {
      const managed = await customerPolicy(tx, 'Queues', allow('sqs:*'));
      const boundary = await customerPolicy(tx, 'Boundary', allow('s3:*', 'sqs:*'));
      // Larger than a customer managed policy may be today: stored under older rules, it still evaluates.
      const oversized = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: Array.from({ length: 200 }, (_, i) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t${i}`) }] });
      const big = await customerPolicy(tx, 'Big', oversized);

      alice = await insert<UserData>(tx, Kind.user, 'AIDAALICE', 'alice', { tags: [], permissionsBoundary: boundary });
      await insert<InlinePolicyData>(tx, Kind.userInlinePolicy, 'i1', 'ReadObjects', { document: allow('s3:GetObject') }, alice.id);
      await tx.link(Link.userPolicy, ACCOUNT, alice.id, managed);
      const group = await insert(tx, Kind.group, 'AGPADEVS', 'devs', {});
      await insert<InlinePolicyData>(tx, Kind.groupInlinePolicy, 'i2', 'Notify', { document: allow('sns:Publish') }, group.id);
      await tx.link(Link.groupPolicy, ACCOUNT, group.id, managed);
      await tx.link(Link.groupPolicy, ACCOUNT, group.id, big);
      await tx.link(Link.groupMember, ACCOUNT, group.id, alice.id);

      const roleData: RoleData = { assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, tags: [] };
      worker = await insert<RoleData>(tx, Kind.role, 'AROAWORKER', 'worker', roleData);
      await insert<InlinePolicyData>(tx, Kind.roleInlinePolicy, 'i3', 'Logs', { document: allow('logs:PutLogEvents') }, worker.id);
      await tx.link(Link.rolePolicy, ACCOUNT, worker.id, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
      orphan = await insert<RoleData>(tx, Kind.role, 'AROAORPHAN', 'orphan', { ...roleData, permissionsBoundary: policyArn(ACCOUNT, '/', 'Gone') });
      await insert<InlinePolicyData>(tx, Kind.roleInlinePolicy, 'i4', 'All', { document: allow('*') }, orphan.id);
    });
  });
  after(async () => store.close());

  test('a user: its inline and managed policies, its groups\', and its boundary, each named', async () => {
    const policies = await store.transaction((tx) => loadUserPolicies(tx, alice, new PolicyCache()));
    assert.deepEqual(policies.identity.map((p) => p.name), [
      'user/alice/inline/ReadObjects',
      policyArn(ACCOUNT, '/', 'Queues'),
      'group/devs/inline/Notify',
      // Queues again through the group: listed once.
      policyArn(ACCOUNT, '/', 'Big'),
    ]);
    assert.equal(policies.boundary?.name, policyArn(ACCOUNT, '/', 'Boundary'));
    assert.equal(policies.boundary?.kind, 'boundary');
    assert.ok(policies.identity.every((p) => p.kind === 'identity'));
  });

  test('the compiled policies decide as written; the boundary limits them', async () => {
    const policies = await store.transaction((tx) => loadUserPolicies(tx, alice, new PolicyCache()));
    assert.equal(decide(policies, aliceP, 's3:GetObject').decision, 'Allowed');
    assert.equal(decide(policies, aliceP, 'sqs:SendMessage').decision, 'Allowed');
    const notify = decide(policies, aliceP, 'sns:Publish');
    assert.equal(notify.decision, 'ImplicitDeny');
    assert.equal(notify.reason, 'no permissions boundary allows the sns:Publish action');
    assert.equal(decide(policies, aliceP, 's3:PutObject').decision, 'ImplicitDeny', 'the boundary allows it, no identity policy does');
    // The oversized stored document is evaluated leniently, as written (the boundary then refuses dynamodb).
    const withoutBoundary = { identity: policies.identity };
    const read = evaluate({ principal: aliceP, action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t199` }, withoutBoundary);
    assert.equal(read.decision, 'Allowed');
    assert.deepEqual(read.deciding.map((d) => d.policy), [policyArn(ACCOUNT, '/', 'Big')]);
  });

  test('compilations are cached by text: a second load compiles nothing new', async () => {
    const cache = new PolicyCache();
    const first = await store.transaction((tx) => loadUserPolicies(tx, alice, cache));
    const misses = cache.stats().misses;
    const second = await store.transaction((tx) => loadUserPolicies(tx, alice, cache));
    assert.equal(cache.stats().misses, misses);
    assert.ok(cache.stats().hits >= 4);
    // Leniently compiled policies are reused too.
    const bigFirst = first.identity.find((p) => p.name.endsWith(':policy/Big'))!;
    const bigSecond = second.identity.find((p) => p.name.endsWith(':policy/Big'))!;
    assert.deepEqual(bigFirst.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), ['Cannot exceed quota for PolicySize: 6144']);
    assert.equal(bigSecond.statements, bigFirst.statements);
  });

  test('a role: inline and attached AWS managed policies (compiled as stored, whatever their size)', async () => {
    const policies = await store.transaction((tx) => loadRolePolicies(tx, worker, new PolicyCache()));
    assert.deepEqual(policies.identity.map((p) => p.name), ['role/worker/inline/Logs', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
    assert.equal(policies.boundary, undefined);
    assert.equal(decide(policies, workerP, 'logs:PutLogEvents').decision, 'Allowed');
    assert.equal(decide(policies, workerP, 's3:GetObject').decision, 'Allowed', 'ReadOnlyAccess allows reads');
    assert.equal(decide(policies, workerP, 's3:PutObject').decision, 'ImplicitDeny');
  });

  test('a boundary naming a policy that no longer exists allows nothing', async () => {
    const policies = await store.transaction((tx) => loadRolePolicies(tx, orphan, new PolicyCache()));
    assert.equal(policies.boundary?.name, policyArn(ACCOUNT, '/', 'Gone'));
    assert.equal(decide(policies, { ...workerP, roleName: 'orphan' }, 's3:GetObject').decision, 'ImplicitDeny');
  });

  test('findManagedPolicy: customer policies of the account and AWS managed ones, by ARN', async () => {
    await store.transaction(async (tx) => {
      const queues = await findManagedPolicy(tx, ACCOUNT, policyArn(ACCOUNT, '/', 'queues'));
      assert.deepEqual(queues, { arn: policyArn(ACCOUNT, '/', 'Queues'), defaultVersionId: 'v1', document: allow('sqs:*') });
      assert.equal(await findManagedPolicy(tx, '999988887777', policyArn(ACCOUNT, '/', 'Queues')), undefined, 'never another account\'s');
      assert.equal(await findManagedPolicy(tx, ACCOUNT, policyArn(ACCOUNT, '/other/', 'Queues')), undefined);
      const admin = await findManagedPolicy(tx, ACCOUNT, 'arn:aws:iam::aws:policy/AdministratorAccess');
      assert.equal(admin?.defaultVersionId, 'v1');
      assert.deepEqual(JSON.parse(admin!.document).Statement, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    });
  });
});
