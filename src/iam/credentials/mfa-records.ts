import type { StoreTx } from '../../store/types.ts';
import { iamArn } from '../../kernel/arns.ts';
import { Kind } from '../kinds.ts';
import { ROOT_PARENT, type UserData, type UserRecord } from '../records.ts';
import { noSuchMfaDevice } from './errors.ts';
import type { MfaDeviceData, MfaDeviceRecord } from './records.ts';

/**
 * Virtual MFA devices in the store (layout in records.ts). A device's serial number is its ARN,
 * `arn:aws:iam::<account>:mfa/<path><name>`; serial numbers are matched regardless of case, like
 * every other IAM name.
 */

export function mfaSerialNumber(accountId: string, path: string, name: string): string {
  return iamArn(accountId, 'mfa', path, name);
}

export function mfaDeviceId(serialNumber: string): string {
  return serialNumber.toLowerCase();
}

/** The device in the caller's account with this serial number, or undefined. */
export async function findMfaDevice(tx: StoreTx, accountId: string, serialNumber: string): Promise<MfaDeviceRecord | undefined> {
  const device = await tx.get<MfaDeviceData>(Kind.mfaDevice, mfaDeviceId(serialNumber));
  return device && device.accountId === accountId ? device : undefined;
}

export async function requireMfaDevice(tx: StoreTx, accountId: string, serialNumber: string): Promise<MfaDeviceRecord> {
  const device = await findMfaDevice(tx, accountId, serialNumber);
  if (!device) throw noSuchMfaDevice(serialNumber);
  return device;
}

/** Who a device is enabled for: a user, the root user, or no one. */
export type DeviceHolder = { kind: 'user'; user: UserRecord } | { kind: 'root' } | { kind: 'none' };

export async function holderOf(tx: StoreTx, device: MfaDeviceRecord): Promise<DeviceHolder> {
  if (device.parentId === '') return { kind: 'none' };
  if (device.parentId === ROOT_PARENT) return { kind: 'root' };
  const user = await tx.get<UserData>(Kind.user, device.parentId);
  return user ? { kind: 'user', user } : { kind: 'none' };
}

/**
 * Moves a device to another parent (assigning or unassigning it). The store keeps a record's
 * parent fixed, so the record is replaced within the caller's transaction.
 */
export async function reparentMfaDevice(tx: StoreTx, device: MfaDeviceRecord, parentId: string, data: MfaDeviceData): Promise<MfaDeviceRecord> {
  await tx.delete(Kind.mfaDevice, device.id);
  return tx.insert<MfaDeviceData>({
    accountId: device.accountId, kind: Kind.mfaDevice, id: device.id, name: device.name, parentId, path: device.path,
    data, createdAt: device.createdAt,
  });
}
