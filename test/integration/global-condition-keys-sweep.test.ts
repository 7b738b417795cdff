import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSync } from 'otplib';
import {
  CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GetAccountSummaryCommand, IAMClient, PutRolePolicyCommand, PutUserPolicyCommand, CreateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, type Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FixedClock } from '../../src/kernel/clock.ts';
import { jwksTagsFor } from '../../src/iam/providers/jwks-tags.ts';
import { startTestIdp, type TestIdp } from '../../src/federation/test-idp/oidc-idp.ts';
import { outcomeName, startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import type { Credentials } from '../support/tessera-server.ts';

/**
 * AWS's global condition context keys as the policy engine sees them, per kind of principal,
 * decided on real requests (never the simulator): through the gateway in front of moto, where a
 * bucket policy `Deny s3:ListBucket` under one condition refuses ListObjectsV2 exactly when the
 * condition matches the request's context; and through Tessera's own IAM, where an identity
 * policy `Allow iam:GetAccountSummary` under every expected value allows exactly when all match.
 *
 * Source: IAM User Guide, "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), each
 * key's value and Availability:
 * - aws:PrincipalArn — IAM user: the user's ARN; role session: "the ARN of the role, not the ARN
 *   of the assumed-role session"; federated user: arn:aws:sts::<account>:federated-user/<name>;
 *   root: arn:aws:iam::<account>:root. Present in every signed request.
 * - aws:PrincipalAccount, aws:PrincipalType (User | AssumedRole | FederatedUser | Account),
 *   aws:userid (AIDA…; AROA…:<session>; <account>:<caller-specified-name>; the account ID for
 *   root) — present in every signed request.
 * - aws:username — "always included in the request context for IAM users"; not for roles,
 *   federated users or root.
 * - aws:PrincipalTag/<k> — tags of the user, or of the role with the session's tags overriding.
 * - aws:TokenIssueTime — only for temporary credentials.
 * - aws:MultiFactorAuthPresent — only for temporary credentials ("not present … long-term
 *   credentials"), `true` when MFA was used; aws:MultiFactorAuthAge only when MFA was used.
 * - aws:SourceIdentity — when a source identity was set.
 * - aws:FederatedProvider — role sessions of AssumeRoleWithWebIdentity: the IAM OIDC provider's ARN.
 * - aws:SecureTransport, aws:SourceIp, aws:CurrentTime, aws:EpochTime, aws:RequestedRegion,
 *   aws:ViaAWSService (false), aws:PrincipalIsAWSService (false) — every request.
 * - aws:CalledVia*, aws:PrincipalServiceName, aws:SourceArn/SourceAccount, aws:SourceVpc(e),
 *   aws:VpcSourceIp, aws:Ec2InstanceSourceVPC, aws:PrincipalOrgID (no organization),
 *   aws:AssumedRoot (not an AssumeRoot session) — absent here.
 * - aws:ResourceAccount — the bucket owner's account.
 */

const NOW = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 5_000);
const BUCKET = 'gck-probe';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const creds = (c: StsCredentials | undefined): Credentials => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });
function totp(seed: string, time: Date, stepsLater = 0): string {
  return generateSync({ secret: seed, epoch: (Math.floor(time.getTime() / 30_000) + stepsLater) * 30 });
}

/** One expectation: a condition block and whether it matches the principal's request. */
type Check = [label: string, condition: Record<string, Record<string, string | string[]>>, matches: boolean];
const eq = (key: string, value: string): Check => [`${key} = ${value}`, { StringEquals: { [key]: value } }, true];
const present = (key: string): Check => [`${key} present`, { Null: { [key]: 'false' } }, true];
const absent = (key: string): Check => [`${key} absent`, { Null: { [key]: 'true' } }, true];

/** Keys no principal here has: no service, no VPC, no organization, no AssumeRoot, no CalledVia. */
const ALWAYS_ABSENT = [
  'aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast', 'aws:PrincipalServiceName', 'aws:PrincipalServiceNamesList', 'aws:SourceArn',
  'aws:SourceAccount', 'aws:SourceOwner', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:VpcSourceIp', 'aws:Ec2InstanceSourceVPC',
  'aws:Ec2InstanceSourcePrivateIPv4', 'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:ResourceOrgID', 'aws:AssumedRoot',
].map(absent);

describe('global condition context keys per principal, on real requests', () => {
  const clock = new FixedClock(NOW);
  let env: GatewayEnv;
  let iam: IAMClient;
  let root: S3Client;
  let idp: TestIdp;
  let account: string;
  let aliceId: string;
  let alice: Credentials;
  let roleId: string;
  let webRoleId: string;
  let oidcArn: string;
  /** Temporary credentials of each kind, with the instant they were issued. */
  const sessions: Record<string, { credentials: Credentials; issued: Date }> = {};

  before(async () => {
    env = await startGatewayEnv({ cacheMs: 0 }, { clock });
    account = env.server.accountId;
    iam = env.server.iam();
    root = env.s3(env.server.root);
    await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
    idp = await startTestIdp();

    // alice: an IAM user with a tag, long-term keys, an MFA device.
    const user = await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'red' }] }));
    aliceId = user.User!.UserId!;
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'base', PolicyDocument: doc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListAllMyBuckets', 'sqs:ListQueues', 'sts:*'], Resource: '*' }]) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    alice = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice' }));
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const serial = device.VirtualMFADevice!.SerialNumber!;
    await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: serial, AuthenticationCode1: totp(seed, clock.now(), -1), AuthenticationCode2: totp(seed, clock.now()) }));

    // A role with tags; AssumeRole with session tags (one overriding a role tag) and a source identity.
    const trust = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }]);
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'probe-role', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: 'prod' }] }));
    roleId = role.Role!.RoleId!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'probe-role', PolicyName: 'base', PolicyDocument: doc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListAllMyBuckets'], Resource: '*' }]) }));

    // A role for web identity sessions of the test IdP.
    oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ['app-client'], Tags: jwksTagsFor(idp.jwks() as never) }))).OpenIDConnectProviderArn!;
    const webRole = await iam.send(new CreateRoleCommand({ RoleName: 'web-role', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Federated: oidcArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'] }]) }));
    webRoleId = webRole.Role!.RoleId!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'web-role', PolicyName: 'base', PolicyDocument: doc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListAllMyBuckets'], Resource: '*' }]) }));

    const sts = env.server.sts(alice);
    let issued = clock.now();
    sessions['plain'] = { credentials: creds((await sts.send(new GetSessionTokenCommand({}))).Credentials), issued };
    sessions['role'] = {
      credentials: creds((await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'sess', SourceIdentity: 'alice-src', Tags: [{ Key: 'team', Value: 'green' }, { Key: 'cost', Value: 'c1' }] }))).Credentials),
      issued,
    };
    sessions['federated'] = {
      credentials: creds((await sts.send(new GetFederationTokenCommand({ Name: 'fed', Policy: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]), Tags: [{ Key: 'dept', Value: 'eng' }] }))).Credentials),
      issued,
    };
    const token = await idp.mint({ sub: 'web-user', aud: 'app-client', 'https://aws.amazon.com/tags': { principal_tags: { dept: ['web'] } }, 'https://aws.amazon.com/source_identity': 'web-src' });
    sessions['web'] = {
      credentials: creds((await env.server.sts({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: webRole.Role!.Arn!, RoleSessionName: 'web', WebIdentityToken: token }))).Credentials),
      issued,
    };
    // A new TOTP step for the sign-in code; then the MFA session ages 40 seconds.
    clock.advanceSeconds(30);
    issued = clock.now();
    sessions['mfa'] = { credentials: creds((await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totp(seed, clock.now()) }))).Credentials), issued };
    clock.advanceSeconds(40);
  });
  after(async () => {
    await idp?.close();
    await env?.stop();
  });

  /** Does `condition` match this caller's ListObjectsV2 through the gateway? (A bucket policy Deny under it.) */
  async function matchesViaGateway(credentials: Credentials, condition: Check[1]): Promise<boolean> {
    await root.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: doc([{ Sid: 'probe', Effect: 'Deny', Principal: '*', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: condition }]) }));
    const outcome = await outcomeName(env.s3(credentials).send(new ListObjectsV2Command({ Bucket: BUCKET })));
    if (outcome === 'ok') return false;
    if (outcome === 'AccessDenied') return true;
    throw new Error(`ListObjectsV2: ${outcome}`);
  }

  /** Every check whose outcome differs from the expectation, by label. */
  async function mismatches(credentials: Credentials, checks: Check[]): Promise<string[]> {
    const wrong: string[] = [];
    for (const [label, condition, expected] of checks) {
      const got = await matchesViaGateway(credentials, condition);
      if (got !== expected) wrong.push(`${label}: expected ${expected ? 'match' : 'no match'}, got ${got ? 'match' : 'no match'}`);
    }
    return wrong;
  }

  /** Keys the request itself sets, the same for every principal (the gateway's S3 in us-east-1 over plain HTTP from loopback). */
  const requestKeys = (): Check[] => [
    eq('aws:SecureTransport', 'false'),
    ['aws:SourceIp = 127.0.0.1', { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }, true],
    ['aws:CurrentTime = the clock', { DateEquals: { 'aws:CurrentTime': iso(clock.now()) } }, true],
    ['aws:EpochTime = the clock', { NumericEquals: { 'aws:EpochTime': String(Math.floor(clock.now().getTime() / 1000)) } }, true],
    eq('aws:RequestedRegion', 'us-east-1'),
    eq('aws:ViaAWSService', 'false'),
    eq('aws:PrincipalIsAWSService', 'false'),
    present('aws:UserAgent'),
    eq('aws:ResourceAccount', account),
    ...ALWAYS_ABSENT,
  ];

  test('IAM user with long-term access keys', async () => {
    const wrong = await mismatches(alice, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:user/alice`),
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'User'),
      eq('aws:userid', aliceId),
      eq('aws:username', 'alice'),
      eq('aws:PrincipalTag/team', 'red'),
      absent('aws:TokenIssueTime'),
      absent('aws:MultiFactorAuthPresent'),
      absent('aws:MultiFactorAuthAge'),
      absent('aws:SourceIdentity'),
      absent('aws:FederatedProvider'),
      // BoolIfExists on the absent key: the "deny unless MFA" statement refuses long-term keys.
      ['BoolIfExists aws:MultiFactorAuthPresent false', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, true],
      ['Bool aws:MultiFactorAuthPresent false (key absent)', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, false],
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('IAM user session from GetSessionToken without MFA', async () => {
    const { credentials, issued } = sessions['plain']!;
    const wrong = await mismatches(credentials, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:user/alice`),
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'User'),
      eq('aws:userid', aliceId),
      eq('aws:username', 'alice'),
      eq('aws:PrincipalTag/team', 'red'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      eq('aws:MultiFactorAuthPresent', 'false'),
      absent('aws:MultiFactorAuthAge'),
      absent('aws:SourceIdentity'),
      absent('aws:FederatedProvider'),
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('IAM user session from GetSessionToken with MFA', async () => {
    const { credentials, issued } = sessions['mfa']!;
    const wrong = await mismatches(credentials, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:user/alice`),
      eq('aws:PrincipalType', 'User'),
      eq('aws:userid', aliceId),
      eq('aws:username', 'alice'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      ['Bool aws:MultiFactorAuthPresent true', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, true],
      ['aws:MultiFactorAuthAge = 40 seconds', { NumericEquals: { 'aws:MultiFactorAuthAge': '40' } }, true],
      ['BoolIfExists aws:MultiFactorAuthPresent false', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, false],
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('assumed-role session with session tags and a source identity', async () => {
    const { credentials, issued } = sessions['role']!;
    const wrong = await mismatches(credentials, [
      // "the ARN of the role, not the ARN of the assumed-role session"
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:role/probe-role`),
      ['aws:PrincipalArn is not the session ARN', { StringEquals: { 'aws:PrincipalArn': `arn:aws:sts::${account}:assumed-role/probe-role/sess` } }, false],
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'AssumedRole'),
      eq('aws:userid', `${roleId}:sess`),
      absent('aws:username'),
      eq('aws:PrincipalTag/team', 'green'),
      eq('aws:PrincipalTag/env', 'prod'),
      eq('aws:PrincipalTag/cost', 'c1'),
      absent('aws:PrincipalTag/missing'),
      eq('aws:SourceIdentity', 'alice-src'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      eq('aws:MultiFactorAuthPresent', 'false'),
      absent('aws:MultiFactorAuthAge'),
      absent('aws:FederatedProvider'),
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('federated user session from GetFederationToken', async () => {
    const { credentials, issued } = sessions['federated']!;
    const wrong = await mismatches(credentials, [
      eq('aws:PrincipalArn', `arn:aws:sts::${account}:federated-user/fed`),
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'FederatedUser'),
      eq('aws:userid', `${account}:fed`),
      absent('aws:username'),
      eq('aws:PrincipalTag/dept', 'eng'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      eq('aws:MultiFactorAuthPresent', 'false'),
      absent('aws:MultiFactorAuthAge'),
      absent('aws:SourceIdentity'),
      absent('aws:FederatedProvider'),
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('web identity role session (AssumeRoleWithWebIdentity)', async () => {
    const { credentials, issued } = sessions['web']!;
    const wrong = await mismatches(credentials, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:role/web-role`),
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'AssumedRole'),
      eq('aws:userid', `${webRoleId}:web`),
      absent('aws:username'),
      // An IdP not built into AWS: "the key value will be an ARN".
      eq('aws:FederatedProvider', oidcArn),
      eq('aws:PrincipalTag/dept', 'web'),
      eq('aws:SourceIdentity', 'web-src'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      eq('aws:MultiFactorAuthPresent', 'false'),
      absent('aws:MultiFactorAuthAge'),
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('root user with long-term access keys', async () => {
    const wrong = await mismatches(env.server.root, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:root`),
      eq('aws:PrincipalAccount', account),
      eq('aws:PrincipalType', 'Account'),
      eq('aws:userid', account),
      absent('aws:username'),
      absent('aws:TokenIssueTime'),
      absent('aws:MultiFactorAuthPresent'),
      absent('aws:MultiFactorAuthAge'),
      absent('aws:SourceIdentity'),
      absent('aws:FederatedProvider'),
      ...requestKeys(),
    ]);
    assert.deepEqual(wrong, []);
  });

  test('aws:RequestedRegion is the region the request is signed for (sqs:ListQueues in us-west-2, through the gateway)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'region-user' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'region-user', PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-west-2' } } }]) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'region-user' }))).AccessKey!;
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const sqs = (region: string) => new SQSClient({ endpoint: env.server.url, region, credentials, maxAttempts: 1 });
    const west = sqs('us-west-2');
    const east = sqs('us-east-1');
    try {
      assert.equal(await outcomeName(west.send(new ListQueuesCommand({}))), 'ok');
      assert.equal(await outcomeName(east.send(new ListQueuesCommand({}))), 'AccessDenied');
    } finally {
      west.destroy();
      east.destroy();
    }
  });

  test('Tessera\'s own IAM sees the same keys: an identity policy under every expected value allows iam:GetAccountSummary', async () => {
    const allowUnder = (condition: object) => doc([{ Effect: 'Allow', Action: 'iam:GetAccountSummary', Resource: '*', Condition: condition }]);
    const summary = async (credentials: Credentials) => {
      const client = env.server.iam(credentials);
      return outcomeName(client.send(new GetAccountSummaryCommand({})));
    };
    // The role session: role ARN, AssumedRole, AROA…:sess, session tag over role tag, source identity, no username.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'probe-role', PolicyName: 'iam-probe', PolicyDocument: allowUnder({
      StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/probe-role`, 'aws:PrincipalType': 'AssumedRole', 'aws:userid': `${roleId}:sess`, 'aws:PrincipalTag/team': 'green', 'aws:SourceIdentity': 'alice-src', 'aws:PrincipalAccount': account },
      Null: { 'aws:username': 'true', 'aws:TokenIssueTime': 'false', 'aws:MultiFactorAuthAge': 'true' },
      Bool: { 'aws:MultiFactorAuthPresent': 'false', 'aws:SecureTransport': 'false' },
    }) }));
    assert.equal(await summary(sessions['role']!.credentials), 'ok');
    // The same policy with one value wrong (the role's own tag, overridden by the session's) refuses.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'probe-role', PolicyName: 'iam-probe', PolicyDocument: allowUnder({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }) }));
    assert.equal(await summary(sessions['role']!.credentials), 'AccessDenied');

    // The user, long-term and with an MFA session.
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'iam-probe', PolicyDocument: allowUnder({
      StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${account}:user/alice`, 'aws:PrincipalType': 'User', 'aws:userid': aliceId, 'aws:username': 'alice', 'aws:PrincipalTag/team': 'red' },
      Null: { 'aws:TokenIssueTime': 'true', 'aws:MultiFactorAuthPresent': 'true' },
    }) }));
    assert.equal(await summary(alice), 'ok');
    assert.equal(await summary(sessions['mfa']!.credentials), 'AccessDenied'); // a session has aws:TokenIssueTime
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'iam-probe', PolicyDocument: allowUnder({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericEquals: { 'aws:MultiFactorAuthAge': '40' }, StringEquals: { 'aws:username': 'alice' },
    }) }));
    assert.equal(await summary(sessions['mfa']!.credentials), 'ok');
    assert.equal(await summary(alice), 'AccessDenied'); // long-term keys: no aws:MultiFactorAuthPresent
  });

  test('a role with a path: aws:PrincipalArn is the role ARN with its path; EpochTime under a Date operator', async () => {
    const trust = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]);
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'pathed', Path: '/team/app/', AssumeRolePolicyDocument: trust }));
    assert.equal(role.Role!.Arn, `arn:aws:iam::${account}:role/team/app/pathed`);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'pathed', PolicyName: 'base', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }]) }));
    const session = creds((await env.server.sts(alice).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'pp' }))).Credentials);
    const wrong = await mismatches(session, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:role/team/app/pathed`),
      ['ArnLike aws:PrincipalArn role/team/*', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/team/*` } }, true],
      eq('aws:userid', `${role.Role!.RoleId!}:pp`),
      // "aws:EpochTime … Data type – Date, Numeric": a Date operator compares it with an ISO date.
      ['DateGreaterThan aws:EpochTime 2020-01-01', { DateGreaterThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } }, true],
      ['DateLessThan aws:EpochTime 2020-01-01', { DateLessThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } }, false],
    ]);
    assert.deepEqual(wrong, []);
  });

  test('client headers do not set aws:SourceIp or aws:SecureTransport (X-Forwarded-For, X-Forwarded-Proto)', async () => {
    const client = env.s3(alice);
    client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['x-forwarded-for'] = '203.0.113.9';
      request.headers['x-forwarded-proto'] = 'https';
      request.headers['forwarded'] = 'for=203.0.113.9;proto=https';
      return next(args);
    }, { step: 'build' });
    const cases: Check[] = [
      ['aws:SourceIp = 203.0.113.9', { IpAddress: { 'aws:SourceIp': '203.0.113.9/32' } }, false],
      ['aws:SourceIp = 127.0.0.1', { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }, true],
      eq('aws:SecureTransport', 'false'),
    ];
    const wrong: string[] = [];
    for (const [label, condition, expected] of cases) {
      await root.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: doc([{ Effect: 'Deny', Principal: '*', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: condition }]) }));
      const got = (await outcomeName(client.send(new ListObjectsV2Command({ Bucket: BUCKET })))) === 'AccessDenied';
      if (got !== expected) wrong.push(label);
    }
    assert.deepEqual(wrong, []);
  });

  test('root user session from GetSessionToken', async () => {
    const issued = clock.now();
    const session = creds((await env.server.sts(env.server.root).send(new GetSessionTokenCommand({}))).Credentials);
    const wrong = await mismatches(session, [
      eq('aws:PrincipalArn', `arn:aws:iam::${account}:root`),
      eq('aws:PrincipalType', 'Account'),
      eq('aws:userid', account),
      absent('aws:username'),
      ['aws:TokenIssueTime = issue time', { DateEquals: { 'aws:TokenIssueTime': iso(issued) } }, true],
      eq('aws:MultiFactorAuthPresent', 'false'),
    ]);
    assert.deepEqual(wrong, []);
  });
});
