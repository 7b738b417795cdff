import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, PutUserPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Where a sweep of STS with the aws CLI and boto3 found Tessera answering otherwise than AWS:
 * each test pins AWS's answer.
 */

// Ten seconds into a TOTP step, at the real time (SigV4 refuses a skew over 15 minutes).
const NOW = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
const UNKNOWN_DEVICE = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

describe('STS fidelity sweep', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  async function userWith(name: string, statements: object[]): Promise<{ arn: string; credentials: Credentials }> {
    const user = await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.User!.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  async function roleWith(name: string, condition?: object): Promise<string> {
    const trust = [{
      Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'],
      ...(condition ? { Condition: condition } : {}),
    }];
    return (await root.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc(trust) }))).Role!.Arn!;
  }

  const mayAssume = [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:GetFederationToken'], Resource: '*' }];
  const assume = (credentials: Credentials, input: AssumeRoleCommandInput) => server.sts(credentials).send(new AssumeRoleCommand(input));

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  describe('AssumeRole with MFA into a role whose trust policy requires it', () => {
    let seed: string;
    let serial: string;
    let caller: { arn: string; credentials: Credentials };
    let role: string;
    const step = () => timeStepAt(clock.now());

    before(async () => {
      caller = await userWith('mfa-sweep', mayAssume);
      const device = await root.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-sweep' }));
      seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
      serial = device.VirtualMFADevice!.SerialNumber!;
      await root.send(new EnableMFADeviceCommand({ UserName: 'mfa-sweep', SerialNumber: serial, AuthenticationCode1: codeAt(seed, step() - 2), AuthenticationCode2: codeAt(seed, step() - 1) }));
      role = await roleWith('RequiresMfa', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    });

    // AWS checks the code before the trust policy: a mistyped or reused code reads as an MFA
    // failure (aws/aws-cli#2279: assume-role in a loop with one code; 99designs/aws-vault#676: a
    // serial of another account), not as "not authorized to perform: sts:AssumeRole".
    test('a wrong code is AWS\'s MFA error, not a trust-policy denial', async () => {
      const current = codeAt(seed, step());
      const wrong = [current, codeAt(seed, step() - 1), codeAt(seed, step() + 1)].includes('123456') ? '654321' : '123456';
      const err = await awsError(() => assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: wrong }));
      assert.deepEqual([err.name, err.status, err.message], ['AccessDenied', 403, INVALID_CODE]);
    });

    test('a code used once is refused the second time with the MFA error', async () => {
      const code = codeAt(seed, step());
      const out = await assume(caller.credentials, { RoleArn: role, RoleSessionName: 'first', SerialNumber: serial, TokenCode: code });
      const who = await server.sts(asCredentials(out.Credentials)).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:sts::${account}:assumed-role/RequiresMfa/first`);
      const replay = await awsError(() => assume(caller.credentials, { RoleArn: role, RoleSessionName: 'again', SerialNumber: serial, TokenCode: code }));
      assert.deepEqual([replay.name, replay.status, replay.message], ['AccessDenied', 403, INVALID_CODE]);
      clock.advanceSeconds(30);
    });

    test('a serial number that is not the caller\'s device, or a code without one, is the unknown-device error', async () => {
      const code = codeAt(seed, step());
      const unknown = await awsError(() => assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', SerialNumber: `arn:aws:iam::${account}:mfa/nobody`, TokenCode: code }));
      assert.deepEqual([unknown.name, unknown.status, unknown.message], ['AccessDenied', 403, UNKNOWN_DEVICE]);
      const noSerial = await awsError(() => assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', TokenCode: code }));
      assert.deepEqual([noSerial.name, noSerial.message], ['AccessDenied', UNKNOWN_DEVICE]);
      const other = await userWith('not-the-owner', mayAssume);
      const borrowed = await awsError(() => assume(other.credentials, { RoleArn: role, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: code }));
      assert.deepEqual([borrowed.name, borrowed.message], ['AccessDenied', UNKNOWN_DEVICE]);
      // None of these consumed the code: its owner still gets in with it.
      assert.ok((await assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: code })).Credentials);
      clock.advanceSeconds(30);
    });
  });

  describe('session tags with the reserved aws: prefix', () => {
    const reserved = (key: string) => `The tag key ${key} uses the reserved prefix 'aws:'. Tag keys cannot start with 'aws:'.`;

    test('AssumeRole refuses them, in any case', async () => {
      const role = await roleWith('Tagged');
      const caller = await userWith('tagger', mayAssume);
      for (const key of ['aws:PrincipalArn', 'AWS:team']) {
        const err = await awsError(() => assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', Tags: [{ Key: 'team', Value: 'a' }, { Key: key, Value: 'forged' }] }));
        assert.deepEqual([err.name, err.status, err.message], ['InvalidParameterValue', 400, reserved(key)]);
      }
      const ok = await assume(caller.credentials, { RoleArn: role, RoleSessionName: 'sess', Tags: [{ Key: 'team:aws', Value: 'a' }] });
      assert.ok(ok.Credentials, 'a key that only contains the prefix is a tag like any other');
    });

    test('GetFederationToken refuses them', async () => {
      const broker = await userWith('fed-tagger', mayAssume);
      const err = await awsError(() => server.sts(broker.credentials).send(new GetFederationTokenCommand({ Name: 'bob', Tags: [{ Key: 'aws:userid', Value: 'x' }] })));
      assert.deepEqual([err.name, err.status, err.message], ['InvalidParameterValue', 400, reserved('aws:userid')]);
    });
  });
});
