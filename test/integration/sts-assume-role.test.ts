import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand,
  GetRoleCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPolicyCommand, CreateGroupCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { createAccount } from '../../src/iam/accounts.ts';
import { codeAt, timeStepAt } from '../../src/iam/credentials/totp.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:AssumeRole through the AWS SDK: the trust policy and the caller's policies decide, every
 * parameter is checked with AWS's limits and texts, and the credentials it returns act as the
 * role (narrowed by session policies, tagged, chained, across accounts).
 */

// Ten seconds into a TOTP step, at the real time (SigV4 refuses a skew over 15 minutes).
const NOW = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
/** An AccessDenied text without the encoded explanation some denials carry. */
const withoutEncoded = (message: string) => message.replace(/ Encoded authorization failure message: \S+$/, '');
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('sts:AssumeRole', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  async function userWith(name: string, statements?: object[]): Promise<{ arn: string; credentials: Credentials }> {
    const user = await root.send(new CreateUserCommand({ UserName: name }));
    if (statements) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.User!.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  async function roleWith(name: string, trust: object[], options: { permissions?: object[]; maxSessionDuration?: number; path?: string } = {}): Promise<{ arn: string; id: string }> {
    const made = await root.send(new CreateRoleCommand({
      RoleName: name, AssumeRolePolicyDocument: doc(trust), ...(options.path ? { Path: options.path } : {}),
      ...(options.maxSessionDuration ? { MaxSessionDuration: options.maxSessionDuration } : {}),
    }));
    if (options.permissions) await root.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'permissions', PolicyDocument: doc(options.permissions) }));
    return { arn: made.Role!.Arn!, id: made.Role!.RoleId! };
  }

  const trustAccount = (actions: string | string[] = 'sts:AssumeRole', condition?: object) =>
    [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: actions, ...(condition ? { Condition: condition } : {}) }];
  const mayAssume = (resource = '*') => [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], Resource: resource }];
  const assume = (credentials: Credentials, input: AssumeRoleCommandInput) => server.sts(credentials).send(new AssumeRoleCommand(input));

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test('the full flow: credentials of the role, named as AWS names them, acting with its policies', async () => {
    const role = await roleWith('Deployer', trustAccount(), { path: '/ci/', permissions: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] });
    const caller = await userWith('alice', mayAssume(role.arn));
    const out = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'build-42' });

    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.Credentials!.SecretAccessKey!.length, 40);
    assert.ok(out.Credentials!.SessionToken!.length > 20);
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(NOW.getTime() / 1000) * 1000 + 3600_000, 'an hour by default');
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/Deployer/build-42`, 'no path in an assumed-role ARN');
    assert.equal(out.AssumedRoleUser!.AssumedRoleId, `${role.id}:build-42`);
    assert.equal(out.PackedPolicySize, undefined, 'nothing packed, nothing reported');
    assert.equal(out.SourceIdentity, undefined);

    const session = asCredentials(out.Credentials);
    const who = await server.sts(session).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId, who.Account], [out.AssumedRoleUser!.Arn, out.AssumedRoleUser!.AssumedRoleId, account]);
    assert.ok((await server.iam(session).send(new ListUsersCommand({}))).Users, 'the role\'s permission');
    const denied = await awsError(() => server.iam(session).send(new CreateUserCommand({ UserName: 'x' })));
    assert.equal(denied.name, 'AccessDenied', 'nothing the role does not have');
    assert.match(denied.message, new RegExp(`^User: arn:aws:sts::${account}:assumed-role/Deployer/build-42 is not authorized`));

    const used = (await root.send(new GetRoleCommand({ RoleName: 'Deployer' }))).Role!.RoleLastUsed!;
    assert.equal(used.Region, 'us-east-1');
    assert.equal(used.LastUsedDate!.getTime(), Math.floor(NOW.getTime() / 1000) * 1000);
  });

  test('a trust policy naming the user needs no identity policy; naming the account needs one', async () => {
    const direct = await userWith('direct');
    const role = await roleWith('NamesDirect', [{ Effect: 'Allow', Principal: { AWS: direct.arn }, Action: 'sts:AssumeRole' }]);
    assert.ok((await assume(direct.credentials, { RoleArn: role.arn, RoleSessionName: 'sess' })).Credentials);

    const delegated = await roleWith('NamesAccount', trustAccount());
    const err = await awsError(() => assume(direct.credentials, { RoleArn: delegated.arn, RoleSessionName: 'sess' }));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.status, 403);
  });

  test('a denial names caller and role only, and reads the same whether or not the role exists', async () => {
    const caller = await userWith('outsider');
    const trusted = await userWith('someone-else');
    const real = await roleWith('Guarded', [{ Effect: 'Allow', Principal: { AWS: trusted.arn }, Action: 'sts:AssumeRole' }]);
    const missing = `arn:aws:iam::${account}:role/DoesNotExist`;
    const onReal = await awsError(() => assume(caller.credentials, { RoleArn: real.arn, RoleSessionName: 'sess' }));
    const onMissing = await awsError(() => assume(caller.credentials, { RoleArn: missing, RoleSessionName: 'sess' }));
    assert.equal(withoutEncoded(onReal.message), `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${real.arn}`);
    assert.equal(withoutEncoded(onMissing.message), `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`);
    assert.equal(onMissing.name, 'AccessDenied');

    // A caller whose own policy allows every role still cannot assume one that does not exist.
    const broad = await userWith('broad', mayAssume());
    const broadMissing = await awsError(() => assume(broad.credentials, { RoleArn: missing, RoleSessionName: 'sess' }));
    assert.equal(broadMissing.name, 'AccessDenied');
    assert.equal(withoutEncoded(broadMissing.message), `User: ${broad.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`);
    const broadReal = await awsError(() => assume(broad.credentials, { RoleArn: real.arn, RoleSessionName: 'sess' }));
    assert.equal(withoutEncoded(broadReal.message), `User: ${broad.arn} is not authorized to perform: sts:AssumeRole on resource: ${real.arn}`);
  });

  test('the root user cannot assume roles, whatever the trust policy says', async () => {
    const role = await roleWith('TrustsRoot', trustAccount());
    const err = await awsError(() => server.sts().send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'sess' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.message, 'Roles may not be assumed by root accounts.');
  });

  test('DurationSeconds: 900 up to the role\'s MaxSessionDuration', async () => {
    const role = await roleWith('TwoHours', trustAccount(), { maxSessionDuration: 7200 });
    const caller = await userWith('timer', mayAssume());
    const base = Math.floor(NOW.getTime() / 1000) * 1000;
    const long = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', DurationSeconds: 7200 });
    assert.equal(long.Credentials!.Expiration!.getTime(), base + 7200_000);
    const short = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', DurationSeconds: 900 });
    assert.equal(short.Credentials!.Expiration!.getTime(), base + 900_000);

    const over = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', DurationSeconds: 7201 }));
    assert.equal(over.name, 'ValidationError');
    assert.equal(over.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const under = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', DurationSeconds: 899 }));
    assert.equal(under.name, 'ValidationError');
    assert.equal(under.message, "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    const beyondModel = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', DurationSeconds: 43_201 }));
    assert.equal(beyondModel.message, "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
  });

  test('RoleSessionName, ExternalId and RoleArn: the model\'s limits', async () => {
    const role = await roleWith('Named', trustAccount());
    const caller = await userWith('namer', mayAssume());
    const cases: [string, string][] = [
      ['a', "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      ['x'.repeat(65), `1 validation error detected: Value '${'x'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`],
      ['has space', "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    ];
    for (const [name, message] of cases) {
      const err = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: name }));
      assert.equal(err.name, 'ValidationError', name);
      assert.equal(err.message, message);
    }
    assert.ok((await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'x'.repeat(64) })).Credentials);
    assert.ok((await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'a+b=c,d.e@f-g_h' })).Credentials);
    const external = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', ExternalId: 'x' }));
    assert.equal(external.name, 'ValidationError');
    const notArn = await awsError(() => assume(caller.credentials, { RoleArn: 'definitely-not-an-arn', RoleSessionName: 'sess' }));
    assert.equal(notArn.name, 'ValidationError');
    assert.equal(notArn.message, 'definitely-not-an-arn is invalid');
  });

  test('sts:ExternalId and sts:RoleSessionName reach the trust policy', async () => {
    const role = await roleWith('ThirdParty', trustAccount('sts:AssumeRole', { StringEquals: { 'sts:ExternalId': 'ticket-7781' }, StringLike: { 'sts:RoleSessionName': 'vendor-*' } }));
    const caller = await userWith('vendor', mayAssume());
    assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'vendor-1' }))).name, 'AccessDenied');
    assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'vendor-1', ExternalId: 'ticket-0000' }))).name, 'AccessDenied');
    assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'other-1', ExternalId: 'ticket-7781' }))).name, 'AccessDenied');
    assert.ok((await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'vendor-1', ExternalId: 'ticket-7781' })).Credentials);
  });

  describe('MFA', () => {
    let seed: string;
    let serial: string;
    let caller: { arn: string; credentials: Credentials };
    const step = () => timeStepAt(clock.now());

    before(async () => {
      caller = await userWith('mfa-user', mayAssume());
      const device = await root.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-user' }));
      seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
      serial = device.VirtualMFADevice!.SerialNumber!;
      await root.send(new EnableMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: serial, AuthenticationCode1: codeAt(seed, step() - 2), AuthenticationCode2: codeAt(seed, step() - 1) }));
    });

    test('a trust policy requiring MFA admits a valid code, once', async () => {
      const role = await roleWith('NeedsMfa', trustAccount('sts:AssumeRole', { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': '300' } }));
      assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess' }))).name, 'AccessDenied');
      const code = codeAt(seed, step());
      const out = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: code });
      assert.ok(out.Credentials);
      const replay = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: code }));
      assert.equal(replay.name, 'AccessDenied', 'a used code is no MFA');
    });

    test('a wrong code or a device that is not the caller\'s: AWS\'s MFA errors', async () => {
      const role = await roleWith('MfaOptional', trustAccount());
      const next = codeAt(seed, step() + 1);
      const wrong = next === '123456' ? '654321' : '123456';
      const bad = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: wrong }));
      assert.equal(bad.name, 'AccessDenied');
      assert.equal(bad.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      const unknown = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: `arn:aws:iam::${account}:mfa/nobody`, TokenCode: next }));
      assert.equal(unknown.name, 'AccessDenied');
      assert.equal(unknown.message, 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
      const someoneElse = await userWith('not-the-owner', mayAssume());
      const borrowed = await awsError(() => assume(someoneElse.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: next }));
      assert.equal(borrowed.message, unknown.message);
      const shortCode = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: '12345' }));
      assert.equal(shortCode.name, 'ValidationError');
      // None of these used the code up.
      assert.ok((await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SerialNumber: serial, TokenCode: next })).Credentials);
    });
  });

  describe('session policies', () => {
    let role: { arn: string };
    let caller: { arn: string; credentials: Credentials };

    before(async () => {
      role = await roleWith('Broad', trustAccount(), { permissions: [{ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:CreateUser', 'iam:CreateGroup'], Resource: '*' }] });
      caller = await userWith('narrower', mayAssume());
    });

    test('an inline session policy narrows the role, and PackedPolicySize says how much it packs', async () => {
      const out = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', Policy: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) });
      assert.ok(out.PackedPolicySize! > 0 && out.PackedPolicySize! < 100, `PackedPolicySize ${out.PackedPolicySize}`);
      const session = asCredentials(out.Credentials);
      assert.ok((await server.iam(session).send(new ListUsersCommand({}))).Users);
      const err = await awsError(() => server.iam(session).send(new CreateUserCommand({ UserName: 'nope' })));
      assert.equal(err.name, 'AccessDenied');
    });

    test('managed session policies: customer managed ones of the role\'s account', async () => {
      const policy = await root.send(new CreatePolicyCommand({ PolicyName: 'only-groups', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:CreateGroup', Resource: '*' }]) }));
      const out = await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', PolicyArns: [{ arn: policy.Policy!.Arn! }] });
      assert.ok(out.PackedPolicySize! > 0);
      const session = asCredentials(out.Credentials);
      assert.ok((await server.iam(session).send(new CreateGroupCommand({ GroupName: 'made-by-session' }))).Group);
      assert.equal((await awsError(() => server.iam(session).send(new ListUsersCommand({})))).name, 'AccessDenied');

      const missing = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', PolicyArns: [{ arn: `arn:aws:iam::${account}:policy/not-there` }] }));
      assert.equal(missing.name, 'InvalidParameterValue');
      const eleven = Array.from({ length: 11 }, () => ({ arn: policy.Policy!.Arn! }));
      const tooMany = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', PolicyArns: eleven }));
      assert.equal(tooMany.name, 'ValidationError');
    });

    test('a malformed or oversized session policy is refused', async () => {
      const withPrincipal = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', Policy: doc([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]) }));
      assert.equal(withPrincipal.name, 'MalformedPolicyDocumentException', 'the SDK names the modeled error by its shape');
      assert.equal(withPrincipal.message, 'Policy document should not specify a principal.');
      const notJson = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', Policy: '{not json' }));
      assert.equal(notJson.name, 'MalformedPolicyDocumentException');
      const long = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}` }]);
      const tooLong = await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', Policy: long }));
      assert.equal(tooLong.name, 'ValidationError');
      assert.match(tooLong.message, /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048$/);
    });
  });

  describe('session tags', () => {
    test('tags need sts:TagSession in the trust policy, and become principal tags of the session', async () => {
      const untaggable = await roleWith('NoTagging', trustAccount());
      const taggable = await roleWith('Tagging', trustAccount(['sts:AssumeRole', 'sts:TagSession'], undefined), {
        permissions: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }],
      });
      const caller = await userWith('tagger', mayAssume());
      const refused = await awsError(() => assume(caller.credentials, { RoleArn: untaggable.arn, RoleSessionName: 'sess', Tags: [{ Key: 'team', Value: 'red' }] }));
      assert.equal(refused.name, 'AccessDenied');
      assert.match(refused.message, /sts:TagSession on resource/);

      const red = await assume(caller.credentials, { RoleArn: taggable.arn, RoleSessionName: 'sess', Tags: [{ Key: 'team', Value: 'red' }] });
      assert.ok(red.PackedPolicySize! > 0);
      assert.ok((await server.iam(asCredentials(red.Credentials)).send(new ListUsersCommand({}))).Users, 'aws:PrincipalTag/team is the session tag');
      const blue = await assume(caller.credentials, { RoleArn: taggable.arn, RoleSessionName: 'sess', Tags: [{ Key: 'team', Value: 'blue' }] });
      assert.equal((await awsError(() => server.iam(asCredentials(blue.Credentials)).send(new ListUsersCommand({})))).name, 'AccessDenied');
    });

    test('aws:RequestTag, aws:TagKeys and sts:TransitiveTagKeys reach the trust policy', async () => {
      const role = await roleWith('TagRules', [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:TagSession',
          Condition: { StringEquals: { 'aws:RequestTag/team': 'red' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'], 'sts:TransitiveTagKeys': ['team'] } },
        },
      ]);
      const caller = await userWith('tag-rules', mayAssume());
      const ok = (tags: { Key: string; Value: string }[], transitive?: string[]) => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', Tags: tags, ...(transitive ? { TransitiveTagKeys: transitive } : {}) });
      assert.ok((await ok([{ Key: 'team', Value: 'red' }, { Key: 'cost', Value: '1' }], ['team'])).Credentials);
      assert.equal((await awsError(() => ok([{ Key: 'team', Value: 'blue' }]))).name, 'AccessDenied');
      assert.equal((await awsError(() => ok([{ Key: 'team', Value: 'red' }, { Key: 'owner', Value: 'x' }]))).name, 'AccessDenied');
      assert.equal((await awsError(() => ok([{ Key: 'team', Value: 'red' }, { Key: 'cost', Value: '1' }], ['cost']))).name, 'AccessDenied');
    });

    test('tag rules: unique keys in any case, transitive keys among the tags, at most 50, packed size', async () => {
      const role = await roleWith('TagLimits', trustAccount(['sts:AssumeRole', 'sts:TagSession']));
      const caller = await userWith('tag-limits', mayAssume());
      const call = (input: Partial<AssumeRoleCommandInput>) => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', ...input });
      const duplicate = await awsError(() => call({ Tags: [{ Key: 'Team', Value: 'a' }, { Key: 'team', Value: 'b' }] }));
      assert.equal(duplicate.name, 'InvalidParameterValue');
      assert.equal(duplicate.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
      const stray = await awsError(() => call({ Tags: [{ Key: 'team', Value: 'a' }], TransitiveTagKeys: ['other'] }));
      assert.equal(stray.name, 'InvalidParameterValue');
      assert.equal(stray.message, 'The specified transitive tag key must be included in the requested tags.');
      const tooMany = await awsError(() => call({ Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }));
      assert.equal(tooMany.name, 'ValidationError');
      assert.match(tooMany.message, /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/);
      const longKey = await awsError(() => call({ Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }));
      assert.equal(longKey.name, 'ValidationError');
      assert.ok((await call({ Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })).Credentials, '50 small tags fit');
      const random = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
      const packed = await awsError(() => call({ Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `${i}${random(120)}`, Value: random(256) })) }));
      assert.equal(packed.name, 'PackedPolicyTooLargeException');
      assert.match(packed.message, /^Packed size of session tags consumes \d+% of allotted space\.$/);
    });
  });

  describe('source identity', () => {
    test('setting one needs sts:SetSourceIdentity, and the response echoes it', async () => {
      const plain = await roleWith('NoSourceIdentity', trustAccount());
      const allowing = await roleWith('SourceIdentity', trustAccount(['sts:AssumeRole', 'sts:SetSourceIdentity']));
      const caller = await userWith('sourced', mayAssume());
      const refused = await awsError(() => assume(caller.credentials, { RoleArn: plain.arn, RoleSessionName: 'sess', SourceIdentity: 'alice@example.com' }));
      assert.equal(refused.name, 'AccessDenied');
      assert.match(refused.message, /sts:SetSourceIdentity on resource/);
      const out = await assume(caller.credentials, { RoleArn: allowing.arn, RoleSessionName: 'sess', SourceIdentity: 'alice@example.com' });
      assert.equal(out.SourceIdentity, 'alice@example.com');
      const badPattern = await awsError(() => assume(caller.credentials, { RoleArn: allowing.arn, RoleSessionName: 'sess', SourceIdentity: 'has space' }));
      assert.equal(badPattern.name, 'ValidationError');
    });

    test('sts:SourceIdentity reaches the trust policy', async () => {
      const role = await roleWith('OnlyAlice', trustAccount(['sts:AssumeRole', 'sts:SetSourceIdentity'], { StringEquals: { 'sts:SourceIdentity': 'alice' } }));
      const caller = await userWith('identified', mayAssume());
      assert.ok((await assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SourceIdentity: 'alice' })).Credentials);
      assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess', SourceIdentity: 'bob' }))).name, 'AccessDenied');
      assert.equal((await awsError(() => assume(caller.credentials, { RoleArn: role.arn, RoleSessionName: 'sess' }))).name, 'AccessDenied');
    });
  });

  describe('role chaining', () => {
    let first: { arn: string };
    let second: { arn: string };
    let caller: { arn: string; credentials: Credentials };

    before(async () => {
      const chainTrust = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
      first = await roleWith('ChainFirst', trustAccount(chainTrust), { maxSessionDuration: 43_200, permissions: mayAssume() });
      second = await roleWith('ChainSecond', trustAccount(chainTrust), { maxSessionDuration: 43_200, permissions: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/project': 'apollo' } } }] });
      caller = await userWith('chainer', mayAssume());
    });

    async function firstSession(input: Partial<AssumeRoleCommandInput> = {}): Promise<Credentials> {
      return asCredentials((await assume(caller.credentials, { RoleArn: first.arn, RoleSessionName: 'hop-1', ...input })).Credentials);
    }

    test('a role session may assume a role for at most an hour', async () => {
      const hop = await firstSession({ DurationSeconds: 43_200 });
      const out = await assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2' });
      assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(NOW.getTime() / 1000) * 1000 + 3600_000);
      assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/ChainSecond/hop-2`);
      const tooLong = await awsError(() => assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2', DurationSeconds: 3601 }));
      assert.equal(tooLong.name, 'ValidationError');
      assert.equal(tooLong.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    });

    test('transitive tags pass along the chain and cannot be overridden', async () => {
      const hop = await firstSession({ Tags: [{ Key: 'project', Value: 'apollo' }, { Key: 'temp', Value: 'x' }], TransitiveTagKeys: ['project'] });
      const out = await assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2' });
      assert.ok(out.PackedPolicySize! > 0, 'inherited tags are packed too');
      assert.ok((await server.iam(asCredentials(out.Credentials)).send(new ListUsersCommand({}))).Users, 'aws:PrincipalTag/project inherited');
      const override = await awsError(() => assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2', Tags: [{ Key: 'Project', Value: 'gemini' }] }));
      assert.equal(override.name, 'InvalidParameterValue');
      assert.equal(override.message, "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
      // A tag that was not transitive is not inherited, and may be set again.
      assert.ok((await assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2', Tags: [{ Key: 'temp', Value: 'y' }] })).Credentials);
    });

    test('the source identity persists along the chain and cannot change', async () => {
      const hop = await firstSession({ SourceIdentity: 'alice' });
      const out = await assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2' });
      assert.equal(out.SourceIdentity, 'alice');
      assert.equal((await assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2', SourceIdentity: 'alice' })).SourceIdentity, 'alice');
      const changed = await awsError(() => assume(hop, { RoleArn: second.arn, RoleSessionName: 'hop-2', SourceIdentity: 'mallory' }));
      assert.equal(changed.name, 'AccessDenied');
    });
  });

  test('across accounts: the trust policy and the caller\'s own policies must both allow', async () => {
    const deps = server.tessera.deps;
    const other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
    const otherIam = server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    const made = await otherIam.send(new CreateRoleCommand({
      RoleName: 'Auditor',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]),
    }));
    await otherIam.send(new PutRolePolicyCommand({ RoleName: 'Auditor', PolicyName: 'read', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) }));
    const roleArn = made.Role!.Arn!;

    const withoutPolicy = await userWith('cross-nopolicy');
    const denied = await awsError(() => assume(withoutPolicy.credentials, { RoleArn: roleArn, RoleSessionName: 'audit' }));
    assert.equal(denied.name, 'AccessDenied', 'trusted account, but no identity policy');

    const auditor = await userWith('cross-auditor', mayAssume(roleArn));
    const out = await assume(auditor.credentials, { RoleArn: roleArn, RoleSessionName: 'audit' });
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${other.accountId}:assumed-role/Auditor/audit`);
    const session = asCredentials(out.Credentials);
    const who = await server.sts(session).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, other.accountId);
    await otherIam.send(new CreateUserCommand({ UserName: 'lives-in-other' }));
    const users = (await server.iam(session).send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    assert.deepEqual(users, ['lives-in-other'], 'the session acts in the role\'s account');

    // The other account's root may not assume roles either, and a role not trusting this account is refused.
    const unrelated = await otherIam.send(new CreateRoleCommand({ RoleName: 'Private', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other.accountId}:root` }, Action: 'sts:AssumeRole' }]) }));
    const notTrusted = await awsError(() => assume(auditor.credentials, { RoleArn: unrelated.Role!.Arn!, RoleSessionName: 'audit' }));
    assert.equal(withoutEncoded(notTrusted.message), `User: ${auditor.arn} is not authorized to perform: sts:AssumeRole on resource: ${unrelated.Role!.Arn!}`);
  });
});
