import { taggableResource } from '../tagging/taggable-resource.ts';
import { providerEntity } from './provider-entity.ts';
import type { SamlProviderData } from './records.ts';

/** SAML provider tags: TagSAMLProvider, UntagSAMLProvider, ListSAMLProviderTags, and CreateSAMLProvider's. */
export const samlProviderTags = taggableResource<'SAMLProvider', SamlProviderData>({
  noun: 'SAMLProvider',
  nameMember: 'SAMLProviderArn',
  quota: 'TagsPerSAMLProvider',
  ...providerEntity<SamlProviderData>('saml-provider'),
});
