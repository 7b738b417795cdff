import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateAccountAliasCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, DeleteAccountAliasCommand,
  EnableMFADeviceCommand, GetAccountSummaryCommand, ListAccountAliasesCommand,
} from '@aws-sdk/client-iam';
import { generateSync } from 'otplib';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { isoSeconds } from '../../src/kernel/clock.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { Kind, Link } from '../../src/iam/kinds.ts';
import { otpauthUri, qrCodePng } from '../../src/iam/credentials/mfa-qr.ts';

/** Account aliases and GetAccountSummary through the AWS SDK against a live server. */

const ALL_SUMMARY_KEYS = [
  'Users', 'UsersQuota', 'Groups', 'GroupsQuota', 'ServerCertificates', 'ServerCertificatesQuota', 'UserPolicySizeQuota',
  'GroupPolicySizeQuota', 'GroupsPerUserQuota', 'SigningCertificatesPerUserQuota', 'AccessKeysPerUserQuota', 'MFADevices',
  'MFADevicesInUse', 'AccountMFAEnabled', 'AccountAccessKeysPresent', 'AccountPasswordPresent', 'AccountSigningCertificatesPresent',
  'AttachedPoliciesPerGroupQuota', 'AttachedPoliciesPerRoleQuota', 'AttachedPoliciesPerUserQuota', 'Policies', 'PoliciesQuota',
  'PolicySizeQuota', 'PolicyVersionsInUse', 'PolicyVersionsInUseQuota', 'VersionsPerPolicyQuota', 'GlobalEndpointTokenVersion',
  'AssumeRolePolicySizeQuota', 'InstanceProfiles', 'InstanceProfilesQuota', 'Providers', 'RolePolicySizeQuota', 'Roles', 'RolesQuota',
].sort();

describe('IAM account aliases and summary through the AWS SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, usersPerAccount: 40 } });
  });
  after(async () => server.stop());

  async function otherAccount() {
    const { store, secrets, clock, random } = server.tessera.deps;
    const created = await createAccount({ store, secrets, clock, random });
    return server.iam({ accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey });
  }

  describe('aliases', () => {
    test('an account starts without an alias, then has the one it creates', async () => {
      const iam = server.iam();
      const empty = await iam.send(new ListAccountAliasesCommand({}));
      assert.deepEqual(empty.AccountAliases, []);
      assert.equal(empty.IsTruncated, false);
      await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'tessera-example' }));
      assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, ['tessera-example']);
      // Asking again for the same alias changes nothing.
      await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'tessera-example' }));
      assert.deepEqual((await iam.send(new ListAccountAliasesCommand({ MaxItems: 1 }))).AccountAliases, ['tessera-example']);
    });

    test('one alias per account: a second is LimitExceeded', async () => {
      const err = await awsError(() => server.iam().send(new CreateAccountAliasCommand({ AccountAlias: 'tessera-other' })));
      assert.equal(err.name, 'LimitExceededException');
      assert.equal(err.status, 409);
      assert.equal(err.message, 'Cannot exceed quota for AccountAliasesPerAccount: 1');
    });

    test('aliases are unique across accounts, and invisible to the others', async () => {
      const other = await otherAccount();
      const taken = await awsError(() => other.send(new CreateAccountAliasCommand({ AccountAlias: 'tessera-example' })));
      assert.equal(taken.name, 'EntityAlreadyExistsException');
      assert.equal(taken.status, 409);
      assert.equal(taken.message, 'The account alias tessera-example already exists.');
      assert.deepEqual((await other.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
      const notTheirs = await awsError(() => other.send(new DeleteAccountAliasCommand({ AccountAlias: 'tessera-example' })));
      assert.equal(notTheirs.name, 'NoSuchEntityException');
      assert.equal(notTheirs.status, 404);
    });

    test('the alias pattern comes from the model', async () => {
      const err = await awsError(() => server.iam().send(new CreateAccountAliasCommand({ AccountAlias: 'Bad_Alias' })));
      assert.equal(err.name, 'ValidationError');
    });

    test('virtual MFA QR codes name the account by its alias', async () => {
      const out = await server.iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alias-phone' }));
      const seed = new TextDecoder().decode(out.VirtualMFADevice!.Base32StringSeed!);
      assert.deepEqual(out.VirtualMFADevice!.QRCodePNG, await qrCodePng(otpauthUri('alias-phone', 'tessera-example', seed)));
    });

    test('DeleteAccountAlias removes it; deleting again is NoSuchEntity', async () => {
      const iam = server.iam();
      await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'tessera-example' }));
      assert.deepEqual((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases, []);
      const again = await awsError(() => iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'tessera-example' })));
      assert.equal(again.name, 'NoSuchEntityException');
      assert.equal(again.message, 'The account alias tessera-example cannot be found.');
    });

    test('two accounts racing for one free alias: exactly one holds it', async () => {
      const other = await otherAccount();
      const claims = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? other : server.iam()).send(new CreateAccountAliasCommand({ AccountAlias: 'tessera-race' }))));
      const refused = claims.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
      assert.ok(refused.every((c) => (c.reason as Error).name === 'EntityAlreadyExistsException'), 'losers are told it exists');
      const holders = [
        ...(await other.send(new ListAccountAliasesCommand({}))).AccountAliases!,
        ...(await server.iam().send(new ListAccountAliasesCommand({}))).AccountAliases!,
      ];
      assert.deepEqual(holders, ['tessera-race']);
      assert.equal(claims.length - refused.length >= 1, true);
    });
  });

  describe('GetAccountSummary', () => {
    test('every key AWS returns, with the quotas the server runs with', async () => {
      const summary = (await server.iam().send(new GetAccountSummaryCommand({}))).SummaryMap!;
      assert.deepEqual(Object.keys(summary).sort(), ALL_SUMMARY_KEYS);
      assert.equal(summary.UsersQuota, 40, 'configured with --quota');
      assert.equal(summary.AccessKeysPerUserQuota, 2);
      assert.equal(summary.GroupsQuota, 300);
      assert.equal(summary.PoliciesQuota, 1500);
      assert.equal(summary.PolicySizeQuota, 6144);
      assert.equal(summary.UserPolicySizeQuota, 2048);
      assert.equal(summary.GlobalEndpointTokenVersion, 1);
      assert.equal(summary.AccountAccessKeysPresent, 1, 'the root user has its access key');
      assert.equal(summary.AccountMFAEnabled, 0);
      assert.equal(summary.AccountPasswordPresent, 0);
    });

    test('counts follow the store', async () => {
      const iam = server.iam();
      const before = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
      await iam.send(new CreateUserCommand({ UserName: 'counted-1' }));
      await iam.send(new CreateUserCommand({ UserName: 'counted-2' }));
      await iam.send(new CreateAccessKeyCommand({ UserName: 'counted-1' }));
      const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'counted-phone' }));
      const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
      const step = Math.floor(Date.now() / 30_000);
      await iam.send(new EnableMFADeviceCommand({
        UserName: 'counted-1', SerialNumber: device.VirtualMFADevice!.SerialNumber!,
        AuthenticationCode1: generateSync({ secret: seed, epoch: (step - 1) * 30 }), AuthenticationCode2: generateSync({ secret: seed, epoch: step * 30 }),
      }));
      // Entities of other modules, written straight to the store: the summary counts by kind.
      const accountId = server.accountId;
      const createdAt = isoSeconds(new Date());
      const users = await server.tessera.deps.store.list(accountId, Kind.user, { limit: 10 });
      const counted = users.find((u) => u.name === 'counted-1')!;
      await server.tessera.deps.store.transaction(async (tx) => {
        const entity = (kind: string, id: string) => tx.insert({ accountId, kind, id, name: id, parentId: '', path: '/', data: {}, createdAt });
        await entity(Kind.group, 'AGPACOUNTEDGROUP00001');
        await entity(Kind.role, 'AROACOUNTEDROLE000001');
        await entity(Kind.role, 'AROACOUNTEDROLE000002');
        await entity(Kind.policy, 'ANPACOUNTEDPOLICY0001');
        await entity(Kind.instanceProfile, 'AIPACOUNTEDPROFILE001');
        await entity(Kind.oidcProvider, `arn:aws:iam::${accountId}:oidc-provider/example.com`);
        await entity(Kind.samlProvider, `arn:aws:iam::${accountId}:saml-provider/Example`);
        await tx.link(Link.userPolicy, accountId, counted.id, `arn:aws:iam::${accountId}:policy/counted`);
        await tx.link(Link.userPolicy, accountId, counted.id, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
        await tx.link(Link.rolePolicy, accountId, 'AROACOUNTEDROLE000001', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
      });
      const after = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
      assert.equal(after.Users! - before.Users!, 2);
      assert.equal(after.Groups! - before.Groups!, 1);
      assert.equal(after.Roles! - before.Roles!, 2);
      assert.equal(after.Policies! - before.Policies!, 1);
      assert.equal(after.InstanceProfiles! - before.InstanceProfiles!, 1);
      assert.equal(after.Providers! - before.Providers!, 2);
      assert.equal(after.PolicyVersionsInUse! - before.PolicyVersionsInUse!, 3);
      assert.equal(after.MFADevices! - before.MFADevices!, 1);
      assert.equal(after.MFADevicesInUse! - before.MFADevicesInUse!, 1);
      assert.equal(after.MFADevices, 2, 'with the unassigned alias-phone');
      assert.equal(after.MFADevicesInUse, 1);
    });

    test('another account sees only its own entities', async () => {
      const other = await otherAccount();
      const summary = (await other.send(new GetAccountSummaryCommand({}))).SummaryMap!;
      assert.equal(summary.Users, 0);
      assert.equal(summary.MFADevices, 0);
      assert.equal(summary.Roles, 0);
      assert.equal(summary.AccountAccessKeysPresent, 1);
    });
  });
});
