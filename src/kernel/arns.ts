/** ARN builders for the entities Tessera owns; one place so every module spells them alike. */

export const PARTITION = 'aws';

export function rootArn(accountId: string): string {
  return `arn:${PARTITION}:iam::${accountId}:root`;
}

/** IAM entity ARN: `arn:aws:iam::<account>:<type><path><name>` (path always starts and ends with '/'). */
export function iamArn(accountId: string, type: 'user' | 'group' | 'role' | 'policy' | 'instance-profile' | 'mfa' | 'oidc-provider' | 'saml-provider' | 'server-certificate', path: string, name: string): string {
  return `arn:${PARTITION}:iam::${accountId}:${type}${path}${name}`;
}

export function userArn(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'user', path, name);
}
