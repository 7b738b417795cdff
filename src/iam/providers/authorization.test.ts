import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import { targets } from './authorization.ts';
import type { OidcProviderData } from './records.ts';

const account = '123456789012';
let store: Store;
let ctx: TargetContext;

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    tx: store,
    accountId: account,
    principal: { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/alice`, userId: 'AIDAALICE', name: 'alice', tags: {}, accessKeyId: 'AKIAALICE' },
  };
  await store.transaction(async (tx) => {
    await tx.insert<OidcProviderData>({
      accountId: account, kind: Kind.oidcProvider, id: 'p1', name: 'token.example.com/tenant', parentId: '', path: '/', createdAt: '2024-01-01T00:00:00Z',
      data: { url: 'token.example.com/tenant', clientIds: [], thumbprints: [], tags: [{ Key: 'owner', Value: 'ci' }] },
    });
  });
});
after(async () => store.close());

const arn = `arn:aws:iam::${account}:oidc-provider/token.example.com/tenant`;

test('provider operations name the provider ARN and carry its tags', async () => {
  assert.deepEqual(await targets.GetOpenIDConnectProvider({ OpenIDConnectProviderArn: arn }, ctx), { resource: arn, resourceTags: { owner: 'ci' } });
  assert.deepEqual(await targets.TagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }, ctx), {
    resource: arn, resourceTags: { owner: 'ci' }, context: { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': 'b' },
  });
  assert.deepEqual((await targets.UntagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, TagKeys: ['owner'] }, ctx)).context, { 'aws:TagKeys': ['owner'] });
  const unknown = `arn:aws:iam::${account}:saml-provider/None`;
  assert.deepEqual(await targets.GetSAMLProvider({ SAMLProviderArn: unknown }, ctx), { resource: unknown });
});

test('creating names the ARN the provider will have; listing names no resource', async () => {
  assert.deepEqual(await targets.CreateOpenIDConnectProvider({ Url: 'https://idp.example.com/x' }, ctx), { resource: `arn:aws:iam::${account}:oidc-provider/idp.example.com/x`, context: {} });
  assert.deepEqual(await targets.CreateSAMLProvider({ Name: 'Okta', SAMLMetadataDocument: '' }, ctx), { resource: `arn:aws:iam::${account}:saml-provider/Okta`, context: {} });
  assert.deepEqual(await targets.ListOpenIDConnectProviders(), { resource: '*' });
  assert.deepEqual(await targets.ListSAMLProviders(), { resource: '*' });
});

test('adding, replacing or removing a tessera:jwks tag also needs UpdateOpenIDConnectProviderThumbprint on the provider', async () => {
  const thumbprint = { action: 'iam:UpdateOpenIDConnectProviderThumbprint', resource: arn, resourceTags: { owner: 'ci' } };
  for (const key of ['tessera:jwks', 'TESSERA:JWKS', 'tessera:jwks:2', 'tessera:jwks:02']) {
    assert.deepEqual((await targets.TagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'team', Value: 'x' }, { Key: key, Value: 'e30' }] }, ctx)).also, [thumbprint], key);
    assert.deepEqual((await targets.UntagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, TagKeys: ['team', key] }, ctx)).also, [thumbprint], key);
  }
  for (const key of ['team', 'tessera:jwksx', 'x-tessera:jwks']) {
    assert.equal((await targets.TagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, Tags: [{ Key: key, Value: 'v' }] }, ctx)).also, undefined, key);
    assert.equal((await targets.UntagOpenIDConnectProvider({ OpenIDConnectProviderArn: arn, TagKeys: [key] }, ctx)).also, undefined, key);
  }
  // A provider that does not exist is named as given (the handler then answers NoSuchEntity).
  const ghost = `arn:aws:iam::${account}:oidc-provider/ghost.example.com`;
  assert.deepEqual((await targets.UntagOpenIDConnectProvider({ OpenIDConnectProviderArn: ghost, TagKeys: ['tessera:jwks'] }, ctx)).also, [
    { action: 'iam:UpdateOpenIDConnectProviderThumbprint', resource: ghost },
  ]);
  // Creating with the key set needs only what creating with tags needs (the tagging action too).
  const tags = { 'aws:TagKeys': ['tessera:jwks'], 'aws:RequestTag/tessera:jwks': 'e30' };
  assert.deepEqual(await targets.CreateOpenIDConnectProvider({ Url: 'https://idp.example.com', Tags: [{ Key: 'tessera:jwks', Value: 'e30' }] }, ctx), {
    resource: `arn:aws:iam::${account}:oidc-provider/idp.example.com`, context: tags,
    also: [{ action: 'iam:TagOpenIDConnectProvider', resource: `arn:aws:iam::${account}:oidc-provider/idp.example.com`, context: tags }],
  });
});
