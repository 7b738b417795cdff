import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../protocol/errors.ts';
import { checkActionNames, pageResults, resourceList, resourceOwnerAccount, simulationContext } from './request.ts';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err.code;
  }
  return 'none';
}

test('action names need one colon between a service and an action, and no wildcards', () => {
  assert.equal(code(() => checkActionNames(['s3:GetObject', 'iam:CreateUser'])), 'none');
  for (const bad of ['GetObject', 's3:', ':Get', 's3:Get:Object', 's3:Get*', 's3:Get?bject']) assert.equal(code(() => checkActionNames([bad])), 'InvalidInput', bad);
});

test('ResourceOwner: an account root ARN or bare ID; an empty ResourceArns means every resource', () => {
  assert.equal(resourceOwnerAccount('arn:aws:iam::444455556666:root'), '444455556666');
  assert.equal(resourceOwnerAccount('444455556666'), '444455556666');
  assert.equal(resourceOwnerAccount(undefined), undefined);
  assert.equal(code(() => resourceOwnerAccount('arn:aws:iam::444455556666:user/x')), 'InvalidInput');
  assert.equal(resourceList([]), undefined);
  assert.deepEqual(resourceList(['*']), ['*']);
});

test('the clock supplies aws:CurrentTime and aws:EpochTime unless the entries give them', () => {
  const now = new Date('2024-05-06T07:08:09.500Z');
  assert.deepEqual(simulationContext(undefined, now), { 'aws:CurrentTime': '2024-05-06T07:08:09.500Z', 'aws:EpochTime': 1714979289 });
  const given = simulationContext([{ ContextKeyName: 'AWS:CurrentTime', ContextKeyValues: ['2001-01-01T00:00:00Z'], ContextKeyType: 'date' }], now);
  assert.deepEqual(given, { 'AWS:CurrentTime': '2001-01-01T00:00:00Z', 'aws:EpochTime': 1714979289 });
});

test('results page in order, past ten items too, and the marker resumes after the last', () => {
  const results = Array.from({ length: 12 }, (_, i) => ({ EvalActionName: `s:A${i}`, EvalDecision: 'allowed' as const }));
  const first = pageResults(results, undefined, 10);
  assert.equal(first.EvaluationResults?.length, 10);
  assert.equal(first.IsTruncated, true);
  const second = pageResults(results, first.Marker, 10);
  assert.deepEqual(second.EvaluationResults?.map((r) => r.EvalActionName), ['s:A10', 's:A11']);
  assert.equal(second.IsTruncated, false);
  assert.equal(second.Marker, undefined);
  assert.equal(pageResults(results, undefined, undefined).EvaluationResults?.length, 12);
});
