import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand, GetCallerIdentityCommand, GetDelegatedAccessTokenCommand, GetFederationTokenCommand, GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { signRequest } from '../../src/sigv4/index.ts';
import { UNSUPPORTED_STS_OPERATIONS } from '../../src/sts/unsupported.ts';
import { sendRaw, xmlText } from '../support/raw-request.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * A second sweep of STS against AWS: the model's last operation Tessera answered
 * NotImplemented (GetDelegatedAccessToken, now refused with its reason), regional endpoints
 * (a regional host and scope; a session made in one Region used in another), the federation
 * operations called with signed credentials (AWS accepts them), and where role chaining
 * starts: a GetSessionToken session is not a role session, so its AssumeRole is not capped.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('STS fidelity sweep 2', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  let user: Credentials;
  let roleArn: string;

  /** A Query request signed for `region`, sent with `host` as its Host header (a regional endpoint's name). */
  async function stsQuery(credentials: Credentials, params: Record<string, string>, region: string, host: string) {
    const body = new URLSearchParams({ Version: '2011-06-15', ...params }).toString();
    const signed = signRequest(
      { method: 'POST', path: '/', query: '', headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
      credentials,
      { region, service: 'sts', date: new Date() },
    );
    return sendRaw(server.url, { method: 'POST', path: '/', headers: signed.headers, body });
  }

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
    await root.send(new CreateUserCommand({ UserName: 'alice' }));
    await root.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'assume', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }]) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    roleArn = (await root.send(new CreateRoleCommand({
      RoleName: 'Long',
      MaxSessionDuration: 43_200,
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]),
    }))).Role!.Arn!;
    await root.send(new PutRolePolicyCommand({ RoleName: 'Long', PolicyName: 'chain', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) }));
  });
  after(async () => server.stop());

  test('GetDelegatedAccessToken: InvalidAction saying why, never NotImplemented; the docs list it', async () => {
    const err = await awsError(() => server.sts(user).send(new GetDelegatedAccessTokenCommand({ TradeInToken: 'a'.repeat(64) })));
    assert.equal(err.name, 'InvalidAction');
    assert.equal(err.status, 400);
    assert.equal(err.message, `Tessera does not support GetDelegatedAccessToken: ${UNSUPPORTED_STS_OPERATIONS.GetDelegatedAccessToken} (see README)`);
    const docs = await readFile(new URL('../../docs/unsupported-operations.md', import.meta.url), 'utf8');
    assert.ok(docs.includes('`GetDelegatedAccessToken`'));
  });

  test('regional endpoints: a regional host with its Region in the scope; a session made in one Region works in another', async () => {
    for (const [host, region] of [['sts.us-west-2.amazonaws.com', 'us-west-2'], ['sts.amazonaws.com', 'us-east-1'], ['sts.eu-central-1.amazonaws.com', 'eu-central-1']] as const) {
      const res = await stsQuery(user, { Action: 'GetCallerIdentity' }, region, host);
      assert.equal(res.status, 200, `${host}: ${res.body}`);
      assert.equal(xmlText(res.body, 'Arn'), `arn:aws:iam::${account}:user/alice`);
    }
    // AWS_STS_REGIONAL_ENDPOINTS=regional: the CLI signs for the configured Region (SDK v3 too).
    const inEurope = await server.sts(user, 'eu-west-1').send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'eu' }));
    const session = asCredentials(inEurope.Credentials);
    for (const region of ['us-east-1', 'ap-southeast-2']) {
      const who = await server.sts(session, region).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/Long/eu`, region);
    }
  });

  test('AssumeRoleWithWebIdentity and AssumeRoleWithSAML signed with valid credentials reach the token check, as on AWS', async () => {
    const web = await stsQuery(user, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn, RoleSessionName: 'web', WebIdentityToken: 'not.a.jwt' }, 'us-east-1', new URL(server.url).host);
    assert.equal(web.status, 400, web.body);
    assert.equal(xmlText(web.body, 'Code'), 'InvalidIdentityToken');
    assert.equal(xmlText(web.body, 'Message'), 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
    const saml = await stsQuery(user, {
      Action: 'AssumeRoleWithSAML', RoleArn: roleArn, PrincipalArn: `arn:aws:iam::${account}:saml-provider/idp`, SAMLAssertion: Buffer.from('<samlp:Response/>').toString('base64'),
    }, 'us-east-1', new URL(server.url).host);
    assert.equal(saml.status, 400, saml.body);
    assert.equal(xmlText(saml.body, 'Code'), 'InvalidIdentityToken');
    assert.equal(xmlText(saml.body, 'Message'), 'Invalid SAML response received');
  });

  test('a GetSessionToken session is not a role session: its AssumeRole is not chained; the role session it makes is', async () => {
    const userSession = asCredentials((await server.sts(user).send(new GetSessionTokenCommand({}))).Credentials);
    const twoHours = await server.sts(userSession).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'two-hours', DurationSeconds: 7200 }));
    assert.equal(twoHours.Credentials!.Expiration!.getTime(), NOW.getTime() + 7_200_000);
    const roleSession = asCredentials(twoHours.Credentials);
    const exactlyAnHour = await server.sts(roleSession).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'chained', DurationSeconds: 3600 }));
    assert.equal(exactlyAnHour.Credentials!.Expiration!.getTime(), NOW.getTime() + 3_600_000);
    const tooLong = await awsError(() => server.sts(roleSession).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'chained', DurationSeconds: 3601 })));
    assert.deepEqual([tooLong.name, tooLong.message], ['ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.']);
  });

  test('a federated user (GetFederationToken) calls no STS operation but GetCallerIdentity', async () => {
    const federated = asCredentials((await server.sts(user).send(new GetFederationTokenCommand({ Name: 'bob', Policy: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }))).Credentials);
    assert.equal((await server.sts(federated).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${account}:federated-user/bob`);
    const assume = await awsError(() => server.sts(federated).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'fed' })));
    assert.equal(assume.name, 'AccessDenied');
    assert.match(assume.message, /^User: arn:aws:sts::\d{12}:federated-user\/bob is not authorized to perform: sts:AssumeRole/);
    const again = await awsError(() => server.sts(federated).send(new GetFederationTokenCommand({ Name: 'carol' })));
    assert.deepEqual([again.name, again.message], ['AccessDenied', 'Cannot call GetFederationToken with session credentials']);
  });
});
