/**
 * What verification needs of an IAM SAML provider (IAM keeps the records; the server hands a
 * lookup in): its ARN, account and name, the IdP's entityID, the certificates of its metadata,
 * how long the metadata is valid and whether it requires encrypted assertions.
 */
export interface SamlProviderKeys {
  arn: string;
  accountId: string;
  name: string;
  entityId: string;
  signingCertificates: readonly string[];
  validUntil: string;
  assertionEncryptionMode?: 'Required' | 'Allowed';
}

/** The SAML provider a principal ARN names, if it exists. */
export type SamlProviderLookup = (arn: string) => Promise<SamlProviderKeys | undefined>;
