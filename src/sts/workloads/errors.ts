import { serviceError } from '../../protocol/errors.ts';

/** Tessera's own texts for its workload operations (not AWS APIs); IAM's wording where IAM has one. */

export function invalidParameter(message: string) {
  return serviceError('tessera', 'InvalidParameterException', message);
}

/** IAM's wording. */
export function noSuchInstanceProfile(name: string) {
  return serviceError('tessera', 'NoSuchEntityException', `Instance Profile ${name} cannot be found.`);
}

/** IAM's wording. */
export function noSuchRole(name: string) {
  return serviceError('tessera', 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
}

export function roleNoLongerInProfile(roleName: string, profileName: string) {
  return serviceError('tessera', 'RoleNotInInstanceProfileException', `The instance profile ${profileName} no longer holds the role ${roleName}: the instance gets no new credentials.`);
}

export function invalidGrant() {
  return serviceError('tessera', 'InvalidGrantException', 'The workload grant is invalid.');
}

export function expiredGrant() {
  return serviceError('tessera', 'ExpiredGrantException', 'The workload grant has expired: launch the workload again.');
}
