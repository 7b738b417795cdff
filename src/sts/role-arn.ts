import { invalidRoleArn } from './errors.ts';

/**
 * AssumeRole's RoleArn must at least be an ARN (partition, service, region, account,
 * resource); anything else is a validation error. An ARN that names no role of this server
 * is not: it is denied like a role the caller may not assume, so that the answer never tells
 * whether a role exists.
 */
const ARN_SHAPE = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

export function assertArnShape(arn: string): void {
  if (!ARN_SHAPE.test(arn)) throw invalidRoleArn(arn);
}
