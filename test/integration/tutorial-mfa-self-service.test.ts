import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreatePolicyCommand, CreateUserCommand,
  CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand, EnableMFADeviceCommand, GetAccessKeyLastUsedCommand, GetMFADeviceCommand, GetUserCommand, IAMClient,
  ListUsersCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { CreateBucketCommand, ListBucketsCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { FixedClock } from '../../src/kernel/clock.ts';
import { startGatewayEnv, type GatewayEnv } from '../support/gateway-env.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { EVENTUALLY_MS, waitUntil } from '../support/wait.ts';

/**
 * AWS's own IAM documentation, followed step by step as a learner does — the aws CLI for the
 * tutorial's steps, the SDK where the CLI is awkward — against Tessera in front of moto, with
 * AWS's example policies exactly as AWS publishes them. Every step asserts what the
 * documentation says AWS does:
 *
 * - "AWS: Allows MFA-authenticated IAM users to manage their own credentials on the Security
 *   credentials page" (reference_policies_examples_aws_my-sec-creds-self-manage);
 * - "IAM tutorial: Permit users to manage their credentials and MFA settings" (the Force_MFA
 *   customer managed policy on a group) — with S3 in place of the tutorial's EC2 (EC2's own
 *   tag-based examples are in gateway-ec2.test.ts);
 * - "IAM: Allows IAM users to self-manage an MFA device" (reference_policies_examples_iam_mfa-selfmanage);
 * - "Configuring MFA-protected API access": `aws:MultiFactorAuthAge` compared with a
 *   NumericLessThan to 3600 seconds;
 * - "AWS: Denies access to AWS based on the requested Region"
 *   (reference_policies_examples_aws_deny-requested-region), through the gateway.
 *
 * TOTP codes are computed from the seed CreateVirtualMFADevice returns, as a phone's
 * authenticator app would (otplib), at the server's (frozen) time.
 */

const NOW = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 5_000);

/** "AWS: Allows MFA-authenticated IAM users to manage their own credentials on the Security credentials page", as AWS publishes it. */
const SECURITY_CREDENTIALS_PAGE_POLICY = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowViewAccountInfo",
            "Effect": "Allow",
            "Action": [
                "iam:GetAccountPasswordPolicy",
                "iam:GetAccountSummary",       
                "iam:ListVirtualMFADevices"
            ],
            "Resource": "*"
        },       
        {
            "Sid": "AllowManageOwnPasswords",
            "Effect": "Allow",
            "Action": [
                "iam:ChangePassword",
                "iam:GetUser"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnAccessKeys",
            "Effect": "Allow",
            "Action": [
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnSigningCertificates",
            "Effect": "Allow",
            "Action": [
                "iam:DeleteSigningCertificate",
                "iam:ListSigningCertificates",
                "iam:UpdateSigningCertificate",
                "iam:UploadSigningCertificate"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnSSHPublicKeys",
            "Effect": "Allow",
            "Action": [
                "iam:DeleteSSHPublicKey",
                "iam:GetSSHPublicKey",
                "iam:ListSSHPublicKeys",
                "iam:UpdateSSHPublicKey",
                "iam:UploadSSHPublicKey"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnGitCredentials",
            "Effect": "Allow",
            "Action": [
                "iam:CreateServiceSpecificCredential",
                "iam:DeleteServiceSpecificCredential",
                "iam:ListServiceSpecificCredentials",
                "iam:ResetServiceSpecificCredential",
                "iam:UpdateServiceSpecificCredential"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnVirtualMFADevice",
            "Effect": "Allow",
            "Action": [
                "iam:CreateVirtualMFADevice",
                "iam:DeleteVirtualMFADevice"
            ],
            "Resource": "arn:aws:iam::*:mfa/\${aws:username}"
        },
        {
            "Sid": "AllowManageOwnUserMFA",
            "Effect": "Allow",
            "Action": [
                "iam:DeactivateMFADevice",
                "iam:EnableMFADevice",
                "iam:ListMFADevices",
                "iam:ResyncMFADevice"
            ],
            "Resource": "arn:aws:iam::*:user/\${aws:username}"
        },
        {
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": [
                "iam:CreateVirtualMFADevice",
                "iam:EnableMFADevice",
                "iam:GetUser",
                "iam:ListMFADevices",
                "iam:ListVirtualMFADevices",
                "iam:ResyncMFADevice",
                "sts:GetSessionToken"
            ],
            "Resource": "*",
            "Condition": {
                "BoolIfExists": {
                    "aws:MultiFactorAuthPresent": "false"
                }
            }
        }
    ]
}`;

/** "IAM: Allows IAM users to self-manage an MFA device", as AWS publishes it. */
const SELF_MANAGE_MFA_DEVICE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AllowListActions', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListVirtualMFADevices'], Resource: '*' },
    { Sid: 'AllowUserToCreateVirtualMFADevice', Effect: 'Allow', Action: ['iam:CreateVirtualMFADevice'], Resource: 'arn:aws:iam::*:mfa/*' },
    {
      Sid: 'AllowUserToManageTheirOwnMFA', Effect: 'Allow',
      Action: ['iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA', Effect: 'Allow', Action: ['iam:DeactivateMFADevice'],
      Resource: ['arn:aws:iam::*:user/${aws:username}'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA', Effect: 'Deny',
      NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ListUsers', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice'],
      Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
});

/** "AWS: Denies access to AWS based on the requested Region", as AWS publishes it. */
const DENY_OUTSIDE_REQUESTED_REGIONS = {
  Version: '2012-10-17',
  Statement: [{
    Sid: 'DenyAllOutsideRequestedRegions',
    Effect: 'Deny',
    NotAction: ['cloudfront:*', 'iam:*', 'organizations:*', 'route53:*', 'support:*'],
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3'] } },
  }],
};

const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The code an authenticator app shows for `seed` during the 30-second step that holds `time`. */
function totp(seed: string, time: Date, stepsLater = 0): string {
  return generateSync({ secret: seed, epoch: (Math.floor(time.getTime() / 30_000) + stepsLater) * 30 });
}

const explicitDeny = (arn: string, action: string, resource: string) =>
  `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in an identity-based policy`;
const noAllow = (arn: string, action: string, resource: string) =>
  `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

interface CliFailure { code: string; operation: string; message: string }

describe('AWS IAM tutorials: users managing their own credentials and MFA', () => {
  const clock = new FixedClock(NOW);
  let env: GatewayEnv;
  let account: string;
  let work: string;

  /** `aws …` against Tessera; the parsed JSON answer, failing the test on an error. */
  async function aws(args: string[], credentials: Credentials, region = 'us-east-1'): Promise<Record<string, unknown>> {
    const run = await env.cli([...args, '--output', 'json'], credentials, { AWS_DEFAULT_REGION: region });
    assert.equal(run.code, 0, `aws ${args.join(' ')}: ${run.stderr}`);
    return run.stdout.trim() === '' ? {} : (JSON.parse(run.stdout) as Record<string, unknown>);
  }
  /** `aws …` that must fail: the error code, operation and message the CLI prints. */
  async function awsFails(args: string[], credentials: Credentials, region = 'us-east-1'): Promise<CliFailure> {
    const run = await env.cli([...args, '--output', 'json'], credentials, { AWS_DEFAULT_REGION: region });
    assert.notEqual(run.code, 0, `aws ${args.join(' ')} should fail: ${run.stdout}`);
    const match = /An error occurred \(([^)]+)\) when calling the (\w+) operation: (.*)/.exec(run.stderr);
    assert.ok(match, run.stderr);
    return { code: match[1]!, operation: match[2]!, message: match[3]!.trim() };
  }
  const sessionOf = (answer: Record<string, unknown>): Credentials => {
    const c = answer['Credentials'] as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  };
  async function userWithKey(name: string): Promise<Credentials & { arn: string }> {
    const created = await aws(['iam', 'create-user', '--user-name', name], env.server.root);
    const key = (await aws(['iam', 'create-access-key', '--user-name', name], env.server.root))['AccessKey'] as { AccessKeyId: string; SecretAccessKey: string };
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, arn: (created['User'] as { Arn: string }).Arn };
  }

  before(async () => {
    env = await startGatewayEnv({}, { clock });
    account = env.server.accountId;
    work = await mkdtemp(join(tmpdir(), 'tessera-tutorial-'));
  });
  after(async () => {
    await env?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('"Allows MFA-authenticated IAM users to manage their own credentials": without MFA only the MFA set-up; with a GetSessionToken MFA session the rest', async () => {
    const root = env.server.root;
    const policyFile = join(work, 'self-manage.json');
    await writeFile(policyFile, SECURITY_CREDENTIALS_PAGE_POLICY);
    const user = await userWithKey('MFAUser');
    await aws(['iam', 'put-user-policy', '--user-name', 'MFAUser', '--policy-name', 'SelfManageWithMFA', '--policy-document', `file://${policyFile}`], root);
    const userArn = `arn:aws:iam::${account}:user/MFAUser`;
    assert.equal(user.arn, userArn);

    // With the long-term access key: aws:MultiFactorAuthPresent is absent, BoolIfExists holds,
    // DenyAllExceptListedIfNoMFA denies everything but the listed actions.
    assert.equal(((await aws(['iam', 'get-user'], user))['User'] as { UserName: string }).UserName, 'MFAUser');
    assert.deepEqual(await awsFails(['iam', 'list-users'], user), { code: 'AccessDenied', operation: 'ListUsers', message: explicitDeny(userArn, 'iam:ListUsers', `arn:aws:iam::${account}:user/`) });
    assert.deepEqual(await awsFails(['iam', 'create-access-key'], user), { code: 'AccessDenied', operation: 'CreateAccessKey', message: explicitDeny(userArn, 'iam:CreateAccessKey', userArn) });
    assert.deepEqual(await awsFails(['iam', 'get-account-summary'], user), { code: 'AccessDenied', operation: 'GetAccountSummary', message: explicitDeny(userArn, 'iam:GetAccountSummary', '*') });
    assert.deepEqual(await awsFails(['iam', 'list-ssh-public-keys'], user), { code: 'AccessDenied', operation: 'ListSSHPublicKeys', message: explicitDeny(userArn, 'iam:ListSSHPublicKeys', userArn) });
    assert.deepEqual(await aws(['iam', 'list-virtual-mfa-devices'], user), { VirtualMFADevices: [] });
    assert.deepEqual(await aws(['iam', 'list-mfa-devices'], user), { MFADevices: [] });
    // Other services: "a user accessing an API with long-term credentials … is denied access to the non-IAM API operations".
    assert.deepEqual(await awsFails(['s3api', 'list-buckets'], user), {
      code: 'AccessDenied', operation: 'ListBuckets',
      message: `User: ${userArn} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy`,
    });

    // "The resource ARN in this statement allows access to only an MFA device that has the same name as the currently signed-in user."
    assert.deepEqual(
      await awsFails(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'someone-else', '--outfile', join(work, 'other.txt'), '--bootstrap-method', 'Base32StringSeed'], user),
      { code: 'AccessDenied', operation: 'CreateVirtualMFADevice', message: noAllow(userArn, 'iam:CreateVirtualMFADevice', `arn:aws:iam::${account}:mfa/someone-else`) },
    );
    const seedFile = join(work, 'MFAUser.seed');
    const device = await aws(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'MFAUser', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed'], user);
    const serial = `arn:aws:iam::${account}:mfa/MFAUser`;
    assert.deepEqual(device, { VirtualMFADevice: { SerialNumber: serial } });
    const seed = (await readFile(seedFile, 'utf8')).trim();
    assert.match(seed, /^[A-Z2-7]{64}$/);
    // Two consecutive codes from the app.
    await aws(['iam', 'enable-mfa-device', '--user-name', 'MFAUser', '--serial-number', serial, '--authentication-code1', totp(seed, clock.now(), -1), '--authentication-code2', totp(seed, clock.now())], user);
    const devices = (await aws(['iam', 'list-mfa-devices'], user))['MFADevices'] as { UserName: string; SerialNumber: string }[];
    assert.deepEqual(devices.map((d) => [d.UserName, d.SerialNumber]), [['MFAUser', serial]]);
    // Still no MFA on the long-term key: still denied.
    assert.equal((await awsFails(['iam', 'create-access-key'], user)).message, explicitDeny(userArn, 'iam:CreateAccessKey', userArn));

    // sts get-session-token: no permission needed; without MFA, then with the app's next code.
    const plain = sessionOf(await aws(['sts', 'get-session-token'], user));
    clock.advanceSeconds(30);
    // A code the app does not show now (nor in the steps either side).
    const shown = new Set([-1, 0, 1].map((d) => totp(seed, clock.now(), d)));
    const wrong = ['000000', '111111', '222222', '333333'].find((code) => !shown.has(code))!;
    assert.deepEqual(await awsFails(['sts', 'get-session-token', '--serial-number', serial, '--token-code', wrong], user), {
      code: 'AccessDenied', operation: 'GetSessionToken', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    });
    const mfa = sessionOf(await aws(['sts', 'get-session-token', '--serial-number', serial, '--token-code', totp(seed, clock.now())], user));

    // A session without MFA: IAM does not take it at all; other services see MultiFactorAuthPresent false.
    assert.equal(((await aws(['sts', 'get-caller-identity'], plain)) as { Arn: string }).Arn, userArn);
    assert.deepEqual(await awsFails(['iam', 'get-user'], plain), { code: 'InvalidClientTokenId', operation: 'GetUser', message: 'The security token included in the request is invalid.' });
    assert.deepEqual(await awsFails(['sqs', 'list-queues'], plain), {
      code: 'AccessDenied', operation: 'ListQueues',
      message: `User: ${userArn} is not authorized to perform: sqs:ListQueues with an explicit deny in an identity-based policy`,
    });

    // The MFA session: the Deny no longer applies; what the Allow statements grant is allowed, the rest implicitly denied.
    assert.equal(((await aws(['sts', 'get-caller-identity'], mfa)) as { Arn: string }).Arn, userArn);
    assert.ok(((await aws(['iam', 'get-account-summary'], mfa))['SummaryMap'] as Record<string, number>)['Users']! >= 1);
    const newKey = (await aws(['iam', 'create-access-key'], mfa))['AccessKey'] as { UserName: string; AccessKeyId: string };
    assert.equal(newKey.UserName, 'MFAUser');
    const keys = (await aws(['iam', 'list-access-keys'], mfa))['AccessKeyMetadata'] as { AccessKeyId: string }[];
    assert.deepEqual(keys.map((k) => k.AccessKeyId).sort(), [user.accessKeyId, newKey.AccessKeyId].sort());
    await aws(['iam', 'delete-access-key', '--access-key-id', newKey.AccessKeyId], mfa);
    assert.deepEqual(await awsFails(['iam', 'list-users'], mfa), { code: 'AccessDenied', operation: 'ListUsers', message: noAllow(userArn, 'iam:ListUsers', `arn:aws:iam::${account}:user/`) });
    // Only its own: ${aws:username} is MFAUser.
    assert.deepEqual(await awsFails(['iam', 'create-access-key', '--user-name', 'bob'], mfa), { code: 'AccessDenied', operation: 'CreateAccessKey', message: noAllow(userArn, 'iam:CreateAccessKey', `arn:aws:iam::${account}:user/bob`) });
    assert.deepEqual(await awsFails(['s3api', 'list-buckets'], mfa), {
      code: 'AccessDenied', operation: 'ListBuckets',
      message: `User: ${userArn} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
    });
    // Its own MFA device: deactivate and delete it (AllowManageOwnUserMFA, AllowManageOwnVirtualMFADevice).
    await aws(['iam', 'deactivate-mfa-device', '--user-name', 'MFAUser', '--serial-number', serial], mfa);
    await aws(['iam', 'delete-virtual-mfa-device', '--serial-number', serial], mfa);
    assert.deepEqual(await aws(['iam', 'list-mfa-devices'], user), { MFADevices: [] });
  });

  test('the tutorial: Force_MFA and an AWS managed policy on a group; the member is blocked until signed in with MFA', async () => {
    const iam = env.server.iam();
    // Step 1: the customer managed policy Force_MFA, the example's text.
    const forceMfa = await iam.send(new CreatePolicyCommand({
      PolicyName: 'Force_MFA',
      Description: 'This policy allows users to manage their own passwords and MFA devices but nothing else unless they authenticate with MFA.',
      PolicyDocument: SECURITY_CREDENTIALS_PAGE_POLICY,
    }));
    assert.equal(forceMfa.Policy!.Arn, `arn:aws:iam::${account}:policy/Force_MFA`);
    // Step 2: the group with both policies (S3 standing in for EC2), and the test user in it.
    await iam.send(new CreateGroupCommand({ GroupName: 'S3MFA' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'S3MFA', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'S3MFA', PolicyArn: forceMfa.Policy!.Arn }));
    await iam.send(new CreateUserCommand({ UserName: 'S3MFAUser' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'S3MFA', UserName: 'S3MFAUser' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'S3MFAUser' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const userArn = `arn:aws:iam::${account}:user/S3MFAUser`;

    // Step 3: the service is blocked until the user has an MFA device and signs in with it.
    const blocked = await awsError(() => env.s3(user).send(new ListBucketsCommand({})));
    assert.deepEqual([blocked.name, blocked.status], ['AccessDenied', 403]);
    assert.equal(blocked.message, `User: ${userArn} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy`);
    const own = env.server.iam(user);
    const device = await own.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'S3MFAUser' }));
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const serial = device.VirtualMFADevice!.SerialNumber!;
    await own.send(new EnableMFADeviceCommand({ UserName: 'S3MFAUser', SerialNumber: serial, AuthenticationCode1: totp(seed, clock.now(), -1), AuthenticationCode2: totp(seed, clock.now()) }));
    clock.advanceSeconds(30);
    const signedIn = (await env.server.sts(user).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totp(seed, clock.now()) }))).Credentials!;
    const mfa = { accessKeyId: signedIn.AccessKeyId!, secretAccessKey: signedIn.SecretAccessKey!, sessionToken: signedIn.SessionToken! };
    // "This time you can see all the information and perform any actions you want."
    await env.s3(mfa).send(new CreateBucketCommand({ Bucket: 'tutorial-mfa-bucket' }));
    assert.ok((await env.s3(mfa).send(new ListBucketsCommand({}))).Buckets!.some((b) => b.Name === 'tutorial-mfa-bucket'));
    // "If you go to any other console as this user, you see access denied messages."
    const other = await awsError(() => env.sqs(mfa).send(new ListQueuesCommand({})));
    assert.equal(other.name, 'AccessDenied');
    assert.equal(other.message, `User: ${userArn} is not authorized to perform: sqs:ListQueues because no identity-based policy allows the sqs:ListQueues action`);
    // The CLI user, too, is told the same by the long-term key.
    assert.equal((await awsFails(['s3api', 'list-buckets'], user)).message, blocked.message);
  });

  test('"Allows IAM users to self-manage an MFA device": a device of any name; deactivating it needs MFA', async () => {
    const iam = env.server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'phone-owner' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'phone-owner', PolicyName: 'SelfManageMFA', PolicyDocument: SELF_MANAGE_MFA_DEVICE_POLICY }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'phone-owner' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const userArn = `arn:aws:iam::${account}:user/phone-owner`;
    const own = env.server.iam(user);

    // Listed in the NotAction and allowed: ListUsers works without MFA here.
    assert.ok((await own.send(new ListUsersCommand({}))).Users!.some((u) => u.UserName === 'phone-owner'));
    // mfa/* : any name.
    const device = await own.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'phone-owner-pixel' }));
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const serial = `arn:aws:iam::${account}:mfa/phone-owner-pixel`;
    assert.equal(device.VirtualMFADevice!.SerialNumber, serial);
    await own.send(new EnableMFADeviceCommand({ UserName: 'phone-owner', SerialNumber: serial, AuthenticationCode1: totp(seed, clock.now(), -1), AuthenticationCode2: totp(seed, clock.now()) }));
    // Not in the NotAction: denied without MFA though an Allow names it.
    const get = await awsError(() => own.send(new GetMFADeviceCommand({ SerialNumber: serial })));
    assert.deepEqual([get.name, get.message], ['AccessDenied', explicitDeny(userArn, 'iam:GetMFADevice', userArn)]);
    const deactivate = await awsError(() => own.send(new DeactivateMFADeviceCommand({ UserName: 'phone-owner', SerialNumber: serial })));
    assert.deepEqual([deactivate.name, deactivate.message], ['AccessDenied', explicitDeny(userArn, 'iam:DeactivateMFADevice', userArn)]);
    // Another user's MFA cannot be enabled: the resource is the user named in the request.
    const stranger = await awsError(() => own.send(new EnableMFADeviceCommand({ UserName: 'MFAUser', SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' })));
    assert.deepEqual([stranger.name, stranger.message], ['AccessDenied', noAllow(userArn, 'iam:EnableMFADevice', `arn:aws:iam::${account}:user/MFAUser`)]);

    clock.advanceSeconds(30);
    const signedIn = (await env.server.sts(user).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totp(seed, clock.now()) }))).Credentials!;
    const mfa = env.server.iam({ accessKeyId: signedIn.AccessKeyId!, secretAccessKey: signedIn.SecretAccessKey!, sessionToken: signedIn.SessionToken! });
    const got = await mfa.send(new GetMFADeviceCommand({ SerialNumber: serial }));
    assert.equal(got.SerialNumber, serial);
    assert.equal(got.UserName, 'phone-owner');
    await mfa.send(new DeactivateMFADeviceCommand({ UserName: 'phone-owner', SerialNumber: serial }));
    const again = await awsError(() => mfa.send(new GetMFADeviceCommand({ SerialNumber: serial })));
    assert.equal(again.name, 'NoSuchEntityException', 'no longer enabled for the user');
  });

  test('"MFA protection for resources that have resource-based policies": another account\'s user writes to the bucket only with a GetSessionToken MFA session', async () => {
    // Account A (the default account) owns the bucket; account C's user Nikhil writes to it.
    const accountC = await env.account();
    const bucket = 'account-a-mfa-bucket';
    const ownerS3 = env.s3(env.server.root);
    await ownerS3.send(new CreateBucketCommand({ Bucket: bucket }));
    await ownerS3.send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: [account, accountC.accountId] },
          Action: ['s3:PutObject', 's3:DeleteObject'],
          Resource: [`arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        }],
      }),
    }));
    const iamC = env.server.iam(accountC);
    await iamC.send(new CreateUserCommand({ UserName: 'Nikhil' }));
    await iamC.send(new PutUserPolicyCommand({
      UserName: 'Nikhil', PolicyName: 'WriteToA',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}/*` }] }),
    }));
    const key = (await iamC.send(new CreateAccessKeyCommand({ UserName: 'Nikhil' }))).AccessKey!;
    const nikhil = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const nikhilArn = `arn:aws:iam::${accountC.accountId}:user/Nikhil`;
    const device = await iamC.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'Nikhil' }));
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const serial = device.VirtualMFADevice!.SerialNumber!;
    await iamC.send(new EnableMFADeviceCommand({ UserName: 'Nikhil', SerialNumber: serial, AuthenticationCode1: totp(seed, clock.now(), -1), AuthenticationCode2: totp(seed, clock.now()) }));

    const put = (credentials: Credentials) => env.s3(credentials).send(new PutObjectCommand({ Bucket: bucket, Key: 'report.txt', Body: 'from account C' }));
    // (S3 adds its explanation to a denial only within one account or organization; across
    // accounts AWS answers "Access Denied" — Tessera explains, so only the code is asserted.)
    // The long-term key: the key is absent, Bool does not hold.
    const longTerm = await awsError(() => put(nikhil));
    assert.deepEqual([longTerm.name, longTerm.status], ['AccessDenied', 403]);
    assert.match(longTerm.message, new RegExp(`^(Access Denied|User: ${nikhilArn} is not authorized to perform: s3:PutObject .*)$`));
    // A session without MFA: present and false.
    const plain = (await env.server.sts(nikhil).send(new GetSessionTokenCommand({}))).Credentials!;
    const withoutMfa = await awsError(() => put({ accessKeyId: plain.AccessKeyId!, secretAccessKey: plain.SecretAccessKey!, sessionToken: plain.SessionToken! }));
    assert.deepEqual([withoutMfa.name, withoutMfa.status], ['AccessDenied', 403]);
    // GetSessionToken with the device's serial number and current code.
    clock.advanceSeconds(30);
    const signedIn = (await env.server.sts(nikhil).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totp(seed, clock.now()) }))).Credentials!;
    const out = await put({ accessKeyId: signedIn.AccessKeyId!, secretAccessKey: signedIn.SecretAccessKey!, sessionToken: signedIn.SessionToken! });
    assert.ok(out.ETag);
  });

  describe('"Denies access to AWS based on the requested Region", through the gateway', () => {
    let user: Credentials & { arn: string };
    before(async () => {
      user = await env.user('eu-developer', [ADMIN, DENY_OUTSIDE_REQUESTED_REGIONS]);
    });

    test('SQS and S3 in a listed Region are allowed; in any other Region explicitly denied', async () => {
      assert.deepEqual(await awsFails(['sqs', 'create-queue', '--queue-name', 'tutorial-q'], user, 'us-east-1'), {
        code: 'AccessDenied', operation: 'CreateQueue',
        message: explicitDeny(user.arn, 'sqs:CreateQueue', `arn:aws:sqs:us-east-1:${account}:tutorial-q`),
      });
      const queue = await aws(['sqs', 'create-queue', '--queue-name', 'tutorial-q'], user, 'eu-west-1');
      assert.match(queue['QueueUrl'] as string, /\/tutorial-q$/);
      assert.deepEqual(await awsFails(['sqs', 'list-queues'], user, 'us-west-2'), {
        code: 'AccessDenied', operation: 'ListQueues', message: `User: ${user.arn} is not authorized to perform: sqs:ListQueues with an explicit deny in an identity-based policy`,
      });

      const made = await aws(['s3api', 'create-bucket', '--bucket', 'tutorial-eu-bucket', '--create-bucket-configuration', 'LocationConstraint=eu-central-1'], user, 'eu-central-1');
      assert.equal(made['Location'], '/tutorial-eu-bucket');
      assert.deepEqual(await awsFails(['s3api', 'create-bucket', '--bucket', 'tutorial-us-bucket'], user, 'us-east-1'), {
        code: 'AccessDenied', operation: 'CreateBucket',
        message: `User: ${user.arn} is not authorized to perform: s3:CreateBucket on resource: "arn:aws:s3:::tutorial-us-bucket" with an explicit deny in an identity-based policy`,
      });
      assert.deepEqual(await awsFails(['s3api', 'list-buckets'], user, 'us-east-1'), {
        code: 'AccessDenied', operation: 'ListBuckets', message: `User: ${user.arn} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy`,
      });
      const listed = (await aws(['s3api', 'list-buckets'], user, 'eu-west-3'))['Buckets'] as { Name: string }[];
      assert.ok(listed.some((b) => b.Name === 'tutorial-eu-bucket'));
    });

    test('IAM, exempted by the NotAction, works whatever Region the client is set to; STS obeys the Region', async () => {
      for (const region of ['eu-west-1', 'ap-southeast-2', 'us-east-1']) {
        assert.equal(((await aws(['iam', 'get-user'], user, region))['User'] as { UserName: string }).UserName, 'eu-developer', region);
        if (region !== 'eu-west-1') continue;
        // The Security credentials page's "last used": IAM, in us-east-1 (where IAM is), not the client's Region.
        let lastUsed: { ServiceName?: string; Region?: string } = {};
        await waitUntil(async () => {
          lastUsed = (await env.server.iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: user.accessKeyId }))).AccessKeyLastUsed ?? {};
          return lastUsed.ServiceName === 'iam';
        }, EVENTUALLY_MS);
        assert.deepEqual([lastUsed.ServiceName, lastUsed.Region], ['iam', 'us-east-1']);
      }
      // GetCallerIdentity and GetSessionToken need no permission; an explicit deny cannot refuse them.
      assert.equal((await aws(['sts', 'get-caller-identity'], user, 'us-east-1'))['Arn'], user.arn);
      assert.ok((await aws(['sts', 'get-session-token'], user, 'us-east-1'))['Credentials']);
      assert.deepEqual(await awsFails(['sts', 'get-access-key-info', '--access-key-id', user.accessKeyId], user, 'us-east-1'), {
        code: 'AccessDenied', operation: 'GetAccessKeyInfo', message: explicitDeny(user.arn, 'sts:GetAccessKeyInfo', '*'),
      });
      assert.equal((await aws(['sts', 'get-access-key-info', '--access-key-id', user.accessKeyId], user, 'eu-west-1'))['Account'], account);
    });

    test('"all requests to these services are made to the us-east-1 Region": without iam:* in the NotAction IAM is denied from any client Region', async () => {
      const withoutIam = structuredClone(DENY_OUTSIDE_REQUESTED_REGIONS);
      withoutIam.Statement[0]!.NotAction = withoutIam.Statement[0]!.NotAction.filter((action) => action !== 'iam:*');
      const strict = await env.user('eu-strict', [ADMIN, withoutIam]);
      // The CLI set to eu-west-1 signs IAM for eu-west-1 when given --endpoint-url; the request
      // still goes to IAM's one endpoint, in us-east-1.
      for (const region of ['eu-west-1', 'us-east-1']) {
        assert.deepEqual(await awsFails(['iam', 'get-user'], strict, region), {
          code: 'AccessDenied', operation: 'GetUser', message: explicitDeny(strict.arn, 'iam:GetUser', strict.arn),
        }, region);
      }
      // The SDK configured for eu-central-1 likewise.
      const sdk = await awsError(() => env.server.iam(strict, 'eu-central-1').send(new GetUserCommand({})));
      assert.deepEqual([sdk.name, sdk.message], ['AccessDenied', explicitDeny(strict.arn, 'iam:GetUser', strict.arn)]);
      // A regional service in a listed Region is unaffected.
      assert.ok(await aws(['sqs', 'list-queues'], strict, 'eu-west-1'));
    });

    test('Organizations, the other global service here, is in us-east-1 too', async () => {
      // Exempted: the request passes authorization (and finds no organization).
      const exempted = await awsFails(['organizations', 'describe-organization'], user, 'eu-west-1');
      assert.deepEqual([exempted.code, exempted.operation], ['AWSOrganizationsNotInUseException', 'DescribeOrganization']);
      const withoutOrganizations = structuredClone(DENY_OUTSIDE_REQUESTED_REGIONS);
      withoutOrganizations.Statement[0]!.NotAction = withoutOrganizations.Statement[0]!.NotAction.filter((action) => action !== 'organizations:*');
      const strict = await env.user('eu-org-strict', [ADMIN, withoutOrganizations]);
      const denied = await awsFails(['organizations', 'describe-organization'], strict, 'eu-west-1');
      assert.deepEqual([denied.code, denied.operation], ['AccessDeniedException', 'DescribeOrganization']);
      assert.match(denied.message, new RegExp(`^User: ${strict.arn} is not authorized to perform: organizations:DescribeOrganization .*with an explicit deny in an identity-based policy$`));
    });
  });
});

describe('"Configuring MFA-protected API access": aws:MultiFactorAuthAge under 3600 seconds', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { clock });
  });
  after(async () => server?.stop());

  /** An IAM client whose signatures carry the server's (moved) time, as a client with a synchronized clock would (one per call). */
  const iamAt = (credentials: Credentials) => new IAMClient({
    endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: clock.now().getTime() - Date.now(),
  });

  test('allowed within an hour of the MFA sign-in, not after; never with the long-term key', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'sofia' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'sofia', PolicyName: 'RecentMfa',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }],
      }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'sofia' }))).AccessKey!;
    const user = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'sofia' }));
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const serial = device.VirtualMFADevice!.SerialNumber!;
    await iam.send(new EnableMFADeviceCommand({ UserName: 'sofia', SerialNumber: serial, AuthenticationCode1: totp(seed, clock.now(), -1), AuthenticationCode2: totp(seed, clock.now()) }));
    const arn = `arn:aws:iam::${server.accountId}:user/sofia`;

    // The key is absent for long-term credentials: the NumericLessThan does not hold.
    const longTerm = await awsError(() => iamAt(user).send(new ListUsersCommand({})));
    assert.deepEqual([longTerm.name, longTerm.message], ['AccessDenied', noAllow(arn, 'iam:ListUsers', `arn:aws:iam::${server.accountId}:user/`)]);

    clock.advanceSeconds(30);
    const signedIn = (await server.sts(user).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totp(seed, clock.now()) }))).Credentials!;
    const mfa = { accessKeyId: signedIn.AccessKeyId!, secretAccessKey: signedIn.SecretAccessKey!, sessionToken: signedIn.SessionToken! };
    assert.ok((await iamAt(mfa).send(new ListUsersCommand({}))).Users);
    clock.advanceSeconds(3599);
    assert.ok((await iamAt(mfa).send(new ListUsersCommand({}))).Users, '3599 seconds after');
    clock.advanceSeconds(1);
    const stale = await awsError(() => iamAt(mfa).send(new ListUsersCommand({})));
    assert.deepEqual([stale.name, stale.message], ['AccessDenied', noAllow(arn, 'iam:ListUsers', `arn:aws:iam::${server.accountId}:user/`)], '3600 seconds after: no longer less than 3600');
  });

  test('Knowledge Center "use MFA with the AWS CLI": Bool does not deny long-term keys (the key is absent); BoolIfExists does', async () => {
    // A new client per call: the SDK would "correct" its clock from the answer's Date header.
    const admin = () => iamAt(server.root);
    const block = (operator: 'Bool' | 'BoolIfExists') => JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        {
          Sid: 'BlockMostAccessUnlessSignedInWithMFA', Effect: 'Deny',
          NotAction: [
            'iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice', 'iam:ListVirtualMFADevices', 'iam:EnableMFADevice', 'iam:ResyncMFADevice',
            'iam:ListAccountAliases', 'iam:ListUsers', 'iam:ListSSHPublicKeys', 'iam:ListAccessKeys', 'iam:ListServiceSpecificCredentials',
            'iam:ListMFADevices', 'iam:GetAccountSummary', 'sts:GetSessionToken',
          ],
          Resource: '*',
          Condition: { [operator]: { 'aws:MultiFactorAuthPresent': 'false', 'aws:ViaAWSService': 'false' } },
        },
      ],
    });
    const keyOf = async (name: string, operator: 'Bool' | 'BoolIfExists') => {
      await admin().send(new CreateUserCommand({ UserName: name }));
      await admin().send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'Block', PolicyDocument: block(operator) }));
      const key = (await admin().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    };
    // "The policy works with the console but not with the AWS CLI": the long-term key is not denied.
    const loose = await keyOf('cli-loose', 'Bool');
    assert.equal((await iamAt(loose).send(new GetUserCommand({}))).User!.UserName, 'cli-loose');
    // With IfExists the missing key makes the condition true: denied.
    const strict = await keyOf('cli-strict', 'BoolIfExists');
    const arn = `arn:aws:iam::${server.accountId}:user/cli-strict`;
    const refused = await awsError(() => iamAt(strict).send(new GetUserCommand({})));
    assert.deepEqual([refused.name, refused.message], ['AccessDenied', explicitDeny(arn, 'iam:GetUser', arn)]);
    // Listed actions stay allowed.
    assert.ok((await iamAt(strict).send(new ListUsersCommand({}))).Users);
  });
});
