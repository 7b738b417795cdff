import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, ListUsersCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, type GetFederationTokenCommandInput } from '@aws-sdk/client-sts';
import { FixedClock } from '../../src/kernel/clock.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:GetFederationToken through the AWS SDK: a federated user for an IAM user (or the root
 * user), authorized on arn:aws:sts::<account>:federated-user/<name>, with session policies and
 * tags by AWS's rules; only long-term credentials may call it.
 */

const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const withoutEncoded = (message: string) => message.replace(/ Encoded authorization failure message: \S+$/, '');
const asCredentials = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('sts:GetFederationToken', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  let broker: { arn: string; credentials: Credentials };
  const readUsers = doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]);

  async function userWith(name: string, statements?: object[]): Promise<{ arn: string; credentials: Credentials }> {
    const user = await root.send(new CreateUserCommand({ UserName: name }));
    if (statements) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.User!.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }
  const federate = (credentials: Credentials, input: GetFederationTokenCommandInput) => server.sts(credentials).send(new GetFederationTokenCommand(input));

  before(async () => {
    server = await startTestServer({}, { clock });
    root = server.iam();
    account = server.accountId;
    broker = await userWith('broker', [
      { Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: `arn:aws:sts::${account}:federated-user/*` },
      { Effect: 'Allow', Action: ['iam:ListUsers', 'sts:AssumeRole'], Resource: '*' },
    ]);
  });
  after(async () => server.stop());

  test('a federated user, named as AWS names it, for twelve hours by default', async () => {
    const out = await federate(broker.credentials, { Name: 'bob', Policy: readUsers });
    assert.equal(out.FederatedUser!.Arn, `arn:aws:sts::${account}:federated-user/bob`);
    assert.equal(out.FederatedUser!.FederatedUserId, `${account}:bob`);
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.Credentials!.SecretAccessKey!.length, 40);
    assert.equal(out.Credentials!.Expiration!.getTime(), NOW.getTime() + 43_200_000);
    assert.ok(out.PackedPolicySize! > 0 && out.PackedPolicySize! < 100, `PackedPolicySize ${out.PackedPolicySize}`);
    const who = await server.sts(asCredentials(out.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Arn, who.UserId, who.Account], [out.FederatedUser!.Arn, `${account}:bob`, account]);
  });

  test('without session policies there is nothing to pack; federated users never call IAM', async () => {
    const out = await federate(broker.credentials, { Name: 'nopolicy' });
    assert.equal(out.PackedPolicySize, undefined);
    const err = await awsError(() => server.iam(asCredentials(out.Credentials)).send(new ListUsersCommand({})));
    assert.equal(err.name, 'AccessDenied');
  });

  test('authorized on the federated user\'s ARN', async () => {
    const nobody = await userWith('no-federation');
    const err = await awsError(() => federate(nobody.credentials, { Name: 'carol' }));
    assert.equal(err.name, 'AccessDenied');
    assert.match(withoutEncoded(err.message), new RegExp(`^User: ${nobody.arn} is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${account}:federated-user/carol`));
    const narrow = await userWith('narrow-broker', [{ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: `arn:aws:sts::${account}:federated-user/app-*` }]);
    assert.ok((await federate(narrow.credentials, { Name: 'app-1' })).FederatedUser);
    assert.equal((await awsError(() => federate(narrow.credentials, { Name: 'other' }))).name, 'AccessDenied');
  });

  test('Name and DurationSeconds: the model\'s limits; root at most an hour', async () => {
    const cases: [string, string][] = [
      ['b', "1 validation error detected: Value 'b' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      ['n'.repeat(33), `1 validation error detected: Value '${'n'.repeat(33)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32`],
      ['has space', "1 validation error detected: Value 'has space' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    ];
    for (const [name, message] of cases) {
      const err = await awsError(() => federate(broker.credentials, { Name: name }));
      assert.equal(err.name, 'ValidationError', name);
      assert.equal(err.message, message);
    }
    assert.ok((await federate(broker.credentials, { Name: 'n'.repeat(32) })).FederatedUser);
    assert.equal((await federate(broker.credentials, { Name: 'long', DurationSeconds: 129_600 })).Credentials!.Expiration!.getTime(), NOW.getTime() + 129_600_000);
    assert.equal((await awsError(() => federate(broker.credentials, { Name: 'short', DurationSeconds: 899 }))).name, 'ValidationError');

    const fromRoot = await federate(server.root, { Name: 'by-root', DurationSeconds: 129_600 });
    assert.equal(fromRoot.Credentials!.Expiration!.getTime(), NOW.getTime() + 3600_000, 'the root user\'s sessions last at most an hour');
    assert.equal(fromRoot.FederatedUser!.Arn, `arn:aws:sts::${account}:federated-user/by-root`);
  });

  test('session policies: valid, at most 2,048 characters, managed ones that exist', async () => {
    const tooLong = await awsError(() => federate(broker.credentials, { Name: 'bob', Policy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}` }]) }));
    assert.equal(tooLong.name, 'ValidationError');
    assert.match(tooLong.message, /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048$/);
    const malformed = await awsError(() => federate(broker.credentials, { Name: 'bob', Policy: doc([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]) }));
    assert.equal(malformed.name, 'MalformedPolicyDocumentException');
    assert.equal(malformed.message, 'Policy document should not specify a principal.');

    const managed = await root.send(new CreatePolicyCommand({ PolicyName: 'federated-read', PolicyDocument: readUsers }));
    const out = await federate(broker.credentials, { Name: 'bob', PolicyArns: [{ arn: managed.Policy!.Arn! }] });
    assert.ok(out.PackedPolicySize! > 0);
    const missing = await awsError(() => federate(broker.credentials, { Name: 'bob', PolicyArns: [{ arn: `arn:aws:iam::${account}:policy/absent` }] }));
    assert.equal(missing.name, 'InvalidParameterValue');
    assert.equal(missing.message, `Policy arn:aws:iam::${account}:policy/absent does not exist or is not attachable.`);
  });

  test('session tags need sts:TagSession, and follow AWS\'s tag rules', async () => {
    const tagger = await userWith('tagging-broker', [{ Effect: 'Allow', Action: ['sts:GetFederationToken', 'sts:TagSession'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/dept': ['ops', 'dev'] } } }]);
    const noTagging = await awsError(() => federate(broker.credentials, { Name: 'tagged', Tags: [{ Key: 'dept', Value: 'ops' }] }));
    assert.equal(noTagging.name, 'AccessDenied');
    assert.match(noTagging.message, /sts:TagSession on resource: arn:aws:sts::\d{12}:federated-user\/tagged/);

    const out = await federate(tagger.credentials, { Name: 'tagged', Tags: [{ Key: 'dept', Value: 'ops' }] });
    assert.ok(out.PackedPolicySize! > 0, 'tags are packed');
    assert.equal((await awsError(() => federate(tagger.credentials, { Name: 'tagged', Tags: [{ Key: 'dept', Value: 'finance' }] }))).name, 'AccessDenied');
    const duplicate = await awsError(() => federate(tagger.credentials, { Name: 'tagged', Tags: [{ Key: 'dept', Value: 'ops' }, { Key: 'DEPT', Value: 'dev' }] }));
    assert.equal(duplicate.name, 'InvalidParameterValue');
    assert.equal(duplicate.message, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  });

  test('only long-term credentials: AWS\'s refusal for session credentials', async () => {
    const userSession = asCredentials((await server.sts(broker.credentials).send(new GetSessionTokenCommand({}))).Credentials);
    const fromSession = await awsError(() => federate(userSession, { Name: 'bob' }));
    assert.equal(fromSession.name, 'AccessDenied');
    assert.equal(fromSession.message, 'Cannot call GetFederationToken with session credentials');

    await root.send(new CreateRoleCommand({
      RoleName: 'Federator',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]),
    }));
    const role = await server.sts(broker.credentials).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/Federator`, RoleSessionName: 'fed' }));
    const fromRole = await awsError(() => federate(asCredentials(role.Credentials), { Name: 'bob' }));
    assert.equal(fromRole.message, 'Cannot call GetFederationToken with session credentials');

    const federated = asCredentials((await federate(broker.credentials, { Name: 'bob', Policy: readUsers })).Credentials);
    assert.equal((await awsError(() => federate(federated, { Name: 'bob2' }))).message, 'Cannot call GetFederationToken with session credentials');
  });
});
