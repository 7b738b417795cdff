import type { Principal } from '../kernel/principal.ts';
import type { ServiceName } from '../protocol/model.ts';
import { rootArn, userArn } from '../kernel/arns.ts';

/**
 * The IAM action and resource ARN a request is authorized against, as AWS's service
 * authorization reference lists them (e.g. iam:CreateUser on arn:aws:iam::<acct>:user/<path><name>).
 * Operations on a user that may omit UserName act on the caller itself.
 */
export function requestTarget(service: ServiceName, operation: string, input: Record<string, unknown>, principal: Principal): { action: string; resource: string } {
  const action = `${service}:${operation}`;
  if (service !== 'iam') return { action, resource: '*' };
  const userName = typeof input['UserName'] === 'string' ? input['UserName'] : undefined;
  const account = principal.accountId;
  if (USER_OPERATIONS.has(operation)) {
    if (userName !== undefined) {
      const path = operation === 'CreateUser' && typeof input['Path'] === 'string' ? input['Path'] : '/';
      return { action, resource: userArn(account, path, userName) };
    }
    if (principal.kind === 'root') return { action, resource: rootArn(account) };
    return { action, resource: principal.arn };
  }
  return { action, resource: '*' };
}

const USER_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser', 'TagUser', 'UntagUser', 'ListUserTags',
  'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey',
]);
