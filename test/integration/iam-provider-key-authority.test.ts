import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, ListOpenIDConnectProviderTagsCommand,
  PutRolePolicyCommand, PutUserPolicyCommand, TagOpenIDConnectProviderCommand, UntagOpenIDConnectProviderCommand, type IAMClient, type Tag,
} from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor, type JsonWebKeySet } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { newSigningKey, signToken, type SigningKey } from '../../src/federation/test-idp/oidc-keys.ts';
import { awsError, deniedText, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * The `tessera:jwks` tags are an OIDC provider's key material. Setting, replacing or removing
 * them takes iam:UpdateOpenIDConnectProviderThumbprint on the provider besides
 * iam:TagOpenIDConnectProvider / iam:UntagOpenIDConnectProvider, so a user who may only tag
 * cannot plant its own key and assume the roles that trust the provider; and a key set with a
 * shared secret or a private key is never registered.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const NOW_S = NOW.getTime() / 1000;
const AUDIENCE = 'sts.amazonaws.com';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const keySet = (keys: object[]) => ({ keys }) as JsonWebKeySet;
const tagKeys = (tags: Tag[] | undefined) => (tags ?? []).map((t) => t.Key).sort();
const NOT_VALIDATED = 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';

describe('tessera:jwks tags take the authority that changes what a provider trusts', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  let idp: TestIdp;
  /** Keys found by discovery from the running test identity provider. */
  let discoveredArn: string;
  /** Keys given inline by the administrator. */
  let inlineArn: string;
  let inlineTags: Tag[];
  let adminRoleArn: string;
  let attackerKey: SigningKey;

  async function userWith(name: string, statements: object[]): Promise<IAMClient> {
    await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return server.iam({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
  }
  const tagsOf = async (arn: string) => tagKeys((await root.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags);
  const assume = (roleArn: string, token: string) =>
    server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'session', WebIdentityToken: token }));
  const thumbprintDenied = (caller: string, arn: string) =>
    `User: arn:aws:iam::${account}:user/${caller} is not authorized to perform: iam:UpdateOpenIDConnectProviderThumbprint on resource: ${arn} because no identity-based policy allows the iam:UpdateOpenIDConnectProviderThumbprint action`;

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
    idp = await startTestIdp({ nowSeconds: () => NOW_S });
    discoveredArn = (await root.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [AUDIENCE] }))).OpenIDConnectProviderArn!;
    const inlineKey = await newSigningKey('inline-1');
    inlineTags = jwksTagsFor(keySet([inlineKey.publicJwk]));
    inlineArn = (await root.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://inline.example.com', ClientIDList: [AUDIENCE], Tags: [...inlineTags, { Key: 'team', Value: 'platform' }] }))).OpenIDConnectProviderArn!;
    adminRoleArn = (await root.send(new CreateRoleCommand({
      RoleName: 'Administrators',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: discoveredArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${idp.issuer.slice(8)}:aud`]: AUDIENCE } } }]),
    }))).Role!.Arn!;
    await root.send(new PutRolePolicyCommand({ RoleName: 'Administrators', PolicyName: 'everything', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    attackerKey = await newSigningKey('attacker');
  });
  after(async () => {
    await idp.close();
    await server.stop();
  });

  test('a user allowed only iam:TagOpenIDConnectProvider cannot add tessera:jwks, but can add other tags', async () => {
    const tagger = await userWith('tagger', [{ Effect: 'Allow', Action: 'iam:TagOpenIDConnectProvider', Resource: '*' }]);
    const planted = await awsError(() => tagger.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: jwksTagsFor(keySet([attackerKey.publicJwk])) })));
    assert.equal(planted.name, 'AccessDenied');
    assert.equal(planted.status, 403);
    assert.equal(deniedText(planted.message), thumbprintDenied('tagger', discoveredArn));
    // Any spelling of a part name counts, mixed in with ordinary tags or not.
    for (const key of ['TESSERA:JWKS', 'tessera:jwks:2', 'Tessera:Jwks:7']) {
      const err = await awsError(() => tagger.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: [{ Key: 'team', Value: 'x' }, { Key: key, Value: 'e30' }] })));
      assert.equal(deniedText(err.message), thumbprintDenied('tagger', discoveredArn), key);
    }
    assert.deepEqual(await tagsOf(discoveredArn), [], 'nothing was stored');

    await tagger.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: [{ Key: 'team', Value: 'identity' }, { Key: 'tessera-note', Value: 'ok' }] }));
    assert.deepEqual(await tagsOf(discoveredArn), ['team', 'tessera-note']);
  });

  test('nor replace or remove the key set of a provider that has one', async () => {
    const tagger = await userWith('key-remover', [{ Effect: 'Allow', Action: ['iam:TagOpenIDConnectProvider', 'iam:UntagOpenIDConnectProvider'], Resource: '*' }]);
    const replaced = await awsError(() => tagger.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, Tags: jwksTagsFor(keySet([attackerKey.publicJwk])) })));
    assert.equal(deniedText(replaced.message), thumbprintDenied('key-remover', inlineArn));
    for (const key of ['tessera:jwks', 'tessera:jwks:2']) {
      const removed = await awsError(() => tagger.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, TagKeys: [key] })));
      assert.equal(removed.name, 'AccessDenied');
      assert.equal(deniedText(removed.message), thumbprintDenied('key-remover', inlineArn), key);
    }
    assert.deepEqual(await tagsOf(inlineArn), tagKeys([...inlineTags, { Key: 'team', Value: 'platform' }]), 'the key set is intact');
    await tagger.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, TagKeys: ['team'] }));
    assert.deepEqual(await tagsOf(inlineArn), tagKeys(inlineTags));
  });

  test('the attack end to end: tag, mint a token with its own key, assume the administrators\' role — refused', async () => {
    const attacker = await userWith('attacker', [{ Effect: 'Allow', Action: 'iam:TagOpenIDConnectProvider', Resource: '*' }]);
    const ownKeys = jwksTagsFor(keySet([attackerKey.publicJwk]));
    assert.equal((await awsError(() => attacker.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: ownKeys })))).name, 'AccessDenied');
    const forged = await signToken(attackerKey, { iss: idp.issuer, aud: AUDIENCE, sub: 'attacker', iat: NOW_S, exp: NOW_S + 600 });
    const err = await awsError(() => assume(adminRoleArn, forged));
    assert.equal(err.name, 'InvalidIdentityTokenException');
    assert.equal(err.message, NOT_VALIDATED);
    // The provider's own tokens still work: the role was reachable, only not by the forgery.
    const genuine = await assume(adminRoleArn, await idp.mint({ sub: 'deployer', aud: AUDIENCE }));
    assert.match(genuine.Credentials!.AccessKeyId!, /^ASIA/);
  });

  test('with iam:UpdateOpenIDConnectProviderThumbprint on the provider as well, the key set can be set, replaced and removed', async () => {
    const keyAdmin = await userWith('key-admin', [
      { Effect: 'Allow', Action: ['iam:TagOpenIDConnectProvider', 'iam:UntagOpenIDConnectProvider'], Resource: '*' },
      { Effect: 'Allow', Action: 'iam:UpdateOpenIDConnectProviderThumbprint', Resource: inlineArn },
    ]);
    // The thumbprint permission is per provider: on another provider it does not count.
    const elsewhere = await awsError(() => keyAdmin.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: jwksTagsFor(keySet([attackerKey.publicJwk])) })));
    assert.equal(deniedText(elsewhere.message), thumbprintDenied('key-admin', discoveredArn));

    const rotated = await newSigningKey('inline-2');
    const rotatedTags = jwksTagsFor(keySet([rotated.publicJwk]));
    await keyAdmin.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, Tags: rotatedTags }));
    const stored = (await root.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: inlineArn }))).Tags!;
    assert.deepEqual(stored.filter((t) => t.Key!.startsWith('tessera:jwks')), rotatedTags);

    // The new key now verifies tokens for a role that trusts this provider.
    const role = await root.send(new CreateRoleCommand({
      RoleName: 'InlineKeys',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: inlineArn }, Action: 'sts:AssumeRoleWithWebIdentity' }]),
    }));
    const token = await signToken(rotated, { iss: 'https://inline.example.com', aud: AUDIENCE, sub: 'ci', iat: NOW_S, exp: NOW_S + 600 });
    assert.equal((await assume(role.Role!.Arn!, token)).SubjectFromWebIdentityToken, 'ci');

    await keyAdmin.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, TagKeys: ['tessera:jwks'] }));
    assert.deepEqual(await tagsOf(inlineArn), []);
  });

  test('a condition on the provider\'s tags decides the thumbprint permission too', async () => {
    await root.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, Tags: [{ Key: 'keys-managed-by', Value: 'platform' }] }));
    const platform = await userWith('platform-keys', [
      { Effect: 'Allow', Action: 'iam:TagOpenIDConnectProvider', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:UpdateOpenIDConnectProviderThumbprint', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/keys-managed-by': 'platform' } } },
    ]);
    const key = await newSigningKey('platform-1');
    await platform.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: inlineArn, Tags: jwksTagsFor(keySet([key.publicJwk])) }));
    assert.ok((await tagsOf(inlineArn)).includes('tessera:jwks'));
    const untagged = await awsError(() => platform.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: discoveredArn, Tags: jwksTagsFor(keySet([key.publicJwk])) })));
    assert.equal(deniedText(untagged.message), thumbprintDenied('platform-keys', discoveredArn));
  });

  test('creating a provider with the key set needs only iam:CreateOpenIDConnectProvider', async () => {
    const creator = await userWith('creator', [{ Effect: 'Allow', Action: ['iam:CreateOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider'], Resource: '*' }]);
    const key = await newSigningKey('created-1');
    const made = await creator.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://created.example.com', ClientIDList: [AUDIENCE], Tags: jwksTagsFor(keySet([key.publicJwk])) }));
    assert.ok((await tagsOf(made.OpenIDConnectProviderArn!)).includes('tessera:jwks'));
    // Afterwards the key set is key material like any other: changing it takes the thumbprint permission.
    const changed = await awsError(() => creator.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: made.OpenIDConnectProviderArn!, Tags: jwksTagsFor(keySet([attackerKey.publicJwk])) })));
    assert.equal(deniedText(changed.message), thumbprintDenied('creator', made.OpenIDConnectProviderArn!));
  });
});

describe('tessera:jwks holds public keys only', () => {
  let server: TestServer;
  let root: IAMClient;
  before(async () => {
    server = await startTestServer();
    root = server.iam();
  });
  after(async () => server.stop());

  const ecPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const refusedBecause = async (call: () => Promise<unknown>, reason: string) => {
    const err = await awsError(call);
    assert.equal(err.name, 'InvalidInputException');
    assert.equal(err.status, 400);
    assert.equal(err.message, `The tessera:jwks key set may hold only public keys: ${reason}`);
  };

  test('a symmetric (oct) key is refused when a provider is created with it, and when it is tagged', async () => {
    const oct = keySet([{ kty: 'oct', k: Buffer.from('a shared secret anyone reading the tags could use').toString('base64url'), alg: 'HS256', kid: 'hmac' }]);
    const started = Date.now();
    await refusedBecause(() => root.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://hmac.example.com', ClientIDList: ['app'], Tags: jwksTagsFor(oct) })), 'key 1 is a symmetric key (kty "oct").');
    assert.equal((await awsError(() => root.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${server.accountId}:oidc-provider/hmac.example.com` })))).name, 'NoSuchEntityException', 'nothing was created');

    const publicKey = ecPair().publicKey.export({ format: 'jwk' });
    const arn = (await root.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://asymmetric.example.com', ClientIDList: ['app'], Tags: jwksTagsFor(keySet([publicKey])) }))).OpenIDConnectProviderArn!;
    await refusedBecause(() => root.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: jwksTagsFor(keySet([publicKey, ...oct.keys])) })), 'key 2 is a symmetric key (kty "oct").');
    const kept = (await root.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags!;
    assert.deepEqual(kept, jwksTagsFor(keySet([publicKey])), 'the old key set is untouched');
    assert.ok(Date.now() - started < 5_000, 'refused quickly');
  });

  test('private key material ("d") is refused', async () => {
    const privateKey = ecPair().privateKey.export({ format: 'jwk' });
    assert.equal(typeof privateKey.d, 'string');
    await refusedBecause(() => root.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://leaky.example.com', Tags: jwksTagsFor(keySet([privateKey])) })), 'key 1 holds private key material ("d").');
    const arn = (await root.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://leaky.example.com' }))).OpenIDConnectProviderArn!;
    const rsaPrivate = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    await refusedBecause(() => root.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: jwksTagsFor(keySet([rsaPrivate])) })), 'key 1 holds private key material ("d").');
    assert.deepEqual((await root.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags, []);
  });
});
