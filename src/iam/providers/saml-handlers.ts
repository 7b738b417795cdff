import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { listAll } from '../store-scan.ts';
import { requireSamlProvider } from './lookup.ts';
import { noSamlUpdates, samlProviderExists } from './messages.ts';
import { opaqueId } from './opaque-id.ts';
import { providerArn } from './provider-arns.ts';
import type { SamlProviderData, SamlProviderRecord } from './records.ts';
import { parseSamlMetadata } from './saml-metadata.ts';
import { samlProviderTags } from './saml-tags.ts';
import { applyKeyChange } from './saml-private-keys.ts';

/** IAM SAML 2.0 identity providers: create, read, list, update, delete (tags: saml-tags.ts). */

/** What the metadata document contributes to the stored provider. */
function fromMetadata(document: string, createdAt: string): Pick<SamlProviderData, 'metadataDocument' | 'entityId' | 'signingCertificates' | 'validUntil'> {
  const metadata = parseSamlMetadata(document);
  // Without a validUntil in the metadata, AWS makes the provider valid for a hundred years.
  const hundredYears = new Date(createdAt);
  hundredYears.setUTCFullYear(hundredYears.getUTCFullYear() + 100);
  return {
    metadataDocument: document,
    entityId: metadata.entityId,
    signingCertificates: metadata.signingCertificates,
    validUntil: isoSeconds(metadata.validUntil ?? hundredYears),
  };
}

function arnOf(provider: SamlProviderRecord): string {
  return providerArn(provider.accountId, 'saml-provider', provider.name);
}

async function createSAMLProvider(input: IamOperations['CreateSAMLProvider']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const createdAt = isoSeconds(ctx.clock.now());
  const tags = samlProviderTags.tagsForCreate(input.Tags, ctx);
  const fromDocument = fromMetadata(input.SAMLMetadataDocument, createdAt);
  // The SAMLProviderUUID; also the store id, and the context its private keys are sealed with.
  const id = opaqueId(ctx.random, 'SAML', 18);
  const keys = applyKeyChange(ctx, id, { keys: [] }, {
    ...(input.AssertionEncryptionMode ? { mode: input.AssertionEncryptionMode } : {}),
    ...(input.AddPrivateKey !== undefined ? { add: input.AddPrivateKey } : {}),
  });
  const data: SamlProviderData = { ...fromDocument, tags, privateKeys: keys.keys, ...(keys.mode ? { assertionEncryptionMode: keys.mode } : {}) };
  const created = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.samlProvider)) >= ctx.quotas.samlProvidersPerAccount) {
      throw quotaExceeded('SAMLProvidersPerAccount', ctx.quotas.samlProvidersPerAccount);
    }
    try {
      return await tx.insert<SamlProviderData>({ accountId, kind: Kind.samlProvider, id, name: input.Name, parentId: '', path: '/', data, createdAt });
    } catch (err) {
      if (err instanceof StoreConflictError) throw samlProviderExists(input.Name);
      throw err;
    }
  });
  return { SAMLProviderArn: arnOf(created), ...(tags.length > 0 ? { Tags: tags } : {}) };
}

async function getSAMLProvider(input: IamOperations['GetSAMLProvider']['input'], ctx: OperationContext) {
  const { id, createdAt, data } = await requireSamlProvider(ctx.store, ctx.principal.accountId, input.SAMLProviderArn);
  return {
    SAMLProviderUUID: id,
    SAMLMetadataDocument: data.metadataDocument,
    CreateDate: new Date(createdAt),
    ValidUntil: new Date(data.validUntil),
    Tags: data.tags,
    ...(data.assertionEncryptionMode ? { AssertionEncryptionMode: data.assertionEncryptionMode } : {}),
    ...(data.privateKeys.length > 0 ? { PrivateKeyList: data.privateKeys.map((k) => ({ KeyId: k.keyId, Timestamp: new Date(k.addedAt) })) } : {}),
  };
}

async function listSAMLProviders(_input: IamOperations['ListSAMLProviders']['input'], ctx: OperationContext) {
  const providers = await listAll<SamlProviderData>(ctx.store, ctx.principal.accountId, Kind.samlProvider, { parentId: '' });
  return {
    SAMLProviderList: providers.map((p) => ({ Arn: arnOf(p), ValidUntil: new Date(p.data.validUntil), CreateDate: new Date(p.createdAt) })),
  };
}

async function updateSAMLProvider(input: IamOperations['UpdateSAMLProvider']['input'], ctx: OperationContext) {
  if (input.SAMLMetadataDocument === undefined && input.AssertionEncryptionMode === undefined && input.AddPrivateKey === undefined && input.RemovePrivateKey === undefined) {
    throw noSamlUpdates();
  }
  const updated = await ctx.store.transaction(async (tx) => {
    const provider = await requireSamlProvider(tx, ctx.principal.accountId, input.SAMLProviderArn);
    const fromDocument = input.SAMLMetadataDocument !== undefined ? fromMetadata(input.SAMLMetadataDocument, provider.createdAt) : {};
    const keys = applyKeyChange(ctx, provider.id, { ...(provider.data.assertionEncryptionMode ? { mode: provider.data.assertionEncryptionMode } : {}), keys: provider.data.privateKeys }, {
      ...(input.AssertionEncryptionMode ? { mode: input.AssertionEncryptionMode } : {}),
      ...(input.AddPrivateKey !== undefined ? { add: input.AddPrivateKey } : {}),
      ...(input.RemovePrivateKey !== undefined ? { remove: input.RemovePrivateKey } : {}),
    });
    const { assertionEncryptionMode: _mode, ...rest } = provider.data;
    return tx.update({ ...provider, data: { ...rest, ...fromDocument, privateKeys: keys.keys, ...(keys.mode ? { assertionEncryptionMode: keys.mode } : {}) } });
  });
  return { SAMLProviderArn: arnOf(updated) };
}

async function deleteSAMLProvider(input: IamOperations['DeleteSAMLProvider']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const provider = await requireSamlProvider(tx, ctx.principal.accountId, input.SAMLProviderArn);
    await tx.delete(Kind.samlProvider, provider.id);
  });
  return {};
}

export const samlHandlers = {
  CreateSAMLProvider: createSAMLProvider,
  GetSAMLProvider: getSAMLProvider,
  ListSAMLProviders: listSAMLProviders,
  UpdateSAMLProvider: updateSAMLProvider,
  DeleteSAMLProvider: deleteSAMLProvider,
  ...samlProviderTags.handlers,
} satisfies IamHandlerTable;
