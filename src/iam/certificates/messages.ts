import { serviceError } from '../../protocol/errors.ts';

/**
 * Error answers of the certificates module. Texts quoted from real AWS responses where
 * known; the others follow the model's description of the error and are marked best effort.
 */

export function malformedCertificate() {
  return serviceError('iam', 'MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
}

export function invalidChain(index: number) {
  return serviceError(
    'iam',
    'MalformedCertificate',
    `Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: ${index}`,
  );
}

/** Best effort wording. */
export function expiredCertificate() {
  return serviceError('iam', 'MalformedCertificate', 'The certificate is expired.');
}

/** Best effort wording. */
export function malformedPrivateKey() {
  return serviceError('iam', 'MalformedCertificate', 'Unable to parse private key. Please ensure the private key is an unencrypted key in PEM format.');
}

/** Best effort wording. */
export function keyPairMismatch() {
  return serviceError('iam', 'KeyPairMismatch', 'The private key did not match the public key provided. Please verify the key material and try again.');
}

export function noSuchServerCertificate(name: string) {
  return serviceError('iam', 'NoSuchEntity', `The Server Certificate with name ${name} cannot be found.`);
}

export function serverCertificateExists(name: string) {
  return serviceError('iam', 'EntityAlreadyExists', `The Server Certificate with name ${name} already exists.`);
}

/** Best effort wording, after the Access Key message. */
export function noSuchSigningCertificate(id: string) {
  return serviceError('iam', 'NoSuchEntity', `The Certificate with id ${id} cannot be found.`);
}

/** The model's description of DuplicateCertificate. */
export function duplicateCertificate() {
  return serviceError('iam', 'DuplicateCertificate', 'The request was rejected because the same certificate is associated with an IAM user in the account.');
}

/** Best effort wording, after the Access Key message. */
export function noSuchSshPublicKey(id: string) {
  return serviceError('iam', 'NoSuchEntity', `The Public Key with id ${id} cannot be found.`);
}

/** The model's description of DuplicateSSHPublicKey. */
export function duplicateSshPublicKey() {
  return serviceError('iam', 'DuplicateSSHPublicKey', 'The request was rejected because the SSH public key is already associated with the specified IAM user.');
}

/** The model's descriptions of InvalidPublicKey and UnrecognizedPublicKeyEncoding, with the reason. */
export function invalidPublicKey(reason: string) {
  return serviceError('iam', 'InvalidPublicKey', `The request was rejected because the public key is malformed or otherwise invalid: ${reason}`);
}

export function unrecognizedPublicKeyEncoding() {
  return serviceError(
    'iam',
    'UnrecognizedPublicKeyEncoding',
    'The request was rejected because the public key encoding format is unsupported or unrecognized. Use an ssh-rsa or ssh-ed25519 key in OpenSSH format, or a PEM public key.',
  );
}

/** AWS's wording (Update, Reset and Delete of a credential the user does not have). */
export function noSuchServiceCredential(id: string) {
  return serviceError('iam', 'NoSuchEntity', `No such credential ${id} exists`);
}

/**
 * AWS's answer for a service without service-specific credentials: NoSuchEntity (not the
 * model's NotSupportedService), in these words.
 */
export function serviceNotSupported(serviceName: string) {
  return serviceError('iam', 'NoSuchEntity', `No such service ${serviceName} is supported for Service Specific Credentials`);
}

/**
 * Best effort (AWS's code and text are not recorded): AWS documents CredentialAgeDays as valid
 * only for services with long-term API keys (Bedrock); a CodeCommit or Keyspaces password
 * never expires, so asking for one that does is refused rather than silently honoured.
 */
export function credentialAgeNotSupported(serviceName: string) {
  return serviceError(
    'iam',
    'InvalidParameterCombination',
    `CredentialAgeDays is only valid for services that support long-term API keys, not ${serviceName}.`,
  );
}

/**
 * Best effort (AWS's code and text are not recorded): AWS documents that AllUsers "cannot be
 * specified together with UserName"; the two would otherwise ask for different lists.
 */
export function allUsersWithUserName() {
  return serviceError('iam', 'InvalidParameterCombination', 'AllUsers cannot be specified together with UserName.');
}

/** Best effort: only Active and Inactive can be set; Expired is a state the credential reaches. */
export function statusNotSettable(status: string) {
  return serviceError('iam', 'InvalidInput', `Status ${status} cannot be set; use Active or Inactive.`);
}
