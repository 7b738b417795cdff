import type { OperationContext } from '../../kernel/operation.ts';
import type { Store, StoreTx } from '../../store/types.ts';
import type { User, VirtualMFADevice } from '../../protocol/generated/iam.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { rootArn } from '../../kernel/arns.ts';
import { StoreConflictError } from '../../store/types.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import type { AccountData } from '../records.ts';
import { userOutput } from '../user-output.ts';
import { accountAliasOf } from '../account/alias-lookup.ts';
import { base32Encode } from './base32.ts';
import { mfaDeviceExists, mfaDeviceStillAssigned, unusableMfaSerialNumber } from './errors.ts';
import { mfaDeviceTags } from './mfa-device-tags.ts';
import { holderOf, mfaDeviceId, mfaSerialNumber, requireMfaDevice } from './mfa-records.ts';
import { otpauthUri, qrCodePng } from './mfa-qr.ts';
import type { MfaDeviceData, MfaDeviceRecord } from './records.ts';
import { UNASSIGNED } from './records.ts';
import { assertEntityPath } from '../paths.ts';

/**
 * Virtual MFA devices as account entities: CreateVirtualMFADevice (a fresh TOTP seed, handed
 * out once as Base32 text and as a QR code, then kept only sealed), DeleteVirtualMFADevice,
 * ListVirtualMFADevices (the device's tags: mfa-device-tags.ts). Enabling a device for a user is in
 * mfa-assignment.ts.
 */

/** 40 random bytes: the 64-character Base32 seeds AWS hands out. */
const SEED_BYTES = 40;

/**
 * AWS's quota: virtual MFA devices (assigned or unassigned) per account equal the user quota.
 * The quota's name in the LimitExceeded text is a best effort.
 */
const DEVICES_PER_ACCOUNT_QUOTA_NAME = 'VirtualMFADevicesPerAccount';

/**
 * The model's serialNumberType (length 9-256, `[\w+=/:,.@-]+`), which every other operation
 * checks its SerialNumber against. A path may hold characters (and a name and path may reach
 * lengths) that this type does not allow, so a device is created only when its serial number
 * can be named again. A fixed character class, linear in the input.
 */
const SERIAL_NUMBER_MAX_LENGTH = 256;
const SERIAL_NUMBER_CHARACTERS = /^[\w+=/:,.@-]+$/;

async function createVirtualMFADevice(input: IamOperations['CreateVirtualMFADevice']['input'], ctx: OperationContext) {
  assertEntityPath(input.Path);
  const accountId = ctx.principal.accountId;
  const tags = mfaDeviceTags.tagsForCreate(input.Tags, ctx);
  const path = input.Path ?? '/';
  const serialNumber = mfaSerialNumber(accountId, path, input.VirtualMFADeviceName);
  if (serialNumber.length > SERIAL_NUMBER_MAX_LENGTH || !SERIAL_NUMBER_CHARACTERS.test(serialNumber)) throw unusableMfaSerialNumber(serialNumber);
  const seed = base32Encode(ctx.random.bytes(SEED_BYTES));
  const data: MfaDeviceData = { serialNumber, sealedSeed: ctx.secrets.seal(seed, serialNumber), tags };
  const alias = await ctx.store.transaction(async (tx) => {
    if ((await tx.count(accountId, Kind.mfaDevice)) >= ctx.quotas.usersPerAccount) {
      throw quotaExceeded(DEVICES_PER_ACCOUNT_QUOTA_NAME, ctx.quotas.usersPerAccount);
    }
    try {
      await tx.insert<MfaDeviceData>({
        accountId, kind: Kind.mfaDevice, id: mfaDeviceId(serialNumber), name: path + input.VirtualMFADeviceName,
        parentId: UNASSIGNED, path, data, createdAt: isoSeconds(ctx.clock.now()),
      });
    } catch (err) {
      if (err instanceof StoreConflictError) throw mfaDeviceExists();
      throw err;
    }
    return accountAliasOf(tx, accountId);
  });
  const device: VirtualMFADevice = {
    SerialNumber: serialNumber,
    // The model's blobs: the seed as Base32 text (the SDKs hand back its bytes) and the PNG.
    Base32StringSeed: new TextEncoder().encode(seed),
    QRCodePNG: await qrCodePng(otpauthUri(input.VirtualMFADeviceName, alias ?? accountId, seed)),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
  return { VirtualMFADevice: device };
}

async function deleteVirtualMFADevice(input: IamOperations['DeleteVirtualMFADevice']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const device = await requireMfaDevice(tx, ctx.principal.accountId, input.SerialNumber);
    // A device enabled for someone must be deactivated first (AWS: DeleteConflict).
    if (device.parentId !== UNASSIGNED) throw mfaDeviceStillAssigned();
    await tx.delete(Kind.mfaDevice, device.id);
  });
  return {};
}

/** The User member of an assigned device: the IAM user, or the root user's ID, ARN and date. */
async function deviceUser(tx: StoreTx, device: MfaDeviceRecord): Promise<User | undefined> {
  const holder = await holderOf(tx, device);
  if (holder.kind === 'user') return userOutput(holder.user, { detailed: false });
  if (holder.kind === 'none') return undefined;
  const account = await tx.get<AccountData>(Kind.account, device.accountId);
  // The model marks Path and UserName required, yet AWS omits both for the root user.
  return { UserId: device.accountId, Arn: rootArn(device.accountId), CreateDate: new Date(account?.data.rootCreatedAt ?? account?.createdAt ?? 0) } as User;
}

/** A page of every device of the account, or only the assigned ones (the store cannot filter on "any parent but ''"). */
async function listDevices(store: Store, accountId: string, status: 'Assigned' | 'Unassigned' | 'Any', after: string | undefined, limit: number): Promise<MfaDeviceRecord[]> {
  if (status === 'Unassigned') return store.list<MfaDeviceData>(accountId, Kind.mfaDevice, { parentId: UNASSIGNED, after, limit });
  if (status === 'Any') return store.list<MfaDeviceData>(accountId, Kind.mfaDevice, { after, limit });
  const out: MfaDeviceRecord[] = [];
  let cursor = after;
  const batchSize = Math.max(limit, 100);
  while (out.length < limit) {
    const batch = await store.list<MfaDeviceData>(accountId, Kind.mfaDevice, { after: cursor, limit: batchSize });
    for (const device of batch) {
      if (device.parentId !== UNASSIGNED) out.push(device);
      if (out.length === limit) break;
    }
    if (batch.length < batchSize) break;
    cursor = batch[batch.length - 1]!.name;
  }
  return out;
}

async function listVirtualMFADevices(input: IamOperations['ListVirtualMFADevices']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  const status = input.AssignmentStatus ?? 'Any';
  const page = await pageOf(
    (after, limit) => listDevices(ctx.store, accountId, status, after, limit),
    (device) => device.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  const devices: VirtualMFADevice[] = [];
  for (const device of page.items) {
    const user = await deviceUser(ctx.store, device);
    devices.push({
      SerialNumber: device.data.serialNumber,
      ...(user ? { User: user } : {}),
      ...(user && device.data.enabledAt ? { EnableDate: new Date(device.data.enabledAt) } : {}),
    });
  }
  return { VirtualMFADevices: devices, IsTruncated: page.isTruncated, ...(page.marker ? { Marker: page.marker } : {}) };
}

export const mfaDeviceHandlers = {
  CreateVirtualMFADevice: createVirtualMFADevice,
  DeleteVirtualMFADevice: deleteVirtualMFADevice,
  ListVirtualMFADevices: listVirtualMFADevices,
  ...mfaDeviceTags.handlers,
} satisfies IamHandlerTable;
