import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangePasswordCommand, CreateLoginProfileCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand,
  DeleteAccountPasswordPolicyCommand, DeleteLoginProfileCommand, DeleteUserCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GetAccountPasswordPolicyCommand, GetLoginProfileCommand, GetMFADeviceCommand, ListMFADevicesCommand, ListMFADeviceTagsCommand,
  ListVirtualMFADevicesCommand, ResyncMFADeviceCommand, TagMFADeviceCommand, UntagMFADeviceCommand, UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { generateSync } from 'otplib';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import type { OperationContext } from '../../src/kernel/operation.ts';
import type { Principal } from '../../src/kernel/principal.ts';
import { Kind } from '../../src/iam/kinds.ts';
import type { UserData } from '../../src/iam/records.ts';
import { handlers } from '../../src/iam/credentials/handlers.ts';
import { verifyUserPassword } from '../../src/iam/credentials/verify-password.ts';
import { verifyMfaCode } from '../../src/iam/credentials/mfa-verify.ts';
import { passwordSelfServiceGrant } from '../../src/iam/credentials/self-service-grant.ts';
import { otpauthUri, qrCodePng } from '../../src/iam/credentials/mfa-qr.ts';
import type { LoginProfileData, MfaDeviceData } from '../../src/iam/credentials/records.ts';
import { compilePolicy, evaluate } from '../../src/policy/index.ts';

/**
 * Console passwords, the account password policy and virtual MFA devices, through the AWS SDK
 * against a live server whose clock the test holds (so TOTP codes can be computed for any
 * moment). ChangePassword acts on the calling IAM user; until IAM users can be granted
 * permissions over the wire, its user path is exercised through the handler with a user
 * principal, against the same server's store.
 */

const STEP = 30;
// Ten seconds into a TOTP step, close to the real time so SigV4's clock-skew check passes.
const START = new Date(Math.floor(Date.now() / 1000 / STEP) * STEP * 1000 + 10_000);

function codeAt(seed: string, step: number): string {
  return generateSync({ secret: seed, epoch: step * STEP });
}

describe('IAM credentials through the AWS SDK', () => {
  let server: TestServer;
  const clock = new FixedClock(START);
  const step = () => Math.floor(clock.now().getTime() / 1000 / STEP);

  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, mfaDevicesPerUser: 2 } }, { clock });
  });
  after(async () => server.stop());

  async function storedUser(name: string) {
    const user = await server.tessera.deps.store.getByName<UserData>(server.accountId, Kind.user, name);
    assert.ok(user, `user ${name}`);
    return user;
  }

  function userContext(user: { id: string; name: string }): OperationContext {
    const deps = server.tessera.deps;
    const principal: Principal = {
      kind: 'user', accountId: server.accountId, arn: `arn:aws:iam::${server.accountId}:user/${user.name}`, userId: user.id,
      name: user.name, tags: {}, accessKeyId: 'AKIAUNUSEDINTHISTEST',
    };
    return { store: deps.store, secrets: deps.secrets, clock, random: deps.random, quotas: deps.quotas, policyCache: deps.policyCache, sessions: deps.sessions, principal, requestId: 'test', region: 'us-east-1' };
  }

  describe('login profiles', () => {
    test('CreateLoginProfile stores only a scrypt hash and answers with the profile', async () => {
      const iam = server.iam();
      await iam.send(new CreateUserCommand({ UserName: 'pat' }));
      const out = await iam.send(new CreateLoginProfileCommand({ UserName: 'PAT', Password: 'Correct-Horse-9', PasswordResetRequired: true }));
      assert.equal(out.LoginProfile?.UserName, 'pat');
      assert.equal(out.LoginProfile?.PasswordResetRequired, true);
      assert.equal(out.LoginProfile?.CreateDate?.getTime(), clock.now().getTime() - (clock.now().getTime() % 1000));
      const user = await storedUser('pat');
      const profile = await server.tessera.deps.store.get<LoginProfileData>(Kind.loginProfile, user.id);
      assert.ok(profile);
      assert.match(profile.data.hash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      assert.ok(!JSON.stringify(profile.data).includes('Correct-Horse-9'), 'the password is never stored');
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'Correct-Horse-9'), true);
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'correct-horse-9'), false);
    });

    test('a second profile is EntityAlreadyExists; unknown users and missing profiles are NoSuchEntity', async () => {
      const iam = server.iam();
      const again = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'pat', Password: 'Other-Horse-9' })));
      assert.equal(again.name, 'EntityAlreadyExistsException');
      assert.equal(again.status, 409);
      assert.equal(again.message, 'Login Profile for user pat already exists.');
      const noUser = await awsError(() => iam.send(new GetLoginProfileCommand({ UserName: 'nobody' })));
      assert.equal(noUser.name, 'NoSuchEntityException');
      assert.equal(noUser.message, 'The user with name nobody cannot be found.');
      await iam.send(new CreateUserCommand({ UserName: 'no-console' }));
      const none = await awsError(() => iam.send(new GetLoginProfileCommand({ UserName: 'no-console' })));
      assert.equal(none.name, 'NoSuchEntityException');
      assert.equal(none.status, 404);
      assert.equal(none.message, 'Login Profile for User no-console cannot be found.');
      assert.equal((await awsError(() => iam.send(new DeleteLoginProfileCommand({ UserName: 'no-console' })))).name, 'NoSuchEntityException');
      const missing = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'no-console' })));
      assert.equal(missing.name, 'ValidationError');
      assert.equal(missing.message, "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
    });

    test("without a password policy, AWS's default applies: 8 characters and three character types", async () => {
      const iam = server.iam();
      const short = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'no-console', Password: 'Ab1!' })));
      assert.equal(short.name, 'PasswordPolicyViolationException');
      assert.equal(short.status, 400);
      assert.equal(short.message, 'Password should have a minimum length of 8');
      const twoKinds = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'no-console', Password: 'lowercase-only' })));
      assert.equal(twoKinds.name, 'PasswordPolicyViolationException');
      assert.match(twoKinds.message, /at least three of the following character types/);
      assert.equal((await awsError(() => iam.send(new GetLoginProfileCommand({ UserName: 'no-console' })))).name, 'NoSuchEntityException', 'nothing half-written');
    });

    test('UpdateLoginProfile changes the reset flag alone, or the password', async () => {
      const iam = server.iam();
      await iam.send(new UpdateLoginProfileCommand({ UserName: 'pat', PasswordResetRequired: false }));
      assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: 'pat' }))).LoginProfile?.PasswordResetRequired, false);
      await iam.send(new UpdateLoginProfileCommand({ UserName: 'pat', Password: 'Battery-Staple-7' }));
      const user = await storedUser('pat');
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'Battery-Staple-7'), true);
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'Correct-Horse-9'), false);
      assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: 'pat' }))).LoginProfile?.PasswordResetRequired, false, 'flag kept');
      const noProfile = await awsError(() => iam.send(new UpdateLoginProfileCommand({ UserName: 'no-console', Password: 'Battery-Staple-7' })));
      assert.equal(noProfile.name, 'NoSuchEntityException');
    });

    test('DeleteUser is refused while the user has a login profile', async () => {
      const iam = server.iam();
      await iam.send(new CreateUserCommand({ UserName: 'leaver' }));
      await iam.send(new CreateLoginProfileCommand({ UserName: 'leaver', Password: 'Leaving-Soon-1' }));
      const conflict = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'leaver' })));
      assert.equal(conflict.name, 'DeleteConflictException');
      assert.equal(conflict.status, 409);
      assert.equal(conflict.message, 'Cannot delete entity, must delete login profile first.');
      await iam.send(new DeleteLoginProfileCommand({ UserName: 'leaver' }));
      await iam.send(new DeleteUserCommand({ UserName: 'leaver' }));
    });

    test('ChangePassword by the root user is InvalidUserType', async () => {
      const err = await awsError(() => server.iam().send(new ChangePasswordCommand({ OldPassword: 'x', NewPassword: 'Whatever-123' })));
      assert.equal(err.name, 'InvalidUserTypeException');
      assert.equal(err.status, 400);
    });

    test('ChangePassword checks the old password, applies the policy and clears the reset flag', async () => {
      const iam = server.iam();
      await iam.send(new CreateUserCommand({ UserName: 'changer' }));
      await iam.send(new CreateLoginProfileCommand({ UserName: 'changer', Password: 'First-Pass-11', PasswordResetRequired: true }));
      const user = await storedUser('changer');
      const ctx = userContext(user);
      await assert.rejects(handlers.ChangePassword({ OldPassword: 'Wrong-Pass-11', NewPassword: 'Second-Pass-22' }, ctx), { code: 'AccessDenied' });
      await assert.rejects(handlers.ChangePassword({ OldPassword: 'First-Pass-11', NewPassword: 'weak' }, ctx), { code: 'PasswordPolicyViolation' });
      await handlers.ChangePassword({ OldPassword: 'First-Pass-11', NewPassword: 'Second-Pass-22' }, ctx);
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'Second-Pass-22'), true);
      assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: 'changer' }))).LoginProfile?.PasswordResetRequired, false);
      await iam.send(new DeleteLoginProfileCommand({ UserName: 'changer' }));
      await assert.rejects(handlers.ChangePassword({ OldPassword: 'Second-Pass-22', NewPassword: 'Third-Pass-33' }, ctx), { code: 'NoSuchEntity' });
    });
  });

  describe('account password policy', () => {
    test('none at first: NoSuchEntity with AWS text', async () => {
      const err = await awsError(() => server.iam().send(new GetAccountPasswordPolicyCommand({})));
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.status, 404);
      assert.equal(err.message, `The Password Policy with domain name ${server.accountId} cannot be found.`);
    });

    test('an empty update sets the defaults; a full one replaces the whole policy', async () => {
      const iam = server.iam();
      await iam.send(new UpdateAccountPasswordPolicyCommand({ RequireSymbols: true }));
      await iam.send(new UpdateAccountPasswordPolicyCommand({}));
      assert.deepEqual((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
        MinimumPasswordLength: 6, RequireSymbols: false, RequireNumbers: false, RequireUppercaseCharacters: false,
        RequireLowercaseCharacters: false, AllowUsersToChangePassword: false, ExpirePasswords: false,
      });
      await iam.send(new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true, MaxPasswordAge: 90, PasswordReusePrevention: 2, HardExpiry: false,
      }));
      assert.deepEqual((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy, {
        MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true, ExpirePasswords: true, MaxPasswordAge: 90, PasswordReusePrevention: 2, HardExpiry: false,
      });
      const invalid = await awsError(() => iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 5 })));
      assert.equal(invalid.name, 'ValidationError');
    });

    test('every password set is held to the policy, rule by rule', async () => {
      const iam = server.iam();
      await iam.send(new CreateUserCommand({ UserName: 'strict' }));
      const cases: Array<[string, string]> = [
        ['Sh0rt!pass', 'Password should have a minimum length of 12'],
        ['no-uppercase-123', 'Password should have at least one uppercase letter'],
        ['NO-LOWERCASE-123', 'Password should have at least one lowercase letter'],
        ['No-Numbers-Here', 'Password should have at least one number'],
        ['NoSymbolsHere123', 'Password should have at least one symbol'],
      ];
      for (const [password, message] of cases) {
        const err = await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'strict', Password: password })));
        assert.equal(err.name, 'PasswordPolicyViolationException', password);
        assert.equal(err.message, message, password);
      }
      // '~' is not one of AWS's symbols.
      assert.equal((await awsError(() => iam.send(new CreateLoginProfileCommand({ UserName: 'strict', Password: 'Tilde~Only~123' })))).message,
        'Password should have at least one symbol');
      await iam.send(new CreateLoginProfileCommand({ UserName: 'strict', Password: 'Good-Enough-1234' }));
    });

    test('MaxPasswordAge records when the password expires', async () => {
      const user = await storedUser('strict');
      const profile = await server.tessera.deps.store.get<LoginProfileData>(Kind.loginProfile, user.id);
      assert.ok(profile?.data.expiresAt);
      const days = (Date.parse(profile.data.expiresAt) - Date.parse(profile.data.changedAt)) / 86_400_000;
      assert.equal(days, 90);
    });

    test('PasswordReusePrevention refuses the current and previous passwords it remembers', async () => {
      const iam = server.iam();
      const reuse = (password: string) => iam.send(new UpdateLoginProfileCommand({ UserName: 'strict', Password: password }));
      const refused = await awsError(() => reuse('Good-Enough-1234'));
      assert.equal(refused.name, 'PasswordPolicyViolationException');
      assert.equal(refused.message, 'Password should not be one of your 2 previous passwords');
      await reuse('Second-Good-5678');
      assert.equal((await awsError(() => reuse('Good-Enough-1234'))).name, 'PasswordPolicyViolationException', 'still one of the last 2');
      await reuse('Third-Good-9012!');
      await reuse('Good-Enough-1234');
      const user = await storedUser('strict');
      assert.equal(await verifyUserPassword(server.tessera.deps.store, user, 'Good-Enough-1234'), true);
    });

    test('AllowUsersToChangePassword grants each IAM user iam:ChangePassword on itself only', async () => {
      const user = await storedUser('strict');
      const principal = userContext(user).principal;
      const grant = await passwordSelfServiceGrant(server.tessera.deps.store, principal);
      assert.ok(grant);
      const compiled = compilePolicy(grant.document, 'identity', grant.name);
      assert.ok(compiled.ok);
      const caller = { kind: 'user' as const, arn: principal.arn, accountId: server.accountId, name: user.name };
      const decide = (action: string, resource: string) => evaluate({ principal: caller, action, resource }, { identity: [compiled.policy] }).decision;
      assert.equal(decide('iam:ChangePassword', principal.arn), 'Allowed');
      assert.equal(decide('iam:GetAccountPasswordPolicy', '*'), 'Allowed');
      assert.notEqual(decide('iam:ChangePassword', `arn:aws:iam::${server.accountId}:user/pat`), 'Allowed');
      assert.notEqual(decide('iam:CreateUser', `arn:aws:iam::${server.accountId}:user/x`), 'Allowed');
      await server.iam().send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, AllowUsersToChangePassword: false }));
      assert.equal(await passwordSelfServiceGrant(server.tessera.deps.store, principal), undefined);
    });

    test('DeleteAccountPasswordPolicy removes it; a second delete is NoSuchEntity', async () => {
      const iam = server.iam();
      await iam.send(new DeleteAccountPasswordPolicyCommand({}));
      assert.equal((await awsError(() => iam.send(new GetAccountPasswordPolicyCommand({})))).name, 'NoSuchEntityException');
      const again = await awsError(() => iam.send(new DeleteAccountPasswordPolicyCommand({})));
      assert.equal(again.name, 'NoSuchEntityException');
      assert.equal(again.message, `The Password Policy with domain name ${server.accountId} cannot be found.`);
    });
  });

  describe('virtual MFA devices', () => {
    const seeds = new Map<string, string>();
    const serial = (path: string, name: string) => `arn:aws:iam::${server.accountId}:mfa${path}${name}`;

    async function createDevice(name: string, path = '/'): Promise<string> {
      const out = await server.iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Path: path }));
      const seed = new TextDecoder().decode(out.VirtualMFADevice!.Base32StringSeed!);
      seeds.set(out.VirtualMFADevice!.SerialNumber!, seed);
      return out.VirtualMFADevice!.SerialNumber!;
    }

    test('CreateVirtualMFADevice returns the serial ARN, a Base32 seed and the QR code of its otpauth URI', async () => {
      const out = await server.iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'pat-phone', Path: '/team/', Tags: [{ Key: 'kind', Value: 'phone' }] }));
      const device = out.VirtualMFADevice!;
      assert.equal(device.SerialNumber, serial('/team/', 'pat-phone'));
      const seed = new TextDecoder().decode(device.Base32StringSeed!);
      assert.match(seed, /^[A-Z2-7]{64}$/);
      assert.deepEqual(device.QRCodePNG, await qrCodePng(otpauthUri('pat-phone', server.accountId, seed)));
      assert.deepEqual(device.Tags, [{ Key: 'kind', Value: 'phone' }]);
      seeds.set(device.SerialNumber!, seed);
      // At rest the seed is sealed, bound to the serial number.
      const stored = await server.tessera.deps.store.get<MfaDeviceData>(Kind.mfaDevice, device.SerialNumber!.toLowerCase());
      assert.ok(stored && !JSON.stringify(stored.data).includes(seed));
      assert.equal(server.tessera.deps.secrets.open(stored.data.sealedSeed, device.SerialNumber!), seed);
      const other = await createDevice('pat-phone', '/elsewhere/');
      assert.equal(other, serial('/elsewhere/', 'pat-phone'), 'the same name on another path is another device');
    });

    test('the same path and name, in any case, is EntityAlreadyExists', async () => {
      const err = await awsError(() => server.iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'PAT-phone', Path: '/team/' })));
      assert.equal(err.name, 'EntityAlreadyExistsException');
      assert.equal(err.status, 409);
      assert.equal(err.message, 'MFADevice entity at the same path and name already exists.');
    });

    test('EnableMFADevice needs two consecutive codes of the device', async () => {
      const iam = server.iam();
      const sn = serial('/team/', 'pat-phone');
      const seed = seeds.get(sn)!;
      const now = step();
      const wrong = [
        [codeAt(seed, now), codeAt(seed, now)],
        [codeAt(seed, now), codeAt(seed, now - 1)],
        [codeAt(seed, now - 2), codeAt(seed, now)],
        [codeAt(seed, now + 10), codeAt(seed, now + 11)],
        ['000000', '000000'],
      ];
      for (const [first, second] of wrong) {
        const err = await awsError(() => iam.send(new EnableMFADeviceCommand({ UserName: 'pat', SerialNumber: sn, AuthenticationCode1: first, AuthenticationCode2: second })));
        assert.equal(err.name, 'InvalidAuthenticationCodeException', `${first} ${second}`);
        assert.equal(err.status, 403);
        assert.equal(err.message, 'Authentication code for device is not valid.');
      }
      await iam.send(new EnableMFADeviceCommand({ UserName: 'pat', SerialNumber: sn.toUpperCase().replace('ARN:AWS:IAM', 'arn:aws:iam'), AuthenticationCode1: codeAt(seed, now - 1), AuthenticationCode2: codeAt(seed, now) }));
      const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'pat' }));
      assert.deepEqual(listed.MFADevices, [{ UserName: 'pat', SerialNumber: sn, EnableDate: new Date(START.getTime() - (START.getTime() % 1000)) }]);
      const got = await iam.send(new GetMFADeviceCommand({ UserName: 'pat', SerialNumber: sn }));
      assert.equal(got.SerialNumber, sn);
      assert.equal(got.UserName, 'pat');
    });

    test('a device enabled for one user cannot be enabled for another, nor deleted, and blocks DeleteUser', async () => {
      const iam = server.iam();
      const sn = serial('/team/', 'pat-phone');
      const seed = seeds.get(sn)!;
      const now = step();
      const inUse = await awsError(() => iam.send(new EnableMFADeviceCommand({ UserName: 'strict', SerialNumber: sn, AuthenticationCode1: codeAt(seed, now), AuthenticationCode2: codeAt(seed, now + 1) })));
      assert.equal(inUse.name, 'EntityAlreadyExistsException');
      assert.equal(inUse.message, 'MFA Device is already in use.');
      const del = await awsError(() => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: sn })));
      assert.equal(del.name, 'DeleteConflictException');
      await iam.send(new DeleteLoginProfileCommand({ UserName: 'pat' }));
      const userDel = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'pat' })));
      assert.equal(userDel.name, 'DeleteConflictException');
      assert.equal(userDel.message, 'Cannot delete entity, must delete MFA device first.');
    });

    test('ListVirtualMFADevices filters by assignment status and pages', async () => {
      const iam = server.iam();
      for (const name of ['spare-a', 'spare-b', 'spare-c']) await createDevice(name);
      const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
      assert.deepEqual(assigned.VirtualMFADevices?.map((d) => d.SerialNumber), [serial('/team/', 'pat-phone')]);
      assert.equal(assigned.VirtualMFADevices?.[0]?.User?.UserName, 'pat');
      assert.ok(assigned.VirtualMFADevices?.[0]?.EnableDate instanceof Date);
      const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
      assert.deepEqual(unassigned.VirtualMFADevices?.map((d) => d.SerialNumber).sort(),
        [serial('/', 'spare-a'), serial('/', 'spare-b'), serial('/', 'spare-c'), serial('/elsewhere/', 'pat-phone')].sort());
      assert.ok(unassigned.VirtualMFADevices?.every((d) => d.User === undefined && d.Base32StringSeed === undefined && d.QRCodePNG === undefined));
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 2, Marker: marker }));
        assert.ok((page.VirtualMFADevices?.length ?? 0) <= 2);
        seen.push(...page.VirtualMFADevices!.map((d) => d.SerialNumber!));
        marker = page.Marker;
      } while (marker);
      assert.equal(seen.length, 5);
      assert.equal(new Set(seen).size, 5);
      const assignedPaged = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned', MaxItems: 1 }));
      assert.equal(assignedPaged.IsTruncated, false);
    });

    test('a user may have at most the quota of MFA devices (LimitExceeded)', async () => {
      const iam = server.iam();
      const now = step();
      const enable = (sn: string) => iam.send(new EnableMFADeviceCommand({ UserName: 'pat', SerialNumber: sn, AuthenticationCode1: codeAt(seeds.get(sn)!, now - 1), AuthenticationCode2: codeAt(seeds.get(sn)!, now) }));
      await enable(serial('/', 'spare-a'));
      const err = await awsError(() => enable(serial('/', 'spare-b')));
      assert.equal(err.name, 'LimitExceededException');
      assert.equal(err.message, 'Cannot exceed quota for MFADevicesPerUser: 2');
      await iam.send(new DeactivateMFADeviceCommand({ UserName: 'pat', SerialNumber: serial('/', 'spare-a') }));
      // The codes that enabled it are spent, the second one included: enabling again needs newer ones.
      const replay = await awsError(() => enable(serial('/', 'spare-a')));
      assert.equal(replay.name, 'InvalidAuthenticationCodeException');
      const seed = seeds.get(serial('/', 'spare-a'))!;
      const reenable = (first: number) => iam.send(new EnableMFADeviceCommand({ UserName: 'pat', SerialNumber: serial('/', 'spare-a'), AuthenticationCode1: codeAt(seed, first), AuthenticationCode2: codeAt(seed, first + 1) }));
      assert.equal((await awsError(() => reenable(now))).name, 'InvalidAuthenticationCodeException');
      await reenable(now + 1);
      await iam.send(new DeactivateMFADeviceCommand({ UserName: 'pat', SerialNumber: serial('/', 'spare-a') }));
    });

    test('verifyMfaCode accepts a current code once, for the device holder only', async () => {
      const deps = server.tessera.deps;
      const sn = serial('/team/', 'pat-phone');
      const seed = seeds.get(sn)!;
      const pat = await storedUser('pat');
      clock.advanceSeconds(STEP);
      const code = codeAt(seed, step());
      const verify = (userId: string, c: string) => verifyMfaCode(deps.store, deps.secrets, server.accountId, sn, userId, c, clock.now());
      assert.equal(await verify((await storedUser('strict')).id, code), false, 'another user');
      assert.equal(await verify(pat.id, codeAt(seed, step() + 5)), false, 'a code from the future');
      assert.equal(await verify(pat.id, code), true);
      assert.equal(await verify(pat.id, code), false, 'replayed');
      assert.equal(await verify(pat.id, codeAt(seed, step() - 1)), false, 'older than the last accepted');
      // The serial number is matched regardless of case; the next step's code is accepted once.
      const later = new Date(clock.now().getTime() + STEP * 1000);
      const next = codeAt(seed, step() + 1);
      assert.equal(await verifyMfaCode(deps.store, deps.secrets, server.accountId, sn.toUpperCase(), pat.id, next, later), true);
      assert.equal(await verifyMfaCode(deps.store, deps.secrets, server.accountId, sn, pat.id, next, later), false);
      assert.equal(await verify(pat.id, 'not-a-code'), false);
    });

    test('ResyncMFADevice learns a drifting clock; codes already used are refused', async () => {
      const iam = server.iam();
      const deps = server.tessera.deps;
      const sn = serial('/team/', 'pat-phone');
      const seed = seeds.get(sn)!;
      clock.advanceSeconds(3 * STEP);
      const ahead = step() + 8;
      const resync = (first: string, second: string) => iam.send(new ResyncMFADeviceCommand({ UserName: 'pat', SerialNumber: sn, AuthenticationCode1: first, AuthenticationCode2: second }));
      assert.equal((await awsError(() => resync(codeAt(seed, ahead), codeAt(seed, ahead + 2)))).name, 'InvalidAuthenticationCodeException');
      await resync(codeAt(seed, ahead - 1), codeAt(seed, ahead));
      assert.equal((await awsError(() => resync(codeAt(seed, ahead - 1), codeAt(seed, ahead)))).name, 'InvalidAuthenticationCodeException', 'replayed pair');
      const pat = await storedUser('pat');
      clock.advanceSeconds(STEP);
      // The device runs 8 steps ahead: its current code is accepted, the server-time code is not.
      assert.equal(await verifyMfaCode(deps.store, deps.secrets, server.accountId, sn, pat.id, codeAt(seed, step()), clock.now()), false);
      assert.equal(await verifyMfaCode(deps.store, deps.secrets, server.accountId, sn, pat.id, codeAt(seed, step() + 8), clock.now()), true);
      const notHis = await awsError(() => iam.send(new ResyncMFADeviceCommand({ UserName: 'strict', SerialNumber: sn, AuthenticationCode1: '123456', AuthenticationCode2: '654321' })));
      assert.equal(notHis.name, 'NoSuchEntityException');
    });

    test('tags on devices: tag, list, untag; unknown serials are NoSuchEntity', async () => {
      const iam = server.iam();
      const sn = serial('/team/', 'pat-phone');
      await iam.send(new TagMFADeviceCommand({ SerialNumber: sn, Tags: [{ Key: 'KIND', Value: 'tablet' }, { Key: 'owner', Value: 'pat' }] }));
      assert.deepEqual((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: sn }))).Tags, [{ Key: 'KIND', Value: 'tablet' }, { Key: 'owner', Value: 'pat' }]);
      await iam.send(new UntagMFADeviceCommand({ SerialNumber: sn, TagKeys: ['kind'] }));
      assert.deepEqual((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: sn }))).Tags, [{ Key: 'owner', Value: 'pat' }]);
      const unknown = serial('/', 'no-such-device');
      const err = await awsError(() => iam.send(new ListMFADeviceTagsCommand({ SerialNumber: unknown })));
      assert.equal(err.name, 'NoSuchEntityException');
      assert.equal(err.message, `VirtualMFADevice with serial number ${unknown} doesn't exist.`);
    });

    test('DeactivateMFADevice unassigns; then the device can be deleted', async () => {
      const iam = server.iam();
      const sn = serial('/team/', 'pat-phone');
      const wrongUser = await awsError(() => iam.send(new DeactivateMFADeviceCommand({ UserName: 'strict', SerialNumber: sn })));
      assert.equal(wrongUser.name, 'NoSuchEntityException');
      await iam.send(new DeactivateMFADeviceCommand({ UserName: 'pat', SerialNumber: sn }));
      assert.deepEqual((await iam.send(new ListMFADevicesCommand({ UserName: 'pat' }))).MFADevices, []);
      assert.equal((await awsError(() => iam.send(new GetMFADeviceCommand({ UserName: 'pat', SerialNumber: sn })))).name, 'NoSuchEntityException');
      assert.equal((await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }))).VirtualMFADevices?.length, 0);
      await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: sn }));
      const gone = await awsError(() => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: sn })));
      assert.equal(gone.name, 'NoSuchEntityException');
      await iam.send(new DeleteUserCommand({ UserName: 'pat' }));
    });
  });
});
