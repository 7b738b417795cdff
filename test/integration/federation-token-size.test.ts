import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateRoleCommand, CreateSAMLProviderCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand } from '@aws-sdk/client-sts';
import { MAX_ISSUED_TOKEN_LENGTH } from '../../src/tokens/index.ts';
import { generateSamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { createSamlRoutes, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * A SAML session keeps the assertion's saml:* keys in its token, and an assertion of 100,000
 * characters can name hundreds of attribute values: before, STS issued a 25,000-character token
 * that no request could carry (every call with it failed with an unreadable answer). Now every
 * token STS issues is usable, and a session too large for one is refused when it is asked for.
 */
describe('a federated session too large for a session token', () => {
  let server: TestServer;
  let saml: TestIdpRoute;
  let samlArn: string;
  let roleArn: string;
  let ids = 0;
  const ENTITLEMENT = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.7';

  before(async () => {
    server = await startTestServer();
    const iam = server.iam();
    saml = createSamlRoutes({ entityId: 'https://idp.tessera.test/saml', ssoUrl: 'https://idp.tessera.test/sso', key: generateSamlSigningKey(), now: () => new Date(), newId: () => `_id${++ids}` });
    const metadata = await saml('GET', '/saml/metadata', new URLSearchParams(), '');
    samlArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: metadata!.body }))).SAMLProviderArn!;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: samlArn }, Action: 'sts:AssumeRoleWithSAML' }] };
    roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'Entitled', AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
    // The session may read the role only while it holds entitlement "e-0": the keys must be there whole.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Entitled', PolicyName: 'read', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'saml:edupersonentitlement': 'e-0' } } },
    ] }) }));
  });
  after(async () => { await server.stop(); });

  async function assumeWith(values: string[]) {
    const answer = await saml('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn, providerArn: samlArn, sessionName: 'corp', subject: 'alice', attributes: { [ENTITLEMENT]: values } }));
    const assertion = (JSON.parse(answer!.body) as { SAMLResponse: string }).SAMLResponse;
    assert.ok(assertion.length <= 100_000, 'the assertion is one AWS accepts');
    return server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: samlArn, SAMLAssertion: assertion }));
  }
  const entitlements = (count: number) => ['e-0', ...Array.from({ length: count - 1 }, () => randomBytes(60).toString('base64'))];

  test('every token issued works, up to the largest; one more attribute is refused as PackedPolicyTooLarge', async () => {
    let largest = 0;
    let refused = false;
    for (let count = 100; count <= 200 && !refused; count += 10) {
      const values = entitlements(count);
      let credentials;
      try {
        credentials = (await assumeWith(values)).Credentials!;
      } catch {
        const error = await awsError(() => assumeWith(values));
        assert.match(error.name, /^PackedPolicyTooLarge/);
        assert.match(error.message, /do not fit in a session token/);
        refused = true;
        break;
      }
      assert.ok(credentials.SessionToken!.length <= MAX_ISSUED_TOKEN_LENGTH);
      largest = Math.max(largest, credentials.SessionToken!.length);
      const client = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken! } });
      const role = await client.send(new GetRoleCommand({ RoleName: 'Entitled' }));
      assert.equal(role.Role!.Arn, roleArn, `token of ${credentials.SessionToken!.length} characters`);
    }
    assert.ok(refused, 'an assertion with 200 attribute values of 80 characters is refused');
    assert.ok(largest > MAX_ISSUED_TOKEN_LENGTH - 1500, `the largest token issued (${largest}) is near the limit`);
  });
});
