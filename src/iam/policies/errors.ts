import { serviceError } from '../../protocol/errors.ts';
import type { HolderType } from './holders.ts';

/**
 * The policies module's error texts. Marked "AWS's wording" where AWS's responses are quoted
 * in public reports; the rest are best efforts in AWS's style.
 */

/** AWS's wording (GetPolicy and other reads of a managed policy that does not exist). */
export function policyNotFound(arn: string) {
  return serviceError('iam', 'NoSuchEntity', `Policy ${arn} was not found.`);
}

/** AWS's wording. */
export function policyAlreadyExists(name: string) {
  return serviceError('iam', 'EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`);
}

/**
 * AWS's wording, two spaces included, for a PolicyArn that is not an ARN at all (recorded for
 * AttachUserPolicy and AttachRolePolicy; CloudFormation's IAM handler shows GetPolicy giving
 * the same answer). A ValidationError, as IAM reports it before looking anything up.
 */
export function unparsableArn() {
  return serviceError('iam', 'ValidationError', 'Invalid ARN:  Could not be parsed!');
}

/** AWS's wording for a PolicyArn that is not a managed policy ARN ("ARN arn:aws:iam::…:role/x is not valid."). */
export function invalidPolicyArn(arn: string) {
  return serviceError('iam', 'InvalidInput', `ARN ${arn} is not valid.`);
}

/** Best effort: AWS's text for an unknown version is not known. */
export function policyVersionNotFound(arn: string, versionId: string) {
  return serviceError('iam', 'NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
}

/** AWS's wording. */
export function tooManyVersions() {
  return serviceError('iam', 'LimitExceeded', 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
}

/** AWS's wording. */
export function defaultVersionUndeletable() {
  return serviceError('iam', 'DeleteConflict', 'Cannot delete the default version of a policy.');
}

/** AWS's wording. */
export function policyInUse() {
  return serviceError('iam', 'DeleteConflict', 'Cannot delete a policy attached to entities.');
}

/** AWS's wording. */
export function policyHasVersions() {
  return serviceError(
    'iam',
    'DeleteConflict',
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  );
}

/** AWS's wording for AWS's service-linked role policies attached to anything else. */
export function serviceRolePolicyNotAttachable() {
  return serviceError('iam', 'PolicyNotAttachable', 'Cannot attach a Service Role Policy to a Customer Role.');
}

/** Best effort: AWS managed policies belong to AWS; the model offers InvalidInput for such requests. */
export function awsManagedPolicyImmutable(arn: string) {
  return serviceError('iam', 'InvalidInput', `Policy ${arn} is an AWS managed policy and cannot be modified.`);
}

/** Best effort (DetachUserPolicy etc. for a policy that is not attached). */
export function policyNotAttached(arn: string) {
  return serviceError('iam', 'NoSuchEntity', `Policy ${arn} was not found.`);
}

/** AWS's wording: "The user policy with name X cannot be found." (and "role policy", "group policy"). */
export function inlinePolicyNotFound(type: HolderType, name: string) {
  return serviceError('iam', 'NoSuchEntity', `The ${type} policy with name ${name} cannot be found.`);
}

/** AWS's wording ("Maximum policy size of 2048 bytes exceeded for user bob"), for the holder's inline policies together. */
export function inlineSizeExceeded(type: HolderType, limit: number, holderName: string) {
  return serviceError('iam', 'LimitExceeded', `Maximum policy size of ${limit} bytes exceeded for ${type} ${holderName}`);
}

export function malformedPolicyDocument(message: string) {
  return serviceError('iam', 'MalformedPolicyDocument', message);
}

/**
 * Best effort, in the words AWS uses for a malformed policy ARN: an `Arn` that names no user,
 * group or role (ListPoliciesGrantingServiceAccess).
 */
export function invalidEntityArn(arn: string) {
  return serviceError('iam', 'InvalidInput', `ARN ${arn} is not valid.`);
}
