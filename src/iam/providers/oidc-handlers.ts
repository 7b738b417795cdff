import type { OperationContext } from '../../kernel/operation.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { listAll } from '../store-scan.ts';
import { oidcProviderByArn, requireOidcProvider } from './lookup.ts';
import { oidcProviderExists } from './messages.ts';
import { checkedClientIds, checkedThumbprints } from './oidc-values.ts';
import { oidcProviderTags } from './oidc-tags.ts';
import { registeredOidcUrl } from './oidc-url.ts';
import { providerArn } from './provider-arns.ts';
import type { OidcProviderData, OidcProviderRecord } from './records.ts';

/** IAM OpenID Connect identity providers: create, read, list, change, delete (tags: oidc-tags.ts). */

async function update(ctx: OperationContext, arn: string, change: (provider: OidcProviderRecord) => OidcProviderData): Promise<Record<string, never>> {
  await ctx.store.transaction(async (tx) => {
    const provider = await requireOidcProvider(tx, ctx.principal.accountId, arn);
    await tx.update({ ...provider, data: change(provider) });
  });
  return {};
}

async function createOpenIDConnectProvider(input: IamOperations['CreateOpenIDConnectProvider']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const url = registeredOidcUrl(input.Url);
  const thumbprints = checkedThumbprints(input.ThumbprintList ?? []);
  const clientIds = checkedClientIds(input.ClientIDList ?? [], ctx.quotas.clientIdsPerOpenIdConnectProvider);
  const tags = oidcProviderTags.tagsForCreate(input.Tags, ctx);
  const data = oidcProviderTags.withTags({ url, clientIds, thumbprints, tags: [] }, tags);
  await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.oidcProvider)) >= ctx.quotas.openIdConnectProvidersPerAccount) {
      throw quotaExceeded('OpenIdConnectProvidersPerAccount', ctx.quotas.openIdConnectProvidersPerAccount);
    }
    try {
      await tx.insert<OidcProviderData>({
        accountId,
        kind: Kind.oidcProvider,
        // Providers have no AWS identifier; the store still wants one.
        id: ctx.random.uuid(),
        name: url,
        parentId: '',
        path: '/',
        data,
        createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw oidcProviderExists(input.Url);
      throw err;
    }
  });
  return { OpenIDConnectProviderArn: providerArn(accountId, 'oidc-provider', url), ...(tags.length > 0 ? { Tags: tags } : {}) };
}

async function getOpenIDConnectProvider(input: IamOperations['GetOpenIDConnectProvider']['input'], ctx: OperationContext) {
  const provider = await requireOidcProvider(ctx.store, ctx.principal.accountId, input.OpenIDConnectProviderArn);
  return {
    Url: provider.data.url,
    ClientIDList: provider.data.clientIds,
    ThumbprintList: provider.data.thumbprints,
    CreateDate: new Date(provider.createdAt),
    Tags: provider.data.tags,
  };
}

async function listOpenIDConnectProviders(_input: IamOperations['ListOpenIDConnectProviders']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const providers = await listAll<OidcProviderData>(ctx.store, accountId, Kind.oidcProvider, { parentId: '' });
  return { OpenIDConnectProviderList: providers.map((p) => ({ Arn: providerArn(accountId, 'oidc-provider', p.name) })) };
}

/**
 * Idempotent, as AWS documents: "it does not fail or return an error if you call the operation
 * for a provider that does not exist". A malformed ARN is still refused.
 */
async function deleteOpenIDConnectProvider(input: IamOperations['DeleteOpenIDConnectProvider']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const provider = await oidcProviderByArn(tx, ctx.principal.accountId, input.OpenIDConnectProviderArn);
    if (provider) await tx.delete(Kind.oidcProvider, provider.id);
  });
  return {};
}

async function addClientIDToOpenIDConnectProvider(input: IamOperations['AddClientIDToOpenIDConnectProvider']['input'], ctx: OperationContext) {
  // Adding a client ID that is already registered changes nothing, as on AWS.
  return update(ctx, input.OpenIDConnectProviderArn, (p) => ({
    ...p.data,
    clientIds: checkedClientIds([...p.data.clientIds, input.ClientID], ctx.quotas.clientIdsPerOpenIdConnectProvider),
  }));
}

async function removeClientIDFromOpenIDConnectProvider(input: IamOperations['RemoveClientIDFromOpenIDConnectProvider']['input'], ctx: OperationContext) {
  // AWS documents this as idempotent: removing an absent client ID is not an error.
  return update(ctx, input.OpenIDConnectProviderArn, (p) => ({ ...p.data, clientIds: p.data.clientIds.filter((id) => id !== input.ClientID) }));
}

async function updateOpenIDConnectProviderThumbprint(input: IamOperations['UpdateOpenIDConnectProviderThumbprint']['input'], ctx: OperationContext) {
  const thumbprints = checkedThumbprints(input.ThumbprintList);
  return update(ctx, input.OpenIDConnectProviderArn, (p) => ({ ...p.data, thumbprints }));
}

export const oidcHandlers = {
  CreateOpenIDConnectProvider: createOpenIDConnectProvider,
  GetOpenIDConnectProvider: getOpenIDConnectProvider,
  ListOpenIDConnectProviders: listOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: deleteOpenIDConnectProvider,
  AddClientIDToOpenIDConnectProvider: addClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: removeClientIDFromOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: updateOpenIDConnectProviderThumbprint,
  ...oidcProviderTags.handlers,
} satisfies IamHandlerTable;
