import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateSAMLProviderCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, type Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { generateSamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { createSamlRoutes, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * A federated role session keeps the identity provider's keys that name its user, so the role's
 * permission policies can use them as policy variables and condition keys — AWS's examples
 * "Amazon S3: Allows Amazon Cognito users to access objects in their bucket"
 * (`${cognito-identity.amazonaws.com:sub}`) and "Uniquely identifying users in SAML-based
 * federation" (`${saml:namequalifier}/${saml:sub}`). Here each session may read (iam:GetRole)
 * only the role named after its own subject.
 *
 * Also: a trust policy names a built-in web identity provider by AWS's name
 * (`"Federated": "accounts.google.com"`), matched by the IAM OIDC provider registered for it;
 * the provider-specific claims AWS keeps out of the session stay out; nothing is carried into a
 * role the federated session assumes in turn.
 */
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('federated sessions carry the provider keys that name their user', () => {
  let server: TestServer;
  let iam: IAMClient;
  let idp: TestIdp;
  let saml: TestIdpRoute;
  let oidcArn: string;
  let oidcUrl: string;
  let samlArn: string;
  let ids = 0;
  const unsigned = () => server.sts({ accessKeyId: 'x', secretAccessKey: 'x' });
  const roleArn = (name: string) => `arn:aws:iam::${server.accountId}:role/${name}`;
  const creds = (c: StsCredentials | undefined): Credentials => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

  before(async () => {
    server = await startTestServer();
    iam = server.iam();
    idp = await startTestIdp();
    oidcUrl = idp.issuer.slice('https://'.length);
    oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['app-client'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
    saml = createSamlRoutes({ entityId: 'https://idp.tessera.test/saml', ssoUrl: 'https://idp.tessera.test/sso', key: generateSamlSigningKey(), now: () => new Date(), newId: () => `_id${++ids}` });
    const metadata = await saml('GET', '/saml/metadata', new URLSearchParams(), '');
    samlArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: metadata!.body }))).SAMLProviderArn!;
    // The roles the sessions try to read: one per subject.
    for (const name of ['alice', 'bob']) {
      await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]) }));
    }
  });
  after(async () => {
    await idp.close();
    await server.stop();
  });

  async function federatedRole(name: string, principal: object, action: string, permissions: object[]): Promise<string> {
    const made = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: principal, Action: action }]) }));
    if (permissions.length > 0) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'own', PolicyDocument: doc(permissions) }));
    return made.Role!.Arn!;
  }

  /** 'allowed', or the refusal's code. */
  async function getRole(credentials: Credentials, name: string): Promise<string> {
    const client = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials });
    try {
      await client.send(new GetRoleCommand({ RoleName: name }));
      return 'allowed';
    } catch {
      return (await awsError(() => client.send(new GetRoleCommand({ RoleName: name })))).name;
    }
  }

  test('OIDC: ${<provider url>:sub} in a permission policy is the token subject', async () => {
    const arn = await federatedRole('OidcOwn', { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::*:role/\${${oidcUrl}:sub}` },
    ]);
    const assumed = await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: arn, RoleSessionName: 'web', WebIdentityToken: await idp.mint({ sub: 'alice', aud: 'app-client' }) }));
    const session = creds(assumed.Credentials);
    assert.equal(await getRole(session, 'alice'), 'allowed');
    assert.equal(await getRole(session, 'bob'), 'AccessDenied');
  });

  test('a subject made of wildcards is literal text in the policy, not a wildcard', async () => {
    const arn = await federatedRole('OidcWild', { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::*:role/\${${oidcUrl}:sub}` },
    ]);
    for (const sub of ['*', 'al?ce', 'a*']) {
      const session = creds((await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: arn, RoleSessionName: 'web', WebIdentityToken: await idp.mint({ sub, aud: 'app-client' }) }))).Credentials);
      assert.equal(await getRole(session, 'alice'), 'AccessDenied', sub);
    }
  });

  test('OIDC: <provider url>:aud and :amr are condition keys of the session\'s requests', async () => {
    const arn = await federatedRole('OidcKeys', { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('alice'), Condition: { StringEquals: { [`${oidcUrl}:aud`]: 'app-client' }, 'ForAnyValue:StringEquals': { [`${oidcUrl}:amr`]: 'authenticated' } } },
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('bob'), Condition: { 'ForAnyValue:StringEquals': { [`${oidcUrl}:amr`]: 'unauthenticated' } } },
    ]);
    const token = await idp.mint({ sub: 'someone', aud: 'app-client', amr: ['authenticated', 'accounts.google.com'] });
    const session = creds((await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: arn, RoleSessionName: 'web', WebIdentityToken: token }))).Credentials);
    assert.equal(await getRole(session, 'alice'), 'allowed');
    assert.equal(await getRole(session, 'bob'), 'AccessDenied');
  });

  test('the keys are not carried into a role the federated session assumes', async () => {
    const target = await federatedRole('Chained', { AWS: `arn:aws:iam::${server.accountId}:root` }, 'sts:AssumeRole', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: `arn:aws:iam::*:role/\${${oidcUrl}:sub}` },
    ]);
    const first = await federatedRole('ChainStart', { Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:GetRole'], Resource: [target, `arn:aws:iam::*:role/\${${oidcUrl}:sub}`] },
    ]);
    const federated = creds((await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: first, RoleSessionName: 'web', WebIdentityToken: await idp.mint({ sub: 'alice', aud: 'app-client' }) }))).Credentials);
    assert.equal(await getRole(federated, 'alice'), 'allowed');
    const chained = creds((await server.sts(federated).send(new AssumeRoleCommand({ RoleArn: target, RoleSessionName: 'next' }))).Credentials);
    // The variable has no value in the chained session: the statement matches nothing.
    assert.equal(await getRole(chained, 'alice'), 'AccessDenied');
  });

  test('SAML: ${saml:sub} and ${saml:namequalifier} in a permission policy', async () => {
    const arn = await federatedRole('SamlOwn', { Federated: samlArn }, 'sts:AssumeRoleWithSAML', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::*:role/${saml:sub}' },
    ]);
    const answer = await saml('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn: arn, providerArn: samlArn, sessionName: 'corp-session', subject: 'alice' }));
    const assertion = (JSON.parse(answer!.body) as { SAMLResponse: string }).SAMLResponse;
    const assumed = await unsigned().send(new AssumeRoleWithSAMLCommand({ RoleArn: arn, PrincipalArn: samlArn, SAMLAssertion: assertion }));
    const session = creds(assumed.Credentials);
    assert.equal(await getRole(session, 'alice'), 'allowed');
    assert.equal(await getRole(session, 'bob'), 'AccessDenied');
    // saml:namequalifier is the value the response names (AWS's hash of issuer, account and provider name).
    const qualified = await federatedRole('SamlQualified', { Federated: samlArn }, 'sts:AssumeRoleWithSAML', [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('alice'), Condition: { StringEquals: { 'saml:namequalifier': assumed.NameQualifier! } } },
    ]);
    const again = await saml('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn: qualified, providerArn: samlArn, sessionName: 'corp-session', subject: 'carol' }));
    const second = creds((await unsigned().send(new AssumeRoleWithSAMLCommand({ RoleArn: qualified, PrincipalArn: samlArn, SAMLAssertion: (JSON.parse(again!.body) as { SAMLResponse: string }).SAMLResponse }))).Credentials);
    assert.equal(await getRole(second, 'alice'), 'allowed');
  });

  test('a trust policy names a built-in web identity provider by AWS\'s name; any other bare name matches nothing', async () => {
    const google = await startTestIdp();
    try {
      // Tokens of the issuer https://accounts.google.com, verified with the keys of its IAM provider.
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://accounts.google.com', ClientIDList: ['web-client'], Tags: jwksTagsFor(google.jwks() as never) }));
      const byName = await federatedRole('GoogleByName', { Federated: 'accounts.google.com' }, 'sts:AssumeRoleWithWebIdentity', [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::*:role/${accounts.google.com:sub}' },
      ]);
      const token = () => google.mint({ iss: 'https://accounts.google.com', sub: 'alice', aud: 'web-client' });
      const session = creds((await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: byName, RoleSessionName: 'gg', WebIdentityToken: await token() }))).Credentials);
      assert.equal(await getRole(session, 'alice'), 'allowed');
      assert.equal(await getRole(session, 'bob'), 'AccessDenied');
      // A host and port is no provider's name: refused as AWS refuses it.
      await assert.rejects(federatedRole('IdpByPort', { Federated: oidcUrl }, 'sts:AssumeRoleWithWebIdentity', []),
        (e: Error) => e.name === 'MalformedPolicyDocumentException' && e.message === 'Federated principals must be valid domain names or SAML metadata ARNs');
      // A domain name that is no built-in provider names nothing: the test IdP's tokens do not match it.
      const byHost = await federatedRole('IdpByHost', { Federated: 'login.example.com' }, 'sts:AssumeRoleWithWebIdentity', []);
      const err = await awsError(async () => unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: byHost, RoleSessionName: 'xx', WebIdentityToken: await idp.mint({ sub: 'alice', aud: 'app-client' }) })));
      assert.equal(err.name, 'AccessDenied');
      assert.equal(err.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    } finally {
      await google.close();
    }
  });

  test('provider-specific claims AWS keeps out of the session (GitHub\'s repository) are no key of its requests', async () => {
    const github = await startTestIdp();
    try {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], Tags: jwksTagsFor(github.jwks() as never) }));
      const provider = `arn:aws:iam::${server.accountId}:oidc-provider/token.actions.githubusercontent.com`;
      const arn = await federatedRole('GithubClaims', { Federated: provider }, 'sts:AssumeRoleWithWebIdentity', [
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('alice'), Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:org/app:ref:refs/heads/main' } } },
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn('bob'), Condition: { StringEquals: { 'token.actions.githubusercontent.com:repository': 'org/app' } } },
      ]);
      const token = await github.mint({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:org/app:ref:refs/heads/main', aud: 'sts.amazonaws.com', repository: 'org/app' });
      const session = creds((await unsigned().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: arn, RoleSessionName: 'gh', WebIdentityToken: token }))).Credentials);
      assert.equal(await getRole(session, 'alice'), 'allowed');
      assert.equal(await getRole(session, 'bob'), 'AccessDenied');
    } finally {
      await github.close();
    }
  });
});
