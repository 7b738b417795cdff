import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromTokenFile } from '@aws-sdk/credential-provider-web-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { newSigningKey, signToken, type SigningKey } from '../../src/federation/test-idp/oidc-keys.ts';
import { generateSamlSigningKey } from '../../src/federation/test-idp/saml-keys.ts';
import { createSamlRoutes, type SamlResponseRequest, type TestIdpRoute } from '../../src/federation/test-idp/saml-routes.ts';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * The documented CI federation setups, followed step by step with the aws CLI and the SDK as
 * their documents write them, against Tessera (moto behind the gateway for S3 and Secrets
 * Manager):
 *
 * 1. GitHub's "Configuring OpenID Connect in Amazon Web Services" with the IAM User Guide's
 *    "Create a role for OpenID Connect federation" / "Configuring a role for GitHub OIDC
 *    identity provider": an OIDC provider for the issuer (client ID sts.amazonaws.com), a role
 *    trusting it on `<issuer>:aud` and `<issuer>:sub`, a GitHub-shaped token exchanged with
 *    `aws sts assume-role-with-web-identity` and through the SDKs' web identity credential
 *    providers (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), refusals with AWS's texts, the
 *    session used as the role, sts:RoleSessionName, session tags from the token, and AWS's
 *    provider-specific GitHub claim keys (2026) — and no key for any claim AWS does not list.
 *    A local issuer stands in for token.actions.githubusercontent.com (its keys found by
 *    discovery, as AWS finds GitHub's); for the GitHub-only keys a provider is registered at
 *    GitHub's own URL with its key set inline (Tessera's tessera:jwks tags), so nothing leaves
 *    the machine.
 * 2. The IAM tutorial "Use SAML session tags for ABAC": PrincipalTag attributes in the
 *    assertion, the tutorial's trust policy (aws:RequestTag/…, SAML:aud, sts:TagSession) and
 *    its access-same-project-team policy (${aws:PrincipalTag/…} against Secrets Manager), steps
 *    4–7, and TransitiveTagKeys across a role chain.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const NOW_S = NOW.getTime() / 1000;
const REGION = 'us-east-1';
const AUDIENCE = 'sts.amazonaws.com';
const GITHUB = 'token.actions.githubusercontent.com';
const NOT_AUTHORIZED_OIDC = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
const NOT_AUTHORIZED_SAML = 'Not authorized to perform sts:AssumeRoleWithSAML';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const NOBODY: Credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** GitHub's claim set for a push to main of octo-org/octo-repo (GitHub's "OpenID Connect reference"). */
function githubClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jti: 'example-id',
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    aud: AUDIENCE,
    ref: 'refs/heads/main',
    sha: 'example-sha',
    repository: 'octo-org/octo-repo',
    repository_owner: 'octo-org',
    repository_owner_id: '65',
    repository_id: '74',
    repository_visibility: 'private',
    actor: 'octocat',
    actor_id: '12',
    workflow: 'example-workflow',
    workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    job_workflow_ref: 'octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
    event_name: 'workflow_dispatch',
    ref_type: 'branch',
    ref_protected: 'true',
    run_id: '2042',
    run_number: '6',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    head_ref: '',
    base_ref: '',
    ...extra,
  };
}

/** The CLI's refusal: code and message of "An error occurred (Code) when calling the Op operation: message". */
function cliError(result: { code: number | null; stderr: string }): { code: string; message: string } {
  assert.notEqual(result.code, 0, 'the call was expected to fail');
  const match = /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(result.stderr);
  assert.ok(match, result.stderr);
  return { code: match[1]!, message: match[2]!.trim() };
}

function ok(result: { code: number | null; stdout: string; stderr: string }): any {
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
}

const sessionOf = (out: any): Credentials => ({
  accessKeyId: out.Credentials.AccessKeyId,
  secretAccessKey: out.Credentials.SecretAccessKey,
  sessionToken: out.Credentials.SessionToken,
});

describe('documented CI federation setups, step by step', { skip: !awsCliAvailable() && 'the aws CLI is not installed' }, () => {
  let env: GatewayEnv;
  let account: string;
  let dir: string;
  const cli = (args: string[], credentials: Credentials = env.server.root, extraEnv: NodeJS.ProcessEnv = {}) => env.cli([...args, '--output', 'json'], credentials, extraEnv);
  const file = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };

  before(async () => {
    env = await startGatewayEnv({}, { clock: new FixedClock(NOW) });
    account = env.server.accountId;
    dir = await mkdtemp(join(tmpdir(), 'tessera-tutorial-'));
  });
  after(async () => {
    await env?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('GitHub Actions OIDC → an IAM role', () => {
    let idp: TestIdp;
    let host: string;
    let providerArn: string;
    let roleArn: string;
    const ROLE = 'GitHubAction-AssumeRoleWithAction';

    /** `aws sts assume-role-with-web-identity`, as the IAM User Guide writes it (no credentials needed). */
    const assumeWithCli = async (token: string, options: { role?: string; sessionName?: string } = {}) =>
      cli(['sts', 'assume-role-with-web-identity', '--role-arn', options.role ?? roleArn, '--role-session-name', options.sessionName ?? 'GitHubActions', '--web-identity-token', token], NOBODY);

    before(async () => {
      idp = await startTestIdp({ nowSeconds: () => NOW_S });
      host = idp.issuer.slice('https://'.length);
    });
    after(async () => {
      await idp?.close();
    });

    test('step 1: create-open-id-connect-provider with the client ID sts.amazonaws.com; thumbprints optional and never used', async () => {
      const made = ok(await cli(['iam', 'create-open-id-connect-provider', '--url', idp.issuer, '--client-id-list', AUDIENCE]));
      providerArn = made.OpenIDConnectProviderArn;
      assert.equal(providerArn, `arn:aws:iam::${account}:oidc-provider/${host}`);
      const read = ok(await cli(['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', providerArn]));
      assert.equal(read.Url, host);
      assert.deepEqual(read.ClientIDList, [AUDIENCE]);

      // The thumbprint GitHub's setup once required is accepted, and plays no part in verification:
      // AWS checks the issuer's keys through its trusted root CAs, and Tessera through discovery.
      const second = await startTestIdp({ nowSeconds: () => NOW_S });
      try {
        const withThumbprint = ok(await cli(['iam', 'create-open-id-connect-provider', '--url', second.issuer, '--client-id-list', AUDIENCE,
          '--thumbprint-list', '6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd']));
        const thumbprints = ok(await cli(['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', withThumbprint.OpenIDConnectProviderArn]));
        assert.deepEqual(thumbprints.ThumbprintList, ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd']);
        const secondHost = second.issuer.slice('https://'.length);
        const trust = await file('second-trust.json', doc([{ Effect: 'Allow', Principal: { Federated: withThumbprint.OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${secondHost}:aud`]: AUDIENCE } } }]));
        const role = ok(await cli(['iam', 'create-role', '--role-name', 'ThumbprintRole', '--assume-role-policy-document', `file://${trust}`]));
        const out = ok(await assumeWithCli(await second.mint(githubClaims()), { role: role.Role.Arn }));
        assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/ThumbprintRole/GitHubActions`);
      } finally {
        await second.close();
      }
    });

    test('step 2: the role trusts the provider on <issuer>:aud (StringEquals) and <issuer>:sub (StringLike repo:octo-org/octo-repo:*)', async () => {
      const trust = await file('github-trust.json', doc([{
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${host}:aud`]: AUDIENCE },
          StringLike: { [`${host}:sub`]: 'repo:octo-org/octo-repo:*' },
        },
      }]));
      roleArn = ok(await cli(['iam', 'create-role', '--role-name', ROLE, '--assume-role-policy-document', `file://${trust}`])).Role.Arn;
      const permissions = await file('github-permissions.json', doc([
        { Effect: 'Allow', Action: ['s3:CreateBucket', 's3:ListAllMyBuckets', 's3:PutObject', 's3:GetObject'], Resource: '*' },
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn },
      ]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', ROLE, '--policy-name', 'deploy', '--policy-document', `file://${permissions}`]));
    });

    test('step 3: aws sts assume-role-with-web-identity answers as AWS does: Provider is the provider\'s ARN', async () => {
      const out = ok(await assumeWithCli(await idp.mint(githubClaims())));
      assert.match(out.Credentials.AccessKeyId, /^ASIA/);
      assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/${ROLE}/GitHubActions`);
      assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]+:GitHubActions$/);
      assert.equal(out.SubjectFromWebIdentityToken, 'repo:octo-org/octo-repo:ref:refs/heads/main');
      assert.equal(out.Audience, AUDIENCE);
      // AWS answers with the OIDC provider's ARN ("Provider": "arn:aws:iam::<acct>:oidc-provider/<url>").
      assert.equal(out.Provider, providerArn);
      assert.equal(new Date(out.Credentials.Expiration).getTime(), NOW.getTime() + 3600_000);
    });

    test('step 4: the aws CLI\'s web identity provider (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) against Tessera\'s endpoint', async () => {
      const tokenFile = await file('cli-token', await idp.mint(githubClaims()));
      const withTokenFile = (args: string[], extra: NodeJS.ProcessEnv = {}) => env.cli([...args, '--output', 'json'], { accessKeyId: '', secretAccessKey: '' }, {
        AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '',
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: roleArn, AWS_ROLE_SESSION_NAME: 'gha-cli',
        // The credential provider's own STS call goes where STS is configured to be.
        AWS_ENDPOINT_URL_STS: env.server.url,
        ...extra,
      });
      const who = ok(await withTokenFile(['sts', 'get-caller-identity']));
      assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/${ROLE}/gha-cli`);
      assert.equal(who.Account, account);
      // …and the credentials work through the gateway (S3 on moto), as the role.
      ok(await withTokenFile(['s3api', 'create-bucket', '--bucket', 'octo-deploy-cli']));
      const buckets = ok(await withTokenFile(['s3api', 'list-buckets']));
      assert.ok(buckets.Buckets.some((b: { Name: string }) => b.Name === 'octo-deploy-cli'));
    });

    test('step 4 (SDK v3): fromTokenFile, and the default chain from AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN', async () => {
      const tokenFile = await file('sdk-token', await idp.mint(githubClaims()));
      const credentials = await fromTokenFile({ webIdentityTokenFile: tokenFile, roleArn, roleSessionName: 'gha-sdk', clientConfig: { endpoint: env.server.url, region: REGION } })();
      assert.match(credentials.accessKeyId, /^ASIA/);
      const sts = new STSClient({ endpoint: env.server.url, region: REGION, credentials, maxAttempts: 1 });
      try {
        assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${account}:assumed-role/${ROLE}/gha-sdk`);
      } finally {
        sts.destroy();
      }

      // A CI job's own process: no credentials at all, only the environment the documents set.
      const script = `
        import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
        const sts = new STSClient({});
        const who = await sts.send(new GetCallerIdentityCommand({}));
        process.stdout.write(JSON.stringify({ Arn: who.Arn }));`;
      const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
      const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], {
          cwd: REPO_ROOT,
          env: { ...childEnv, HOME: dir, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: roleArn, AWS_ROLE_SESSION_NAME: 'gha-sdk-chain', AWS_REGION: REGION, AWS_ENDPOINT_URL_STS: env.server.url, AWS_EC2_METADATA_DISABLED: 'true' },
        }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }));
      });
      assert.equal(out.code, 0, out.stderr);
      assert.equal(JSON.parse(out.stdout).Arn, `arn:aws:sts::${account}:assumed-role/${ROLE}/gha-sdk-chain`);
    });

    test('step 5: refusals carry AWS\'s codes and texts — another repository, another audience, an expired token', async () => {
      for (const sub of ['repo:octo-org/other-repo:ref:refs/heads/main', 'repo:evil-org/octo-repo:ref:refs/heads/main', 'repo:octo-org/octo-repo-fork:pull_request']) {
        assert.deepEqual(cliError(await assumeWithCli(await idp.mint(githubClaims({ sub })))), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC }, sub);
      }
      // GitHub's default audience is the owner's URL: a workflow that did not ask for sts.amazonaws.com.
      assert.deepEqual(cliError(await assumeWithCli(await idp.mint(githubClaims({ aud: 'https://github.com/octo-org' })))), { code: 'InvalidIdentityToken', message: 'Incorrect token audience' });
      const exp = NOW_S - 60;
      assert.deepEqual(cliError(await assumeWithCli(await idp.mint(githubClaims({ iat: exp - 300, nbf: exp - 300, exp })))),
        { code: 'ExpiredTokenException', message: `Token expired: current date/time ${NOW_S} must be before the expiration date/time ${exp}` });
      // An issuer with no provider in the role's account: refused like a bad signature (Tessera tells
      // nothing of which issuers an account trusts; AWS names the issuer it found no provider for).
      const stranger = await newSigningKey(idp.jwks().keys[0]!.kid!);
      assert.deepEqual(cliError(await assumeWithCli(await signToken(stranger, { iss: `https://${GITHUB}`, iat: NOW_S, exp: NOW_S + 300, ...githubClaims() }))), {
        code: 'InvalidIdentityToken',
        message: 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      });
    });

    test('step 6: the session acts as the role — through the gateway and against IAM, with AWS\'s denial text', async () => {
      const session = sessionOf(ok(await assumeWithCli(await idp.mint(githubClaims()), { sessionName: 'deploy-42' })));
      ok(await cli(['s3api', 'create-bucket', '--bucket', 'octo-deploy'], session));
      ok(await cli(['s3api', 'put-object', '--bucket', 'octo-deploy', '--key', 'build.txt'], session));
      assert.equal(ok(await cli(['iam', 'get-role', '--role-name', ROLE], session)).Role.Arn, roleArn);
      const denied = cliError(await cli(['iam', 'list-roles'], session));
      assert.equal(denied.code, 'AccessDenied');
      assert.equal(denied.message, `User: arn:aws:sts::${account}:assumed-role/${ROLE}/deploy-42 is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${account}:role/ because no identity-based policy allows the iam:ListRoles action`);
    });

    test('sts:RoleSessionName in the trust policy decides which session names a workflow may use', async () => {
      const trust = await file('session-name-trust.json', doc([{
        Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${host}:aud`]: AUDIENCE }, StringLike: { [`${host}:sub`]: 'repo:octo-org/octo-repo:*', 'sts:RoleSessionName': 'gha-*' } },
      }]));
      const named = ok(await cli(['iam', 'create-role', '--role-name', 'SessionNamed', '--assume-role-policy-document', `file://${trust}`])).Role.Arn;
      const out = ok(await assumeWithCli(await idp.mint(githubClaims()), { role: named, sessionName: 'gha-2042' }));
      assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/SessionNamed/gha-2042`);
      assert.deepEqual(cliError(await assumeWithCli(await idp.mint(githubClaims()), { role: named, sessionName: 'laptop' })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
    });

    test('session tags from the token\'s https://aws.amazon.com/tags claim: aws:RequestTag in trust, aws:PrincipalTag in the session; sts:TagSession required', async () => {
      const trust = await file('tags-trust.json', doc([{
        Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { [`${host}:aud`]: AUDIENCE, 'aws:RequestTag/team': ['blue', 'green'] }, StringLike: { [`${host}:sub`]: 'repo:octo-org/octo-repo:*' } },
      }]));
      ok(await cli(['iam', 'create-role', '--role-name', 'TaggedDeploy', '--assume-role-policy-document', `file://${trust}`]));
      const permissions = await file('tags-permissions.json', doc([{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:PutObject'], Resource: ['arn:aws:s3:::team-${aws:PrincipalTag/team}', 'arn:aws:s3:::team-${aws:PrincipalTag/team}/*'] }]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', 'TaggedDeploy', '--policy-name', 'abac', '--policy-document', `file://${permissions}`]));
      const tagged = (team: string) => idp.mint(githubClaims({ 'https://aws.amazon.com/tags': { principal_tags: { team: [team] }, transitive_tag_keys: ['team'] } }));
      const tagsRole = `arn:aws:iam::${account}:role/TaggedDeploy`;

      const blue = sessionOf(ok(await assumeWithCli(await tagged('blue'), { role: tagsRole })));
      ok(await cli(['s3api', 'create-bucket', '--bucket', 'team-blue'], blue));
      assert.equal(cliError(await cli(['s3api', 'create-bucket', '--bucket', 'team-green'], blue)).code, 'AccessDenied');
      assert.deepEqual(cliError(await assumeWithCli(await tagged('red'), { role: tagsRole })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
      // No tags, no aws:RequestTag/team: the StringEquals fails.
      assert.deepEqual(cliError(await assumeWithCli(await idp.mint(githubClaims()), { role: tagsRole })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
      // The step-2 role does not allow sts:TagSession: a token with tags is refused there.
      assert.deepEqual(cliError(await assumeWithCli(await tagged('blue'))), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });

      // transitive_tag_keys: team passes to a chained role session.
      const chainTrust = await file('oidc-chain-trust.json', doc([{ Effect: 'Allow', Principal: { AWS: tagsRole }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]));
      ok(await cli(['iam', 'create-role', '--role-name', 'TaggedChain', '--assume-role-policy-document', `file://${chainTrust}`]));
      const chainPermissions = await file('oidc-chain-permissions.json', doc([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', 'TaggedChain', '--policy-name', 'p', '--policy-document', `file://${chainPermissions}`]));
      const mayChain = await file('oidc-may-chain.json', doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/TaggedChain` }]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', 'TaggedDeploy', '--policy-name', 'chain', '--policy-document', `file://${mayChain}`]));
      const chained = sessionOf(ok(await cli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/TaggedChain`, '--role-session-name', 'chained'], blue)));
      assert.equal(ok(await cli(['iam', 'get-role', '--role-name', 'TaggedChain'], chained)).Role.RoleName, 'TaggedChain');
    });

    test('claims AWS does not list are no condition keys: a trust policy testing one never matches it', async () => {
      // GitHub's claims are keys only for GitHub's issuer (below); for any other issuer only
      // aud, sub (and amr, oaud) are. A Null test proves the key is absent from the request.
      const cases: Array<[string, Record<string, unknown>, boolean]> = [
        ['JobWorkflowRef', { StringLike: { [`${host}:job_workflow_ref`]: 'octo-org/octo-automation/*' } }, false],
        ['RepositoryOwner', { StringEquals: { [`${host}:repository_owner`]: 'octo-org' } }, false],
        ['RepositoryOwnerAbsent', { Null: { [`${host}:repository_owner`]: 'true', [`${host}:job_workflow_ref`]: 'true', [`${host}:sha`]: 'true' } }, true],
        ['SubPresent', { Null: { [`${host}:sub`]: 'false', [`${host}:aud`]: 'false' } }, true],
      ];
      for (const [name, condition, allowed] of cases) {
        const trust = await file(`${name}.json`, doc([{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }]));
        const arn = ok(await cli(['iam', 'create-role', '--role-name', `Claims${name}`, '--assume-role-policy-document', `file://${trust}`])).Role.Arn;
        const result = await assumeWithCli(await idp.mint(githubClaims()), { role: arn });
        if (allowed) ok(result);
        else assert.deepEqual(cliError(result), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC }, name);
      }
    });

    describe('GitHub\'s own issuer: the provider-specific claim keys AWS validates (2026)', () => {
      let key: SigningKey;
      let githubProvider: string;
      const githubToken = (extra: Record<string, unknown> = {}) => signToken(key, { iss: `https://${GITHUB}`, iat: NOW_S, nbf: NOW_S, exp: NOW_S + 300, ...githubClaims(extra) });
      const roleWith = async (name: string, condition: Record<string, unknown>) => {
        const trust = await file(`gh-${name}.json`, doc([{ Effect: 'Allow', Principal: { Federated: githubProvider }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition }]));
        return ok(await cli(['iam', 'create-role', '--role-name', `Gh${name}`, '--assume-role-policy-document', `file://${trust}`])).Role.Arn as string;
      };

      before(async () => {
        key = await newSigningKey('github-test-key');
        const tags = jwksTagsFor({ keys: [key.publicJwk] } as never).map((t) => `Key=${t.Key},Value=${t.Value}`);
        githubProvider = ok(await cli(['iam', 'create-open-id-connect-provider', '--url', `https://${GITHUB}`, '--client-id-list', AUDIENCE, '--tags', ...tags])).OpenIDConnectProviderArn;
        assert.equal(githubProvider, `arn:aws:iam::${account}:oidc-provider/${GITHUB}`);
      });

      test('the documented trust policy, verbatim', async () => {
        const arn = await roleWith('Documented', { StringEquals: { [`${GITHUB}:aud`]: AUDIENCE }, StringLike: { [`${GITHUB}:sub`]: 'repo:octo-org/octo-repo:*' } });
        const out = ok(await assumeWithCli(await githubToken(), { role: arn }));
        assert.equal(out.Provider, githubProvider);
        assert.deepEqual(cliError(await assumeWithCli(await githubToken({ sub: 'repo:octo-org/elsewhere:ref:refs/heads/main' }), { role: arn })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
      });

      test('job_workflow_ref, repository, repository_id, ref, environment, actor, actor_id, workflow, enterprise_id decide', async () => {
        const arn = await roleWith('Claims', {
          StringEquals: {
            [`${GITHUB}:aud`]: AUDIENCE,
            [`${GITHUB}:repository`]: 'octo-org/octo-repo',
            [`${GITHUB}:repository_id`]: '74',
            [`${GITHUB}:ref`]: 'refs/heads/main',
            [`${GITHUB}:actor_id`]: '12',
            [`${GITHUB}:workflow`]: 'example-workflow',
          },
          StringLike: { [`${GITHUB}:job_workflow_ref`]: 'octo-org/octo-automation/.github/workflows/oidc.yml@*', [`${GITHUB}:actor`]: 'octo*' },
        });
        ok(await assumeWithCli(await githubToken(), { role: arn }));
        for (const [claim, value] of [['job_workflow_ref', 'octo-org/other/.github/workflows/oidc.yml@refs/heads/main'], ['repository_id', '75'], ['ref', 'refs/heads/dev'], ['actor', 'mallory'], ['workflow', 'other']] as const) {
          assert.deepEqual(cliError(await assumeWithCli(await githubToken({ [claim]: value }), { role: arn })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC }, claim);
        }
        const envRole = await roleWith('Environment', { StringEquals: { [`${GITHUB}:environment`]: 'production', [`${GITHUB}:enterprise_id`]: '7' } });
        ok(await assumeWithCli(await githubToken({ environment: 'production', enterprise_id: '7' }), { role: envRole }));
        assert.deepEqual(cliError(await assumeWithCli(await githubToken({ environment: 'staging', enterprise_id: '7' }), { role: envRole })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
        // Absent from the token: absent from the request, so StringEquals fails.
        assert.deepEqual(cliError(await assumeWithCli(await githubToken(), { role: envRole })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
      });

      test('a claim key as a policy variable: the session must be named after the actor', async () => {
        const arn = await roleWith('ActorSession', { StringEquals: { [`${GITHUB}:aud`]: AUDIENCE, 'sts:RoleSessionName': `\${${GITHUB}:actor}` } });
        assert.equal(ok(await assumeWithCli(await githubToken(), { role: arn, sessionName: 'octocat' })).AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/GhActorSession/octocat`);
        assert.deepEqual(cliError(await assumeWithCli(await githubToken(), { role: arn, sessionName: 'mallory' })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC });
      });

      test('GitHub claims AWS does not list (repository_owner, sha, run_id, event_name, workflow_ref) are no keys', async () => {
        for (const claim of ['repository_owner', 'repository_owner_id', 'sha', 'run_id', 'event_name', 'workflow_ref', 'ref_type', 'repository_visibility']) {
          const value = String(githubClaims()[claim]);
          const arn = await roleWith(`Unlisted${claim.replaceAll('_', '')}`, { StringEquals: { [`${GITHUB}:${claim}`]: value } });
          assert.deepEqual(cliError(await assumeWithCli(await githubToken(), { role: arn })), { code: 'AccessDenied', message: NOT_AUTHORIZED_OIDC }, claim);
        }
      });

      test('the claim keys are checked at assumption only: they are not in the session\'s requests', async () => {
        const arn = await roleWith('NotInSession', { StringEquals: { [`${GITHUB}:repository`]: 'octo-org/octo-repo' } });
        const permissions = await file('gh-session.json', doc([
          { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { [`${GITHUB}:repository`]: 'octo-org/octo-repo' } } },
          { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { Null: { [`${GITHUB}:repository`]: 'true' } } },
        ]));
        ok(await cli(['iam', 'put-role-policy', '--role-name', 'GhNotInSession', '--policy-name', 'p', '--policy-document', `file://${permissions}`]));
        const session = sessionOf(ok(await assumeWithCli(await githubToken(), { role: arn })));
        assert.equal(cliError(await cli(['iam', 'get-role', '--role-name', 'GhNotInSession'], session)).code, 'AccessDenied');
        ok(await cli(['iam', 'list-roles', '--max-items', '1'], session));
      });
    });
  });

  describe('IAM tutorial: Use SAML session tags for ABAC', () => {
    let saml: TestIdpRoute;
    let providerArn: string;
    let roleArn: string;
    let ids = 0;
    const ROLE = 'access-session-tags';

    /** A signed SAML response from the IdP for the tutorial's role, with these attributes as PrincipalTag:… */
    const assertion = async (tags: Record<string, string>, extra: Partial<SamlResponseRequest> = {}) => {
      const answer = await saml('POST', '/saml/response', new URLSearchParams(), JSON.stringify({ roleArn, providerArn, sessionName: 'arnav', subject: 'arnav@example.com', tags, ...extra }));
      assert.equal(answer?.status, 200, answer?.body);
      return (JSON.parse(answer.body) as { SAMLResponse: string }).SAMLResponse;
    };
    const federate = async (tags: Record<string, string>, extra: Partial<SamlResponseRequest> = {}) =>
      cli(['sts', 'assume-role-with-saml', '--role-arn', roleArn, '--principal-arn', providerArn, '--saml-assertion', await assertion(tags, extra)], NOBODY);
    const PEG_ENG = { 'cost-center': '987654', 'access-project': 'peg', 'access-team': 'eng' };
    const PEG_QAS = { 'cost-center': '987654', 'access-project': 'peg', 'access-team': 'qas' };
    const UNI_ENG = { 'cost-center': '123456', 'access-project': 'uni', 'access-team': 'eng' };
    const secretTags = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => `Key=${k},Value=${v}`);

    before(async () => {
      saml = createSamlRoutes({ entityId: 'https://idp.example.com/saml', ssoUrl: 'https://idp.example.com/sso', key: generateSamlSigningKey(), now: () => NOW, newId: () => `_abac${++ids}` });
    });

    test('setup: the SAML provider, the access-same-project-team policy, the access-session-tags role and its trust policy', async () => {
      const metadata = await file('metadata.xml', (await saml('GET', '/saml/metadata', new URLSearchParams(), ''))!.body);
      providerArn = ok(await cli(['iam', 'create-saml-provider', '--name', 'ExampleCorpProvider', '--saml-metadata-document', `file://${metadata}`])).SAMLProviderArn;
      assert.equal(providerArn, `arn:aws:iam::${account}:saml-provider/ExampleCorpProvider`);
      const policy = await file('access-same-project-team.json', JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllActionsSecretsManagerSameProjectSameTeam', Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*',
            Condition: {
              StringEquals: {
                'aws:ResourceTag/access-project': '${aws:PrincipalTag/access-project}',
                'aws:ResourceTag/access-team': '${aws:PrincipalTag/access-team}',
                'aws:ResourceTag/cost-center': '${aws:PrincipalTag/cost-center}',
              },
              'ForAllValues:StringEquals': { 'aws:TagKeys': ['access-project', 'access-team', 'cost-center', 'Name', 'OwnedBy'] },
              StringEqualsIfExists: {
                'aws:RequestTag/access-project': '${aws:PrincipalTag/access-project}',
                'aws:RequestTag/access-team': '${aws:PrincipalTag/access-team}',
                'aws:RequestTag/cost-center': '${aws:PrincipalTag/cost-center}',
              },
            },
          },
          { Sid: 'AllResourcesSecretsManagerNoTags', Effect: 'Allow', Action: ['secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets'], Resource: '*' },
          {
            Sid: 'ReadSecretsManagerSameTeam', Effect: 'Allow', Action: ['secretsmanager:Describe*', 'secretsmanager:Get*', 'secretsmanager:List*'], Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/access-team': '${aws:PrincipalTag/access-team}' } },
          },
          { Sid: 'DenyUntagSecretsManagerReservedTags', Effect: 'Deny', Action: 'secretsmanager:UntagResource', Resource: '*', Condition: { StringLike: { 'aws:TagKeys': 'access-*' } } },
          { Sid: 'DenyPermissionsManagement', Effect: 'Deny', Action: 'secretsmanager:*Policy', Resource: '*' },
        ],
      }));
      const policyArn = ok(await cli(['iam', 'create-policy', '--policy-name', 'access-same-project-team', '--policy-document', `file://${policy}`])).Policy.Arn;
      const trust = await file('access-session-tags-trust.json', JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'AllowSamlIdentityAssumeRole',
          Effect: 'Allow',
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Principal: { Federated: providerArn },
          Condition: {
            StringLike: { 'aws:RequestTag/cost-center': '*', 'aws:RequestTag/access-project': '*', 'aws:RequestTag/access-team': ['eng', 'qas'] },
            StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
          },
        }],
      }));
      roleArn = ok(await cli(['iam', 'create-role', '--role-name', ROLE, '--assume-role-policy-document', `file://${trust}`])).Role.Arn;
      ok(await cli(['iam', 'attach-role-policy', '--role-name', ROLE, '--policy-arn', policyArn]));
    });

    test('step 3: the three PrincipalTag attributes federate eng and qas; another team or a missing tag is refused', async () => {
      const out = ok(await federate(PEG_ENG));
      assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${account}:assumed-role/${ROLE}/arnav`);
      assert.equal(out.Subject, 'arnav@example.com');
      assert.equal(out.Issuer, 'https://idp.example.com/saml');
      assert.equal(out.Audience, 'https://signin.aws.amazon.com/saml');
      ok(await federate(PEG_QAS));
      assert.deepEqual(cliError(await federate({ ...PEG_ENG, 'access-team': 'sales' })), { code: 'AccessDenied', message: NOT_AUTHORIZED_SAML });
      assert.deepEqual(cliError(await federate({ 'cost-center': '987654', 'access-team': 'eng' })), { code: 'AccessDenied', message: NOT_AUTHORIZED_SAML });
    });

    test('step 4: creating secrets — allowed only tagged with the session\'s own project, team and cost center', async () => {
      const pegEng = sessionOf(ok(await federate(PEG_ENG)));
      const create = (name: string, tags: string[]) => cli(['secretsmanager', 'create-secret', '--name', name, '--secret-string', '{"test-access-key":"test-access-secret"}', ...(tags.length ? ['--tags', ...tags] : [])], pegEng);
      assert.equal(cliError(await create('test-access-peg-eng', [])).code, 'AccessDeniedException');
      assert.equal(cliError(await create('test-access-peg-eng', secretTags({ ...PEG_ENG, 'access-project': 'uni' }))).code, 'AccessDeniedException');
      assert.equal(cliError(await create('test-access-peg-eng', [...secretTags(PEG_ENG), 'Key=owner,Value=arnav'])).code, 'AccessDeniedException');
      ok(await create('test-access-peg-eng', [...secretTags(PEG_ENG), 'Key=Name,Value=test']));
      const pegQas = sessionOf(ok(await federate(PEG_QAS)));
      ok(await cli(['secretsmanager', 'create-secret', '--name', 'test-access-peg-qas', '--secret-string', 'x', '--tags', ...secretTags(PEG_QAS)], pegQas));
    });

    test('step 5: viewing secrets — the same team reads across projects, another team cannot', async () => {
      const uniEng = sessionOf(ok(await federate(UNI_ENG)));
      assert.equal(ok(await cli(['secretsmanager', 'describe-secret', '--secret-id', 'test-access-peg-eng'], uniEng)).Name, 'test-access-peg-eng');
      assert.equal(cliError(await cli(['secretsmanager', 'describe-secret', '--secret-id', 'test-access-peg-qas'], uniEng)).code, 'AccessDeniedException');
      assert.ok(ok(await cli(['secretsmanager', 'list-secrets'], uniEng)).SecretList.length >= 2);
    });

    test('step 6: a new identity (cen, eng, 101010) needs no policy change', async () => {
      const cenEng = sessionOf(ok(await federate({ 'cost-center': '101010', 'access-project': 'cen', 'access-team': 'eng' })));
      ok(await cli(['secretsmanager', 'create-secret', '--name', 'test-access-cen-eng', '--secret-string', 'x', '--tags', ...secretTags({ 'cost-center': '101010', 'access-project': 'cen', 'access-team': 'eng' })], cenEng));
    });

    test('step 7: updating and deleting — only the owning project and team; access-* tags can never be removed', async () => {
      const uniEng = sessionOf(ok(await federate(UNI_ENG)));
      const pegEng = sessionOf(ok(await federate(PEG_ENG)));
      assert.equal(cliError(await cli(['secretsmanager', 'update-secret', '--secret-id', 'test-access-peg-eng', '--description', 'x'], uniEng)).code, 'AccessDeniedException');
      ok(await cli(['secretsmanager', 'update-secret', '--secret-id', 'test-access-peg-eng', '--description', 'pegasus'], pegEng));
      assert.equal(cliError(await cli(['secretsmanager', 'untag-resource', '--secret-id', 'test-access-peg-eng', '--tag-keys', 'access-team'], pegEng)).code, 'AccessDeniedException');
      assert.equal(cliError(await cli(['secretsmanager', 'put-resource-policy', '--secret-id', 'test-access-peg-eng', '--resource-policy', doc([{ Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }])], pegEng)).code, 'AccessDeniedException');
      assert.equal(cliError(await cli(['secretsmanager', 'delete-secret', '--secret-id', 'test-access-peg-eng', '--force-delete-without-recovery'], uniEng)).code, 'AccessDeniedException');
      ok(await cli(['secretsmanager', 'delete-secret', '--secret-id', 'test-access-peg-eng', '--force-delete-without-recovery'], pegEng));
    });

    test('TransitiveTagKeys: the transitive tags pass to a chained role session, the others do not, and cannot be replaced', async () => {
      const chainedTrust = await file('chained-trust.json', doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]));
      ok(await cli(['iam', 'create-role', '--role-name', 'access-chained', '--assume-role-policy-document', `file://${chainedTrust}`]));
      const chainedPermissions = await file('chained-permissions.json', doc([
        { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/access-project': 'peg', 'aws:PrincipalTag/cost-center': '987654' } } },
        { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/access-team': 'eng' } } },
      ]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', 'access-chained', '--policy-name', 'p', '--policy-document', `file://${chainedPermissions}`]));
      const assumeChainedPolicy = await file('assume-chained.json', doc([{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: `arn:aws:iam::${account}:role/access-chained` }]));
      ok(await cli(['iam', 'put-role-policy', '--role-name', ROLE, '--policy-name', 'chain', '--policy-document', `file://${assumeChainedPolicy}`]));

      const first = sessionOf(ok(await federate(PEG_ENG, { transitiveTagKeys: ['access-project', 'cost-center'] })));
      const chained = sessionOf(ok(await cli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/access-chained`, '--role-session-name', 'chained'], first)));
      assert.equal(ok(await cli(['iam', 'get-role', '--role-name', 'access-chained'], chained)).Role.RoleName, 'access-chained');
      assert.equal(cliError(await cli(['iam', 'list-roles'], chained)).code, 'AccessDenied', 'access-team was not transitive');
      // A transitive tag cannot be set again down the chain.
      const overridden = await cli(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${account}:role/access-chained`, '--role-session-name', 'chained2', '--tags', 'Key=access-project,Value=uni'], first);
      assert.equal(cliError(overridden).code, 'InvalidParameterValue');
      // A transitive key that is not one of the assertion's tags is refused.
      const stray = await federate(PEG_ENG, { transitiveTagKeys: ['department'] });
      assert.equal(cliError(stray).code, 'InvalidParameterValue');
    });
  });
});
