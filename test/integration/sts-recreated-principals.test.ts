import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteRoleCommand, DeleteUserCommand,
  DeleteUserPolicyCommand, GetAccountAuthorizationDetailsCommand, GetRoleCommand, ListRolesCommand, PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand, UpdateUserCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createAccount } from '../../src/iam/accounts.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';
import { bestTimeAsync } from '../support/timing.ts';

/**
 * A user or role named in a trust policy is bound to that entity, as IAM binds it to its unique
 * ID: deleted and created again under the same name, it is not trusted any more, and the policy
 * reads back with the old unique ID where the ARN was (IAM User Guide, "AWS JSON policy
 * elements: Principal", IAM role and IAM user principals).
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trusting = (aws: string | string[]) => doc([{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }]);
const mayAssume = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
const decoded = (text: string | undefined) => JSON.parse(decodeURIComponent(text!));
const credentialsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials =>
  ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });

describe('recreated users and roles do not inherit trust', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  interface MadeUser { arn: string; id: string; keyId: string; credentials: Credentials }

  async function makeUser(iam: IAMClient, name: string, policy?: string): Promise<MadeUser> {
    const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'assume', PolicyDocument: policy }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.Arn!, id: user.UserId!, keyId: key.AccessKeyId!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  async function deleteUser(iam: IAMClient, name: string, made: MadeUser, withPolicy = false): Promise<void> {
    await iam.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: made.keyId }));
    if (withPolicy) await iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: 'assume' }));
    await iam.send(new DeleteUserCommand({ UserName: name }));
  }

  const trustOf = async (iam: IAMClient, roleName: string) => decoded((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role!.AssumeRolePolicyDocument);
  const principalOf = async (iam: IAMClient, roleName: string) => (await trustOf(iam, roleName)).Statement[0].Principal.AWS;
  const assume = (credentials: Credentials, roleArn: string) => server.sts(credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'session' }));

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  test('a user deleted and created again cannot assume the role; the trust policy then shows the old unique ID', async () => {
    const bob = await makeUser(root, 'bob');
    const created = await root.send(new CreateRoleCommand({ RoleName: 'TrustsBob', AssumeRolePolicyDocument: trusting(bob.arn) }));
    const roleArn = created.Role!.Arn!;
    assert.equal(decoded(created.Role!.AssumeRolePolicyDocument).Statement[0].Principal.AWS, bob.arn, 'CreateRole answers with the ARN');
    assert.equal(decodeURIComponent((await root.send(new GetRoleCommand({ RoleName: 'TrustsBob' }))).Role!.AssumeRolePolicyDocument!), trusting(bob.arn), 'read back exactly as sent');
    assert.ok((await assume(bob.credentials, roleArn)).Credentials, 'the trusted user assumes the role');

    await deleteUser(root, 'bob', bob);
    assert.match(bob.id, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(await principalOf(root, 'TrustsBob'), bob.id, 'after the deletion: the unique ID');

    const newBob = await makeUser(root, 'bob');
    assert.notEqual(newBob.id, bob.id);
    assert.equal(newBob.arn, bob.arn);
    const refused = await awsError(() => assume(newBob.credentials, roleArn));
    assert.equal(refused.name, 'AccessDenied');
    assert.match(refused.message, new RegExp(`^User: ${newBob.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`));
    assert.equal(await principalOf(root, 'TrustsBob'), bob.id, 'a new user of the name does not bring the ARN back');

    // Every operation that returns the stored policy shows it alike.
    const listed = (await root.send(new ListRolesCommand({}))).Roles!.find((r) => r.RoleName === 'TrustsBob')!;
    assert.equal(decoded(listed.AssumeRolePolicyDocument).Statement[0].Principal.AWS, bob.id);
    const details = (await root.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }))).RoleDetailList!.find((r) => r.RoleName === 'TrustsBob')!;
    assert.equal(decoded(details.AssumeRolePolicyDocument).Statement[0].Principal.AWS, bob.id);

    // Saving the policy with the orphaned ID is refused, as IAM refuses it; naming the ARN again
    // binds the new user.
    const orphan = await awsError(() => root.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'TrustsBob', PolicyDocument: trusting(bob.id) })));
    assert.equal(orphan.name, 'MalformedPolicyDocumentException');
    assert.equal(orphan.message, `Invalid principal in policy: "AWS":"${bob.id}"`);
    await root.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'TrustsBob', PolicyDocument: trusting(bob.arn) }));
    assert.equal(await principalOf(root, 'TrustsBob'), bob.arn);
    assert.ok((await assume(newBob.credentials, roleArn)).Credentials, 'the new user, once named again');
  });

  test('a role deleted and created again cannot chain into a role that trusted the old one', async () => {
    const caller = await makeUser(root, 'chainer', mayAssume);
    const hopTrust = trusting(`arn:aws:iam::${account}:root`);
    const hop = (await root.send(new CreateRoleCommand({ RoleName: 'Hop', AssumeRolePolicyDocument: hopTrust }))).Role!;
    const target = (await root.send(new CreateRoleCommand({ RoleName: 'Target', AssumeRolePolicyDocument: trusting(hop.Arn!) }))).Role!;
    const firstHop = credentialsOf((await assume(caller.credentials, hop.Arn!)).Credentials);
    assert.ok((await assume(firstHop, target.Arn!)).Credentials, 'the trusted role chains into the target');

    await root.send(new DeleteRoleCommand({ RoleName: 'Hop' }));
    assert.equal(await principalOf(root, 'Target'), hop.RoleId, 'the old role\'s unique ID (AROA…)');
    assert.match(hop.RoleId!, /^AROA/);
    const newHop = (await root.send(new CreateRoleCommand({ RoleName: 'Hop', AssumeRolePolicyDocument: hopTrust }))).Role!;
    assert.equal(newHop.Arn, hop.Arn);
    const secondHop = credentialsOf((await assume(caller.credentials, newHop.Arn!)).Credentials);
    const refused = await awsError(() => assume(secondHop, target.Arn!));
    assert.equal(refused.name, 'AccessDenied');
    assert.match(refused.message, /^User: arn:aws:sts::\d{12}:assumed-role\/Hop\/session is not authorized to perform: sts:AssumeRole on resource: /);
    assert.equal(await principalOf(root, 'Target'), hop.RoleId);
  });

  test('across accounts: deleting the trusted user in its account stops it at once in the other account', async () => {
    const deps = server.tessera.deps;
    const other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
    const otherIam = server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    const carol = await makeUser(root, 'carol', mayAssume);
    const role = (await otherIam.send(new CreateRoleCommand({ RoleName: 'Partner', AssumeRolePolicyDocument: trusting(carol.arn) }))).Role!;
    assert.equal(await principalOf(otherIam, 'Partner'), carol.arn, 'the other account\'s user shows by its ARN');
    assert.ok((await assume(carol.credentials, role.Arn!)).Credentials, 'allowed (and the decision\'s inputs cached)');
    assert.ok((await assume(carol.credentials, role.Arn!)).Credentials);

    await deleteUser(root, 'carol', carol, true);
    const newCarol = await makeUser(root, 'carol', mayAssume);
    const refused = await awsError(() => assume(newCarol.credentials, role.Arn!));
    assert.equal(refused.name, 'AccessDenied', 'refused on the very next request');
    assert.equal(await principalOf(otherIam, 'Partner'), carol.id);

    // A user of this account that does not exist cannot be named from the other account.
    const missing = await awsError(() => otherIam.send(new CreateRoleCommand({ RoleName: 'Ghost', AssumeRolePolicyDocument: trusting(`arn:aws:iam::${account}:user/nobody`) })));
    assert.equal(missing.name, 'MalformedPolicyDocumentException');
    assert.equal(missing.message, `Invalid principal in policy: "AWS":"arn:aws:iam::${account}:user/nobody"`);
  });

  test('a unique ID written in the policy names its user and reads back as the ARN; a renamed user keeps the trust', async () => {
    const dan = await makeUser(root, 'dan');
    const role = (await root.send(new CreateRoleCommand({ RoleName: 'ById', AssumeRolePolicyDocument: trusting(dan.id) }))).Role!;
    assert.equal(await principalOf(root, 'ById'), dan.arn);
    assert.ok((await assume(dan.credentials, role.Arn!)).Credentials);

    await root.send(new UpdateUserCommand({ UserName: 'dan', NewUserName: 'daniel', NewPath: '/ops/' }));
    assert.equal(await principalOf(root, 'ById'), `arn:aws:iam::${account}:user/ops/daniel`, 'the current ARN');
    assert.ok((await assume(dan.credentials, role.Arn!)).Credentials, 'the same user, under its new name');
  });

  test('principals naming nothing are refused quickly with IAM\'s answer, and nothing is written', async () => {
    await makeUser(root, 'erin');
    const cases = [
      `arn:aws:iam::${account}:user/nobody`,
      `arn:aws:iam::${account}:user/Erin`,
      `arn:aws:iam::${account}:user/wrong-path/erin`,
      `arn:aws:iam::${account}:role/erin`,
      'arn:aws:iam::999988887777:user/erin',
      'AIDAAAAAAAAAAAAAAAAAA',
    ];
    for (const value of cases) {
      // A refusal writes nothing, so it can be timed again: the fastest of the runs is judged.
      const ms = await bestTimeAsync(async () => {
        const err = await awsError(() => root.send(new CreateRoleCommand({ RoleName: 'Refused', AssumeRolePolicyDocument: trusting([`arn:aws:iam::${account}:user/erin`, value]) })));
        assert.equal(err.name, 'MalformedPolicyDocumentException', value);
        assert.equal(err.message, `Invalid principal in policy: "AWS":"${value}"`);
      }, 1000);
      assert.ok(ms < 1000, `answered quickly (${ms.toFixed(0)} ms)`);
    }
    const absent = await awsError(() => root.send(new GetRoleCommand({ RoleName: 'Refused' })));
    assert.equal(absent.name, 'NoSuchEntityException', 'no half-written role');

    // The largest trust policy IAM takes, full of principals that do not exist: one answer, fast.
    const many = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${account}:user/u${i}`);
    const ms = await bestTimeAsync(async () => {
      const err = await awsError(() => root.send(new CreateRoleCommand({ RoleName: 'Refused', AssumeRolePolicyDocument: trusting(many) })));
      assert.equal(err.message, `Invalid principal in policy: "AWS":"${many[0]}"`);
    }, 1000);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);

    await root.send(new CreateRoleCommand({ RoleName: 'Kept', AssumeRolePolicyDocument: trusting(`arn:aws:iam::${account}:user/erin`) }));
    const update = await awsError(() => root.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Kept', PolicyDocument: trusting(`arn:aws:iam::${account}:user/nobody`) })));
    assert.equal(update.message, `Invalid principal in policy: "AWS":"arn:aws:iam::${account}:user/nobody"`);
    assert.equal(await principalOf(root, 'Kept'), `arn:aws:iam::${account}:user/erin`, 'the old policy stays');
  });
});
