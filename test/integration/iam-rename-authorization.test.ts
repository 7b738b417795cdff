import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, GetGroupCommand, GetServerCertificateCommand, GetUserCommand,
  PutUserPolicyCommand, UpdateGroupCommand, UpdateServerCertificateCommand, UpdateUserCommand, UploadServerCertificateCommand, type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { issueCertificate } from '../support/certificates.ts';
import { awsError, deniedText, startTestServer, type Credentials, type TestServer } from '../support/tessera-server.ts';

/**
 * Renaming or moving an IAM entity needs the permission on the entity as it is and as it will
 * be (AWS: "the requester must have appropriate permissions on both the source object and the
 * target object"): UpdateUser, UpdateGroup and UpdateServerCertificate — the IAM operations
 * with a NewName/NewPath member.
 */

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('renaming or moving needs permission on the new name too', () => {
  let server: TestServer;
  let root: IAMClient;
  let account: string;

  async function userWith(name: string, statements: object[], path?: string): Promise<{ iam: IAMClient; key: Credentials }> {
    await root.send(new CreateUserCommand({ UserName: name, ...(path ? { Path: path } : {}), Tags: [{ Key: 'team', Value: 'ops' }] }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: doc(statements) }));
    const made = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const key = { accessKeyId: made.AccessKeyId!, secretAccessKey: made.SecretAccessKey! };
    return { iam: server.iam(key), key };
  }
  const arn = (rest: string) => `arn:aws:iam::${account}:${rest}`;
  const noPolicyAllows = (caller: string, action: string, resource: string) =>
    `User: ${arn(caller)} is not authorized to perform: ${action} on resource: ${arn(resource)} because no identity-based policy allows the ${action} action`;
  const userArnOf = async (name: string) => (await root.send(new GetUserCommand({ UserName: name }))).User!.Arn;

  before(async () => {
    server = await startTestServer();
    root = server.iam();
    account = server.accountId;
  });
  after(async () => server.stop());

  describe('UpdateUser', () => {
    const selfOnly = [{ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }];

    test('a user allowed to update only itself cannot rename itself: refused naming the new ARN', async () => {
      const { iam } = await userWith('mallory', selfOnly);
      const err = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'mallory', NewUserName: 'Administrator' })));
      assert.equal(err.name, 'AccessDenied');
      assert.equal(err.status, 403);
      assert.equal(deniedText(err.message), noPolicyAllows('user/mallory', 'iam:UpdateUser', 'user/Administrator'));
      assert.equal(await userArnOf('mallory'), arn('user/mallory'), 'still mallory');
      assert.equal((await awsError(() => root.send(new GetUserCommand({ UserName: 'Administrator' })))).name, 'NoSuchEntityException');
    });

    test('nor move itself to another path, nor both at once', async () => {
      const { iam } = await userWith('mover', [{ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: 'arn:aws:iam::*:user/contractors/${aws:username}' }], '/contractors/');
      const moved = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'mover', NewPath: '/admins/' })));
      assert.equal(deniedText(moved.message), noPolicyAllows('user/contractors/mover', 'iam:UpdateUser', 'user/admins/mover'));
      const both = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'mover', NewPath: '/admins/', NewUserName: 'boss' })));
      assert.equal(deniedText(both.message), noPolicyAllows('user/contractors/mover', 'iam:UpdateUser', 'user/admins/boss'));
      assert.equal(await userArnOf('mover'), arn('user/contractors/mover'));
      // An update that renames nothing is authorized on the user alone.
      await iam.send(new UpdateUserCommand({ UserName: 'mover' }));
    });

    test('allowed on both ARNs, the rename succeeds and the user keeps its keys', async () => {
      const { iam, key } = await userWith('bob', [{ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: [arn('user/bob'), arn('user/robert')] }]);
      await iam.send(new UpdateUserCommand({ UserName: 'bob', NewUserName: 'robert' }));
      assert.equal(await userArnOf('robert'), arn('user/robert'));
      assert.equal((await server.sts(key).send(new GetCallerIdentityCommand({}))).Arn, arn('user/robert'));
    });

    test('allowed on both paths, the move succeeds', async () => {
      const { iam } = await userWith('carol', [{ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: [arn('user/staging/*'), arn('user/production/*')] }], '/staging/');
      const elsewhere = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'carol', NewPath: '/admins/' })));
      assert.equal(deniedText(elsewhere.message), noPolicyAllows('user/staging/carol', 'iam:UpdateUser', 'user/admins/carol'));
      await iam.send(new UpdateUserCommand({ UserName: 'carol', NewPath: '/production/' }));
      assert.equal(await userArnOf('carol'), arn('user/production/carol'));
    });

    test('an explicit deny on the new ARN wins, and says so', async () => {
      const { iam } = await userWith('dave', [
        { Effect: 'Allow', Action: 'iam:UpdateUser', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:UpdateUser', Resource: arn('user/admins/*') },
      ]);
      const err = await awsError(() => iam.send(new UpdateUserCommand({ UserName: 'dave', NewPath: '/admins/' })));
      assert.equal(deniedText(err.message), `User: ${arn('user/dave')} is not authorized to perform: iam:UpdateUser on resource: ${arn('user/admins/dave')} with an explicit deny in an identity-based policy`);
      await iam.send(new UpdateUserCommand({ UserName: 'dave', NewUserName: 'david' }));
      assert.equal(await userArnOf('david'), arn('user/david'));
    });

    test('the user keeps its tags under the new name, so a tag condition decides both ARNs', async () => {
      const { iam } = await userWith('erin', [{ Effect: 'Allow', Action: 'iam:UpdateUser', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'ops' } } }]);
      await iam.send(new UpdateUserCommand({ UserName: 'erin', NewUserName: 'erin-ops', NewPath: '/ops/' }));
      assert.equal(await userArnOf('erin-ops'), arn('user/ops/erin-ops'));
    });
  });

  describe('UpdateGroup', () => {
    before(async () => {
      await root.send(new CreateGroupCommand({ GroupName: 'developers', Path: '/eng/' }));
    });

    test('allowed on the group only: renaming or moving it is refused naming the new ARN', async () => {
      const { iam } = await userWith('group-keeper', [{ Effect: 'Allow', Action: 'iam:UpdateGroup', Resource: arn('group/eng/developers') }]);
      const renamed = await awsError(() => iam.send(new UpdateGroupCommand({ GroupName: 'developers', NewGroupName: 'admins' })));
      assert.equal(renamed.name, 'AccessDenied');
      assert.equal(deniedText(renamed.message), noPolicyAllows('user/group-keeper', 'iam:UpdateGroup', 'group/eng/admins'));
      const moved = await awsError(() => iam.send(new UpdateGroupCommand({ GroupName: 'developers', NewPath: '/admin/' })));
      assert.equal(deniedText(moved.message), noPolicyAllows('user/group-keeper', 'iam:UpdateGroup', 'group/admin/developers'));
      assert.equal((await root.send(new GetGroupCommand({ GroupName: 'developers' }))).Group!.Arn, arn('group/eng/developers'));
    });

    test('allowed on both ARNs, the rename and the move succeed', async () => {
      const { iam } = await userWith('group-admin', [{ Effect: 'Allow', Action: 'iam:UpdateGroup', Resource: [arn('group/eng/*'), arn('group/platform/*')] }]);
      await iam.send(new UpdateGroupCommand({ GroupName: 'developers', NewGroupName: 'engineers' }));
      await iam.send(new UpdateGroupCommand({ GroupName: 'engineers', NewPath: '/platform/' }));
      assert.equal((await root.send(new GetGroupCommand({ GroupName: 'engineers' }))).Group!.Arn, arn('group/platform/engineers'));
    });
  });

  describe('UpdateServerCertificate', () => {
    before(async () => {
      const certificate = issueCertificate({ keyType: 'ec', commonName: 'www.example.com' });
      await root.send(new UploadServerCertificateCommand({
        ServerCertificateName: 'www', Path: '/cloudfront/', CertificateBody: certificate.certificatePem, PrivateKey: certificate.privateKeyPem,
        Tags: [{ Key: 'env', Value: 'prod' }],
      }));
    });
    const certificateArn = async (name: string) => (await root.send(new GetServerCertificateCommand({ ServerCertificateName: name }))).ServerCertificate!.ServerCertificateMetadata!.Arn;

    test('allowed on the certificate only: renaming or moving it is refused naming the new ARN', async () => {
      const { iam } = await userWith('cert-keeper', [{ Effect: 'Allow', Action: 'iam:UpdateServerCertificate', Resource: arn('server-certificate/cloudfront/www') }]);
      const renamed = await awsError(() => iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'www', NewServerCertificateName: 'api' })));
      assert.equal(renamed.name, 'AccessDenied');
      assert.equal(deniedText(renamed.message), noPolicyAllows('user/cert-keeper', 'iam:UpdateServerCertificate', 'server-certificate/cloudfront/api'));
      const moved = await awsError(() => iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'www', NewPath: '/elb/' })));
      assert.equal(deniedText(moved.message), noPolicyAllows('user/cert-keeper', 'iam:UpdateServerCertificate', 'server-certificate/elb/www'));
      assert.equal(await certificateArn('www'), arn('server-certificate/cloudfront/www'));
    });

    test('allowed on both ARNs (here by the certificate\'s tag), the rename and the move succeed', async () => {
      const { iam } = await userWith('cert-admin', [{ Effect: 'Allow', Action: 'iam:UpdateServerCertificate', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } }]);
      await iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'www', NewServerCertificateName: 'www-2025', NewPath: '/elb/' }));
      assert.equal(await certificateArn('www-2025'), arn('server-certificate/elb/www-2025'));
    });
  });
});
