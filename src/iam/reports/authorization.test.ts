import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from './authorization.ts';

test('GenerateServiceLastAccessedDetails acts on the entity or policy its Arn names, as given; an AWS managed policy is AWS-owned', async () => {
  const managed = 'arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess';
  assert.deepEqual(await targets.GenerateServiceLastAccessedDetails({ Arn: managed }), { resource: managed, awsOwned: true });
  for (const Arn of ['arn:aws:iam::123456789012:policy/Reader', 'arn:aws:iam::123456789012:user/bob', 'arn:aws:iam::123456789012:role/app']) {
    assert.deepEqual(await targets.GenerateServiceLastAccessedDetails({ Arn }), { resource: Arn });
  }
  assert.deepEqual(await targets.GetServiceLastAccessedDetails(), { resource: '*' });
});
