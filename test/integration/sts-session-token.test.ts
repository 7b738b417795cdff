import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, ListUsersCommand,
  PutUserPolicyCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, type GetSessionTokenCommandInput } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:GetSessionToken through the AWS SDK: temporary credentials for an IAM user or the root
 * user, needing no permission, with MFA when a code is given, refused to temporary
 * credentials; durations with AWS's limits.
 */

const NOW = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000) * 1000;
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('sts:GetSessionToken', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  async function userWith(name: string, statements?: object[]): Promise<{ arn: string; id: string; credentials: Credentials }> {
    const user = await root.send(new CreateUserCommand({ UserName: name }));
    if (statements) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.User!.Arn!, id: user.User!.UserId!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }
  const sessionToken = (credentials: Credentials, input: GetSessionTokenCommandInput = {}) => server.sts(credentials).send(new GetSessionTokenCommand(input));

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test('an IAM user without any policy gets credentials that act as itself', async () => {
    const user = await userWith('plain');
    const out = await sessionToken(user.credentials);
    assert.deepEqual(Object.keys(out).filter((k) => k !== '$metadata'), ['Credentials'], 'only Credentials');
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.Credentials!.SecretAccessKey!.length, 40);
    assert.equal(out.Credentials!.Expiration!.getTime(), NOW_SECONDS + 43_200_000, 'twelve hours by default');
    const who = await server.sts(asCredentials(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId, who.Account], [user.arn, user.id, account]);
  });

  test('DurationSeconds from 900 to 129,600', async () => {
    const user = await userWith('timed');
    assert.equal((await sessionToken(user.credentials, { DurationSeconds: 900 })).Credentials!.Expiration!.getTime(), NOW_SECONDS + 900_000);
    assert.equal((await sessionToken(user.credentials, { DurationSeconds: 129_600 })).Credentials!.Expiration!.getTime(), NOW_SECONDS + 129_600_000);
    const under = await awsError(() => sessionToken(user.credentials, { DurationSeconds: 899 }));
    assert.equal(under.name, 'ValidationError');
    assert.equal(under.message, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    const over = await awsError(() => sessionToken(user.credentials, { DurationSeconds: 129_601 }));
    assert.equal(over.message, "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600");
  });

  test('the root user\'s sessions last at most an hour', async () => {
    const byDefault = await sessionToken(server.root);
    assert.equal(byDefault.Credentials!.Expiration!.getTime(), NOW_SECONDS + 3600_000);
    const asked = await sessionToken(server.root, { DurationSeconds: 129_600 });
    assert.equal(asked.Credentials!.Expiration!.getTime(), NOW_SECONDS + 3600_000, 'cut to an hour, not refused');
    assert.equal((await sessionToken(server.root, { DurationSeconds: 1200 })).Credentials!.Expiration!.getTime(), NOW_SECONDS + 1200_000);
    const who = await server.sts(asCredentials(byDefault.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${account}:root`);
  });

  test('temporary credentials cannot call it', async () => {
    const user = await userWith('nested', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const session = asCredentials((await sessionToken(user.credentials)).Credentials);
    const again = await awsError(() => sessionToken(session));
    assert.equal(again.name, 'AccessDenied');
    assert.equal(again.status, 403);
    assert.equal(again.message, 'Cannot call GetSessionToken with session credentials');

    await root.send(new CreateRoleCommand({ RoleName: 'Hop', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]) }));
    const role = await server.sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Hop`, RoleSessionName: 'hop' }));
    const fromRole = await awsError(() => sessionToken(asCredentials(role.Credentials)));
    assert.equal(fromRole.message, 'Cannot call GetSessionToken with session credentials');
  });

  test('credentials made without MFA calling IAM: InvalidClientTokenId, whatever the user\'s policies allow', async () => {
    const user = await userWith('no-mfa-admin', [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }]);
    assert.ok((await server.iam(user.credentials).send(new ListUsersCommand({}))).Users, 'the long-term keys may call IAM');
    const session = asCredentials((await sessionToken(user.credentials)).Credentials);
    const refused = await awsError(() => server.iam(session).send(new ListUsersCommand({})));
    assert.deepEqual(
      { name: refused.name, message: refused.message, status: refused.status },
      { name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', status: 403 },
    );
    const create = await awsError(() => server.iam(session).send(new CreateUserCommand({ UserName: 'made-by-session' })));
    assert.equal(create.name, 'InvalidClientTokenId');
    // The same credentials still work outside IAM.
    assert.equal((await server.sts(session).send(new GetCallerIdentityCommand({}))).Arn, user.arn);
    // A root user's session is held to the same rule.
    const rootSession = asCredentials((await sessionToken(server.root)).Credentials);
    assert.equal((await awsError(() => server.iam(rootSession).send(new ListUsersCommand({})))).name, 'InvalidClientTokenId');
  });

  describe('with MFA', () => {
    let seed: string;
    let serial: string;
    let user: { arn: string; id: string; credentials: Credentials };
    const step = () => timeStepAt(clock.now());

    before(async () => {
      user = await userWith('mfa-holder', [
        { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      ]);
      const device = await root.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-holder' }));
      seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
      serial = device.VirtualMFADevice!.SerialNumber!;
      await root.send(new EnableMFADeviceCommand({ UserName: 'mfa-holder', SerialNumber: serial, AuthenticationCode1: codeAt(seed, step() - 2), AuthenticationCode2: codeAt(seed, step() - 1) }));
    });

    test('a valid code makes an MFA session: what needs MFA is allowed, and the code is used up', async () => {
      assert.equal((await awsError(() => server.iam(user.credentials).send(new ListUsersCommand({})))).name, 'AccessDenied', 'long-term keys carry no MFA');
      const plain = asCredentials((await sessionToken(user.credentials)).Credentials);
      const withoutMfa = await awsError(() => server.iam(plain).send(new ListUsersCommand({})));
      assert.deepEqual([withoutMfa.name, withoutMfa.status], ['InvalidClientTokenId', 403], 'a session without MFA');

      const code = codeAt(seed, step());
      const mfa = asCredentials((await sessionToken(user.credentials, { SerialNumber: serial, TokenCode: code })).Credentials);
      assert.ok((await server.iam(mfa).send(new ListUsersCommand({}))).Users);
      const replay = await awsError(() => sessionToken(user.credentials, { SerialNumber: serial, TokenCode: code }));
      assert.equal(replay.name, 'AccessDenied');
      assert.equal(replay.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    });

    test('an MFA session passes its MFA on to the roles it assumes', async () => {
      await root.send(new CreateRoleCommand({
        RoleName: 'MfaOnly',
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]),
      }));
      const roleArn = `arn:aws:iam::${account}:role/MfaOnly`;
      assert.equal((await awsError(() => server.sts(user.credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'no-mfa' })))).name, 'AccessDenied');
      const mfa = asCredentials((await sessionToken(user.credentials, { SerialNumber: serial, TokenCode: codeAt(seed, step() + 1) })).Credentials);
      const out = await server.sts(mfa).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'with-mfa' }));
      assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/MfaOnly/with-mfa`);
    });

    test('AWS\'s errors for a wrong code, a stranger\'s device and malformed values', async () => {
      const future = codeAt(seed, step() + 5);
      const wrong = await awsError(() => sessionToken(user.credentials, { SerialNumber: serial, TokenCode: future }));
      assert.equal(wrong.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      const unknown = await awsError(() => sessionToken(user.credentials, { SerialNumber: `arn:aws:iam::${account}:mfa/nobody`, TokenCode: '123456' }));
      assert.equal(unknown.name, 'AccessDenied');
      assert.equal(unknown.message, 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
      const stranger = await userWith('stranger');
      const borrowed = await awsError(() => sessionToken(stranger.credentials, { SerialNumber: serial, TokenCode: '123456' }));
      assert.equal(borrowed.message, unknown.message);
      const noCode = await awsError(() => sessionToken(user.credentials, { SerialNumber: serial }));
      assert.equal(noCode.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      const letters = await awsError(() => sessionToken(user.credentials, { SerialNumber: serial, TokenCode: 'abcdef' }));
      assert.equal(letters.name, 'ValidationError');
      assert.equal(letters.message, "1 validation error detected: Value 'abcdef' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*");
      const shortSerial = await awsError(() => sessionToken(user.credentials, { SerialNumber: 'arn:x', TokenCode: '123456' }));
      assert.equal(shortSerial.name, 'ValidationError');
    });
  });
});
