import { PARTITION } from '../kernel/arns.ts';

/** Session principals as AWS names them. */

/** A federated user (GetFederationToken): arn:aws:sts::<account>:federated-user/<name>. */
export function federatedUserArn(accountId: string, name: string): string {
  return `arn:${PARTITION}:sts::${accountId}:federated-user/${name}`;
}

/** A federated user's UserId: `<account>:<name>`. */
export function federatedUserId(accountId: string, name: string): string {
  return `${accountId}:${name}`;
}

/** An assumed-role session: arn:aws:sts::<account>:assumed-role/<role name>/<session name>. */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:${PARTITION}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}
