import { serviceError } from '../../protocol/errors.ts';

/** The groups module's error texts, worded as AWS words them (seen in AWS responses). */

export function noSuchGroup(groupName: string) {
  return serviceError('iam', 'NoSuchEntity', `The group with name ${groupName} cannot be found.`);
}

export function groupAlreadyExists(groupName: string) {
  return serviceError('iam', 'EntityAlreadyExists', `Group with name ${groupName} already exists.`);
}
