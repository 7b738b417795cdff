import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import {
  CreateServiceSpecificCredentialCommand, CreateUserCommand, DeleteServerCertificateCommand, DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand, DeleteSSHPublicKeyCommand, DeleteUserCommand, GetServerCertificateCommand, GetSSHPublicKeyCommand,
  ListServerCertificatesCommand, ListServerCertificateTagsCommand, ListServiceSpecificCredentialsCommand, ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand, ResetServiceSpecificCredentialCommand, TagServerCertificateCommand, UntagServerCertificateCommand,
  UpdateServerCertificateCommand, UpdateServiceSpecificCredentialCommand, UpdateSigningCertificateCommand, UpdateSSHPublicKeyCommand,
  UploadServerCertificateCommand, UploadSigningCertificateCommand, UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { defaultQuotas } from '../../src/kernel/quotas.ts';
import { Kind } from '../../src/iam/kinds.ts';
import type { ServerCertificateData, ServiceSpecificCredentialData } from '../../src/iam/certificates/records.ts';
import { parseSshPublicKey } from '../../src/iam/certificates/ssh-key.ts';
import { issueCertificate, type IssuedCertificate } from '../support/certificates.ts';
import { awsError, startTestServer, type TestServer } from '../support/tessera-server.ts';

function sshRsaKey(): { pem: string; ssh: string } {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { pem, ssh: parseSshPublicKey(pem).ssh };
}

describe('IAM server certificates through the AWS SDK', () => {
  let server: TestServer;
  let root: IssuedCertificate;
  let intermediate: IssuedCertificate;
  let leaf: IssuedCertificate;
  let other: IssuedCertificate;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, serverCertificatesPerAccount: 3 } });
    root = issueCertificate({ keyType: 'ec', ca: true, commonName: 'Test Root CA' });
    intermediate = issueCertificate({ keyType: 'ec', ca: true, commonName: 'Test Intermediate CA', issuer: root });
    leaf = issueCertificate({ commonName: 'www.example.com', issuer: intermediate, days: 90 });
    other = issueCertificate({ keyType: 'ec', commonName: 'other.example.com' });
  });
  after(async () => server.stop());

  test('UploadServerCertificate checks key and chain, seals the key, and reports the expiry', async () => {
    const iam = server.iam();
    const chain = intermediate.certificatePem + root.certificatePem;
    const out = await iam.send(new UploadServerCertificateCommand({
      ServerCertificateName: 'www', Path: '/cloudfront/', CertificateBody: leaf.certificatePem, PrivateKey: leaf.privateKeyPem,
      CertificateChain: chain, Tags: [{ Key: 'env', Value: 'prod' }],
    }));
    const meta = out.ServerCertificateMetadata!;
    assert.equal(meta.Arn, `arn:aws:iam::${server.accountId}:server-certificate/cloudfront/www`);
    assert.match(meta.ServerCertificateId!, /^ASCA[A-Z2-7]{17}$/);
    assert.equal(meta.Path, '/cloudfront/');
    assert.equal(meta.Expiration?.getTime(), new Date(new X509Certificate(leaf.certificatePem).validTo).getTime());
    assert.ok(meta.UploadDate instanceof Date);
    assert.deepEqual(out.Tags, [{ Key: 'env', Value: 'prod' }]);

    const got = (await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'WWW' }))).ServerCertificate!;
    assert.equal(got.CertificateBody, leaf.certificatePem.trim());
    assert.equal(got.CertificateChain, chain.trim());
    assert.deepEqual(got.Tags, [{ Key: 'env', Value: 'prod' }]);
    assert.ok(!JSON.stringify(got).includes('PRIVATE KEY'), 'the private key is never returned');
    const stored = await server.tessera.deps.store.get<ServerCertificateData>(Kind.serverCertificate, meta.ServerCertificateId!);
    assert.ok(!stored!.data.sealedPrivateKey.includes('PRIVATE KEY'), 'sealed at rest');
    assert.equal(server.tessera.deps.secrets.open(stored!.data.sealedPrivateKey, meta.ServerCertificateId!), leaf.privateKeyPem);
  });

  test('malformed certificates, foreign keys, bad chains and expired certificates are refused as AWS does', async () => {
    const iam = server.iam();
    const upload = (body: string, key: string, chain?: string) =>
      awsError(() => iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'bad', CertificateBody: body, PrivateKey: key, ...(chain ? { CertificateChain: chain } : {}) })));
    const malformed = await upload('not a certificate', leaf.privateKeyPem);
    assert.equal(malformed.name, 'MalformedCertificateException');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.message, 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
    const mismatch = await upload(leaf.certificatePem, other.privateKeyPem);
    assert.equal(mismatch.name, 'KeyPairMismatchException');
    assert.equal(mismatch.status, 400);
    const badKey = await upload(leaf.certificatePem, 'not a key');
    assert.equal(badKey.name, 'MalformedCertificateException');
    const reversed = await upload(leaf.certificatePem, leaf.privateKeyPem, root.certificatePem + intermediate.certificatePem);
    assert.equal(reversed.name, 'MalformedCertificateException');
    assert.match(reversed.message, /^Unable to validate certificate chain\..*is: 0$/);
    const expired = issueCertificate({ keyType: 'ec', days: 2, startDaysAgo: 10 });
    assert.equal((await upload(expired.certificatePem, expired.privateKeyPem)).name, 'MalformedCertificateException');
    const { ServerCertificateMetadataList } = await iam.send(new ListServerCertificatesCommand({}));
    assert.deepEqual(ServerCertificateMetadataList?.map((m) => m.ServerCertificateName), ['www'], 'nothing refused was stored');
  });

  test('names are unique regardless of case; the account quota is LimitExceeded', async () => {
    const iam = server.iam();
    const dup = await awsError(() => iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'WWW', CertificateBody: other.certificatePem, PrivateKey: other.privateKeyPem })));
    assert.equal(dup.name, 'EntityAlreadyExistsException');
    assert.equal(dup.status, 409);
    assert.equal(dup.message, 'The Server Certificate with name WWW already exists.');
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'api', Path: '/elb/', CertificateBody: other.certificatePem, PrivateKey: other.privateKeyPem }));
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'admin', Path: '/elb/', CertificateBody: other.certificatePem, PrivateKey: other.privateKeyPem }));
    const full = await awsError(() => iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'fourth', CertificateBody: other.certificatePem, PrivateKey: other.privateKeyPem })));
    assert.equal(full.name, 'LimitExceededException');
    assert.equal(full.message, 'Cannot exceed quota for ServerCertificatesPerAccount: 3');
  });

  test('ListServerCertificates pages and filters by path; Update renames and moves', async () => {
    const iam = server.iam();
    const first = await iam.send(new ListServerCertificatesCommand({ MaxItems: 2 }));
    assert.deepEqual(first.ServerCertificateMetadataList!.map((m) => m.ServerCertificateName), ['admin', 'api']);
    assert.equal(first.IsTruncated, true);
    const second = await iam.send(new ListServerCertificatesCommand({ MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(second.ServerCertificateMetadataList!.map((m) => m.ServerCertificateName), ['www']);
    assert.equal(second.IsTruncated, false);
    const elb = await iam.send(new ListServerCertificatesCommand({ PathPrefix: '/elb/' }));
    assert.equal(elb.ServerCertificateMetadataList!.length, 2);

    await iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'api', NewServerCertificateName: 'api-2024', NewPath: '/alb/' }));
    const moved = await iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'api-2024' }));
    assert.equal(moved.ServerCertificate?.ServerCertificateMetadata?.Arn, `arn:aws:iam::${server.accountId}:server-certificate/alb/api-2024`);
    const gone = await awsError(() => iam.send(new GetServerCertificateCommand({ ServerCertificateName: 'api' })));
    assert.equal(gone.name, 'NoSuchEntityException');
    assert.equal(gone.status, 404);
    assert.equal(gone.message, 'The Server Certificate with name api cannot be found.');
    const clash = await awsError(() => iam.send(new UpdateServerCertificateCommand({ ServerCertificateName: 'api-2024', NewServerCertificateName: 'Admin' })));
    assert.equal(clash.name, 'EntityAlreadyExistsException');
  });

  test('tags and deletion', async () => {
    const iam = server.iam();
    await iam.send(new TagServerCertificateCommand({ ServerCertificateName: 'www', Tags: [{ Key: 'owner', Value: 'web' }] }));
    await iam.send(new UntagServerCertificateCommand({ ServerCertificateName: 'www', TagKeys: ['ENV'] }));
    assert.deepEqual((await iam.send(new ListServerCertificateTagsCommand({ ServerCertificateName: 'www' }))).Tags, [{ Key: 'owner', Value: 'web' }]);
    await iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'admin' }));
    assert.equal((await awsError(() => iam.send(new DeleteServerCertificateCommand({ ServerCertificateName: 'admin' })))).name, 'NoSuchEntityException');
    assert.equal((await iam.send(new ListServerCertificatesCommand({}))).ServerCertificateMetadataList!.length, 2);
  });
});

describe('IAM signing certificates, SSH public keys and service-specific credentials through the AWS SDK', () => {
  let server: TestServer;
  let certA: IssuedCertificate;
  let certB: IssuedCertificate;
  let certC: IssuedCertificate;
  before(async () => {
    server = await startTestServer({ quotas: { ...defaultQuotas, sshPublicKeysPerUser: 2 } });
    certA = issueCertificate({ keyType: 'ec', commonName: 'a' });
    certB = issueCertificate({ keyType: 'ec', commonName: 'b' });
    certC = issueCertificate({ keyType: 'ec', commonName: 'c' });
    const iam = server.iam();
    for (const name of ['alice', 'bob', 'carol']) await iam.send(new CreateUserCommand({ UserName: name }));
  });
  after(async () => server.stop());

  test('signing certificates: upload, list, deactivate; two per user; one place per account', async () => {
    const iam = server.iam();
    const up = (await iam.send(new UploadSigningCertificateCommand({ UserName: 'alice', CertificateBody: certA.certificatePem }))).Certificate!;
    assert.equal(up.UserName, 'alice');
    assert.match(up.CertificateId!, /^[A-Z2-7]{32}$/);
    assert.equal(up.Status, 'Active');
    assert.equal(up.CertificateBody, certA.certificatePem, 'the body as uploaded, trailing newline included');
    assert.ok(up.UploadDate instanceof Date);
    const dup = await awsError(() => iam.send(new UploadSigningCertificateCommand({ UserName: 'bob', CertificateBody: certA.certificatePem })));
    assert.equal(dup.name, 'DuplicateCertificateException');
    assert.equal(dup.status, 409);
    await iam.send(new UploadSigningCertificateCommand({ UserName: 'alice', CertificateBody: certB.certificatePem }));
    const third = await awsError(() => iam.send(new UploadSigningCertificateCommand({ UserName: 'alice', CertificateBody: certC.certificatePem })));
    assert.equal(third.name, 'LimitExceededException');
    assert.equal(third.message, 'Cannot exceed quota for CertificatesPerUser: 2');
    const malformed = await awsError(() => iam.send(new UploadSigningCertificateCommand({ UserName: 'bob', CertificateBody: 'junk' })));
    assert.equal(malformed.name, 'MalformedCertificateException');

    await iam.send(new UpdateSigningCertificateCommand({ UserName: 'alice', CertificateId: up.CertificateId!, Status: 'Inactive' }));
    const listed = await iam.send(new ListSigningCertificatesCommand({ UserName: 'alice' }));
    assert.equal(listed.Certificates!.length, 2);
    assert.equal(listed.Certificates!.find((c) => c.CertificateId === up.CertificateId)?.Status, 'Inactive');
    const expired = await awsError(() => iam.send(new UpdateSigningCertificateCommand({ UserName: 'alice', CertificateId: up.CertificateId!, Status: 'Expired' })));
    assert.equal(expired.name, 'InvalidInputException');
    const notBobs = await awsError(() => iam.send(new DeleteSigningCertificateCommand({ UserName: 'bob', CertificateId: up.CertificateId! })));
    assert.equal(notBobs.name, 'NoSuchEntityException');
    assert.equal(notBobs.message, `The Certificate with id ${up.CertificateId} cannot be found.`);

    // The root user may hold signing certificates of its own.
    const rootCert = (await iam.send(new UploadSigningCertificateCommand({ CertificateBody: certC.certificatePem }))).Certificate!;
    assert.deepEqual((await iam.send(new ListSigningCertificatesCommand({}))).Certificates!.map((c) => c.CertificateId), [rootCert.CertificateId]);
    await iam.send(new DeleteSigningCertificateCommand({ CertificateId: rootCert.CertificateId! }));
  });

  test('SSH public keys: fingerprint, both encodings, duplicates per user, the quota, bad keys', async () => {
    const iam = server.iam();
    const key = sshRsaKey();
    const uploaded = (await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyBody: `${key.ssh} alice@laptop` }))).SSHPublicKey!;
    assert.match(uploaded.SSHPublicKeyId!, /^APKA[A-Z2-7]{16}$/);
    assert.equal(uploaded.Fingerprint, parseSshPublicKey(key.pem).fingerprint);
    assert.match(uploaded.Fingerprint!, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.equal(uploaded.Status, 'Active');
    const asPem = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyId: uploaded.SSHPublicKeyId!, Encoding: 'PEM' }));
    assert.equal(asPem.SSHPublicKey?.SSHPublicKeyBody, key.pem);
    const asSsh = await iam.send(new GetSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyId: uploaded.SSHPublicKeyId!, Encoding: 'SSH' }));
    assert.equal(asSsh.SSHPublicKey?.SSHPublicKeyBody, key.ssh);

    const dup = await awsError(() => iam.send(new UploadSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyBody: key.pem })));
    assert.equal(dup.name, 'DuplicateSSHPublicKeyException');
    assert.equal(dup.status, 400);
    await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'bob', SSHPublicKeyBody: key.ssh }));
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyBody: parseSshPublicKey(ed).ssh }));
    const full = await awsError(() => iam.send(new UploadSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyBody: sshRsaKey().ssh })));
    assert.equal(full.name, 'LimitExceededException');
    assert.equal(full.message, 'Cannot exceed quota for SSHPublicKeysPerUser: 2');
    assert.equal((await awsError(() => iam.send(new UploadSSHPublicKeyCommand({ UserName: 'carol', SSHPublicKeyBody: 'ssh-rsa AAAA' })))).name, 'InvalidPublicKeyException');
    assert.equal((await awsError(() => iam.send(new UploadSSHPublicKeyCommand({ UserName: 'carol', SSHPublicKeyBody: 'ssh-dss AAAAB3NzaC1kc3M' })))).name, 'UnrecognizedPublicKeyEncodingException');

    await iam.send(new UpdateSSHPublicKeyCommand({ UserName: 'alice', SSHPublicKeyId: uploaded.SSHPublicKeyId!, Status: 'Inactive' }));
    const first = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'alice', MaxItems: 1 }));
    assert.equal(first.IsTruncated, true);
    const rest = await iam.send(new ListSSHPublicKeysCommand({ UserName: 'alice', Marker: first.Marker }));
    const all = [...first.SSHPublicKeys!, ...rest.SSHPublicKeys!];
    assert.equal(all.length, 2);
    assert.equal(all.find((k) => k.SSHPublicKeyId === uploaded.SSHPublicKeyId)?.Status, 'Inactive');
    assert.ok(all.every((k) => k.UserName === 'alice' && k.UploadDate instanceof Date));
    const missing = await awsError(() => iam.send(new GetSSHPublicKeyCommand({ UserName: 'carol', SSHPublicKeyId: uploaded.SSHPublicKeyId!, Encoding: 'SSH' })));
    assert.equal(missing.name, 'NoSuchEntityException');
  });

  test('service-specific credentials: <user>-at-<account>, a password shown once and sealed, reset, two per service', async () => {
    const iam = server.iam();
    const created = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!;
    assert.equal(created.ServiceUserName, `alice-at-${server.accountId}`);
    assert.match(created.ServicePassword!, /^[A-Za-z0-9+/]{43}=$/);
    assert.match(created.ServiceSpecificCredentialId!, /^ACCA[A-Z2-7]{17}$/);
    assert.equal(created.Status, 'Active');
    assert.equal(created.UserName, 'alice');
    const stored = await server.tessera.deps.store.get<ServiceSpecificCredentialData>(Kind.serviceSpecificCredential, created.ServiceSpecificCredentialId!);
    assert.ok(!JSON.stringify(stored).includes(created.ServicePassword!), 'sealed at rest');
    assert.equal(server.tessera.deps.secrets.open(stored!.data.sealedPassword!, created.ServiceSpecificCredentialId!), created.ServicePassword);

    await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }));
    const third = await awsError(() => iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' })));
    assert.equal(third.name, 'LimitExceededException');
    const keyspaces = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'cassandra.amazonaws.com' }))).ServiceSpecificCredential!;
    assert.equal(keyspaces.ServiceName, 'cassandra.amazonaws.com');
    const unsupported = await awsError(() => iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 's3.amazonaws.com' })));
    assert.equal(unsupported.name, 'NoSuchEntityException');
    assert.equal(unsupported.status, 404);
    assert.equal(unsupported.message, 'No such service s3.amazonaws.com is supported for Service Specific Credentials');

    const bedrock = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 }))).ServiceSpecificCredential!;
    assert.equal(bedrock.ServiceCredentialAlias, `bob-at-${server.accountId}`);
    assert.match(bedrock.ServiceCredentialSecret!, /^ABSK/);
    assert.equal(bedrock.ServicePassword, undefined);
    assert.equal(Math.round((bedrock.ExpirationDate!.getTime() - bedrock.CreateDate!.getTime()) / 86_400_000), 30);

    const reset = (await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId! }))).ServiceSpecificCredential!;
    assert.equal(reset.ServiceSpecificCredentialId, created.ServiceSpecificCredentialId);
    assert.notEqual(reset.ServicePassword, created.ServicePassword);

    await iam.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId!, Status: 'Inactive' }));
    const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }));
    assert.equal(listed.ServiceSpecificCredentials!.length, 2);
    assert.ok(listed.ServiceSpecificCredentials!.every((c) => !('ServicePassword' in c)));
    assert.equal(listed.ServiceSpecificCredentials!.find((c) => c.ServiceSpecificCredentialId === created.ServiceSpecificCredentialId)?.Status, 'Inactive');
    const alices = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'alice' }));
    assert.equal(alices.ServiceSpecificCredentials!.length, 3);
    assert.equal(alices.IsTruncated, undefined, 'AWS answers without IsTruncated');
    const everyone = await iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, MaxItems: 3 }));
    assert.equal(everyone.IsTruncated, true);
    const more = await iam.send(new ListServiceSpecificCredentialsCommand({ AllUsers: true, Marker: everyone.Marker }));
    assert.deepEqual([...everyone.ServiceSpecificCredentials!, ...more.ServiceSpecificCredentials!].map((c) => c.UserName).sort(), ['alice', 'alice', 'alice', 'bob']);

    const wrongUser = await awsError(() => iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId! })));
    assert.equal(wrongUser.name, 'NoSuchEntityException');
    assert.equal(wrongUser.message, `No such credential ${created.ServiceSpecificCredentialId} exists`);
    await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredentialId! }));
    assert.equal((await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'alice' }))).ServiceSpecificCredentials!.length, 2);
  });

  test('DeleteUser names what must go first: signing certificates, then SSH keys, then service-specific credentials', async () => {
    const iam = server.iam();
    await iam.send(new CreateUserCommand({ UserName: 'leaver' }));
    const cert = (await iam.send(new UploadSigningCertificateCommand({ UserName: 'leaver', CertificateBody: issueCertificate({ keyType: 'ec' }).certificatePem }))).Certificate!;
    const ssh = (await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'leaver', SSHPublicKeyBody: sshRsaKey().ssh }))).SSHPublicKey!;
    const svc = (await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'leaver', ServiceName: 'codecommit.amazonaws.com' }))).ServiceSpecificCredential!;
    const expectConflict = async (what: string) => {
      const err = await awsError(() => iam.send(new DeleteUserCommand({ UserName: 'leaver' })));
      assert.equal(err.name, 'DeleteConflictException');
      assert.equal(err.status, 409);
      assert.equal(err.message, what === 'service-specific credentials' ? 'Cannot delete entity, must remove referenced objects first.' : `Cannot delete entity, must delete ${what} first.`);
    };
    await expectConflict('signing certificates');
    await iam.send(new DeleteSigningCertificateCommand({ UserName: 'leaver', CertificateId: cert.CertificateId! }));
    await expectConflict('SSH public keys');
    await iam.send(new DeleteSSHPublicKeyCommand({ UserName: 'leaver', SSHPublicKeyId: ssh.SSHPublicKeyId! }));
    await expectConflict('service-specific credentials');
    await iam.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'leaver', ServiceSpecificCredentialId: svc.ServiceSpecificCredentialId! }));
    await iam.send(new DeleteUserCommand({ UserName: 'leaver' }));
  });
});
