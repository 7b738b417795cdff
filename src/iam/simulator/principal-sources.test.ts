import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policySourceOf } from './principal-sources.ts';

test('policy names from principal-policies.ts map to AWS source IDs and types', () => {
  assert.deepEqual(policySourceOf('user/alice/inline/Read-Reports'), { sourceId: 'Read-Reports', sourceType: 'user' });
  assert.deepEqual(policySourceOf('group/ops/inline/NoDeletes'), { sourceId: 'NoDeletes', sourceType: 'group' });
  assert.deepEqual(policySourceOf('role/builder/inline/Artifacts'), { sourceId: 'Artifacts', sourceType: 'role' });
  assert.deepEqual(policySourceOf('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'), { sourceId: 'AWSLambdaBasicExecutionRole', sourceType: 'aws-managed' });
  assert.deepEqual(policySourceOf('arn:aws:iam::111122223333:policy/team/QueueWriter'), { sourceId: 'QueueWriter', sourceType: 'user-managed' });
  assert.deepEqual(policySourceOf('something-else'), { sourceId: 'something-else', sourceType: 'none' });
});
