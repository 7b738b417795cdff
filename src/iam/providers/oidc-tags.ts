import { taggableResource } from '../tagging/taggable-resource.ts';
import { isJwksTag, jwksFromTags, keysToUntag, tagsBeforeJwksReplacement } from './jwks-tags.ts';
import { providerEntity } from './provider-entity.ts';
import type { OidcProviderData } from './records.ts';

/**
 * OIDC provider tags: TagOpenIDConnectProvider, UntagOpenIDConnectProvider,
 * ListOpenIDConnectProviderTags, and CreateOpenIDConnectProvider's. The `tessera:jwks` tags
 * carry the provider's key set (jwks-tags.ts): setting `tessera:jwks` replaces every part,
 * untagging it removes every part, and the key set is re-read and checked whenever the tags
 * change.
 */
export const oidcProviderTags = taggableResource<'OpenIDConnectProvider', OidcProviderData>({
  noun: 'OpenIDConnectProvider',
  nameMember: 'OpenIDConnectProviderArn',
  quota: 'TagsPerOpenIdConnectProvider',
  ...providerEntity<OidcProviderData>('oidc-provider'),
  rules: {
    keptOnTag: tagsBeforeJwksReplacement,
    keysToRemove: keysToUntag,
    withTags(data, tags) {
      const jwks = jwksFromTags(tags);
      const { jwks: _old, ...rest } = data;
      return { ...rest, tags, ...(jwks ? { jwks } : {}) };
    },
    /**
     * The `tessera:jwks` tags are the provider's key material: whoever sets them decides which
     * tokens the provider vouches for, and so who may assume every role that trusts it. Tagging
     * must not be a way around the authority that changes what a provider trusts, so adding,
     * replacing or removing any `tessera:jwks*` tag also needs
     * iam:UpdateOpenIDConnectProviderThumbprint on the provider (decided with its tags, as a
     * thumbprint update would be). Creating a provider with the tags needs only what creating
     * it needs: the key set is then part of what is created.
     */
    alsoRequired(keys, target) {
      if (!keys.some(isJwksTag)) return [];
      return [{ action: 'iam:UpdateOpenIDConnectProviderThumbprint', resource: target.resource, ...(target.resourceTags ? { resourceTags: target.resourceTags } : {}) }];
    },
  },
});
