import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand,
  CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { generateSync } from 'otplib';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { awsCliAvailable } from '../support/cli-process.ts';
import { startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { cleanEnv, REPO_ROOT, run, tesseraRun, trust, userWithPolicy } from '../support/workloads.ts';

/**
 * "Real AWS clients work unchanged": the credential providers of the aws CLI (v1, botocore),
 * boto3 and the AWS SDK for JavaScript v3 make their own STS calls — AssumeRole for a shared
 * config profile with `role_arn` (with `source_profile`, chained, with `mfa_serial`, with
 * `credential_source`), AssumeRoleWithWebIdentity for `web_identity_token_file` /
 * AWS_WEB_IDENTITY_TOKEN_FILE, `credential_process`, and the instance metadata service and
 * container credentials endpoint under `tessera run`. Each is exercised here exactly as a
 * user configures it: config files under a temporary HOME, the endpoint given as
 * `endpoint_url` in the profile or as AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS.
 *
 * Every client runs as a child process (the server answers in this process, so nothing here
 * blocks on a child). The JavaScript children use `defaultProvider` of
 * @aws-sdk/credential-provider-node, the function `fromNodeProviderChain` wraps (the
 * @aws-sdk/credential-providers package is not a dependency).
 */

const HAVE_CLI = awsCliAvailable();
const HAVE_BOTO3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
const NO_CLI = !HAVE_CLI && 'the aws CLI is not installed (`aws --version` failed)';
const NO_BOTO3 = !HAVE_BOTO3 && 'boto3 is not installed (`python3 -c "import boto3"` failed)';

const EXTERNAL_ID = 'ext-7f3a';
const AUDIENCE = 'sts.amazonaws.com';
const SUBJECT = 'repo:org/app:ref:refs/heads/main';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let server: TestServer;
let idp: TestIdp;
let acct: string;
let work: string;
let configFile: string;
let tokenFile: string;
let otherTokenFile: string;
const roleArn = (name: string) => `arn:aws:iam::${acct}:role/${name}`;
const mfaSerial = (name: string) => `arn:aws:iam::${acct}:mfa/${name}`;

/** Seeds of the virtual MFA devices, and the last time step each has had a code accepted. */
const devices = new Map<string, { seed: string; lastStep: number }>();

const step = () => Math.floor(Date.now() / 30_000);
const codeAt = (seed: string, s: number) => generateSync({ secret: seed, epoch: s * 30 });

/**
 * A code of the device that the server has not accepted yet, as an authenticator app shows it:
 * the current step's, or — when that one is used up — the next step's (the server accepts a
 * step either side of its own), waiting for the clock when even that one is used.
 */
async function nextCode(device: string): Promise<string> {
  const d = devices.get(device)!;
  while (d.lastStep + 1 > step() + 1) await new Promise((r) => setTimeout(r, 1000));
  const s = Math.max(d.lastStep + 1, step());
  d.lastStep = s;
  return codeAt(d.seed, s);
}

/** A user with an access key, allowed sts:AssumeRole on every role, and an enabled virtual MFA device of its own name. */
async function userWithMfa(name: string): Promise<Credentials> {
  const iam = server.iam();
  const keys = await userWithPolicy(iam, name, [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
  const made = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
  const seed = new TextDecoder().decode(made.VirtualMFADevice!.Base32StringSeed!);
  const now = step();
  await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: mfaSerial(name), AuthenticationCode1: codeAt(seed, now - 2), AuthenticationCode2: codeAt(seed, now - 1) }));
  devices.set(name, { seed, lastStep: now - 1 });
  return keys;
}

interface Result { status: number | null; stdout: string; stderr: string }

/**
 * A child process with `input` on its stdin. It runs in a session of its own (no controlling
 * terminal), as under CI: the aws CLI then reads the MFA code it prompts for from stdin.
 */
function exec(command: string, args: string[], env: Record<string, string>, input = '', timeoutMs = 60_000): Promise<Result> {
  return run(command, args, env, timeoutMs, { input, detached: true });
}

/**
 * The environment of a client reading the test's shared config: no AWS_* variable of the
 * environment running the tests, a HOME of its own (the aws CLI caches assumed-role
 * credentials under ~/.aws/cli/cache: a fresh HOME makes every run ask STS), and `extra`.
 */
async function clientEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const home = await mkdtemp(join(work, 'home-'));
  return cleanEnv({ HOME: home, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'), AWS_MAX_ATTEMPTS: '1', ...extra });
}

/** `aws sts get-caller-identity`: the caller's ARN, or the CLI's error. */
async function cliCaller(env: Record<string, string>, args: string[] = [], input = ''): Promise<{ arn?: string; error?: string }> {
  const r = await exec('aws', [...args, 'sts', 'get-caller-identity', '--output', 'json'], env, input);
  if (r.status !== 0) return { error: r.stderr.trim() };
  return { arn: (JSON.parse(r.stdout) as { Arn: string }).Arn };
}

const BOTO3 = `
import json, os, boto3
session = boto3.Session(profile_name=os.environ.get('TEST_PROFILE'))
code = os.environ.get('TEST_MFA_CODE')
if code:
    # What a program does instead of botocore's getpass prompt for mfa_serial.
    session._session.get_component('credential_provider').get_provider('assume-role')._prompter = lambda prompt: code
try:
    creds = session.get_credentials()
    arn = session.client('sts').get_caller_identity()['Arn']
    expiry = getattr(creds, '_expiry_time', None)
    print(json.dumps({'method': creds.method, 'arn': arn, 'expiration': expiry.isoformat() if expiry else None}))
except Exception as e:
    print(json.dumps({'error': type(e).__name__ + ': ' + str(e)}))
`;

/**
 * boto3's session (AWS_PROFILE names the profile, or TEST_PROFILE as Session(profile_name=…)):
 * credential method, caller ARN, expiry.
 */
async function boto3Caller(env: Record<string, string>): Promise<{ method?: string; arn?: string; expiration?: string | null; error?: string }> {
  const r = await exec('python3', ['-c', BOTO3], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The SDK v3's Node chain (defaultProvider = fromNodeProviderChain) and an STS client that finds its own region and endpoint. */
const JS = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
const code = process.env.TEST_MFA_CODE;
// TEST_PROFILE / TEST_ENDPOINT: a profile and endpoint given in code rather than by the environment.
const profile = process.env.TEST_PROFILE;
const endpoint = process.env.TEST_ENDPOINT;
const provider = defaultProvider({
  ...(code ? { mfaCodeProvider: async () => code } : {}),
  ...(profile ? { profile } : {}),
  ...(endpoint ? { clientConfig: { endpoint } } : {}),
});
const client = new STSClient({ credentials: provider, maxAttempts: 1, ...(endpoint ? { endpoint } : {}) });
try {
  const out = await client.send(new GetCallerIdentityCommand({}));
  const creds = await provider();
  console.log(JSON.stringify({ arn: out.Arn, key: creds.accessKeyId, expiration: creds.expiration?.toISOString() }));
} catch (err) {
  console.log(JSON.stringify({ error: err.name + ': ' + err.message }));
}
`;

async function jsCaller(env: Record<string, string>): Promise<{ arn?: string; key?: string; expiration?: string; error?: string }> {
  const r = await exec(process.execPath, ['--input-type=module', '-e', JS], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** Seconds from now to an ISO time. */
const secondsLeft = (iso: string) => (new Date(iso).getTime() - Date.now()) / 1000;

function assertLasts(expiration: string | null | undefined, seconds: number): void {
  assert.ok(expiration, 'an expiration');
  const left = secondsLeft(expiration);
  assert.ok(left > seconds - 120 && left <= seconds + 5, `expires in ${left} s, expected about ${seconds}`);
}

before(async () => {
  server = await startTestServer();
  acct = server.accountId;
  idp = await startTestIdp();
  work = await mkdtemp(join(tmpdir(), 'tessera-sdk-chains-'));
  const iam = server.iam();

  // role_arn + source_profile: a trust policy that requires the external ID; a second role
  // that only the first one's sessions may assume (role chaining).
  const alice = await userWithPolicy(iam, 'alice', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
  await iam.send(new CreateRoleCommand({
    RoleName: 'deployer',
    AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:user/alice` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } }]),
  }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'chain', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) }));
  await iam.send(new CreateRoleCommand({
    RoleName: 'auditor',
    AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: roleArn('deployer') }, Action: 'sts:AssumeRole' }]),
  }));

  // mfa_serial: a role that requires MFA; one user and device per client (a code is accepted once).
  await iam.send(new CreateRoleCommand({
    RoleName: 'needs-mfa',
    AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]),
  }));
  const mfaUsers: Record<string, Credentials> = {};
  for (const name of ['mfa-cli', 'mfa-boto3', 'mfa-js', 'mfa-session']) mfaUsers[name] = await userWithMfa(name);

  // web identity: the test identity provider, found by discovery; the subject pinned.
  const host = new URL(idp.issuer).host;
  await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [AUDIENCE] }));
  await iam.send(new CreateRoleCommand({
    RoleName: 'ci-deploy',
    AssumeRolePolicyDocument: doc([{
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${acct}:oidc-provider/${host}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${host}:aud`]: AUDIENCE, [`${host}:sub`]: SUBJECT } },
    }]),
  }));
  // A token file as Kubernetes and CI systems write it; this one ends with a newline.
  tokenFile = join(work, 'token');
  await writeFile(tokenFile, `${await idp.mint({ sub: SUBJECT, aud: AUDIENCE })}\n`);
  otherTokenFile = join(work, 'other-token');
  await writeFile(otherTokenFile, await idp.mint({ sub: 'repo:org/other:ref:refs/heads/main', aud: AUDIENCE }));

  // credential_process: a script that asks Tessera for a role session with the aws CLI and
  // prints it in the process credential format (Version 1). Its environment is its own.
  const processScript = join(work, 'credential-process.sh');
  await writeFile(processScript, [
    '#!/bin/sh',
    `exec env -i PATH="$PATH" HOME="$HOME" AWS_ACCESS_KEY_ID=${alice.accessKeyId} AWS_SECRET_ACCESS_KEY=${alice.secretAccessKey} \\`,
    '  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 \\',
    `  aws --endpoint-url ${server.url} sts assume-role --role-arn ${roleArn('deployer')} --role-session-name from-process --external-id ${EXTERNAL_ID} \\`,
    "  --output json --query '{Version: `1`, AccessKeyId: Credentials.AccessKeyId, SecretAccessKey: Credentials.SecretAccessKey, SessionToken: Credentials.SessionToken, Expiration: Credentials.Expiration}'",
    '',
  ].join('\n'));
  await chmod(processScript, 0o755);

  // Workloads: an instance profile, a task role, and a role each of their sessions may assume.
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust('ec2.amazonaws.com') }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'app' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'task', AssumeRolePolicyDocument: trust('ecs-tasks.amazonaws.com') }));
  for (const role of ['app', 'task']) {
    await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'chain', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn('downstream') }]) }));
  }
  await iam.send(new CreateRoleCommand({
    RoleName: 'downstream',
    AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: [roleArn('app'), roleArn('task')] }, Action: 'sts:AssumeRole' }]),
  }));

  const keys = (c: Credentials) => `aws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}`;
  const ep = `endpoint_url = ${server.url}`;
  configFile = join(work, 'config');
  await writeFile(configFile, `
[default]
region = us-east-1

[profile alice]
region = us-east-1
${ep}
${keys(alice)}

[profile deployer]
region = us-east-1
${ep}
role_arn = ${roleArn('deployer')}
source_profile = alice
role_session_name = release-42
external_id = ${EXTERNAL_ID}
duration_seconds = 1800

[profile deployer-wrong-external-id]
region = us-east-1
${ep}
role_arn = ${roleArn('deployer')}
source_profile = alice
external_id = not-${EXTERNAL_ID}

[profile auditor]
region = us-east-1
${ep}
role_arn = ${roleArn('auditor')}
source_profile = deployer
role_session_name = audit

[profile from-environment]
region = us-east-1
${ep}
role_arn = ${roleArn('deployer')}
credential_source = Environment
role_session_name = from-env
external_id = ${EXTERNAL_ID}

[profile alice-plain]
region = us-east-1
${keys(alice)}

[profile deployer-plain]
region = us-east-1
role_arn = ${roleArn('deployer')}
source_profile = alice-plain
role_session_name = plain
external_id = ${EXTERNAL_ID}

${['mfa-cli', 'mfa-boto3', 'mfa-js'].map((name) => `
[profile ${name}-keys]
region = us-east-1
${ep}
${keys(mfaUsers[name]!)}

[profile ${name}]
region = us-east-1
${ep}
role_arn = ${roleArn('needs-mfa')}
source_profile = ${name}-keys
role_session_name = ${name}
mfa_serial = ${mfaSerial(name)}
`).join('')}

[profile mfa-cli-no-mfa]
region = us-east-1
${ep}
role_arn = ${roleArn('needs-mfa')}
source_profile = mfa-cli-keys

[profile via-mfa-session]
region = us-east-1
${ep}
role_arn = ${roleArn('needs-mfa')}
source_profile = mfa-session
role_session_name = via-session

[profile process]
region = us-east-1
${ep}
credential_process = ${processScript}

[profile process-then-role]
region = us-east-1
${ep}
role_arn = ${roleArn('auditor')}
source_profile = process
role_session_name = after-process

[profile web-identity]
region = us-east-1
${ep}
role_arn = ${roleArn('ci-deploy')}
web_identity_token_file = ${tokenFile}
role_session_name = deploy-run-1

[profile from-instance]
region = us-east-1
role_arn = ${roleArn('downstream')}
credential_source = Ec2InstanceMetadata
role_session_name = from-instance

[profile from-container]
region = us-east-1
role_arn = ${roleArn('downstream')}
credential_source = EcsContainer
role_session_name = from-container
`);
  // The keys of the user the MFA session profile is made from (the session itself is written by its test).
  mfaSessionKeys = mfaUsers['mfa-session']!;
  aliceKeys = alice;
});

let mfaSessionKeys: Credentials;
let aliceKeys: Credentials;

after(async () => {
  await idp?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const sessionArn = (role: string, session: string) => `arn:aws:sts::${acct}:assumed-role/${role}/${session}`;

describe('role_arn + source_profile', () => {
  test('the aws CLI: role_session_name, external_id checked by the trust policy, a chained profile', { skip: NO_CLI }, async () => {
    assert.deepEqual(await cliCaller(await clientEnv(), ['--profile', 'deployer']), { arn: sessionArn('deployer', 'release-42') });
    const wrong = await cliCaller(await clientEnv(), ['--profile', 'deployer-wrong-external-id']);
    assert.ok(wrong.error?.includes(`An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::${acct}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn('deployer')}`), wrong.error);
    assert.deepEqual(await cliCaller(await clientEnv(), ['--profile', 'auditor']), { arn: sessionArn('auditor', 'audit') });
  });

  test('boto3: duration_seconds sets the session length; chained profiles', { skip: NO_BOTO3 }, async () => {
    const deployer = await boto3Caller(await clientEnv({ AWS_PROFILE: 'deployer' }));
    assert.equal(deployer.method, 'assume-role');
    assert.equal(deployer.arn, sessionArn('deployer', 'release-42'));
    assertLasts(deployer.expiration, 1800);
    const auditor = await boto3Caller(await clientEnv({ AWS_PROFILE: 'auditor' }));
    assert.equal(auditor.arn, sessionArn('auditor', 'audit'));
    assertLasts(auditor.expiration, 3600);
  });

  test('the SDK v3 Node chain: the same profiles, the external ID refused when wrong', async () => {
    const deployer = await jsCaller(await clientEnv({ AWS_PROFILE: 'deployer' }));
    assert.equal(deployer.error, undefined);
    assert.equal(deployer.arn, sessionArn('deployer', 'release-42'));
    assert.match(deployer.key!, /^ASIA/);
    assertLasts(deployer.expiration, 1800);
    const auditor = await jsCaller(await clientEnv({ AWS_PROFILE: 'auditor' }));
    assert.equal(auditor.arn, sessionArn('auditor', 'audit'));
    const wrong = await jsCaller(await clientEnv({ AWS_PROFILE: 'deployer-wrong-external-id' }));
    assert.equal(wrong.error, `AccessDenied: User: arn:aws:iam::${acct}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn('deployer')}`);
  });

  test('credential_source = Environment: the role assumed with the environment\'s keys', async () => {
    const env = { AWS_PROFILE: 'from-environment', AWS_ACCESS_KEY_ID: aliceKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: aliceKeys.secretAccessKey };
    const js = await jsCaller(await clientEnv(env));
    assert.equal(js.error, undefined);
    assert.equal(js.arn, sessionArn('deployer', 'from-env'));
    // botocore takes keys in the environment before the profile AWS_PROFILE names (the aws
    // CLI's documented precedence): it is given the profile explicitly.
    const { AWS_PROFILE: _, ...keysOnly } = env;
    if (HAVE_CLI) assert.deepEqual(await cliCaller(await clientEnv(keysOnly), ['--profile', 'from-environment']), { arn: sessionArn('deployer', 'from-env') });
    if (HAVE_BOTO3) assert.equal((await boto3Caller(await clientEnv({ ...keysOnly, TEST_PROFILE: 'from-environment' }))).arn, sessionArn('deployer', 'from-env'));
  });

  // Without endpoint_url in the profile, both SDKs send their own AssumeRole to
  // AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL.
  for (const variable of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL']) {
    test(`the STS call the SDKs make themselves follows ${variable}`, async () => {
      const env = { AWS_PROFILE: 'deployer-plain', [variable]: server.url };
      assert.equal((await jsCaller(await clientEnv(env))).arn, sessionArn('deployer', 'plain'));
      if (HAVE_CLI) assert.deepEqual(await cliCaller(await clientEnv(env)), { arn: sessionArn('deployer', 'plain') });
      if (HAVE_BOTO3) assert.equal((await boto3Caller(await clientEnv(env))).arn, sessionArn('deployer', 'plain'));
    });
  }

  // The SDK v3 reads a shared config's endpoint_url only from the profile the environment
  // selects — AWS_PROFILE, else [default] — never from a profile named in code
  // (fromIni({ profile }), defaultProvider({ profile }), a client's `profile`): without
  // AWS_ENDPOINT_URL(_STS) its own STS client would go to AWS. A program that names the
  // profile in code gives the endpoint in code as well.
  test('the SDK v3 with the profile named in code: the endpoint given to the STS client it makes (clientConfig)', async () => {
    const r = await jsCaller(await clientEnv({ AWS_REGION: 'us-east-1', TEST_PROFILE: 'deployer-plain', TEST_ENDPOINT: server.url }));
    assert.equal(r.error, undefined);
    assert.equal(r.arn, sessionArn('deployer', 'plain'));
  });
});

describe('mfa_serial with a virtual MFA device', () => {
  test('the aws CLI reads the code it prompts for; without mfa_serial the trust policy refuses', { skip: NO_CLI }, async () => {
    const r = await cliCaller(await clientEnv(), ['--profile', 'mfa-cli'], `${await nextCode('mfa-cli')}\n`);
    assert.deepEqual(r, { arn: sessionArn('needs-mfa', 'mfa-cli') });
    const without = await cliCaller(await clientEnv(), ['--profile', 'mfa-cli-no-mfa']);
    assert.ok(without.error?.includes(`(AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::${acct}:user/mfa-cli is not authorized to perform: sts:AssumeRole on resource: ${roleArn('needs-mfa')}`), without.error);
    // A code already used is refused with AWS's MFA error.
    const devicesEntry = devices.get('mfa-cli')!;
    const reused = await cliCaller(await clientEnv(), ['--profile', 'mfa-cli'], `${codeAt(devicesEntry.seed, devicesEntry.lastStep)}\n`);
    assert.ok(reused.error?.includes('An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code.'), reused.error);
  });

  test('boto3 with the prompt replaced by a function', { skip: NO_BOTO3 }, async () => {
    const r = await boto3Caller(await clientEnv({ AWS_PROFILE: 'mfa-boto3', TEST_MFA_CODE: await nextCode('mfa-boto3') }));
    assert.equal(r.error, undefined);
    assert.equal(r.arn, sessionArn('needs-mfa', 'mfa-boto3'));
  });

  test('the SDK v3 Node chain with mfaCodeProvider', async () => {
    const r = await jsCaller(await clientEnv({ AWS_PROFILE: 'mfa-js', TEST_MFA_CODE: await nextCode('mfa-js') }));
    assert.equal(r.error, undefined);
    assert.equal(r.arn, sessionArn('needs-mfa', 'mfa-js'));
  });

  test('get-session-token --serial-number --token-code, then a role profile sourcing that session', async () => {
    const env = cleanEnv({
      AWS_ACCESS_KEY_ID: mfaSessionKeys.accessKeyId, AWS_SECRET_ACCESS_KEY: mfaSessionKeys.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_DEFAULT_REGION: 'us-east-1',
    });
    let session: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    if (HAVE_CLI) {
      const r = await exec('aws', ['--endpoint-url', server.url, '--output', 'json', 'sts', 'get-session-token',
        '--serial-number', mfaSerial('mfa-session'), '--token-code', await nextCode('mfa-session')], env);
      assert.equal(r.status, 0, r.stderr);
      session = JSON.parse(r.stdout).Credentials;
    } else {
      const { GetSessionTokenCommand } = await import('@aws-sdk/client-sts');
      const out = await server.sts(mfaSessionKeys).send(new GetSessionTokenCommand({ SerialNumber: mfaSerial('mfa-session'), TokenCode: await nextCode('mfa-session') }));
      session = out.Credentials as typeof session;
    }
    const credentialsFile = join(work, 'mfa-session-credentials');
    await writeFile(credentialsFile, `[mfa-session]\naws_access_key_id = ${session.AccessKeyId}\naws_secret_access_key = ${session.SecretAccessKey}\naws_session_token = ${session.SessionToken}\n`);
    const profileEnv = { AWS_PROFILE: 'via-mfa-session', AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
    assert.equal((await jsCaller(await clientEnv(profileEnv))).arn, sessionArn('needs-mfa', 'via-session'));
    if (HAVE_CLI) assert.deepEqual(await cliCaller(await clientEnv(profileEnv)), { arn: sessionArn('needs-mfa', 'via-session') });
    if (HAVE_BOTO3) assert.equal((await boto3Caller(await clientEnv(profileEnv))).arn, sessionArn('needs-mfa', 'via-session'));
  });
});

describe('credential_process', { skip: NO_CLI }, () => {
  test('a script printing a Tessera role session (Version 1): the aws CLI, boto3 and the SDK v3 Node chain', async () => {
    assert.deepEqual(await cliCaller(await clientEnv(), ['--profile', 'process']), { arn: sessionArn('deployer', 'from-process') });
    const js = await jsCaller(await clientEnv({ AWS_PROFILE: 'process' }));
    assert.equal(js.error, undefined);
    assert.equal(js.arn, sessionArn('deployer', 'from-process'));
    assert.ok(js.expiration, 'the process\'s Expiration is kept');
    if (HAVE_BOTO3) {
      const b = await boto3Caller(await clientEnv({ AWS_PROFILE: 'process' }));
      assert.equal(b.method, 'custom-process');
      assert.equal(b.arn, sessionArn('deployer', 'from-process'));
    }
  });

  test('a role profile whose source_profile uses credential_process', async () => {
    assert.deepEqual(await cliCaller(await clientEnv(), ['--profile', 'process-then-role']), { arn: sessionArn('auditor', 'after-process') });
    assert.equal((await jsCaller(await clientEnv({ AWS_PROFILE: 'process-then-role' }))).arn, sessionArn('auditor', 'after-process'));
  });
});

describe('web identity', () => {
  test('a profile with web_identity_token_file and role_arn: the aws CLI, boto3, the SDK v3 Node chain', async () => {
    const js = await jsCaller(await clientEnv({ AWS_PROFILE: 'web-identity' }));
    assert.equal(js.error, undefined);
    assert.equal(js.arn, sessionArn('ci-deploy', 'deploy-run-1'));
    if (HAVE_CLI) assert.deepEqual(await cliCaller(await clientEnv({ AWS_PROFILE: 'web-identity' })), { arn: sessionArn('ci-deploy', 'deploy-run-1') });
    if (HAVE_BOTO3) {
      const b = await boto3Caller(await clientEnv({ AWS_PROFILE: 'web-identity' }));
      assert.equal(b.method, 'assume-role-with-web-identity');
      assert.equal(b.arn, sessionArn('ci-deploy', 'deploy-run-1'));
    }
  });

  for (const variable of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL']) {
    test(`AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, the endpoint from ${variable}`, async () => {
      const env = (file: string) => clientEnv({
        AWS_CONFIG_FILE: '/dev/null', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1',
        AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: roleArn('ci-deploy'), AWS_ROLE_SESSION_NAME: 'eks-pod', [variable]: server.url,
      });
      const js = await jsCaller(await env(tokenFile));
      assert.equal(js.error, undefined);
      assert.equal(js.arn, sessionArn('ci-deploy', 'eks-pod'));
      if (HAVE_CLI) assert.deepEqual(await cliCaller(await env(tokenFile)), { arn: sessionArn('ci-deploy', 'eks-pod') });
      if (HAVE_BOTO3) assert.equal((await boto3Caller(await env(tokenFile))).arn, sessionArn('ci-deploy', 'eks-pod'));
      // A token for another subject: the trust policy refuses it, through the SDK's own call.
      const refused = await jsCaller(await env(otherTokenFile));
      assert.equal(refused.error, 'AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    });
  }
});

describe('tessera run with the SDK v3 Node chain', () => {
  test('--instance-profile: credentials from the instance metadata service (IMDSv2)', async () => {
    const r = await tesseraRun(server, server.root, ['--quiet', '--instance-profile', 'web', '--', process.execPath, '--input-type=module', '-e', JS]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as { arn?: string; error?: string };
    assert.equal(out.error, undefined);
    assert.match(out.arn!, new RegExp(`^arn:aws:sts::${acct}:assumed-role/app/i-[0-9a-f]{17}$`));
  });

  test('--task-role: credentials from the container credentials endpoint', async () => {
    const r = await tesseraRun(server, server.root, ['--quiet', '--task-role', roleArn('task'), '--', process.execPath, '--input-type=module', '-e', JS]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim()) as { arn?: string; error?: string };
    assert.equal(out.error, undefined);
    assert.match(out.arn!, new RegExp(`^arn:aws:sts::${acct}:assumed-role/task/[0-9a-f]{32}$`));
  });

  // A profile of the workload's own that assumes another role from the instance's or task's
  // credentials (credential_source), as on EC2 and ECS.
  for (const [flag, value, profile] of [['--instance-profile', 'web', 'from-instance'], ['--task-role', '', 'from-container']] as const) {
    test(`credential_source = ${profile === 'from-instance' ? 'Ec2InstanceMetadata' : 'EcsContainer'} in the workload: the SDK v3 and the aws CLI`, async () => {
      const home = await mkdtemp(join(work, 'home-'));
      const launch = [flag, value || roleArn('task')];
      const inWorkload = ['env', `HOME=${home}`, `AWS_CONFIG_FILE=${configFile}`, `AWS_PROFILE=${profile}`];
      const js = await tesseraRun(server, server.root, ['--quiet', ...launch, '--', ...inWorkload, process.execPath, '--input-type=module', '-e', JS]);
      assert.equal(js.status, 0, js.stderr);
      assert.deepEqual(JSON.parse(js.stdout.trim()).arn, sessionArn('downstream', profile));
      if (HAVE_CLI) {
        const cli = await tesseraRun(server, server.root, ['--quiet', ...launch, '--', ...inWorkload, 'aws', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text']);
        assert.equal(cli.status, 0, cli.stderr);
        assert.equal(cli.stdout.trim(), sessionArn('downstream', profile));
      }
    });
  }
});
