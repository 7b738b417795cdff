import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import { ServiceError } from '../../protocol/errors.ts';
import type { Store } from '../../store/types.ts';
import { Kind } from '../kinds.ts';
import { bindTrustPolicyPrincipals, PrincipalNames } from './trust-policy-principals.ts';

const A = '111122223333';
const B = '444455556666';
const BOB = 'AIDAEXAMPLEBOB0000001';
const CAROL = 'AIDAEXAMPLECAROL00001';
const APP = 'AROAEXAMPLEAPP0000001';
const doc = (aws: unknown, extra: object = {}) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole', ...extra }] });

let store: Store;
before(async () => {
  store = await openSqliteStore(':memory:');
  const base = { parentId: '', data: { tags: [] }, createdAt: '2024-01-01T00:00:00Z' };
  await store.transaction(async (tx) => {
    await tx.insert({ ...base, accountId: A, kind: Kind.user, id: BOB, name: 'bob', path: '/' });
    await tx.insert({ ...base, accountId: B, kind: Kind.user, id: CAROL, name: 'Carol', path: '/team/' });
    await tx.insert({ ...base, accountId: A, kind: Kind.role, id: APP, name: 'app', path: '/svc/', data: { assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, tags: [] } });
  });
});
after(async () => store.close());

const bind = (text: string) => store.transaction((tx) => bindTrustPolicyPrincipals(tx, text));

async function refusal(text: string): Promise<ServiceError> {
  try {
    await bind(text);
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return err;
  }
  assert.fail(`accepted: ${text}`);
}

describe('binding on write', () => {
  test('user and role ARNs become their unique IDs, in this account and another', async () => {
    const text = doc([`arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${B}:user/team/Carol`, `arn:aws:iam::${A}:role/svc/app`]);
    assert.equal(await bind(text), doc([BOB, CAROL, APP]));
  });

  test('accounts, root ARNs, sessions, federated users, "*" and unique IDs of existing entities stay as written', async () => {
    const text = doc([A, `arn:aws:iam::${B}:root`, `arn:aws:sts::${A}:assumed-role/app/s1`, `arn:aws:sts::${A}:federated-user/fred`, '*', BOB, APP]);
    assert.equal(await bind(text), text);
  });

  test('the rest of the document is kept: layout, conditions naming the same ARN', async () => {
    const arn = `arn:aws:iam::${A}:user/bob`;
    const text = `{ "Statement": [ { "Effect": "Allow",\n  "Principal": {"AWS": "${arn}"},\n  "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": "${arn}"}} } ] }`;
    assert.equal(await bind(text), text.replace(`{"AWS": "${arn}"}`, `{"AWS": "${BOB}"}`));
  });

  test('a principal naming no existing user or role is refused as IAM refuses it', async () => {
    const refused = [
      `arn:aws:iam::${A}:user/nobody`,
      `arn:aws:iam::${A}:user/Bob`, // the name in a principal ARN is case sensitive
      `arn:aws:iam::${A}:user/other/bob`, // another path is another ARN
      `arn:aws:iam::${A}:role/app`, // the role's path is /svc/
      `arn:aws:iam::${A}:role/bob`, // bob is a user
      `arn:aws:iam::999999999999:user/bob`, // an account Tessera does not hold
      `arn:aws-cn:iam::${A}:user/bob`, // another partition
      'AIDAEXAMPLEGONE000001', // the unique ID of a deleted (or never created) user
      'AROAEXAMPLEGONE000001',
      'AGPAEXAMPLEGROUP00001', // a group is no principal
    ];
    for (const value of refused) {
      const err = await refusal(doc(value));
      assert.equal(err.code, 'MalformedPolicyDocument', value);
      assert.equal(err.message, `Invalid principal in policy: "AWS":"${value}"`);
    }
    const inNotPrincipal = await refusal(JSON.stringify({ Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${A}:user/nobody` }, Action: '*' }] }));
    assert.equal(inNotPrincipal.code, 'MalformedPolicyDocument');
  });
});

describe('display on read', () => {
  test('unique IDs of existing users and roles show as their current ARNs, others stay IDs', async () => {
    const names = new PrincipalNames(store);
    const stored = doc([BOB, CAROL, APP, 'AIDAEXAMPLEGONE000001', A], { Condition: { StringEquals: { 'aws:userid': BOB } } });
    const shown = await names.display(stored);
    assert.equal(shown, doc([`arn:aws:iam::${A}:user/bob`, `arn:aws:iam::${B}:user/team/Carol`, `arn:aws:iam::${A}:role/svc/app`, 'AIDAEXAMPLEGONE000001', A], {
      Condition: { StringEquals: { 'aws:userid': BOB } },
    }));
  });

  test('a renamed user shows under its new name; a deleted one as its ID, even with a new user of the name', async () => {
    const id = 'AIDAEXAMPLEDAVE000001';
    await store.insert({ accountId: A, kind: Kind.user, id, name: 'dave', parentId: '', path: '/', data: { tags: [] }, createdAt: '2024-01-01T00:00:00Z' });
    const stored = doc(id);
    const user = (await store.get(Kind.user, id))!;
    await store.update({ ...user, name: 'david', path: '/ops/' });
    assert.equal(await new PrincipalNames(store).display(stored), doc(`arn:aws:iam::${A}:user/ops/david`));
    await store.delete(Kind.user, id);
    await store.insert({ accountId: A, kind: Kind.user, id: 'AIDAEXAMPLEDAVE000002', name: 'david', parentId: '', path: '/ops/', data: { tags: [] }, createdAt: '2024-01-02T00:00:00Z' });
    assert.equal(await new PrincipalNames(store).display(stored), stored);
  });
});
