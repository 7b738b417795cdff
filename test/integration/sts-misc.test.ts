import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand, GetAccessKeyInfoCommand } from '@aws-sdk/client-sts';
import { createAccount, type RootCredentials } from '../../src/iam/accounts.ts';
import { awsError, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * sts:GetAccessKeyInfo and sts:DecodeAuthorizationMessage through the AWS SDK, in one account
 * and across two.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('STS: access key info and authorization messages', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;
  let other: RootCredentials;

  async function userWith(name: string, statements?: object[], iam: IAMClient = root): Promise<{ arn: string; credentials: Credentials }> {
    const user = await iam.send(new CreateUserCommand({ UserName: name }));
    if (statements) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.User!.Arn!, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  before(async () => {
    server = await startTestServer({ encodedAuthorizationMessages: true });
    root = server.iam();
    account = server.accountId;
    const deps = server.tessera.deps;
    other = await createAccount({ store: deps.store, secrets: deps.secrets, clock: deps.clock, random: deps.random });
  });
  after(async () => server.stop());

  describe('GetAccessKeyInfo', () => {
    const info = (credentials: Credentials, id: string) => server.sts(credentials).send(new GetAccessKeyInfoCommand({ AccessKeyId: id }));

    test('the account of any key: own, another account\'s, deleted, temporary, configured', async () => {
      const asker = await userWith('key-asker', [{ Effect: 'Allow', Action: ['sts:GetAccessKeyInfo', 'sts:AssumeRole'], Resource: '*' }]);
      assert.equal((await info(asker.credentials, asker.credentials.accessKeyId)).Account, account);
      assert.equal((await info(asker.credentials, other.accessKeyId)).Account, other.accountId);

      const doomed = (await root.send(new CreateAccessKeyCommand({ UserName: 'key-asker' }))).AccessKey!.AccessKeyId!;
      await root.send(new DeleteAccessKeyCommand({ UserName: 'key-asker', AccessKeyId: doomed }));
      assert.equal((await info(asker.credentials, doomed)).Account, account, 'the state of the key does not matter');

      const otherIam = server.iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
      const role = await otherIam.send(new CreateRoleCommand({
        RoleName: 'Visitor', AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }]),
      }));
      const session = await server.sts(asker.credentials).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'visit' }));
      const temporary = session.Credentials!.AccessKeyId!;
      assert.match(temporary, /^ASIA/);
      assert.equal((await info(asker.credentials, temporary)).Account, other.accountId, 'a session key belongs to the role\'s account');

      // The test server's root key is given in configuration, not in Tessera's layout: looked up.
      assert.equal((await info(asker.credentials, server.root.accessKeyId)).Account, account);
    });

    test('a key ID that is neither Tessera\'s nor stored is refused; the model bounds its length', async () => {
      const unknown = await awsError(() => info(server.root, 'AKIA0000000000000000'));
      assert.equal(unknown.name, 'InvalidClientTokenId');
      assert.equal(unknown.message, 'The security token included in the request is invalid.');
      const short = await awsError(() => info(server.root, 'AKIA123'));
      assert.equal(short.name, 'ValidationError');
      assert.equal(short.message, "1 validation error detected: Value 'AKIA123' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16");
    });

    test('IAM users need sts:GetAccessKeyInfo', async () => {
      const nobody = await userWith('no-key-info');
      const err = await awsError(() => info(nobody.credentials, nobody.credentials.accessKeyId));
      assert.equal(err.name, 'AccessDenied');
      assert.match(err.message, new RegExp(`^User: ${nobody.arn} is not authorized to perform: sts:GetAccessKeyInfo on resource: \\*`));
    });
  });

  describe('DecodeAuthorizationMessage', () => {
    const encodedOf = (message: string) => /Encoded authorization failure message: (\S+)$/.exec(message)?.[1];
    const decode = (credentials: Credentials, encoded: string) => server.sts(credentials).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));

    test('a denial carries an encoded explanation that an allowed caller of the account decodes', async () => {
      const denied = await userWith('denied-one', [{ Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*', Sid: 'NoUsers' }]);
      const err = await awsError(() => server.iam(denied.credentials).send(new CreateUserCommand({ UserName: 'blocked' })));
      assert.equal(err.name, 'AccessDenied');
      const encoded = encodedOf(err.message);
      assert.ok(encoded, 'the denial carries an encoded message');
      assert.doesNotMatch(encoded, /CreateUser|denied-one/, 'the blob reveals nothing by itself');

      const decoder = await userWith('decoder', [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }]);
      const out = await decode(decoder.credentials, encoded);
      const message = JSON.parse(out.DecodedMessage!);
      assert.equal(message.allowed, false);
      assert.equal(message.explicitDeny, true);
      assert.deepEqual(message.matchedStatements.items.map((s: { statementId: string; effect: string }) => [s.statementId, s.effect]), [['NoUsers', 'DENY']]);
      assert.equal(message.context.action, 'iam:CreateUser');
      assert.equal(message.context.resource, `arn:aws:iam::${account}:user/blocked`);
      assert.equal(message.context.principal.arn, denied.arn);
      const keys = message.context.conditions.items.map((c: { key: string }) => c.key);
      assert.ok(keys.includes('aws:SourceIp') && keys.includes('aws:CurrentTime'), `conditions: ${keys.join(', ')}`);

      // The root user may decode too (it is the account's own message).
      assert.equal((await decode(server.root, encoded)).DecodedMessage, out.DecodedMessage);
    });

    test('decoding needs sts:DecodeAuthorizationMessage', async () => {
      const curious = await userWith('curious');
      const err = await awsError(() => server.iam(curious.credentials).send(new CreateUserCommand({ UserName: 'nope' })));
      const denied = await awsError(() => decode(curious.credentials, encodedOf(err.message)!));
      assert.equal(denied.name, 'AccessDenied');
      assert.match(denied.message, /sts:DecodeAuthorizationMessage on resource: \*/);
    });

    test('altered or foreign messages, or another account\'s, are invalid', async () => {
      const victim = await userWith('victim');
      const err = await awsError(() => server.iam(victim.credentials).send(new CreateUserCommand({ UserName: 'nope2' })));
      const encoded = encodedOf(err.message)!;
      const altered = encoded.slice(0, 30) + (encoded[30] === 'A' ? 'B' : 'A') + encoded.slice(31);
      for (const bad of [altered, 'v1.not-a-real-message', 'plainly not encoded']) {
        const invalid = await awsError(() => decode(server.root, bad));
        assert.equal(invalid.name, 'InvalidAuthorizationMessageException');
        assert.equal(invalid.status, 400);
      }
      const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
      const foreign = await awsError(() => decode(otherRoot, encoded));
      assert.equal(foreign.name, 'InvalidAuthorizationMessageException', 'another account cannot read this account\'s messages');
      const empty = await awsError(() => decode(server.root, ''));
      assert.equal(empty.name, 'ValidationError');
    });
  });
});
