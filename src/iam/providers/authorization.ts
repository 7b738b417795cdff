import type { AuthorizationTarget, TargetContext, TargetTable } from '../authorization/target.ts';
import { requestTagContext, tagKeysContext } from '../authorization/request-tags.ts';
import { Kind } from '../kinds.ts';
import { tagMap } from '../tags.ts';
import { isJwksTag } from './jwks-tags.ts';
import { registeredOidcUrl } from './oidc-url.ts';
import { parseProviderArn, providerArn, type ProviderType } from './provider-arns.ts';
import type { OidcProviderData, SamlProviderData } from './records.ts';

/**
 * Provider operations are authorized against the provider's ARN (Service Authorization
 * Reference: resource types oidc-provider and saml-provider), with its tags for
 * aws:ResourceTag/…; creating and tagging add aws:RequestTag/… and aws:TagKeys. Listing
 * names no resource ("*").
 */

async function providerTarget(ctx: TargetContext, type: ProviderType, arn: string): Promise<AuthorizationTarget> {
  const parsed = parseProviderArn(arn, type);
  if (!parsed || parsed.accountId !== ctx.accountId) return { resource: arn };
  const kind = type === 'oidc-provider' ? Kind.oidcProvider : Kind.samlProvider;
  const provider = await ctx.tx.getByName<OidcProviderData | SamlProviderData>(ctx.accountId, kind, parsed.name);
  return provider ? { resource: providerArn(ctx.accountId, type, provider.name), resourceTags: tagMap(provider.data.tags) } : { resource: arn };
}

/** The ARN a new OIDC provider would have; the URL as given when it is not valid (the handler then refuses it). */
function newOidcArn(accountId: string, url: string): string {
  try {
    return providerArn(accountId, 'oidc-provider', registeredOidcUrl(url));
  } catch {
    return providerArn(accountId, 'oidc-provider', url.replace(/^https:\/\//i, ''));
  }
}

const oidc = (ctx: TargetContext, arn: string) => providerTarget(ctx, 'oidc-provider', arn);
const saml = (ctx: TargetContext, arn: string) => providerTarget(ctx, 'saml-provider', arn);

/**
 * The `tessera:jwks` tags are the provider's key material: whoever sets them decides which
 * tokens the provider vouches for, and so who may assume every role that trusts it. Tagging
 * must not be a way around the authority that changes what a provider trusts, so adding,
 * replacing or removing any `tessera:jwks*` tag also needs
 * iam:UpdateOpenIDConnectProviderThumbprint on the provider (decided with its tags, as a
 * thumbprint update would be). Creating a provider with the tags needs only what creating
 * it needs: the key set is then part of what is created.
 */
async function oidcTagTarget(ctx: TargetContext, arn: string, keys: readonly string[], context: AuthorizationTarget['context']): Promise<AuthorizationTarget> {
  const target = { ...(await oidc(ctx, arn)), context };
  if (!keys.some(isJwksTag)) return target;
  return { ...target, also: [{ action: 'iam:UpdateOpenIDConnectProviderThumbprint', resource: target.resource, ...(target.resourceTags ? { resourceTags: target.resourceTags } : {}) }] };
}

export const targets = {
  CreateOpenIDConnectProvider: async (input, ctx) => ({ resource: newOidcArn(ctx.accountId, input.Url), context: requestTagContext(input.Tags) }),
  GetOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  ListOpenIDConnectProviders: async () => ({ resource: '*' }),
  DeleteOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  AddClientIDToOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  RemoveClientIDFromOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  UpdateOpenIDConnectProviderThumbprint: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  TagOpenIDConnectProvider: (input, ctx) => oidcTagTarget(ctx, input.OpenIDConnectProviderArn, input.Tags.map((t) => t.Key), requestTagContext(input.Tags)),
  UntagOpenIDConnectProvider: (input, ctx) => oidcTagTarget(ctx, input.OpenIDConnectProviderArn, input.TagKeys, tagKeysContext(input.TagKeys)),
  ListOpenIDConnectProviderTags: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),

  CreateSAMLProvider: async (input, ctx) => ({ resource: providerArn(ctx.accountId, 'saml-provider', input.Name), context: requestTagContext(input.Tags) }),
  GetSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  ListSAMLProviders: async () => ({ resource: '*' }),
  UpdateSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  DeleteSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  TagSAMLProvider: async (input, ctx) => ({ ...(await saml(ctx, input.SAMLProviderArn)), context: requestTagContext(input.Tags) }),
  UntagSAMLProvider: async (input, ctx) => ({ ...(await saml(ctx, input.SAMLProviderArn)), context: tagKeysContext(input.TagKeys) }),
  ListSAMLProviderTags: (input, ctx) => saml(ctx, input.SAMLProviderArn),
} satisfies TargetTable;
