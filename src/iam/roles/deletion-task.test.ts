import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionTaskId, parseDeletionTaskId } from './deletion-task.ts';

test('task IDs have AWS form and name the role they delete', () => {
  const id = deletionTaskId('ecs.amazonaws.com', 'AWSServiceRoleForECS', '0b6a2b3c-1d2e-4f50-a617-28394a5b6c7d');
  assert.equal(id, 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/0b6a2b3c-1d2e-4f50-a617-28394a5b6c7d');
  assert.deepEqual(parseDeletionTaskId(id), { serviceName: 'ecs.amazonaws.com', roleName: 'AWSServiceRoleForECS', path: '/aws-service-role/ecs.amazonaws.com/' });
});

test('anything else is not a task ID', () => {
  for (const bad of ['', 'task', 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS', 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/not-a-uuid', 'job/aws-service-role/ecs.amazonaws.com/R/0b6a2b3c-1d2e-4f50-a617-28394a5b6c7d']) {
    assert.equal(parseDeletionTaskId(bad), undefined, bad);
  }
});
