import type { ServiceError } from '../../protocol/errors.ts';
import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { Kind } from '../kinds.ts';
import type { Tag } from '../tags.ts';
import type { JsonWebKeySet } from './jwks-tags.ts';
import { invalidProviderArn, noSuchOidcProvider, noSuchSamlProvider } from './messages.ts';
import { issuerKey } from './oidc-url.ts';
import { parseProviderArn, providerArn, type ProviderType } from './provider-arns.ts';
import type { OidcProviderData, OidcProviderRecord, SamlProviderData, SamlProviderRecord } from './records.ts';

/**
 * Finding providers: by the ARN an IAM operation names (NoSuchEntity when absent), and the
 * lookups federation uses (undefined when absent, never an IAM error).
 */

/**
 * The caller's provider of `type` an ARN names, or undefined (also for an ARN that is not such
 * a provider ARN, or names another account's).
 */
export async function findProviderByArn<D>(tx: StoreTx, accountId: string, type: ProviderType, arn: string): Promise<EntityRecord<D> | undefined> {
  const parsed = parseProviderArn(arn, type);
  if (!parsed || parsed.accountId !== accountId) return undefined;
  return tx.getByName<D>(accountId, type === 'oidc-provider' ? Kind.oidcProvider : Kind.samlProvider, parsed.name);
}

/** AWS's answer for an ARN {@link findProviderByArn} does not find: NoSuchEntity, or InvalidInput for a non-provider ARN. */
export function providerNotFound(type: ProviderType, arn: string): ServiceError {
  if (!parseProviderArn(arn, type)) return invalidProviderArn(arn);
  return type === 'oidc-provider' ? noSuchOidcProvider(arn) : noSuchSamlProvider(arn);
}

/** The caller's OIDC provider an ARN names, or AWS's NoSuchEntity (InvalidInput for a non-provider ARN). */
export async function requireOidcProvider(tx: StoreTx, accountId: string, arn: string): Promise<OidcProviderRecord> {
  const record = await findProviderByArn<OidcProviderData>(tx, accountId, 'oidc-provider', arn);
  if (!record) throw providerNotFound('oidc-provider', arn);
  return record;
}

/** The OIDC provider an ARN names in the account, or undefined; InvalidInput for a malformed ARN. */
export async function oidcProviderByArn(tx: StoreTx, accountId: string, arn: string): Promise<OidcProviderRecord | undefined> {
  const parsed = parseProviderArn(arn, 'oidc-provider');
  if (!parsed) throw invalidProviderArn(arn);
  return parsed.accountId === accountId ? await tx.getByName<OidcProviderData>(accountId, Kind.oidcProvider, parsed.name) : undefined;
}

export async function requireSamlProvider(tx: StoreTx, accountId: string, arn: string): Promise<SamlProviderRecord> {
  const record = await findProviderByArn<SamlProviderData>(tx, accountId, 'saml-provider', arn);
  if (!record) throw providerNotFound('saml-provider', arn);
  return record;
}

/** What federation (AssumeRoleWithWebIdentity) needs to know of an OIDC provider. */
export interface OidcProviderInfo {
  arn: string;
  accountId: string;
  /** The registered URL, without `https://`. */
  url: string;
  clientIds: readonly string[];
  thumbprints: readonly string[];
  /** Tessera extension: the key set stored with the provider (see jwks-tags.ts). */
  jwks?: JsonWebKeySet;
  tags: readonly Tag[];
  createdAt: string;
}

/**
 * The OIDC provider of `accountId` registered for a token issuer (`iss`, with or without
 * `https://`), or undefined. The issuer must match the registered URL exactly: the store
 * finds names regardless of case, a token's issuer must not.
 */
export async function findOidcProvider(tx: StoreTx, accountId: string, issuerUrl: string): Promise<OidcProviderInfo | undefined> {
  const key = issuerKey(issuerUrl);
  const record = await tx.getByName<OidcProviderData>(accountId, Kind.oidcProvider, key);
  if (!record || record.name !== key) return undefined;
  return {
    arn: providerArn(accountId, 'oidc-provider', record.name),
    accountId,
    url: record.data.url,
    clientIds: record.data.clientIds,
    thumbprints: record.data.thumbprints,
    ...(record.data.jwks ? { jwks: record.data.jwks } : {}),
    tags: record.data.tags,
    createdAt: record.createdAt,
  };
}

/** What federation (AssumeRoleWithSAML) needs to know of a SAML provider. */
export interface SamlProviderInfo {
  arn: string;
  accountId: string;
  name: string;
  /** SAMLProviderUUID; with a key's id it forms the context its private key is sealed with (samlPrivateKeyContext). */
  id: string;
  /** The IdP's entityID: the Issuer its assertions must carry. */
  entityId: string;
  /** PEM certificates whose keys may sign the IdP's responses. */
  signingCertificates: readonly string[];
  validUntil: string;
  assertionEncryptionMode?: 'Required' | 'Allowed';
  /** Sealed PEM private keys for decrypting encrypted assertions; open with samlPrivateKeyContext(id, keyId). */
  privateKeys: ReadonlyArray<{ keyId: string; sealedKey: string }>;
  tags: readonly Tag[];
}

/** The SAML provider a (trust policy's or AssumeRoleWithSAML's) principal ARN names, or undefined. */
export async function findSamlProvider(tx: StoreTx, arn: string): Promise<SamlProviderInfo | undefined> {
  const parsed = parseProviderArn(arn, 'saml-provider');
  if (!parsed) return undefined;
  const record = await tx.getByName<SamlProviderData>(parsed.accountId, Kind.samlProvider, parsed.name);
  if (!record) return undefined;
  const { data } = record;
  return {
    arn: providerArn(record.accountId, 'saml-provider', record.name),
    accountId: record.accountId,
    name: record.name,
    id: record.id,
    entityId: data.entityId,
    signingCertificates: data.signingCertificates,
    validUntil: data.validUntil,
    ...(data.assertionEncryptionMode ? { assertionEncryptionMode: data.assertionEncryptionMode } : {}),
    privateKeys: data.privateKeys.map((k) => ({ keyId: k.keyId, sealedKey: k.sealedKey })),
    tags: data.tags,
  };
}
