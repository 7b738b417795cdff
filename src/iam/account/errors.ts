import { serviceError } from '../../protocol/errors.ts';

/** The account module's error texts (best efforts in AWS's style where AWS's are not documented). */

/** As AWS answers for an alias another account holds. */
export function aliasTaken(alias: string) {
  return serviceError('iam', 'EntityAlreadyExists', `The account alias ${alias} already exists.`);
}

/** Best effort. */
export function noSuchAlias(alias: string) {
  return serviceError('iam', 'NoSuchEntity', `The account alias ${alias} cannot be found.`);
}
