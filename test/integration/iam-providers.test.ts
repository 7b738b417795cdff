import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  AddClientIDToOpenIDConnectProviderCommand, CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand,
  DeleteOpenIDConnectProviderCommand, DeleteSAMLProviderCommand, GetOpenIDConnectProviderCommand, GetSAMLProviderCommand,
  ListOpenIDConnectProviderTagsCommand, ListOpenIDConnectProvidersCommand, ListSAMLProviderTagsCommand, ListSAMLProvidersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand, TagOpenIDConnectProviderCommand, TagSAMLProviderCommand,
  UntagOpenIDConnectProviderCommand, UntagSAMLProviderCommand, UpdateOpenIDConnectProviderThumbprintCommand, UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { findOidcProvider, findSamlProvider } from '../../src/iam/providers/lookup.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { samlPrivateKeyContext } from '../../src/iam/providers/records.ts';
import { issueCertificate, samlMetadata, type IssuedCertificate } from '../support/certificates.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

const THUMB_A = 'a'.repeat(40);
const THUMB_B = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

describe('IAM OpenID Connect providers through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, openIdConnectProvidersPerAccount: 4 } });
  });
  after(async () => server.stop());

  test('CreateOpenIDConnectProvider: ARN from the URL without its scheme; Get returns what was registered', async () => {
    const iam = server.iam();
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({
      Url: 'https://token.example.com/tenant-1',
      ClientIDList: ['sts.amazonaws.com', 'app', 'app'],
      ThumbprintList: [THUMB_A],
      Tags: [{ Key: 'team', Value: 'red' }],
    }));
    const arn = `arn:aws:iam::${server.accountId}:oidc-provider/token.example.com/tenant-1`;
    assert.equal(created.OpenIDConnectProviderArn, arn);
    assert.deepEqual(created.Tags, [{ Key: 'team', Value: 'red' }]);
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.equal(got.Url, 'token.example.com/tenant-1');
    assert.deepEqual(got.ClientIDList, ['sts.amazonaws.com', 'app']);
    assert.deepEqual(got.ThumbprintList, [THUMB_A]);
    assert.ok(got.CreateDate instanceof Date);
    assert.deepEqual(got.Tags, [{ Key: 'team', Value: 'red' }]);
  });

  test('thumbprints are optional; the same URL twice is EntityAlreadyExists 409', async () => {
    const iam = server.iam();
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.org' }));
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn }));
    assert.deepEqual(got.ThumbprintList, []);
    assert.deepEqual(got.ClientIDList, []);
    const again = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.org', ThumbprintList: [THUMB_B] })));
    assert.equal(again.name, 'EntityAlreadyExistsException');
    assert.equal(again.status, 409);
    assert.equal(again.message, 'Provider with url https://idp.example.org already exists.');
  });

  test('bad URLs, thumbprints and client ID lists get AWS\'s errors', async () => {
    const iam = server.iam();
    const http = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://insecure.example.com' })));
    assert.equal(http.name, 'InvalidInputException');
    assert.equal(http.status, 400);
    const query = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://q.example.com/?a=b' })));
    assert.equal(query.name, 'InvalidInputException');
    const six = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({
      Url: 'https://six.example.com',
      ThumbprintList: ['1', '2', '3', '4', '5', '6'].map((c) => c.repeat(40)),
    })));
    assert.equal(six.name, 'InvalidInputException');
    assert.equal(six.message, 'Thumbprint list must contain fewer than 5 entries.');
    const notHex = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://hex.example.com', ThumbprintList: ['z'.repeat(40)] })));
    assert.equal(notHex.name, 'InvalidInputException');
    const short = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://len.example.com', ThumbprintList: ['abc'] })));
    assert.equal(short.name, 'ValidationError');
    const clients = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({
      Url: 'https://many.example.com',
      ClientIDList: Array.from({ length: 101 }, (_, i) => `client-${i}`),
    })));
    assert.equal(clients.name, 'LimitExceededException');
    assert.equal(clients.message, 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
    const missing = `arn:aws:iam::${server.accountId}:oidc-provider/none.example.com`;
    const none = await awsError(() => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing })));
    assert.equal(none.name, 'NoSuchEntityException');
    assert.equal(none.status, 404);
    assert.equal(none.message, `OpenIDConnect Provider not found for arn ${missing}`);
    const otherAccount = await awsError(() => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: 'arn:aws:iam::111122223333:oidc-provider/token.example.com/tenant-1' })));
    assert.equal(otherAccount.name, 'NoSuchEntityException');
    const notAnArn = await awsError(() => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:role/x' })));
    assert.equal(notAnArn.name, 'InvalidInputException');
  });

  test('client IDs are added and removed idempotently; thumbprints are replaced', async () => {
    const iam = server.iam();
    const arn = `arn:aws:iam::${server.accountId}:oidc-provider/token.example.com/tenant-1`;
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second-app' }));
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second-app' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app' }));
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'never-there' }));
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [THUMB_B, THUMB_B.toUpperCase()] }));
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual(got.ClientIDList, ['sts.amazonaws.com', 'second-app']);
    assert.deepEqual(got.ThumbprintList, [THUMB_B]);
    const unknown = `arn:aws:iam::${server.accountId}:oidc-provider/ghost.example.com`;
    assert.equal((await awsError(() => iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: unknown, ClientID: 'x' })))).name, 'NoSuchEntityException');
  });

  test('tags: merged case-insensitively, paged, removed', async () => {
    const iam = server.iam();
    const arn = `arn:aws:iam::${server.accountId}:oidc-provider/token.example.com/tenant-1`;
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'TEAM', Value: 'blue' }, { Key: 'cost', Value: '7' }] }));
    const first = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn, MaxItems: 1 }));
    assert.deepEqual(first.Tags, [{ Key: 'cost', Value: '7' }]);
    assert.equal(first.IsTruncated, true);
    const rest = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn, Marker: first.Marker }));
    assert.deepEqual(rest.Tags, [{ Key: 'TEAM', Value: 'blue' }]);
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['team'] }));
    assert.deepEqual((await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags, [{ Key: 'cost', Value: '7' }]);
    const tooMany = await awsError(() => iam.send(new TagOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: arn,
      Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    })));
    assert.equal(tooMany.name, 'LimitExceededException');
  });

  test('Tessera extension: a JSON Web Key Set in tessera:jwks tags is stored for federation', async () => {
    const iam = server.iam();
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const jwks = { keys: [{ ...jwk, kid: 'k1', use: 'sig', alg: 'RS256' }, { ...jwk, kid: 'k2' }] };
    const tags = jwksTagsFor(jwks as { keys: Array<Record<string, unknown> & { kty: string }> });
    assert.ok(tags.length > 1, 'an RSA key set does not fit one tag value');
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://offline.example.com', ClientIDList: ['aud'], Tags: tags }));
    const store = server.tessera.deps.store;
    const found = await findOidcProvider(store, server.accountId, 'https://offline.example.com');
    assert.equal(found?.arn, created.OpenIDConnectProviderArn);
    assert.deepEqual(found?.jwks, jwks);
    assert.deepEqual(found?.clientIds, ['aud']);
    assert.equal(await findOidcProvider(store, server.accountId, 'https://OFFLINE.example.com'), undefined, 'issuers match exactly');

    // Setting tessera:jwks again replaces the whole set, dropping old parts.
    const smaller = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'ec' }] };
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn, Tags: jwksTagsFor(smaller) }));
    assert.deepEqual((await findOidcProvider(store, server.accountId, 'offline.example.com'))?.jwks, smaller);
    const listed = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn }));
    assert.deepEqual(listed.Tags?.map((t) => t.Key), ['tessera:jwks']);

    const broken = await awsError(() => iam.send(new TagOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: created.OpenIDConnectProviderArn,
      Tags: [{ Key: 'tessera:jwks:3', Value: 'AAAA' }],
    })));
    assert.equal(broken.name, 'InvalidInputException');
    assert.match(broken.message, /tessera:jwks:2 is missing/);
    await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn, TagKeys: ['tessera:jwks'] }));
    assert.equal((await findOidcProvider(store, server.accountId, 'offline.example.com'))?.jwks, undefined);
  });

  test('ListOpenIDConnectProviders lists every provider; the quota is LimitExceeded; Delete removes', async () => {
    const iam = server.iam();
    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    const arns = listed.OpenIDConnectProviderList!.map((p) => p.Arn);
    assert.deepEqual(arns, [
      `arn:aws:iam::${server.accountId}:oidc-provider/idp.example.org`,
      `arn:aws:iam::${server.accountId}:oidc-provider/offline.example.com`,
      `arn:aws:iam::${server.accountId}:oidc-provider/token.example.com/tenant-1`,
    ]);
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://fourth.example.com' }));
    const full = await awsError(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://fifth.example.com' })));
    assert.equal(full.name, 'LimitExceededException');
    assert.equal(full.message, 'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 4');
    const arn = `arn:aws:iam::${server.accountId}:oidc-provider/fourth.example.com`;
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.equal((await awsError(() => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })))).name, 'NoSuchEntityException');
    // Idempotent, as AWS documents: deleting it again succeeds.
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://fifth.example.com' }));
  });
});

describe('IAM SAML providers through the AWS SDK', () => {
  let server: TestServer;
  let idp: IssuedCertificate;
  let rotated: IssuedCertificate;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, samlProvidersPerAccount: 3 } });
    idp = issueCertificate({ commonName: 'idp.example.com' });
    rotated = issueCertificate({ keyType: 'ec', commonName: 'idp-rotated.example.com' });
  });
  after(async () => server.stop());

  const arnOf = (name: string) => `arn:aws:iam::${server.accountId}:saml-provider/${name}`;

  test('CreateSAMLProvider keeps the metadata, its entityID and signing certificates; valid for 100 years by default', async () => {
    const iam = server.iam();
    const document = samlMetadata('https://idp.example.com/saml', [idp.certificatePem]);
    const created = await iam.send(new CreateSAMLProviderCommand({ Name: 'Okta', SAMLMetadataDocument: document, Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.equal(created.SAMLProviderArn, arnOf('Okta'));
    assert.deepEqual(created.Tags, [{ Key: 'team', Value: 'a' }]);
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta') }));
    assert.match(got.SAMLProviderUUID!, /^SAML[A-Z0-9]{18}$/);
    assert.equal(got.SAMLMetadataDocument, document);
    assert.equal(got.ValidUntil!.getUTCFullYear(), got.CreateDate!.getUTCFullYear() + 100);
    assert.deepEqual(got.Tags, [{ Key: 'team', Value: 'a' }]);
    assert.equal(got.AssertionEncryptionMode, undefined);
    assert.equal(got.PrivateKeyList, undefined);
    const found = await findSamlProvider(server.tessera.deps.store, arnOf('okta'));
    assert.equal(found?.entityId, 'https://idp.example.com/saml');
    assert.equal(found?.signingCertificates.length, 1);
    assert.match(found!.signingCertificates[0]!, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(found?.id, got.SAMLProviderUUID);
  });

  test('metadata that is not SAML 2.0 IdP metadata is InvalidInput "Could not parse metadata"; names are unique regardless of case', async () => {
    const iam = server.iam();
    for (const document of [`<a>${'x'.repeat(1000)}</a>`, samlMetadata('urn:no-keys', []).padEnd(1200, ' '), samlMetadata('urn:sp', [idp.certificatePem]).replaceAll('IDPSSODescriptor', 'SPSSODescriptor')]) {
      const err = await awsError(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Bad', SAMLMetadataDocument: document })));
      assert.equal(err.name, 'InvalidInputException');
      assert.equal(err.status, 400);
      assert.equal(err.message, 'Could not parse metadata');
    }
    const short = await awsError(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Bad', SAMLMetadataDocument: '<x/>' })));
    assert.equal(short.name, 'ValidationError');
    const dup = await awsError(() => iam.send(new CreateSAMLProviderCommand({ Name: 'OKTA', SAMLMetadataDocument: samlMetadata('urn:x', [idp.certificatePem]) })));
    assert.equal(dup.name, 'EntityAlreadyExistsException');
    assert.equal(dup.status, 409);
  });

  test('UpdateSAMLProvider replaces the metadata (validUntil from the document when it has one)', async () => {
    const iam = server.iam();
    const document = samlMetadata('https://idp-2.example.com/saml', [idp.certificatePem, rotated.certificatePem], { validUntil: '2040-06-01T00:00:00Z' });
    const updated = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), SAMLMetadataDocument: document }));
    assert.equal(updated.SAMLProviderArn, arnOf('Okta'));
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta') }));
    assert.equal(got.ValidUntil?.toISOString(), '2040-06-01T00:00:00.000Z');
    const found = await findSamlProvider(server.tessera.deps.store, arnOf('Okta'));
    assert.equal(found?.entityId, 'https://idp-2.example.com/saml');
    assert.equal(found?.signingCertificates.length, 2);
    const nothing = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta') })));
    assert.equal(nothing.name, 'InvalidInputException');
    const bad = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), SAMLMetadataDocument: `<a>${'x'.repeat(1000)}</a>` })));
    assert.equal(bad.message, 'Could not parse metadata');
    assert.equal((await findSamlProvider(server.tessera.deps.store, arnOf('Okta')))?.entityId, 'https://idp-2.example.com/saml', 'a refused update changes nothing');
  });

  test('private keys for encrypted assertions: sealed, listed by ID only, at most two, required while encryption is Required', async () => {
    const iam = server.iam();
    const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const requiredWithout = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AssertionEncryptionMode: 'Required' })));
    assert.equal(requiredWithout.name, 'InvalidInputException');
    const firstKey = pem();
    await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AddPrivateKey: firstKey, AssertionEncryptionMode: 'Required' }));
    await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AddPrivateKey: pem() }));
    const third = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AddPrivateKey: pem() })));
    assert.equal(third.name, 'LimitExceededException');
    const invalid = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AddPrivateKey: 'not a key' })));
    assert.equal(invalid.name, 'InvalidInputException');
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta') }));
    assert.equal(got.AssertionEncryptionMode, 'Required');
    const ids = got.PrivateKeyList!.map((k) => k.KeyId!);
    assert.equal(ids.length, 2);
    assert.ok(ids.every((id) => /^[A-Z0-9]{22,64}$/.test(id)));
    assert.ok(got.PrivateKeyList!.every((k) => k.Timestamp instanceof Date));
    const found = (await findSamlProvider(server.tessera.deps.store, arnOf('Okta')))!;
    assert.ok(!found.privateKeys[0]!.sealedKey.includes('PRIVATE KEY'), 'sealed at rest');
    assert.equal(server.tessera.deps.secrets.open(found.privateKeys[0]!.sealedKey, samlPrivateKeyContext(found.id, ids[0]!)), firstKey);

    await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), RemovePrivateKey: ids[0] }));
    const last = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), RemovePrivateKey: ids[1] })));
    assert.equal(last.name, 'InvalidInputException');
    const both = await awsError(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AddPrivateKey: pem(), RemovePrivateKey: ids[1] })));
    assert.equal(both.name, 'InvalidInputException');
    await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), AssertionEncryptionMode: 'Allowed', RemovePrivateKey: ids[1] }));
    const after = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta') }));
    assert.equal(after.AssertionEncryptionMode, 'Allowed');
    assert.equal(after.PrivateKeyList, undefined);
  });

  test('tags, listing, the quota, and deletion', async () => {
    const iam = server.iam();
    await iam.send(new TagSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), Tags: [{ Key: 'Env', Value: 'prod' }] }));
    await iam.send(new UntagSAMLProviderCommand({ SAMLProviderArn: arnOf('Okta'), TagKeys: ['TEAM'] }));
    assert.deepEqual((await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arnOf('Okta') }))).Tags, [{ Key: 'Env', Value: 'prod' }]);

    const document = samlMetadata('urn:second', [idp.certificatePem]);
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Azure', SAMLMetadataDocument: document }));
    await iam.send(new CreateSAMLProviderCommand({ Name: 'Google', SAMLMetadataDocument: document }));
    const full = await awsError(() => iam.send(new CreateSAMLProviderCommand({ Name: 'OneMore', SAMLMetadataDocument: document })));
    assert.equal(full.name, 'LimitExceededException');
    assert.equal(full.message, 'Cannot exceed quota for SAMLProvidersPerAccount: 3');
    const listed = await iam.send(new ListSAMLProvidersCommand({}));
    assert.deepEqual(listed.SAMLProviderList!.map((p) => p.Arn), [arnOf('Azure'), arnOf('Google'), arnOf('Okta')]);
    assert.ok(listed.SAMLProviderList!.every((p) => p.ValidUntil instanceof Date && p.CreateDate instanceof Date));

    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arnOf('Google') }));
    for (const fn of [
      () => iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arnOf('Google') })),
      () => iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arnOf('Google') })),
    ]) {
      const err = await awsError(fn);
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.status, 404);
      assert.equal(err.message, `Manifest not found for arn ${arnOf('Google')}`);
    }
    assert.equal(await findSamlProvider(server.tessera.deps.store, arnOf('Google')), undefined);
  });
});
