import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListRolesCommand, TagRoleCommand, CreateRoleCommand, CreateUserCommand, ListUsersCommand, PutRolePolicyCommand, DeleteRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { FixedClock, isoSeconds } from '../../src/kernel/clock.ts';
import { accessKeyId, secretAccessKey } from '../../src/kernel/ids.ts';
import { cryptoRandom } from '../../src/kernel/random.ts';
import type { SessionClaims } from '../../src/kernel/session.ts';
import { awsError, deniedText, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

// Now, to the second: the SDK signs with the real clock, which the server's must be near.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/**
 * Requests signed with temporary credentials: the sealed token is opened without a store
 * read, the session's principal is named as AWS names it, and its permissions are the
 * role's (read live) narrowed by its session policies. Tokens are minted here with the
 * server's own issuer; the STS operations that mint them are tested in sts-*.test.ts.
 */
describe('temporary credentials', () => {
  const clock = new FixedClock(NOW);
  let server: TestServer;
  let roleClaims: Omit<SessionClaims, 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'>;

  async function mint(claims: Omit<SessionClaims, 'accessKeyId' | 'secretAccessKey' | 'issuedAt' | 'expiresAt'>, lifetimeSeconds = 3600): Promise<Credentials> {
    const id = accessKeyId(cryptoRandom, 'ASIA', claims.accountId);
    const secret = secretAccessKey(cryptoRandom);
    const token = await server.tessera.deps.sessions.issue({
      ...claims, accessKeyId: id, secretAccessKey: secret,
      issuedAt: isoSeconds(clock.now()), expiresAt: isoSeconds(new Date(clock.now().getTime() + lifetimeSeconds * 1000)),
    } as SessionClaims);
    return { accessKeyId: id, secretAccessKey: secret, sessionToken: token };
  }

  before(async () => {
    server = await startTestServer({}, { clock });
    const role = await server.iam().send(new CreateRoleCommand({
      RoleName: 'Deploy', Path: '/ops/',
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:root` }, Action: 'sts:AssumeRole' }]),
    }));
    await server.iam().send(new PutRolePolicyCommand({ RoleName: 'Deploy', PolicyName: 'read', PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:CreateUser'], Resource: '*' }]) }));
    roleClaims = {
      v: 1, kind: 'role-session', accountId: server.accountId,
      role: { id: role.Role!.RoleId!, arn: role.Role!.Arn!, name: 'Deploy', path: '/ops/' }, sessionName: 'ci-run',
    };
  });
  after(async () => server.stop());

  test('a role session is named as AWS names it and acts with the role\'s policies', async () => {
    const creds = await mint(roleClaims);
    const who = await server.sts(creds).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/Deploy/ci-run`);
    assert.match(who.UserId!, /^AROA[A-Z2-7]{17}:ci-run$/);
    assert.equal(who.Account, server.accountId);
    assert.ok((await server.iam(creds).send(new ListUsersCommand({}))).Users);
  });

  test('session policies narrow the role; a change to the role applies to live sessions', async () => {
    const narrowed = await mint({ ...roleClaims, sessionPolicies: { inline: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }]) } });
    assert.ok((await server.iam(narrowed).send(new ListUsersCommand({}))).Users);
    const denied = await awsError(() => server.iam(narrowed).send(new CreateUserCommand({ UserName: 'not-allowed' })));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(deniedText(denied.message), `User: arn:aws:sts::${server.accountId}:assumed-role/Deploy/ci-run is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${server.accountId}:user/not-allowed because no session policy allows the iam:CreateUser action`);

    const live = await mint(roleClaims);
    await server.iam().send(new DeleteRolePolicyCommand({ RoleName: 'Deploy', PolicyName: 'read' }));
    assert.equal((await awsError(() => server.iam(live).send(new ListUsersCommand({})))).name, 'AccessDenied');
    await server.iam().send(new PutRolePolicyCommand({ RoleName: 'Deploy', PolicyName: 'read', PolicyDocument: doc([{ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:CreateUser'], Resource: '*' }]) }));
    assert.ok((await server.iam(live).send(new ListUsersCommand({}))).Users);
  });

  test('a role session\'s aws:PrincipalArn is the role ARN; aws:PrincipalTag has the role\'s tags under the session\'s', async () => {
    await server.iam().send(new TagRoleCommand({ RoleName: 'Deploy', Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'tier', Value: 'ops' }] }));
    await server.iam().send(new PutRolePolicyCommand({ RoleName: 'Deploy', PolicyName: 'keys', PolicyDocument: doc([{
      Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${server.accountId}:role/ops/Deploy` }, StringEquals: { 'aws:PrincipalTag/tier': 'ops', 'aws:PrincipalTag/team': 'red' } },
    }]) }));
    const withSessionTag = await mint({ ...roleClaims, tags: { team: 'red' } });
    assert.ok((await server.iam(withSessionTag).send(new ListRolesCommand({}))).Roles);
    const roleTagsOnly = await mint(roleClaims);
    assert.equal((await awsError(() => server.iam(roleTagsOnly).send(new ListRolesCommand({})))).name, 'AccessDenied', 'team is blue without the session tag');
  });

  test('a tampered token, a token under another key ID, and a session key without its token are refused', async () => {
    const creds = await mint(roleClaims);
    const token = creds.sessionToken!;
    for (const position of [3, 20, Math.floor(token.length / 2), token.length - 2]) {
      const flipped = token.slice(0, position) + (token[position] === 'A' ? 'B' : 'A') + token.slice(position + 1);
      const err = await awsError(() => server.sts({ ...creds, sessionToken: flipped }).send(new GetCallerIdentityCommand({})));
      assert.equal(err.name, 'InvalidClientTokenId', `flip at ${position}`);
      assert.equal(err.message, 'The security token included in the request is invalid.');
    }
    const other = await mint(roleClaims);
    const swapped = await awsError(() => server.sts({ ...other, sessionToken: token }).send(new GetCallerIdentityCommand({})));
    assert.equal(swapped.name, 'InvalidClientTokenId');
    const bare = await awsError(() => server.sts({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }).send(new GetCallerIdentityCommand({})));
    assert.equal(bare.name, 'InvalidClientTokenId');
  });

  test('an expired token is ExpiredToken (403) with AWS\'s text', async () => {
    clock.advanceSeconds(-1000);
    const creds = await mint(roleClaims, 900);
    clock.set(NOW);
    const err = await awsError(() => server.sts(creds).send(new GetCallerIdentityCommand({})));
    assert.equal(err.name, 'ExpiredToken');
    assert.equal(err.status, 403);
    assert.equal(err.message, 'The security token included in the request is expired');
  });

  test('a token sealed by one server opens on another sharing the store, with no store read of the session', async () => {
    const other = await startTestServer({}, { clock, keepDataDir: server.dataDir });
    try {
      const creds = await mint(roleClaims);
      const who = await other.sts(creds).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:assumed-role/Deploy/ci-run`);
    } finally {
      await other.stop();
    }
  });

  test('a federated user without session policies can do nothing; with them, never IAM', async () => {
    await server.iam().send(new CreateUserCommand({ UserName: 'fed-parent' }));
    await server.iam().send(new PutUserPolicyCommand({ UserName: 'fed-parent', PolicyName: 'all', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    const parent = { id: 'AIDAUNUSED00000000000', arn: `arn:aws:iam::${server.accountId}:user/fed-parent`, name: 'fed-parent' };
    const fed = await mint({ v: 1, kind: 'federated-user', accountId: server.accountId, federatedName: 'bob', user: parent });
    const who = await server.sts(fed).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${server.accountId}:federated-user/bob`);
    assert.equal(who.UserId, `${server.accountId}:bob`);
    const iamCall = await awsError(() => server.iam(fed).send(new ListUsersCommand({})));
    assert.equal(iamCall.name, 'AccessDenied');
  });

  test('GetSessionToken credentials without MFA cannot call IAM; with MFA they can', async () => {
    const user = { id: 'AIDAUNUSED00000000000', arn: `arn:aws:iam::${server.accountId}:root`, root: true };
    const plain = await mint({ v: 1, kind: 'user-session', accountId: server.accountId, user });
    assert.equal((await server.sts(plain).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${server.accountId}:root`);
    assert.equal((await awsError(() => server.iam(plain).send(new ListUsersCommand({})))).name, 'InvalidClientTokenId');
    const withMfa = await mint({ v: 1, kind: 'user-session', accountId: server.accountId, user, mfa: { authenticatedAt: isoSeconds(clock.now()) } });
    assert.ok((await server.iam(withMfa).send(new ListUsersCommand({}))).Users);
  });
});
