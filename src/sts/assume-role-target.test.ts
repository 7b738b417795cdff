import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { createSecretBox } from '../store/secret-box.ts';
import { generateMasterKeyBase64, masterKeyFromConfig } from '../store/master-key.ts';
import type { Principal } from '../kernel/principal.ts';
import { Kind } from '../iam/kinds.ts';
import type { RoleData } from '../iam/roles/records.ts';
import type { MfaDeviceData } from '../iam/credentials/records.ts';
import { mfaDeviceId } from '../iam/credentials/mfa-records.ts';
import { codeAt, timeStepAt } from '../iam/credentials/totp.ts';
import { verifyMfaCode } from '../iam/credentials/mfa-verify.ts';
import { ServiceError } from '../protocol/errors.ts';
import type { SessionClaims } from '../kernel/session.ts';
import { stsTargets } from './authorization.ts';

const account = '111122223333';
const roleArn = `arn:aws:iam::${account}:role/ci/Deployer`;
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
const secrets = createSecretBox(masterKeyFromConfig(generateMasterKeyBase64()));
const seed = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const serial = `arn:aws:iam::${account}:mfa/alice`;
const now = new Date('2024-05-01T10:00:10Z');
let store: Store;

const alice: Principal = { kind: 'user', accountId: account, arn: `arn:aws:iam::${account}:user/alice`, userId: 'AIDAALICE', name: 'alice', tags: {}, accessKeyId: 'AKIAALICE' };
const root: Principal = { kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, tags: {}, accessKeyId: 'AKIAROOT' };

before(async () => {
  store = await openSqliteStore(':memory:');
  await store.transaction(async (tx) => {
    await tx.insert<RoleData>({
      accountId: account, kind: Kind.role, id: 'AROADEPLOYER', name: 'Deployer', parentId: '', path: '/ci/',
      data: { assumeRolePolicyDocument: trust, maxSessionDuration: 3600, tags: [{ Key: 'tier', Value: 'prod' }] }, createdAt: '2024-01-01T00:00:00Z',
    });
    await tx.insert<MfaDeviceData>({
      accountId: account, kind: Kind.mfaDevice, id: mfaDeviceId(serial), name: 'alice', parentId: 'AIDAALICE', path: '/',
      data: { serialNumber: serial, sealedSeed: secrets.seal(seed, serial), tags: [], enabledAt: '2024-01-01T00:00:00Z' }, createdAt: '2024-01-01T00:00:00Z',
    });
  });
});
after(async () => store.close());

const resolve = (input: Record<string, unknown>, principal: Principal = alice) =>
  stsTargets.AssumeRole!({ RoleArn: roleArn, RoleSessionName: 'build-42', ...input } as never, { tx: store, principal, accountId: principal.accountId, secrets, now });

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err;
  }
  assert.fail('expected a rejection');
}

test('AssumeRole is authorized on the role with its trust policy, its tags and the request\'s keys', async () => {
  const target = await resolve({ ExternalId: 'ext-1', Tags: [{ Key: 'team', Value: 'red' }], TransitiveTagKeys: ['team'] });
  assert.equal(target.resource, roleArn);
  assert.deepEqual(target.resourcePolicy, { text: trust, kind: 'trust', name: roleArn });
  assert.deepEqual(target.resourceTags, { tier: 'prod' });
  assert.deepEqual(target.context, {
    'sts:RoleSessionName': 'build-42', 'sts:ExternalId': 'ext-1', 'aws:RequestTag/team': 'red', 'aws:TagKeys': ['team'], 'sts:TransitiveTagKeys': ['team'],
  });
  assert.deepEqual(target.also?.map((a) => [a.action, a.resource, a.resourcePolicy?.kind]), [['sts:TagSession', roleArn, 'trust']]);
  assert.equal(target.also?.[0]?.context, target.context);
});

test('no extra authorizations without tags or source identity; sts:SetSourceIdentity with one', async () => {
  const plain = await resolve({});
  assert.equal(plain.also, undefined);
  assert.deepEqual(plain.context, { 'sts:RoleSessionName': 'build-42' });
  const withSource = await resolve({ SourceIdentity: 'alice@example.com' });
  assert.deepEqual(withSource.also?.map((a) => a.action), ['sts:SetSourceIdentity']);
  assert.equal(withSource.context?.['sts:SourceIdentity'], 'alice@example.com');
});

test('a chained session carries its source identity: SetSourceIdentity is needed, a different one refused', async () => {
  const session: SessionClaims = {
    v: 1, kind: 'role-session', accountId: account, accessKeyId: 'ASIAX', secretAccessKey: 's', issuedAt: '2024-05-01T10:00:00Z', expiresAt: '2024-05-01T11:00:00Z',
    role: { id: 'AROAOTHER', arn: `arn:aws:iam::${account}:role/Other`, name: 'Other', path: '/' }, sessionName: 's1', sourceIdentity: 'alice',
  };
  const chained: Principal = { kind: 'role-session', accountId: account, arn: `arn:aws:sts::${account}:assumed-role/Other/s1`, userId: 'AROAOTHER:s1', name: 'Other', tags: {}, accessKeyId: 'ASIAX', session };
  const target = await resolve({}, chained);
  assert.equal(target.context?.['sts:SourceIdentity'], 'alice');
  assert.deepEqual(target.also?.map((a) => a.action), ['sts:SetSourceIdentity']);
  const err = await rejection(resolve({ SourceIdentity: 'mallory' }, chained));
  assert.equal(err.code, 'AccessDenied');
});

test('a role that does not exist: its ARN as asked, no trust policy, no tags', async () => {
  const missing = `arn:aws:iam::${account}:role/Nobody`;
  const target = await stsTargets.AssumeRole!({ RoleArn: missing, RoleSessionName: 's', Tags: [{ Key: 'a', Value: 'b' }] }, { tx: store, principal: alice, accountId: account });
  assert.equal(target.resource, missing);
  assert.equal(target.resourcePolicy, undefined);
  assert.equal(target.resourceTags, undefined);
  assert.equal(target.also?.[0]?.resourcePolicy, undefined);
  // The wrong path names no role either.
  assert.equal((await stsTargets.AssumeRole!({ RoleArn: `arn:aws:iam::${account}:role/Deployer`, RoleSessionName: 's' }, { tx: store, principal: alice, accountId: account })).resourcePolicy, undefined);
});

test('the root user cannot assume roles; a RoleArn that is no ARN is a validation error', async () => {
  const err = await rejection(resolve({}, root));
  assert.equal(err.code, 'AccessDenied');
  assert.equal(err.message, 'Roles may not be assumed by root accounts.');
  const invalid = await rejection(stsTargets.AssumeRole!({ RoleArn: 'this-is-not-an-arn-at-all', RoleSessionName: 's' }, { tx: store, principal: alice, accountId: account }));
  assert.equal(invalid.code, 'ValidationError');
  assert.equal(invalid.message, 'this-is-not-an-arn-at-all is invalid');
});

test('a valid MFA code sets the MFA keys without using the code up; a wrong one is refused before any policy', async () => {
  const code = codeAt(seed, timeStepAt(now));
  const target = await resolve({ SerialNumber: serial, TokenCode: code });
  assert.equal(target.context?.['aws:MultiFactorAuthPresent'], 'true');
  assert.equal(target.context?.['aws:MultiFactorAuthAge'], '0');
  // AWS answers a bad code or device with its MFA errors, whatever the trust policy says.
  const invalidCode = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
  const unknownDevice = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
  const wrong = code === '000000' ? '111111' : '000000';
  assert.equal((await rejection(resolve({ SerialNumber: serial, TokenCode: wrong }))).message, invalidCode);
  assert.equal((await rejection(resolve({ SerialNumber: `arn:aws:iam::${account}:mfa/nobody`, TokenCode: code }))).message, unknownDevice);
  // Someone else's device is not the caller's.
  const bob: Principal = { ...alice, arn: `arn:aws:iam::${account}:user/bob`, userId: 'AIDABOB', name: 'bob' };
  assert.equal((await rejection(resolve({ SerialNumber: serial, TokenCode: code }, bob))).message, unknownDevice);
  // Without the sealer and time the code cannot be checked: no MFA is reported.
  const blind = await stsTargets.AssumeRole!({ RoleArn: roleArn, RoleSessionName: 's', SerialNumber: serial, TokenCode: code }, { tx: store, principal: alice, accountId: account });
  assert.equal(blind.context?.['aws:MultiFactorAuthPresent'], undefined);
  // The code is still unused: the handler's verification consumes it, once.
  assert.equal(await verifyMfaCode(store, secrets, account, serial, 'AIDAALICE', code, now), true);
  assert.equal(await verifyMfaCode(store, secrets, account, serial, 'AIDAALICE', code, now), false);
  assert.equal((await rejection(resolve({ SerialNumber: serial, TokenCode: code }))).message, invalidCode, 'a used code no longer counts');
});

test('GetSessionToken and GetFederationToken refuse temporary credentials before any policy', async () => {
  const session: SessionClaims = { v: 1, kind: 'user-session', accountId: account, accessKeyId: 'ASIAY', secretAccessKey: 's', issuedAt: '2024-05-01T10:00:00Z', expiresAt: '2024-05-01T11:00:00Z', user: { id: 'AIDAALICE', arn: alice.arn, name: 'alice' } };
  const withSession: Principal = { ...alice, accessKeyId: 'ASIAY', session };
  const ctx = { tx: store, principal: withSession, accountId: account };
  const gst = await rejection(stsTargets.GetSessionToken({} as never, ctx));
  assert.equal(gst.message, 'Cannot call GetSessionToken with session credentials');
  const gft = await rejection(stsTargets.GetFederationToken({ Name: 'bob' } as never, ctx));
  assert.equal(gft.message, 'Cannot call GetFederationToken with session credentials');
  assert.equal(gft.httpStatus, 403);
});

test('GetFederationToken is authorized on the federated user, with sts:TagSession for tags', async () => {
  const target = await stsTargets.GetFederationToken!({ Name: 'bob', Tags: [{ Key: 'dept', Value: 'ops' }] }, { tx: store, principal: alice, accountId: account });
  assert.equal(target.resource, `arn:aws:sts::${account}:federated-user/bob`);
  assert.deepEqual(target.context, { 'aws:RequestTag/dept': 'ops', 'aws:TagKeys': ['dept'] });
  assert.deepEqual(target.also?.map((a) => [a.action, a.resource]), [['sts:TagSession', `arn:aws:sts::${account}:federated-user/bob`]]);
  assert.equal((await stsTargets.GetFederationToken!({ Name: 'bob' }, { tx: store, principal: alice, accountId: account })).also, undefined);
});
