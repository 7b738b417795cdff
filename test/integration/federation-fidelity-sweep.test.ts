import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateSAMLProviderCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { generateSamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { createSamlRoutes, type SamlResponseRequest, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * Federation against AWS's documented behaviour, found in a sweep with the aws CLI and boto3:
 * the end of an OIDC token is not stretched for clock skew; the session tags a token passes
 * obey AWS's tag limits and carry one value each; SAML's DurationSeconds is checked against the
 * role's maximum on its own, and the SessionDuration attribute only ever shortens a session.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const NOW_S = NOW.getTime() / 1000;
const AUDIENCE = 'sts.amazonaws.com';
const TAGS = 'https://aws.amazon.com/tags';
const ENTITY_ID = 'https://idp.sweep.test/saml';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('federation fidelity sweep', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let iam: IAMClient;
  let idp: TestIdp;
  let oidcRole: string;
  let samlRole: string;
  let samlProvider: string;
  let routes: TestIdpRoute;
  let ids = 0;

  // The server ignores credentials on these operations; the SDK still wants some to sign with.
  const sts = () => server.sts({ accessKeyId: 'x', secretAccessKey: 'x' });
  const withToken = (claims: Record<string, unknown>) => async () =>
    sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: oidcRole, RoleSessionName: 'sweep', WebIdentityToken: await idp.mint({ sub: 'alice', aud: AUDIENCE, ...claims }) }));
  async function mint(request: Partial<SamlResponseRequest> = {}): Promise<string> {
    const answer = await routes('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn: samlRole, providerArn: samlProvider, sessionName: 'alice', ...request }));
    assert.equal(answer?.status, 200, answer?.body);
    return (JSON.parse(answer.body) as { SAMLResponse: string }).SAMLResponse;
  }
  const withAssertion = (request: Partial<SamlResponseRequest>, durationSeconds?: number) => async () =>
    sts().send(new AssumeRoleWithSAMLCommand({
      RoleArn: samlRole, PrincipalArn: samlProvider, SAMLAssertion: await mint(request),
      ...(durationSeconds !== undefined ? { DurationSeconds: durationSeconds } : {}),
    }));

  before(async () => {
    server = await startTestServer({}, { clock });
    iam = server.iam();
    idp = await startTestIdp({ nowSeconds: () => NOW_S });
    const oidc = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [AUDIENCE], Tags: jwksTagsFor(idp.jwks() as never) }));
    oidcRole = (await iam.send(new CreateRoleCommand({
      RoleName: 'SweepWeb',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: oidc.OpenIDConnectProviderArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }]),
    }))).Role!.Arn!;

    const key = generateSamlSigningKey();
    routes = createSamlRoutes({ entityId: ENTITY_ID, ssoUrl: 'https://idp.sweep.test/sso', key, now: () => NOW, newId: () => `_sweep${++ids}` });
    const metadata = (await routes('GET', '/saml/metadata', new URLSearchParams(), ''))!.body;
    samlProvider = (await iam.send(new CreateSAMLProviderCommand({ Name: 'SweepIdP', SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
    samlRole = (await iam.send(new CreateRoleCommand({
      RoleName: 'SweepSaml',
      // The default maximum: one hour.
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: samlProvider }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }]),
    }))).Role!.Arn!;
  });
  after(async () => {
    await idp.close();
    await server.stop();
  });

  describe('AssumeRoleWithWebIdentity', () => {
    test('a token whose exp has passed is expired, however recently: skew never lengthens its life', async () => {
      for (const exp of [NOW_S, NOW_S - 1, NOW_S - 30]) {
        const err = await awsError(withToken({ exp }));
        assert.deepEqual([err.name, err.message, err.status],
          ['ExpiredTokenException', `Token expired: current date/time ${NOW_S} must be before the expiration date/time ${exp}`, 400], String(exp));
      }
      assert.ok((await withToken({ exp: NOW_S + 1 })()).Credentials, 'one second left is enough');
      assert.ok((await withToken({ nbf: NOW_S + 30, iat: NOW_S + 30 })()).Credentials, 'the start may still be a little ahead of our clock');
    });

    test('session tags in the token obey AWS\'s limits: 50 tags, keys of 128, values of 256, tag characters', async () => {
      const tags = (principalTags: Record<string, unknown>) => ({ [TAGS]: { principal_tags: principalTags } });
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, ['v']]));
      assert.ok((await withToken(tags(fifty))()).Credentials, 'fifty tags are fine');
      assert.ok((await withToken(tags({ ['k'.repeat(128)]: ['v'.repeat(256)], 'a b_.:/=+-@é': ['x y'] }))()).Credentials, 'the longest key and value, every allowed character');
      for (const [bad, why] of [
        [{ ...fifty, k50: ['v'] }, /more than 50 session tags/],
        [{ ['k'.repeat(129)]: ['v'] }, /must be 1 to 128 characters/],
        [{ k: ['v'.repeat(257)] }, /at most 256 characters/],
        [{ 'k!': ['v'] }, /session tag key k! holds a character/],
        [{ k: ['v<script>'] }, /value of session tag k holds a character/],
      ] as const) {
        const err = await awsError(withToken(tags(bad)));
        assert.equal(err.name, 'InvalidIdentityTokenException', err.message);
        assert.equal(err.status, 400);
        assert.match(err.message, why);
      }
    });

    test('a session tag with several values is refused rather than one picked', async () => {
      const err = await awsError(withToken({ [TAGS]: { principal_tags: { team: ['red', 'blue'] } } }));
      assert.deepEqual([err.name, err.status], ['InvalidIdentityTokenException', 400]);
      assert.match(err.message, /session tag team has more than one value/);
      assert.ok((await withToken({ [TAGS]: { principal_tags: { team: ['red'] } } })()).Credentials, 'one value in a list is the documented form');
    });
  });

  describe('AssumeRoleWithSAML', () => {
    test('DurationSeconds above the role\'s maximum fails, even when SessionDuration is shorter', async () => {
      const err = await awsError(withAssertion({ sessionDuration: 1800 }, 7200));
      assert.deepEqual([err.name, err.message, err.status], ['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400]);
    });

    test('SessionDuration above the role\'s maximum is no error: the session lasts DurationSeconds, or the default hour', async () => {
      const byDefault = await withAssertion({ sessionDuration: 43_200 })();
      assert.equal(byDefault.Credentials!.Expiration!.getTime(), NOW.getTime() + 3600_000);
      const asked = await withAssertion({ sessionDuration: 43_200 }, 1200)();
      assert.equal(asked.Credentials!.Expiration!.getTime(), NOW.getTime() + 1200_000);
      const shorter = await withAssertion({ sessionDuration: 900 }, 3600)();
      assert.equal(shorter.Credentials!.Expiration!.getTime(), NOW.getTime() + 900_000, 'SessionDuration still shortens');
    });

    test('PrincipalTag attributes must hold tag characters', async () => {
      const err = await awsError(withAssertion({ tags: { 'cost!center': '42' } }));
      assert.deepEqual([err.name, err.status], ['InvalidIdentityTokenException', 400]);
      assert.match(err.message, /session tag key cost!center holds a character/);
      assert.ok((await withAssertion({ tags: { 'cost-center': '42 / eu' } })()).Credentials);
    });
  });
});
