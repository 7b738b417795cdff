// Passing a role to a service: a request that names an IAM role for the service to assume
// later (a Lambda function's execution role, a log subscription's delivery role, …) also needs
// iam:PassRole on that role, with iam:PassedToService the service's principal (IAM User
// Guide, "Grant a user permissions to pass a role to an AWS service"). Which members pass a
// role is each service's (its services/*.ts `passedRoles`); here, reading them.

import type { IdentifiedRequest } from './identify.ts';

/** An IAM role's ARN, path included. */
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function isRoleArn(value: unknown): value is string {
  return typeof value === 'string' && ROLE_ARN.test(value);
}

/** The role ARNs the named top-level members hold (a member may not be a role ARN: then it passes none). */
export function rolesInMembers(request: IdentifiedRequest, members: readonly string[]): string[] {
  const roles: string[] = [];
  for (const member of members) {
    const value = request.input.get(member);
    if (isRoleArn(value) && !roles.includes(value)) roles.push(value);
  }
  return roles;
}
