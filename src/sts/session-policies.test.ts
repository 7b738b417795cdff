import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { Kind } from '../iam/kinds.ts';
import type { PolicyData } from '../iam/policies/records.ts';
import { ServiceError } from '../protocol/errors.ts';
import { sessionPolicies } from './session-policies.ts';

const account = '111122223333';
const readBuckets = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });
let store: Store;

before(async () => {
  store = await openSqliteStore(':memory:');
  await store.transaction(async (tx) => {
    await tx.insert<PolicyData>({
      accountId: account, kind: Kind.policy, id: 'ANPAREADBUCKETS', name: 'ReadBuckets', parentId: '', path: '/team/',
      data: { defaultVersionId: 'v1', document: readBuckets, lastVersionNumber: 1, updatedAt: '2024-01-01T00:00:00Z', tags: [] }, createdAt: '2024-01-01T00:00:00Z',
    });
  });
});
after(async () => store.close());

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a rejection');
}

test('none given: no session policies', async () => {
  assert.equal(await sessionPolicies(store, account, undefined, undefined), undefined);
});

test('an inline policy as written, and managed ARNs as the policies spell them', async () => {
  const got = await sessionPolicies(store, account, readBuckets, [{ arn: `arn:aws:iam::${account}:policy/team/readbuckets` }]);
  assert.deepEqual(got, { inline: readBuckets, arns: [`arn:aws:iam::${account}:policy/team/ReadBuckets`] });
  assert.deepEqual(await sessionPolicies(store, account, undefined, []), { arns: [] });
});

test('an inline policy over 2,048 characters is refused as the model words a length violation', async () => {
  const long = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}` }] });
  const err = await rejection(sessionPolicies(store, account, long, undefined));
  assert.equal(err.code, 'ValidationError');
  assert.match(err.message, /^1 validation error detected: Value '.+' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048$/s);
});

test('a malformed inline policy: MalformedPolicyDocument with the engine\'s message', async () => {
  const err = await rejection(sessionPolicies(store, account, '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}', undefined));
  assert.equal(err.code, 'MalformedPolicyDocument');
  assert.equal(err.message, 'Policy document should not specify a principal.');
  assert.equal((await rejection(sessionPolicies(store, account, 'not json', undefined))).code, 'MalformedPolicyDocument');
});

test('unknown, foreign and too many managed policies are refused', async () => {
  const unknown = await rejection(sessionPolicies(store, account, undefined, [{ arn: `arn:aws:iam::${account}:policy/Nope` }]));
  assert.equal(unknown.code, 'InvalidParameterValue');
  assert.equal(unknown.message, `Policy arn:aws:iam::${account}:policy/Nope does not exist or is not attachable.`);
  // Another account's policy is never found, even under the same name.
  assert.equal((await rejection(sessionPolicies(store, '444455556666', undefined, [{ arn: `arn:aws:iam::${account}:policy/team/ReadBuckets` }]))).code, 'InvalidParameterValue');
  assert.equal((await rejection(sessionPolicies(store, account, undefined, [{ arn: `arn:aws:iam::${account}:role/NotAPolicy` }]))).code, 'InvalidParameterValue');
  const eleven = Array.from({ length: 11 }, () => ({ arn: `arn:aws:iam::${account}:policy/team/ReadBuckets` }));
  const tooMany = await rejection(sessionPolicies(store, account, undefined, eleven));
  assert.equal(tooMany.code, 'ValidationError');
  assert.match(tooMany.message, /policyArns.*less than or equal to 10/);
  assert.equal((await sessionPolicies(store, account, undefined, eleven.slice(1)))?.arns?.length, 10);
});
