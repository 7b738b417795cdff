import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand,
  DisableOutboundWebIdentityFederationCommand, EnableOutboundWebIdentityFederationCommand,
  GetOutboundWebIdentityFederationInfoCommand, PutRolePolicyCommand, PutUserPolicyCommand, TagUserCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetWebIdentityTokenCommand, type GetWebIdentityTokenCommandInput } from '@aws-sdk/client-sts';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { Kind } from '../../src/iam/kinds.ts';
import { outboundKeyContext, type OutboundFederationData } from '../../src/iam/outbound-federation/records.ts';
import { signedJson } from '../support/raw-request.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Outbound identity federation end to end with the AWS SDK: an account enables it, its IAM
 * principals get tokens from sts:GetWebIdentityToken, and a relying party verifies them with
 * jose against the key set it finds through the issuer's own discovery documents, fetched over
 * HTTP from Tessera. Refusals: the feature off, the identity policy's sts:* condition keys, a
 * token outliving its session, an oversized payload, and AssumeRoleWithWebIdentity with such a
 * token. The private keys are sealed in the store and never in audit events.
 */

const NS = 'https://sts.amazonaws.com/';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

async function userWithPolicy(iam: IAMClient, name: string, statements: object[]): Promise<Credentials> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc(statements) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

const allowToken = [{ Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*' }];

describe('outbound identity federation', () => {
  let server: TestServer;
  let iam: IAMClient;
  let alice: Credentials;
  let issuer: string;
  const token = (credentials: Credentials, input: Partial<GetWebIdentityTokenCommandInput> = {}) =>
    server.sts(credentials).send(new GetWebIdentityTokenCommand({ Audience: ['my-service'], SigningAlgorithm: 'RS256', ...input }));

  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    alice = await userWithPolicy(iam, 'alice', allowToken);
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'data' }] }));
  });
  after(async () => server.stop());

  test('before the first enable: Get and Disable answer FeatureDisabled, tokens are refused', async () => {
    for (const call of [() => iam.send(new GetOutboundWebIdentityFederationInfoCommand({})), () => iam.send(new DisableOutboundWebIdentityFederationCommand({}))]) {
      const err = await awsError(call);
      assert.equal(err.name, 'FeatureDisabledException');
      assert.equal(err.status, 404);
    }
    const err = await awsError(() => token(alice));
    assert.equal(err.name, 'OutboundWebIdentityFederationDisabledException');
    assert.equal(err.status, 403);
  });

  test('enabling needs iam:EnableOutboundWebIdentityFederation', async () => {
    const err = await awsError(() => server.iam(alice).send(new EnableOutboundWebIdentityFederationCommand({})));
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /is not authorized to perform: iam:EnableOutboundWebIdentityFederation on resource: \*/);
  });

  test('enable returns an issuer on this server; a second enable is FeatureEnabled; Get reports it', async () => {
    issuer = (await iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier!;
    assert.match(issuer, new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/_tessera/outbound/[0-9a-f]{32}$`));
    const again = await awsError(() => iam.send(new EnableOutboundWebIdentityFederationCommand({})));
    assert.equal(again.name, 'FeatureEnabledException');
    assert.equal(again.status, 409);
    const info = await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}));
    assert.deepEqual([info.IssuerIdentifier, info.JwtVendingEnabled], [issuer, true]);
  });

  test('tokens of both algorithms verify against the key set found through the discovery documents', async () => {
    const config = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(config['issuer'], issuer);
    const keySet = await (await fetch(String(config['jwks_uri']))).json() as JSONWebKeySet;
    assert.deepEqual(keySet.keys.map((k) => [k.kty, k.alg]), [['RSA', 'RS256'], ['EC', 'ES384']]);
    const jwks = createRemoteJWKSet(new URL(String(config['jwks_uri'])));
    for (const algorithm of ['RS256', 'ES384']) {
      const out = await token(alice, { SigningAlgorithm: algorithm, Audience: ['my-service', 'other'], Tags: [{ Key: 'job', Value: '7' }] });
      const header = decodeProtectedHeader(out.WebIdentityToken!);
      assert.equal(header.alg, algorithm);
      assert.equal(header.kid, keySet.keys.find((k) => k.alg === algorithm)!.kid);
      const { payload } = await jwtVerify(out.WebIdentityToken!, jwks, { issuer, audience: 'my-service', algorithms: [algorithm] });
      assert.equal(payload.sub, `arn:aws:iam::${server.accountId}:user/alice`);
      assert.deepEqual(payload.aud, ['my-service', 'other']);
      assert.equal(payload.exp! - payload.iat!, 300, 'default duration: 300 seconds');
      assert.equal(out.Expiration!.getTime(), payload.exp! * 1000);
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      assert.deepEqual(payload[NS], {
        aws_account: server.accountId, source_region: 'us-east-1', principal_id: `arn:aws:iam::${server.accountId}:user/alice`,
        principal_tags: { team: 'data' }, request_tags: { job: '7' },
      });
    }
  });

  test('a token from one key does not verify as the other algorithm, nor for another audience', async () => {
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const out = await token(alice, { SigningAlgorithm: 'ES384' });
    await assert.rejects(jwtVerify(out.WebIdentityToken!, jwks, { issuer, audience: 'my-service', algorithms: ['RS256'] }));
    await assert.rejects(jwtVerify(out.WebIdentityToken!, jwks, { issuer, audience: 'someone-else' }));
  });

  test('input validation: algorithm, duration, tags, payload size', async () => {
    const bad = await awsError(() => token(alice, { SigningAlgorithm: 'HS256' }));
    assert.deepEqual([bad.name, bad.status], ['ValidationError', 400]);
    for (const DurationSeconds of [59, 3601]) {
      const err = await awsError(() => token(alice, { DurationSeconds }));
      assert.deepEqual([err.name, err.status], ['ValidationError', 400], String(DurationSeconds));
    }
    const dup = await awsError(() => token(alice, { Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }));
    assert.deepEqual([dup.name, dup.message], ['InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.']);
    const reserved = await awsError(() => token(alice, { Tags: [{ Key: 'aws:x', Value: '1' }] }));
    assert.equal(reserved.name, 'InvalidParameterValue');
    const tooMany = await awsError(() => token(alice, { Audience: Array.from({ length: 11 }, (_, i) => `a${i}`) }));
    assert.equal(tooMany.name, 'ValidationError');
    const big = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`.padEnd(128, 'k'), Value: 'v'.repeat(256) }));
    const size = await awsError(() => token(alice, { Tags: big }));
    assert.deepEqual([size.name, size.status], ['JWTPayloadSizeExceededException', 400]);
  });

  test('the root user gets no token: it has no IAM identity to vouch for', async () => {
    const err = await awsError(() => token(server.root));
    assert.equal(err.name, 'AccessDenied');
  });

  test('identity policies decide with sts:IdentityTokenAudience, sts:DurationSeconds, sts:SigningAlgorithm and request tags', async () => {
    const bob = await userWithPolicy(iam, 'bob', [{
      Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'sts:IdentityTokenAudience': ['my-service'] },
        NumericLessThanEquals: { 'sts:DurationSeconds': 600 },
        StringEquals: { 'sts:SigningAlgorithm': 'ES384' },
      },
    }, { Effect: 'Deny', Action: 'sts:GetWebIdentityToken', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/env': 'prod' } } }]);
    assert.ok((await token(bob, { SigningAlgorithm: 'ES384' })).WebIdentityToken, 'the default duration (300) is within 600');
    assert.ok((await token(bob, { SigningAlgorithm: 'ES384', DurationSeconds: 600 })).WebIdentityToken);
    const refused: Array<[string, Partial<GetWebIdentityTokenCommandInput>]> = [
      ['another audience', { Audience: ['my-service', 'elsewhere'] }],
      ['a longer duration', { DurationSeconds: 900 }],
      ['another algorithm', { SigningAlgorithm: 'RS256' }],
      ['a denied request tag', { Tags: [{ Key: 'env', Value: 'prod' }] }],
    ];
    for (const [why, input] of refused) {
      const err = await awsError(() => token(bob, { SigningAlgorithm: 'ES384', ...input }));
      assert.equal(err.name, 'AccessDenied', why);
      assert.match(err.message, /sts:GetWebIdentityToken/, why);
    }
  });

  test('a role session: sub is the role, principal_id the session; its token may not outlive the session', async () => {
    const caller = await userWithPolicy(iam, 'carol', [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }]);
    await iam.send(new CreateRoleCommand({
      RoleName: 'app', Tags: [{ Key: 'tier', Value: 'web' }],
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:user/carol` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]),
    }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'tokens', PolicyDocument: doc(allowToken) }));
    const assumed = await server.sts(caller).send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${server.accountId}:role/app`, RoleSessionName: 's1', DurationSeconds: 900, Tags: [{ Key: 'run', Value: '42' }],
    }));
    const session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
    const escalation = await awsError(() => token(session, { DurationSeconds: 3600 }));
    assert.deepEqual([escalation.name, escalation.status], ['SessionDurationEscalationException', 403]);
    const out = await token(session, { DurationSeconds: 600 });
    const { payload } = await jwtVerify(out.WebIdentityToken!, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer, audience: 'my-service' });
    assert.equal(payload.sub, `arn:aws:iam::${server.accountId}:role/app`);
    const aws = payload[NS] as Record<string, unknown>;
    assert.equal(aws['principal_id'], `arn:aws:sts::${server.accountId}:assumed-role/app/s1`);
    assert.deepEqual(aws['principal_tags'], { tier: 'web', run: '42' });
  });

  test('private keys are sealed in the store and appear in no audit event; the token is not recorded', async () => {
    const { store, secrets, audit } = server.tessera.deps;
    const issued = (await token(alice, { SigningAlgorithm: 'ES384' })).WebIdentityToken!;
    const record = (await store.list<OutboundFederationData>(server.accountId, Kind.outboundFederation, { limit: 1 }))[0]!;
    await audit.flush();
    const lookup = await signedJson(server.url, server.root, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', { MaxResults: 50 }, { service: 'cloudtrail' });
    assert.equal(lookup.status, 200);
    const events = (JSON.parse(lookup.body) as { Events: Array<{ EventName: string; CloudTrailEvent: string }> }).Events;
    const recorded = events.filter((e) => e.EventName === 'GetWebIdentityToken' || e.EventName === 'EnableOutboundWebIdentityFederation');
    assert.ok(recorded.some((e) => e.EventName === 'GetWebIdentityToken') && recorded.some((e) => e.EventName === 'EnableOutboundWebIdentityFederation'));
    const eventText = recorded.map((e) => e.CloudTrailEvent).join('\n');
    assert.equal(eventText.includes(issued.split('.')[2]!), false, 'the token is not in the audit log');
    // The store's own bytes (SQLite's files; on PostgreSQL the record's data as stored).
    const stored = (await storeBytes(server.dataDir)) || JSON.stringify(record.data);
    for (const algorithm of ['RS256', 'ES384'] as const) {
      const sealed = record.data.keys[algorithm].sealedPrivateKey;
      assert.ok(!sealed.includes('PRIVATE KEY'));
      const pem = secrets.open(sealed, outboundKeyContext(record.id));
      assert.match(pem, /BEGIN PRIVATE KEY/);
      // Every base64 line of the key's body; none may be in the store or an audit event.
      const lines = pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
      assert.ok(lines.length > 0);
      for (const line of lines) {
        assert.equal(stored.includes(line), false, `${algorithm} private key material in the store`);
        assert.equal(eventText.includes(line), false, `${algorithm} private key material in an audit event`);
      }
    }
    assert.equal(stored.includes('PRIVATE KEY'), false);
  });

  test('disabling refuses tokens and hides the discovery documents; enabling again brings back the same issuer', async () => {
    await iam.send(new DisableOutboundWebIdentityFederationCommand({}));
    const info = await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}));
    assert.deepEqual([info.IssuerIdentifier, info.JwtVendingEnabled], [issuer, false]);
    const err = await awsError(() => token(alice));
    assert.deepEqual([err.name, err.status], ['OutboundWebIdentityFederationDisabledException', 403]);
    assert.equal((await fetch(`${issuer}/.well-known/jwks.json`)).status, 404);
    const twice = await awsError(() => iam.send(new DisableOutboundWebIdentityFederationCommand({})));
    assert.equal(twice.name, 'FeatureDisabledException');
    assert.equal((await iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier, issuer);
    assert.equal((await fetch(`${issuer}/.well-known/jwks.json`)).status, 200);
  });

  test('discovery answers 404 for unknown issuers and documents', async () => {
    for (const path of ['/_tessera/outbound/0123456789abcdef0123456789abcdef/.well-known/jwks.json', '/_tessera/outbound/x/.well-known/jwks.json', `${new URL(issuer).pathname}/.well-known/other`]) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    }
  });
});

describe('AssumeRoleWithWebIdentity refuses outbound tokens', () => {
  let server: TestServer;

  // The issuer is https (as IAM registers OIDC providers) through --public-url; the key set is
  // given to the provider inline, so without the refusal the token would be accepted.
  before(async () => {
    server = await startTestServer({ publicUrl: 'https://tessera.test' });
  });
  after(async () => server.stop());

  test('a token of GetWebIdentityToken is InvalidIdentityToken, even for a provider registered for its issuer', async () => {
    const iam = server.iam();
    const issuer = (await iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier!;
    assert.match(issuer, /^https:\/\/tessera\.test\/_tessera\/outbound\/[0-9a-f]{32}$/);
    const keySet = await (await fetch(`${server.url}${new URL(issuer).pathname}/.well-known/jwks.json`)).json() as JSONWebKeySet;
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(keySet as never) }));
    const host = issuer.slice('https://'.length);
    await iam.send(new CreateRoleCommand({
      RoleName: 'federated',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: provider.OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' } } }]),
    }));
    const dave = await userWithPolicy(iam, 'dave', allowToken);
    const out = await server.sts(dave).send(new GetWebIdentityTokenCommand({ Audience: ['sts.amazonaws.com'], SigningAlgorithm: 'RS256' }));
    const err = await awsError(() => server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({
      RoleArn: `arn:aws:iam::${server.accountId}:role/federated`, RoleSessionName: 'relying', WebIdentityToken: out.WebIdentityToken!,
    })));
    assert.deepEqual([err.name, err.status], ['InvalidIdentityTokenException', 400]);
    assert.match(err.message, /cannot be used with AssumeRoleWithWebIdentity/);
  });
});

/** Every file of the SQLite store (database, WAL), as one latin1 string. */
async function storeBytes(dataDir: string): Promise<string> {
  const names = (await readdir(dataDir)).filter((name) => name.startsWith('tessera.db'));
  const parts = await Promise.all(names.map((name) => readFile(join(dataDir, name))));
  return Buffer.concat(parts).toString('latin1');
}
