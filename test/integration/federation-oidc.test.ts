import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, ListRolesCommand, PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, type AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { newSigningKey, signToken } from '../../src/federation/test-idp/oidc-keys.ts';
import { runIdpCommand } from '../../src/cli/idp-command.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:AssumeRoleWithWebIdentity through the AWS SDK against tokens of the built-in test
 * identity provider: a GitHub-Actions-like subject pinned in the trust policy, and every
 * forgery we know of refused. Most providers carry their key set inline (tessera:jwks tags);
 * one finds it by discovery from the running test identity provider.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const NOW_S = NOW.getTime() / 1000;
const AUDIENCE = 'sts.amazonaws.com';
const GITHUB_SUB = 'repo:org/repo:ref:refs/heads/main';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const NOT_VALIDATED = 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';

describe('sts:AssumeRoleWithWebIdentity', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let iam: IAMClient;
  let idp: TestIdp;
  let providerArn: string;
  let providerUrl: string;
  let roleArn: string;

  const assume = (input: Partial<AssumeRoleWithWebIdentityCommandInput> & { WebIdentityToken: string }) =>
    // The server ignores credentials for this operation; the SDK is given dummies so it never looks for real ones.
    server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'gha-run', ...input }));
  const githubClaims = (extra: Record<string, unknown> = {}) => ({ sub: GITHUB_SUB, aud: AUDIENCE, ...extra });

  before(async () => {
    server = await startTestServer({}, { clock });
    iam = server.iam();
    idp = await startTestIdp({ nowSeconds: () => NOW_S });
    providerUrl = idp.issuer.slice('https://'.length);
    const made = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [AUDIENCE], Tags: jwksTagsFor(idp.jwks() as never) }));
    providerArn = made.OpenIDConnectProviderArn!;
    const role = await iam.send(new CreateRoleCommand({
      RoleName: 'GitHubDeploy',
      MaxSessionDuration: 7200,
      AssumeRolePolicyDocument: doc([{
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { [`${providerUrl}:aud`]: AUDIENCE, [`${providerUrl}:sub`]: GITHUB_SUB } },
      }]),
    }));
    roleArn = role.Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'GitHubDeploy', PolicyName: 'list-roles-for-blue',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }]),
    }));
  });
  after(async () => {
    await idp.close();
    await server.stop();
  });

  test('a GitHub-Actions-like token pinned by sub gets credentials of the role', async () => {
    const out = await assume({ WebIdentityToken: await idp.mint(githubClaims()), DurationSeconds: 7200 });
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
    assert.equal(out.Credentials!.Expiration!.getTime(), NOW.getTime() + 7200_000);
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${server.accountId}:assumed-role/GitHubDeploy/gha-run`);
    assert.equal(out.SubjectFromWebIdentityToken, GITHUB_SUB);
    assert.equal(out.Provider, providerArn, 'AWS answers with the OIDC provider\'s ARN');
    assert.equal(out.Audience, AUDIENCE);
    assert.equal(out.PackedPolicySize, undefined);
    const session = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    const who = await server.sts(session).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, out.AssumedRoleUser!.Arn);
    assert.equal(who.Account, server.accountId);
  });

  test('the token\'s session tags become principal tags; a session policy reports its packed size', async () => {
    const tagged = await idp.mint(githubClaims({ 'https://aws.amazon.com/tags': { principal_tags: { team: ['blue'] }, transitive_tag_keys: ['team'] } }));
    const out = await assume({ WebIdentityToken: tagged, Policy: doc([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]) });
    assert.ok(out.PackedPolicySize! > 0);
    const session = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    assert.ok((await server.iam(session).send(new ListRolesCommand({}))).Roles, 'allowed by aws:PrincipalTag/team = blue');

    const untagged = await assume({ WebIdentityToken: await idp.mint(githubClaims()) });
    const plain = { accessKeyId: untagged.Credentials!.AccessKeyId!, secretAccessKey: untagged.Credentials!.SecretAccessKey!, sessionToken: untagged.Credentials!.SessionToken! };
    assert.equal((await awsError(() => server.iam(plain).send(new ListRolesCommand({})))).name, 'AccessDenied');
  });

  test('another subject (a pull request, another repo) is denied by the trust policy', async () => {
    for (const sub of ['repo:org/repo:pull_request', 'repo:evil/repo:ref:refs/heads/main']) {
      const err = await awsError(async () => assume({ WebIdentityToken: await idp.mint(githubClaims({ sub })) }));
      assert.equal(err.name, 'AccessDenied');
      assert.equal(err.status, 403);
      assert.equal(err.message, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
  });

  test('a nonexistent role answers exactly as a role whose trust policy refuses', async () => {
    const full = (e: { name: string; message: string; status: number | undefined }) => ({ name: e.name, message: e.message, status: e.status });
    const untrusting = (await iam.send(new CreateRoleCommand({
      RoleName: 'TrustsAnotherRepo',
      AssumeRolePolicyDocument: doc([{
        Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { [`${providerUrl}:sub`]: 'repo:other/repo:ref:refs/heads/main' } },
      }]),
    }))).Role!.Arn!;
    const absent = `arn:aws:iam::${server.accountId}:role/Nope`;
    const tagged = { 'https://aws.amazon.com/tags': { principal_tags: { team: ['blue'] } } };
    for (const claims of [githubClaims(), githubClaims(tagged)]) {
      const refused = full(await awsError(async () => assume({ WebIdentityToken: await idp.mint(claims), RoleArn: untrusting })));
      assert.deepEqual(refused, { name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', status: 403 });
      assert.deepEqual(full(await awsError(async () => assume({ WebIdentityToken: await idp.mint(claims), RoleArn: absent }))), refused);
    }
  });

  test('DurationSeconds beyond the role maximum is refused', async () => {
    const err = await awsError(async () => assume({ WebIdentityToken: await idp.mint(githubClaims()), DurationSeconds: 10_800 }));
    assert.equal(err.name, 'ValidationError');
  });

  describe('forged and unfit tokens are refused', () => {
    const refusedAsInvalid = async (token: string) => {
      const err = await awsError(() => assume({ WebIdentityToken: token }));
      assert.equal(err.name, 'InvalidIdentityTokenException');
      assert.equal(err.status, 400);
      return err.message;
    };
    const payload = () => ({ iss: idp.issuer, iat: NOW_S, exp: NOW_S + 600, ...githubClaims() });

    test('alg none', async () => {
      const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload())}.`;
      assert.equal(await refusedAsInvalid(token), NOT_VALIDATED);
    });

    test('HS256 signed with the RSA public key', async () => {
      const jwk = idp.jwks().keys[0]!;
      const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
      const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${b64url(payload())}`;
      for (const secret of [pem, JSON.stringify(jwk)]) {
        const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
        assert.equal(await refusedAsInvalid(`${signingInput}.${signature}`), NOT_VALIDATED);
      }
    });

    test('an unknown kid, and a right kid with a signature from another key', async () => {
      const stranger = await newSigningKey('not-published');
      assert.equal(await refusedAsInvalid(await signToken(stranger, payload())), NOT_VALIDATED);
      const impostor = await newSigningKey(idp.jwks().keys[0]!.kid!);
      assert.equal(await refusedAsInvalid(await signToken(impostor, payload())), NOT_VALIDATED);
    });

    test('a tampered payload', async () => {
      const [header, , signature] = (await idp.mint(githubClaims())).split('.');
      assert.equal(await refusedAsInvalid(`${header}.${b64url({ ...payload(), sub: 'repo:org/repo:ref:refs/heads/main ' })}.${signature}`), NOT_VALIDATED);
    });

    test('an issuer the account has no provider for answers exactly as a bad signature does', async () => {
      const full = (e: { name: string; message: string; status: number | undefined }) => ({ name: e.name, message: e.message, status: e.status });
      const stranger = await newSigningKey(idp.jwks().keys[0]!.kid!);
      const badSignature = full(await awsError(async () => assume({ WebIdentityToken: await signToken(stranger, payload()) })));
      assert.deepEqual(badSignature, { name: 'InvalidIdentityTokenException', message: NOT_VALIDATED, status: 400 });
      // Signed by the real IdP's key, but naming issuers the role's account has no provider for.
      for (const iss of ['https://evil.example.com', idp.issuer + '/other', idp.issuer.replace('https://', 'http://')]) {
        const unknownIssuer = await awsError(async () => assume({ WebIdentityToken: await idp.mint(githubClaims({ iss })) }));
        assert.deepEqual(full(unknownIssuer), badSignature, iss);
      }
      // The provider exists in this account but the role named is another account's: no provider there.
      const otherAccountRole = 'arn:aws:iam::999999999999:role/GitHubDeploy';
      assert.deepEqual(full(await awsError(async () => assume({ WebIdentityToken: await idp.mint(githubClaims()), RoleArn: otherAccountRole }))), badSignature);
      // A bad signature says nothing of the role either.
      assert.deepEqual(full(await awsError(async () => assume({ WebIdentityToken: await signToken(stranger, payload()), RoleArn: `arn:aws:iam::${server.accountId}:role/Nope` }))), badSignature);
    });

    test('an audience that is not a client ID of the provider', async () => {
      assert.equal(await refusedAsInvalid(await idp.mint(githubClaims({ aud: 'someone-else' }))), 'Incorrect token audience');
      assert.equal(await refusedAsInvalid(await idp.mint(githubClaims({ aud: undefined }))), 'Incorrect token audience');
    });

    test('expired, with AWS\'s text', async () => {
      const exp = NOW_S - 120;
      const err = await awsError(async () => assume({ WebIdentityToken: await idp.mint(githubClaims({ iat: exp - 600, exp })) }));
      assert.equal(err.name, 'ExpiredTokenException');
      assert.equal(err.message, `Token expired: current date/time ${NOW_S} must be before the expiration date/time ${exp}`);
    });

    test('not yet valid (nbf or iat in the future)', async () => {
      await refusedAsInvalid(await idp.mint(githubClaims({ nbf: NOW_S + 600 })));
      await refusedAsInvalid(await idp.mint(githubClaims({ iat: NOW_S + 600, exp: NOW_S + 1200 })));
    });

    test('no subject', async () => {
      await refusedAsInvalid(await idp.mint(githubClaims({ sub: undefined })));
    });

    test('not a JWT at all', async () => {
      assert.equal(await refusedAsInvalid('not.a.jwt'), NOT_VALIDATED);
    });
  });

  test('keys found by discovery from the running test identity provider, refreshed once on rotation', async () => {
    const discovered = await startTestIdp({ nowSeconds: () => NOW_S });
    try {
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: discovered.issuer, ClientIDList: ['app'] }))).OpenIDConnectProviderArn!;
      const role = await iam.send(new CreateRoleCommand({
        RoleName: 'Discovered',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: arn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${discovered.issuer.slice(8)}:sub`]: 'alice' } } }]),
      }));
      const first = await assume({ RoleArn: role.Role!.Arn!, WebIdentityToken: await discovered.mint({ sub: 'alice', aud: 'app' }) });
      assert.equal(first.SubjectFromWebIdentityToken, 'alice');

      await discovered.rotateKey();
      const rotated = await assume({ RoleArn: role.Role!.Arn!, WebIdentityToken: await discovered.mint({ sub: 'alice', aud: 'app' }) });
      assert.equal(rotated.Provider, arn, 'the new kid was fetched');

      // POST /token mints the same way.
      const minted = await fetch(`${discovered.url}/token`, { method: 'POST', body: JSON.stringify({ sub: 'alice', aud: 'app' }) });
      const { id_token: idToken } = await minted.json() as { id_token: string };
      assert.ok((await assume({ RoleArn: role.Role!.Arn!, WebIdentityToken: idToken })).Credentials);
    } finally {
      await discovered.close();
    }
  });

  test('an identity provider that cannot be reached answers IDPCommunicationError', async () => {
    const gone = await startTestIdp({ nowSeconds: () => NOW_S });
    const token = await gone.mint({ sub: 'alice', aud: 'app' });
    await gone.close();
    const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: gone.issuer, ClientIDList: ['app'] }))).OpenIDConnectProviderArn!;
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'Unreachable', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: arn }, Action: 'sts:AssumeRoleWithWebIdentity' }]) }));
    const err = await awsError(() => assume({ RoleArn: role.Role!.Arn!, WebIdentityToken: token }));
    assert.equal(err.name, 'IDPCommunicationErrorException');
    assert.match(err.message, /^Couldn't retrieve verification key from your identity provider/);
  });

  test('tessera idp prints its issuer and serves discovery until stopped', async () => {
    let out = '';
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    const running = runIdpCommand([], { stdout: (t) => { out += t; }, stderr: () => {}, readFile: async () => '', env: {} }, () => stopped);
    // Until it prints its issuer, or ends without printing it (reported below, not waited on forever).
    let ended = false;
    void running.then(() => (ended = true), () => (ended = true));
    while (!out.includes('issuer') && !ended) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(out, /issuer: https:\/\/127\.0\.0\.1:\d+/);
    const issuer = /issuer: (https:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const configuration = await (await fetch(`${issuer.replace('https:', 'http:')}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    assert.equal(configuration.issuer, issuer);
    assert.equal(configuration.jwks_uri, `${issuer}/jwks`);
    stop();
    assert.equal(await running, 0);
  });
});
