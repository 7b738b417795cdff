import { serviceError } from '../protocol/errors.ts';

/**
 * IAM's error messages, worded as AWS words them (verified against AWS responses quoted in
 * public bug reports where noted). One place, so handlers never improvise wording.
 */

export function noSuchUser(userName: string) {
  return serviceError('iam', 'NoSuchEntity', `The user with name ${userName} cannot be found.`);
}

export function userAlreadyExists(userName: string) {
  return serviceError('iam', 'EntityAlreadyExists', `User with name ${userName} already exists.`);
}

export function noSuchAccessKey(accessKeyId: string) {
  return serviceError('iam', 'NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`);
}

/** AWS's wording: "Cannot delete entity, must delete access keys first." and siblings. */
export function deleteConflict(what: 'delete access keys' | 'delete login profile' | 'remove users from group' | 'detach all policies' | 'delete policies' | 'delete MFA device' | 'delete signing certificates' | 'remove referenced objects') {
  return serviceError('iam', 'DeleteConflict', `Cannot delete entity, must ${what} first.`);
}

/** AWS's wording: "Cannot exceed quota for AccessKeysPerUser: 2". */
export function quotaExceeded(quotaName: string, limit: number) {
  return serviceError('iam', 'LimitExceeded', `Cannot exceed quota for ${quotaName}: ${limit}`);
}

export function invalidInput(message: string) {
  return serviceError('iam', 'InvalidInput', message);
}

export function noSuchPolicy(policyArn: string) {
  return serviceError('iam', 'NoSuchEntity', `Policy ${policyArn} does not exist or is not attachable.`);
}
