import type { EntityRecord, StoreTx } from '../../store/types.ts';
import { rootArn, userArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import { ROOT_PARENT, type AccessKeyData, type AccountData, type UserData } from '../records.ts';
import type { LoginProfileData } from '../credentials/records.ts';
import type { SigningCertificateData } from '../certificates/records.ts';
import type { CredentialReportRow, ReportAccessKey, ReportCertificate, ReportPassword } from './credential-report-csv.ts';
import { listAll } from '../store-scan.ts';

/**
 * The credential report's rows, read from the store in one transaction: the root user, then
 * every IAM user in name order, with their password (login profile), MFA devices, access keys
 * and signing certificates as the owning modules store them.
 */

function byCreation<T extends { createdAt: string; id: string }>(records: T[]): T[] {
  return [...records].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

async function accessKeys(tx: StoreTx, accountId: string, ownerId: string): Promise<ReportAccessKey[]> {
  const keys = await listAll<AccessKeyData>(tx, accountId, Kind.accessKey, { parentId: ownerId });
  return byCreation(keys).map((key) => ({
    active: key.data.status === 'Active',
    createdAt: new Date(key.createdAt),
    ...(key.data.lastUsed ? { lastUsed: { date: new Date(key.data.lastUsed.date), region: key.data.lastUsed.region, service: key.data.lastUsed.service } } : {}),
  }));
}

async function certificates(tx: StoreTx, accountId: string, ownerId: string): Promise<ReportCertificate[]> {
  const certs = await listAll<SigningCertificateData>(tx, accountId, Kind.signingCertificate, { parentId: ownerId });
  return byCreation(certs).map((cert) => ({ active: cert.data.status === 'Active', uploadedAt: new Date(cert.createdAt) }));
}

/** An MFA device is enabled for whoever is its parent (a user's id, or ROOT_PARENT). */
async function hasMfa(tx: StoreTx, accountId: string, ownerId: string): Promise<boolean> {
  return (await tx.count(accountId, Kind.mfaDevice, { parentId: ownerId })) > 0;
}

async function passwordOf(tx: StoreTx, user: EntityRecord<UserData>): Promise<ReportPassword> {
  const lastUsed = user.data.passwordLastUsed ? { lastUsed: new Date(user.data.passwordLastUsed) } : {};
  // A user's login profile has the user's id as its own (credentials/records.ts).
  const profile = await tx.get<LoginProfileData>(Kind.loginProfile, user.id);
  if (!profile || profile.accountId !== user.accountId) return { kind: 'none', ...lastUsed };
  return {
    kind: 'user',
    ...lastUsed,
    lastChanged: new Date(profile.data.changedAt),
    // Set when the password policy's MaxPasswordAge applied to the password.
    ...(profile.data.expiresAt ? { nextRotation: new Date(profile.data.expiresAt) } : {}),
  };
}

export async function credentialReportRows(tx: StoreTx, accountId: string): Promise<CredentialReportRow[]> {
  const account = await tx.get<AccountData>(Kind.account, accountId);
  const rows: CredentialReportRow[] = [{
    user: '<root_account>',
    arn: rootArn(accountId),
    createdAt: new Date(account?.data.rootCreatedAt ?? account?.createdAt ?? 0),
    password: { kind: 'root' },
    mfaActive: await hasMfa(tx, accountId, ROOT_PARENT),
    accessKeys: await accessKeys(tx, accountId, ROOT_PARENT),
    certificates: await certificates(tx, accountId, ROOT_PARENT),
  }];
  for (const user of await listAll<UserData>(tx, accountId, Kind.user, { parentId: '' })) {
    rows.push({
      user: user.name,
      arn: userArn(accountId, user.path, user.name),
      createdAt: new Date(user.createdAt),
      password: await passwordOf(tx, user),
      mfaActive: await hasMfa(tx, accountId, user.id),
      accessKeys: await accessKeys(tx, accountId, user.id),
      certificates: await certificates(tx, accountId, user.id),
    });
  }
  return rows;
}
