import { serviceError } from '../../protocol/errors.ts';

/**
 * The credentials module's error messages, in one place. Where a wording is AWS's own (seen in
 * AWS responses quoted by public bug reports and tooling) it says so; the others are best
 * efforts in AWS's style, marked as such.
 */

/** AWS's wording ("Login Profile for User bob cannot be found."). */
export function noSuchLoginProfile(userName: string) {
  return serviceError('iam', 'NoSuchEntity', `Login Profile for User ${userName} cannot be found.`);
}

/** Best effort, in the style of NoSuchLoginProfile. */
export function loginProfileExists(userName: string) {
  return serviceError('iam', 'EntityAlreadyExists', `Login Profile for user ${userName} already exists.`);
}

/** AWS's wording ("The Password Policy with domain name 123456789012 cannot be found."). */
export function noSuchPasswordPolicy(accountId: string) {
  return serviceError('iam', 'NoSuchEntity', `The Password Policy with domain name ${accountId} cannot be found.`);
}

export function passwordPolicyViolation(message: string) {
  return serviceError('iam', 'PasswordPolicyViolation', message);
}

/**
 * ChangePassword by anyone but an IAM user: AWS answers InvalidUserType (documented); the
 * text is the model's description of the error.
 */
export function changePasswordNotForThisCaller() {
  return serviceError('iam', 'InvalidUserType', 'The request was rejected because the type of user for the transaction was incorrect.');
}

/** Best effort: AWS's code and text for a wrong OldPassword are not documented. */
export function wrongOldPassword() {
  return serviceError('iam', 'AccessDenied', 'The old password is incorrect.');
}

/** AWS's shape for a required member that is absent. */
export function missingMember(member: string) {
  return serviceError('iam', 'ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
}

/** Seen in AWS responses ("MFADevice entity at the same path and name already exists."). */
export function mfaDeviceExists() {
  return serviceError('iam', 'EntityAlreadyExists', 'MFADevice entity at the same path and name already exists.');
}

/**
 * Best effort (AWS's answer is not recorded): a device whose serial number every other MFA
 * operation would refuse as its SerialNumber (longer than 256 characters, or a path character
 * outside the model's serialNumberType pattern) could never be enabled, tagged or deleted.
 */
export function unusableMfaSerialNumber(serialNumber: string) {
  return serviceError(
    'iam',
    'InvalidInput',
    `The serial number ${serialNumber} must be at most 256 characters of letters, digits and _+=/:,.@- (shorten the name or path).`,
  );
}

/** In AWS's style ("VirtualMFADevice with serial number … doesn't exist."), as emulators report it. */
export function noSuchMfaDevice(serialNumber: string) {
  return serviceError('iam', 'NoSuchEntity', `VirtualMFADevice with serial number ${serialNumber} doesn't exist.`);
}

/** Best effort: a device that exists but is not enabled for the named user. */
export function mfaDeviceNotAssigned(serialNumber: string, userName: string) {
  return serviceError('iam', 'NoSuchEntity', `MFA Device with serial number ${serialNumber} is not enabled for user ${userName}.`);
}

/** Seen in AWS responses. */
export function mfaDeviceInUse() {
  return serviceError('iam', 'EntityAlreadyExists', 'MFA Device is already in use.');
}

/** As AWS-compatible services word it; AWS's own text is not documented. */
export function mfaDeviceStillAssigned() {
  return serviceError('iam', 'DeleteConflict', 'MFA VirtualDevice in use. Must deactivate first.');
}

/** AWS's wording, HTTP 403 per the model. */
export function invalidAuthenticationCode() {
  return serviceError('iam', 'InvalidAuthenticationCode', 'Authentication code for device is not valid.');
}
