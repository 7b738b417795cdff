import { serviceLinkedRolePath } from './service-linked-names.ts';

/**
 * Deletion task IDs of DeleteServiceLinkedRole, in AWS's documented form
 * `task/aws-service-role/<service principal>/<role name>/<uuid>`. Tessera deletes a
 * service-linked role at once, so a task needs no record of its own: its ID names the role,
 * and the task has succeeded when that role is gone.
 */
export function deletionTaskId(serviceName: string, roleName: string, uuid: string): string {
  return `task${serviceLinkedRolePath(serviceName)}${roleName}/${uuid}`;
}

const TASK_ID = /^task\/aws-service-role\/([^/]+)\/([\w+=,.@-]{1,64})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function parseDeletionTaskId(taskId: string): { serviceName: string; roleName: string; path: string } | undefined {
  const match = TASK_ID.exec(taskId);
  if (!match) return undefined;
  const serviceName = match[1]!;
  return { serviceName, roleName: match[2]!, path: serviceLinkedRolePath(serviceName) };
}
