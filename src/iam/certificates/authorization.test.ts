import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { Store } from '../../store/types.ts';
import type { TargetContext } from '../authorization/target.ts';
import { Kind } from '../kinds.ts';
import type { UserData } from '../records.ts';
import { targets } from './authorization.ts';
import type { ServerCertificateData } from './records.ts';

const account = '123456789012';
let store: Store;
let ctx: TargetContext;

before(async () => {
  store = await openSqliteStore(':memory:');
  ctx = {
    tx: store,
    accountId: account,
    principal: { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/alice`, userId: 'AIDAALICE', name: 'alice', tags: {}, accessKeyId: 'AKIAALICE' },
  };
  await store.transaction(async (tx) => {
    await tx.insert<ServerCertificateData>({
      accountId: account, kind: Kind.serverCertificate, id: 'ASCAWEB', name: 'Web', parentId: '', path: '/cloudfront/', createdAt: '2024-01-01T00:00:00Z',
      data: { certificateBody: '', sealedPrivateKey: '', expiration: '2030-01-01T00:00:00Z', tags: [{ Key: 'env', Value: 'prod' }] },
    });
    await tx.insert<UserData>({ accountId: account, kind: Kind.user, id: 'AIDABOB', name: 'bob', parentId: '', path: '/ops/', createdAt: '2024-01-01T00:00:00Z', data: { tags: [{ Key: 'team', Value: 'ops' }] } });
  });
});
after(async () => store.close());

test('server certificates are named by their real path, with their tags', async () => {
  assert.deepEqual(await targets.GetServerCertificate({ ServerCertificateName: 'web' }, ctx), {
    resource: `arn:aws:iam::${account}:server-certificate/cloudfront/Web`,
    resourceTags: { env: 'prod' },
  });
  assert.deepEqual(await targets.DeleteServerCertificate({ ServerCertificateName: 'none' }, ctx), { resource: `arn:aws:iam::${account}:server-certificate/none` });
  assert.deepEqual(await targets.UploadServerCertificate({ ServerCertificateName: 'New', Path: '/elb/', CertificateBody: 'x', PrivateKey: 'y', Tags: [{ Key: 'k', Value: 'v' }] }, ctx), {
    resource: `arn:aws:iam::${account}:server-certificate/elb/New`,
    context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' },
    // Tagging as it creates: iam:TagServerCertificate too, on the new certificate.
    also: [{ action: 'iam:TagServerCertificate', resource: `arn:aws:iam::${account}:server-certificate/elb/New`, context: { 'aws:TagKeys': ['k'], 'aws:RequestTag/k': 'v' } }],
  });
  assert.deepEqual(await targets.ListServerCertificates(), { resource: '*' });
});

test('renaming or moving a server certificate also needs permission on the new ARN', async () => {
  assert.deepEqual((await targets.UpdateServerCertificate({ ServerCertificateName: 'Web', NewServerCertificateName: 'Web2' }, ctx)).also, [
    { action: 'iam:UpdateServerCertificate', resource: `arn:aws:iam::${account}:server-certificate/cloudfront/Web2`, resourceTags: { env: 'prod' } },
  ]);
  assert.deepEqual((await targets.UpdateServerCertificate({ ServerCertificateName: 'Web', NewPath: '/elb/' }, ctx)).also, [
    { action: 'iam:UpdateServerCertificate', resource: `arn:aws:iam::${account}:server-certificate/elb/Web`, resourceTags: { env: 'prod' } },
  ]);
  assert.equal((await targets.UpdateServerCertificate({ ServerCertificateName: 'Web' }, ctx)).also, undefined);
});

test('user credentials are authorized against their user; listing everyone\'s against all users', async () => {
  const bob = { resource: `arn:aws:iam::${account}:user/ops/bob`, resourceTags: { team: 'ops' } };
  assert.deepEqual(await targets.UploadSSHPublicKey({ UserName: 'bob', SSHPublicKeyBody: 'x' }, ctx), bob);
  assert.deepEqual(await targets.CreateServiceSpecificCredential({ UserName: 'bob', ServiceName: 'codecommit.amazonaws.com' }, ctx), { ...bob, context: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } });
  assert.deepEqual((await targets.CreateServiceSpecificCredential({ UserName: 'bob', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 }, ctx)).context, {
    'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com', 'iam:ServiceSpecificCredentialAgeDays': '30',
  });
  assert.deepEqual(await targets.UploadSigningCertificate({ UserName: 'bob', CertificateBody: 'x' }, ctx), bob);
  assert.deepEqual(await targets.ListServiceSpecificCredentials({ AllUsers: true }, ctx), { resource: `arn:aws:iam::${account}:user/*` });
});
