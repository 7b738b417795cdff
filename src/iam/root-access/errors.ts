import { serviceError } from '../../protocol/errors.ts';

/**
 * Centralized root access's errors. AWS publishes no message texts for them; each text below is
 * the description IAM's API reference gives the error (best effort), and the code is the
 * model's.
 */

export function organizationNotFound() {
  return serviceError('iam', 'OrganizationNotFoundException', 'The request was rejected because no organization is associated with your account.');
}

/** A member account (Tessera has no delegated administrators for IAM). */
export function notManagementAccount() {
  return serviceError('iam', 'AccountNotManagementOrDelegatedAdministratorException',
    'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.');
}

export function notInAllFeaturesMode() {
  return serviceError('iam', 'OrganizationNotInAllFeaturesModeException', 'The request was rejected because your organization does not have All features enabled.');
}

export function serviceAccessNotEnabled() {
  return serviceError('iam', 'ServiceAccessNotEnabledException',
    'The request was rejected because trusted access is not enabled for IAM in Organizations. Enable it with organizations:EnableAWSServiceAccess for iam.amazonaws.com.');
}
