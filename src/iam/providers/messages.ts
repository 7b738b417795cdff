import { serviceError } from '../../protocol/errors.ts';

/**
 * Error answers of the provider operations, worded as AWS words them where AWS's text is
 * known from real responses; the others are marked best effort.
 */

export function noSuchOidcProvider(arn: string) {
  return serviceError('iam', 'NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`);
}

export function oidcProviderExists(url: string) {
  return serviceError('iam', 'EntityAlreadyExists', `Provider with url ${url} already exists.`);
}

/** Best effort: AWS's text for a URL that is not https (or has a query or fragment) is not known. */
export function invalidOidcUrl() {
  return serviceError('iam', 'InvalidInput', 'Invalid Open ID Connect Provider URL');
}

export function tooManyThumbprints() {
  return serviceError('iam', 'InvalidInput', 'Thumbprint list must contain fewer than 5 entries.');
}

/** Best effort wording: the model checks the length (40); AWS also expects hexadecimal. */
export function invalidThumbprint(thumbprint: string) {
  return serviceError('iam', 'InvalidInput', `Thumbprint ${thumbprint} is not valid. A thumbprint is a 40-character hexadecimal SHA-1 fingerprint.`);
}

export function noSuchSamlProvider(arn: string) {
  return serviceError('iam', 'NoSuchEntity', `Manifest not found for arn ${arn}`);
}

/** Best effort wording. */
export function samlProviderExists(name: string) {
  return serviceError('iam', 'EntityAlreadyExists', `SAMLProvider with name ${name} already exists.`);
}

export function unparsableSamlMetadata() {
  return serviceError('iam', 'InvalidInput', 'Could not parse metadata');
}

/** Best effort wording for an ARN that is not a provider ARN of the caller's account. */
export function invalidProviderArn(arn: string) {
  return serviceError('iam', 'InvalidInput', `ARN ${arn} is not valid.`);
}

/** Best effort wordings for UpdateSAMLProvider and the private-key rules. */
export function noSamlUpdates() {
  return serviceError('iam', 'InvalidInput', 'No updates are defined. Specify a metadata document, an assertion encryption mode, or a private key to add or remove.');
}

export function encryptionRequiresKey() {
  return serviceError('iam', 'InvalidInput', 'AssertionEncryptionMode cannot be Required because no private key is provided.');
}

export function addAndRemoveKey() {
  return serviceError('iam', 'InvalidInput', 'Unable to add and remove private keys in the same request.');
}

export function noSuchPrivateKey(keyId: string) {
  return serviceError('iam', 'InvalidInput', `Failed to remove private key: the Key ID ${keyId} does not match a private key of this provider.`);
}

export function lastKeyRequired() {
  return serviceError('iam', 'InvalidInput', 'Failed to remove private key: AssertionEncryptionMode is Required and this is the last private key.');
}

export function invalidPrivateKey() {
  return serviceError('iam', 'InvalidInput', 'Invalid private key: Key format is not recognized.');
}

export function privateKeyLimit(limit: number) {
  return serviceError('iam', 'LimitExceeded', `Private key limit of ${limit} is reached.`);
}

/** Tessera's own text: the `tessera:jwks` tag extension is not an AWS feature. */
export function invalidJwksTags(reason: string) {
  return serviceError('iam', 'InvalidInput', `The tessera:jwks tags do not hold a JSON Web Key Set: ${reason}`);
}

/**
 * Tessera's own text: a key set given in tags is readable by everyone who may list the
 * provider's tags, so a shared secret (kty "oct") or a private key in it would let them sign
 * tokens the provider vouches for.
 */
export function secretInJwks(reason: string) {
  return serviceError('iam', 'InvalidInput', `The tessera:jwks key set may hold only public keys: ${reason}`);
}
