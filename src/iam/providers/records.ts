import type { EntityRecord } from '../../store/types.ts';
import type { Tag } from '../tags.ts';
import type { JsonWebKeySet } from './jwks-tags.ts';

/**
 * Stored shapes of the identity providers. An OIDC provider's store name is its URL without
 * the `https://` scheme (what its ARN ends with); a SAML provider's is its Name, and its id is
 * its SAMLProviderUUID.
 */

export interface OidcProviderData {
  /** The provider URL as registered, without `https://` (AWS returns it so). */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  /** Tessera extension: the key set given in `tessera:jwks` tags, parsed, for offline token checks. */
  jwks?: JsonWebKeySet;
}

export interface SamlPrivateKeyData {
  keyId: string;
  /** The PEM private key, sealed with the server's master key (context: samlPrivateKeyContext). */
  sealedKey: string;
  addedAt: string;
}

export interface SamlProviderData {
  metadataDocument: string;
  /** The IdP's entityID (the Issuer of its assertions). */
  entityId: string;
  /** The IdP's signing certificates from the metadata, as PEM. */
  signingCertificates: string[];
  validUntil: string;
  tags: Tag[];
  assertionEncryptionMode?: 'Required' | 'Allowed';
  privateKeys: SamlPrivateKeyData[];
}

export type OidcProviderRecord = EntityRecord<OidcProviderData>;
export type SamlProviderRecord = EntityRecord<SamlProviderData>;

/** The context a SAML provider's private key is sealed with, so a sealed key cannot be moved. */
export function samlPrivateKeyContext(providerId: string, keyId: string): string {
  return `saml-provider:${providerId}:${keyId}`;
}
