import type { TargetTable } from '../authorization/target.ts';
import { createTarget } from '../authorization/request-tags.ts';
import { oidcProviderTags } from './oidc-tags.ts';
import { registeredOidcUrl } from './oidc-url.ts';
import { providerArn } from './provider-arns.ts';
import { samlProviderTags } from './saml-tags.ts';

/**
 * Provider operations are authorized against the provider's ARN (Service Authorization
 * Reference: resource types oidc-provider and saml-provider), with its tags for
 * aws:ResourceTag/…; creating and tagging add aws:RequestTag/… and aws:TagKeys (the tag
 * operations, and the further check `tessera:jwks` tags need, are in oidc-tags.ts and
 * saml-tags.ts). Listing names no resource ("*").
 */

/** The ARN a new OIDC provider would have; the URL as given when it is not valid (the handler then refuses it). */
function newOidcArn(accountId: string, url: string): string {
  try {
    return providerArn(accountId, 'oidc-provider', registeredOidcUrl(url));
  } catch {
    return providerArn(accountId, 'oidc-provider', url.replace(/^https:\/\//i, ''));
  }
}

const oidc = oidcProviderTags.target;
const saml = samlProviderTags.target;

export const targets = {
  CreateOpenIDConnectProvider: async (input, ctx) => createTarget(newOidcArn(ctx.accountId, input.Url), 'iam:TagOpenIDConnectProvider', input.Tags),
  GetOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  ListOpenIDConnectProviders: async () => ({ resource: '*' }),
  DeleteOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  AddClientIDToOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  RemoveClientIDFromOpenIDConnectProvider: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  UpdateOpenIDConnectProviderThumbprint: (input, ctx) => oidc(ctx, input.OpenIDConnectProviderArn),
  ...oidcProviderTags.targets,

  CreateSAMLProvider: async (input, ctx) => createTarget(providerArn(ctx.accountId, 'saml-provider', input.Name), 'iam:TagSAMLProvider', input.Tags),
  GetSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  ListSAMLProviders: async () => ({ resource: '*' }),
  UpdateSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  DeleteSAMLProvider: (input, ctx) => saml(ctx, input.SAMLProviderArn),
  ...samlProviderTags.targets,
} satisfies TargetTable;
