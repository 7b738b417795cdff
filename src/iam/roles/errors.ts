import { serviceError } from '../../protocol/errors.ts';

/**
 * The roles and instance-profiles module's error texts. Verbatim where AWS's responses are
 * quoted in public reports (marked "AWS's wording"); best efforts are marked as such.
 */

/** AWS's wording. */
export function noSuchRole(roleName: string) {
  return serviceError('iam', 'NoSuchEntity', `The role with name ${roleName} cannot be found.`);
}

/** AWS's wording. */
export function roleAlreadyExists(roleName: string) {
  return serviceError('iam', 'EntityAlreadyExists', `Role with name ${roleName} already exists.`);
}

/** AWS's wording, for changes to a role only its service may change (service-linked roles). */
export function protectedRole(roleName: string) {
  return serviceError('iam', 'UnmodifiableEntity', `Cannot perform the operation on the protected role '${roleName}' - this role is only modifiable by AWS`);
}

/** AWS's wording. */
export function noSuchInstanceProfile(name: string) {
  return serviceError('iam', 'NoSuchEntity', `Instance Profile ${name} cannot be found.`);
}

/** AWS's wording. */
export function instanceProfileAlreadyExists(name: string) {
  return serviceError('iam', 'EntityAlreadyExists', `Instance Profile ${name} already exists.`);
}

/** AWS's wording, for DeleteRole and DeleteInstanceProfile alike. */
export function rolesInInstanceProfile() {
  return serviceError('iam', 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.');
}

/** Best effort: AWS's text for removing a role that is not in the instance profile is not known. */
export function roleNotInInstanceProfile(roleName: string, profileName: string) {
  return serviceError('iam', 'NoSuchEntity', `The role with name ${roleName} cannot be found in instance profile ${profileName}.`);
}

/** AWS's wording (also when a role of that name exists that is not service-linked). */
export function serviceRoleNameTaken(roleName: string) {
  return serviceError('iam', 'InvalidInput', `Service role name ${roleName} has been taken in this account, please try a different suffix.`);
}

/**
 * AWS's wording and code: CreateRole with a path under /aws-service-role/ ("InvalidInput: Path
 * prefix '/aws-service-role/' can only be used for AWS Service linked Roles", quoted from an
 * AWS SDK error in tilfin/aws-iam-policy-tool#9).
 */
export function servicePathReserved() {
  return serviceError('iam', 'InvalidInput', "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles");
}

/** AWS's wording. */
export function customSuffixNotAllowed(serviceName: string) {
  return serviceError('iam', 'InvalidInput', `Custom suffix is not allowed for ${serviceName}`);
}

/** Best effort: AWS's text for a name that is not a service principal is not known. */
export function invalidServiceName(serviceName: string) {
  return serviceError('iam', 'InvalidInput', `Invalid service name: ${serviceName}. Specify a service principal such as elasticbeanstalk.amazonaws.com.`);
}

/** Best effort, within the operation's modeled errors. */
export function noSuchServiceLinkedRole(roleName: string) {
  return serviceError('iam', 'NoSuchEntity', `The service-linked role with name ${roleName} cannot be found.`);
}

/** Best effort: AWS's text for a malformed deletion task ID is not known. */
export function invalidDeletionTaskId(taskId: string) {
  return serviceError('iam', 'InvalidInput', `Invalid deletion task id: ${taskId}`);
}

/** Best effort: AWS's text for an unknown deletion task is not known. */
export function noSuchDeletionTask(taskId: string) {
  return serviceError('iam', 'NoSuchEntity', `The deletion task with id ${taskId} cannot be found.`);
}

export function malformedPolicyDocument(message: string) {
  return serviceError('iam', 'MalformedPolicyDocument', message);
}

/**
 * AWS's wording (IAM quotes the value, upper-casing its type): a principal naming a user or
 * role that does not exist, or the unique ID of one that was deleted.
 */
export function invalidPrincipal(value: string) {
  return malformedPolicyDocument(`Invalid principal in policy: "AWS":"${value}"`);
}
