import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateSAMLProviderCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { generateSamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { createSamlRoutes, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Federation is authentication: a role's trust policy decides AssumeRoleWithWebIdentity and
 * AssumeRoleWithSAML exactly as it decides AssumeRole — the same global condition keys of the
 * real request (aws:SourceIp, aws:UserAgent, aws:SecureTransport, aws:CurrentTime,
 * aws:EpochTime), the same aws:RequestTag/… for session tags — and a refused federated call
 * is audited as a denial with its reason, like any other.
 *
 * Each case makes three roles with the same condition, one trusting an OIDC provider, one a
 * SAML provider and one an IAM user, and checks that all three answer alike.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const NOW_S = NOW.getTime() / 1000;
const HOUR_AGO = new Date(NOW.getTime() - 3600_000).toISOString();
const ENTITY_ID = 'https://idp.tessera.test/saml';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

interface Case {
  name: string;
  condition: Record<string, Record<string, string | string[]>>;
  /** The session tag every caller passes (tags need sts:TagSession too). */
  tag?: { Key: string; Value: string };
  allowed: boolean;
}

const CASES: Case[] = [
  { name: 'SourceipIn', condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, allowed: true },
  { name: 'SourceipOut', condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, allowed: false },
  { name: 'AgentSdk', condition: { StringLike: { 'aws:UserAgent': '*aws-sdk-js*' } }, allowed: true },
  { name: 'AgentCurl', condition: { StringEquals: { 'aws:UserAgent': 'curl/8.0' } }, allowed: false },
  { name: 'PlainHttp', condition: { Bool: { 'aws:SecureTransport': 'false' } }, allowed: true },
  { name: 'HttpsOnly', condition: { Bool: { 'aws:SecureTransport': 'true' } }, allowed: false },
  { name: 'AfterAnHourAgo', condition: { DateGreaterThan: { 'aws:CurrentTime': HOUR_AGO } }, allowed: true },
  { name: 'BeforeAnHourAgo', condition: { DateLessThan: { 'aws:CurrentTime': HOUR_AGO } }, allowed: false },
  { name: 'EpochNow', condition: { NumericEquals: { 'aws:EpochTime': String(NOW_S) } }, allowed: true },
  { name: 'EpochLater', condition: { NumericGreaterThan: { 'aws:EpochTime': String(NOW_S) } }, allowed: false },
  { name: 'TagBlue', condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } }, tag: { Key: 'team', Value: 'blue' }, allowed: true },
  { name: 'TagRed', condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } }, tag: { Key: 'team', Value: 'red' }, allowed: false },
];

describe('trust-policy conditions decide federated calls exactly as AssumeRole', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let iam: IAMClient;
  let idp: TestIdp;
  let saml: TestIdpRoute;
  let oidcArn: string;
  let oidcUrl: string;
  let samlArn: string;
  let userArn: string;
  let caller: Credentials;
  let ids = 0;
  const unsigned = () => server.sts({ accessKeyId: 'x', secretAccessKey: 'x' });

  before(async () => {
    server = await startTestServer({}, { clock });
    iam = server.iam();
    idp = await startTestIdp({ nowSeconds: () => NOW_S });
    oidcUrl = idp.issuer.slice('https://'.length);
    oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
    saml = createSamlRoutes({ entityId: ENTITY_ID, ssoUrl: 'https://idp.tessera.test/sso', key: generateSamlSigningKey(), now: () => NOW, newId: () => `_id${++ids}` });
    const metadata = await saml('GET', '/saml/metadata', new URLSearchParams(), '');
    samlArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: metadata!.body }))).SAMLProviderArn!;
    userArn = (await iam.send(new CreateUserCommand({ UserName: 'caller' }))).User!.Arn!;
    await iam.send(new PutUserPolicyCommand({ UserName: 'caller', PolicyName: 'assume', PolicyDocument: doc([{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }]) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'caller' }))).AccessKey!;
    caller = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  after(async () => {
    await idp.close();
    await server.stop();
  });

  async function role(name: string, principal: object, action: string, condition: Case['condition']): Promise<string> {
    const made = await iam.send(new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: principal, Action: [action, 'sts:TagSession'], Condition: condition }]),
    }));
    return made.Role!.Arn!;
  }

  /** 'allowed', or the refusal's code and message. */
  async function outcome(call: () => Promise<unknown>): Promise<string> {
    try {
      await call();
      return 'allowed';
    } catch {
      const err = await awsError(call);
      return `${err.name}: ${err.message}`;
    }
  }

  for (const c of CASES) {
    test(`${c.name}: ${JSON.stringify(c.condition)} → ${c.allowed ? 'allowed' : 'denied'} for OIDC, SAML and AssumeRole alike`, async () => {
      const oidcRole = await role(`${c.name}-oidc`, { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', c.condition);
      const samlRole = await role(`${c.name}-saml`, { Federated: samlArn }, 'sts:AssumeRoleWithSAML', c.condition);
      const userRole = await role(`${c.name}-user`, { AWS: userArn }, 'sts:AssumeRole', c.condition);

      const tagsClaim = c.tag ? { 'https://aws.amazon.com/tags': { principal_tags: { [c.tag.Key]: [c.tag.Value] } } } : {};
      const mintOidc = () => idp.mint({ sub: 'repo:org/app', aud: 'sts.amazonaws.com', ...tagsClaim });
      const oidc = await outcome(async () => unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: oidcRole, RoleSessionName: 'ci', WebIdentityToken: await mintOidc() })));

      const mintSaml = async () => {
        const answer = await saml('POST', '/saml/response', new URLSearchParams(), JSON.stringify({
          roleArn: samlRole, providerArn: samlArn, sessionName: 'alice', ...(c.tag ? { tags: { [c.tag.Key]: c.tag.Value } } : {}),
        }));
        return (JSON.parse(answer!.body) as { SAMLResponse: string }).SAMLResponse;
      };
      // A SAML assertion is accepted once: each attempt gets its own.
      const samlOutcome = await outcome(async () => unsigned().send(new AssumeRoleWithSAMLCommand({ RoleArn: samlRole, PrincipalArn: samlArn, SAMLAssertion: await mintSaml() })));

      const signed = await outcome(() => server.sts(caller).send(new AssumeRoleCommand({
        RoleArn: userRole, RoleSessionName: 'ci', ...(c.tag ? { Tags: [c.tag] } : {}),
      })));

      if (c.allowed) {
        assert.deepEqual([oidc, samlOutcome, signed], ['allowed', 'allowed', 'allowed']);
      } else {
        assert.equal(oidc, 'AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
        assert.equal(samlOutcome, 'AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML');
        assert.match(signed, new RegExp(`^AccessDenied: User: ${userArn} is not authorized to perform: sts:AssumeRole on resource: ${userRole.replaceAll('/', '\\/')}`));
      }
    });
  }

  test('a refused federated call is audited as a denial with its reason, as AssumeRole is', async () => {
    const oidcRole = await role('AuditedDenial', { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', { StringEquals: { [`${oidcUrl}:sub`]: 'repo:org/other' } });
    const err = await awsError(async () => unsigned().send(new AssumeRoleWithWebIdentityCommand({
      RoleArn: oidcRole, RoleSessionName: 'ci', WebIdentityToken: await idp.mint({ sub: 'repo:org/app', aud: 'sts.amazonaws.com' }),
    })));
    assert.equal(err.name, 'AccessDenied');
    await server.tessera.deps.audit.flush();
    const events = await server.tessera.deps.store.listAudit({ accountId: server.accountId, limit: 1000 });
    const event = events.find((e) => e.requestId === err.requestId);
    assert.ok(event, `an audit event for request ${err.requestId}`);
    const { record, decision } = event.data as { record: Record<string, any>; decision: Record<string, unknown> };
    assert.equal(record['eventName'], 'AssumeRoleWithWebIdentity');
    assert.equal(decision['decision'], 'ImplicitDeny');
    assert.equal(decision['action'], 'sts:AssumeRoleWithWebIdentity');
    assert.equal(decision['resource'], oidcRole);
    assert.equal(record['errorCode'], 'AccessDenied');
    assert.equal(record['userIdentity']['type'], 'WebIdentityUser');
    assert.equal(record['userIdentity']['identityProvider'], oidcArn.slice(oidcArn.indexOf('oidc-provider/') + 'oidc-provider/'.length));
    assert.equal(record['requestParameters']['webIdentityToken'], 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.match(String(decision['reason']), /resource-based policy|trust policy/);
  });
});
