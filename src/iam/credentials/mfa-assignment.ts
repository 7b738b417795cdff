import type { OperationContext } from '../../kernel/operation.ts';
import type { StoreTx } from '../../store/types.ts';
import type { MFADevice } from '../../protocol/generated/iam.ts';
import type { IamHandlerTable, IamOperations } from '../handler.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { quotaExceeded } from '../errors.ts';
import { Kind } from '../kinds.ts';
import { pageOf } from '../paging.ts';
import { ROOT_PARENT } from '../records.ts';
import { requireUser, resolveTargetUser, type TargetUser } from '../user-lookup.ts';
import { invalidAuthenticationCode, mfaDeviceInUse, mfaDeviceNotAssigned } from './errors.ts';
import { requireMfaDevice, reparentMfaDevice } from './mfa-records.ts';
import type { MfaDeviceData, MfaDeviceRecord } from './records.ts';
import { UNASSIGNED } from './records.ts';
import { ENABLE_WINDOW_STEPS, RESYNC_WINDOW_STEPS, findConsecutivePair, timeStepAt } from './totp.ts';

/**
 * MFA devices and the users they are enabled for: EnableMFADevice, DeactivateMFADevice,
 * ResyncMFADevice, ListMFADevices and GetMFADevice. Enabling and resynchronizing prove
 * possession of the device with two consecutive codes; every accepted code's time step is
 * recorded so it can never be accepted again.
 */

/** The parent id of a user's devices (the root user's are under 'root'). */
function parentOf(target: TargetUser): string {
  return target.kind === 'root' ? ROOT_PARENT : target.record.id;
}

/** The name responses give the holder; the root user has none, so its account ID stands in. */
function holderName(target: TargetUser, accountId: string): string {
  return target.kind === 'root' ? accountId : target.record.name;
}

/** The device with this serial number, which must be enabled for `target`. */
async function requireDeviceOf(tx: StoreTx, ctx: OperationContext, target: TargetUser, serialNumber: string): Promise<MfaDeviceRecord> {
  const device = await requireMfaDevice(tx, ctx.principal.accountId, serialNumber);
  if (device.parentId !== parentOf(target)) throw mfaDeviceNotAssigned(serialNumber, holderName(target, ctx.principal.accountId));
  return device;
}

function openSeed(ctx: OperationContext, device: MfaDeviceRecord): string {
  return ctx.secrets.open(device.data.sealedSeed, device.data.serialNumber);
}

async function enableMFADevice(input: IamOperations['EnableMFADevice']['input'], ctx: OperationContext) {
  const accountId = ctx.principal.accountId;
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, accountId, input.UserName);
    const device = await requireMfaDevice(tx, accountId, input.SerialNumber);
    if (device.parentId !== UNASSIGNED) throw mfaDeviceInUse();
    if ((await tx.count(accountId, Kind.mfaDevice, { parentId: user.id })) >= ctx.quotas.mfaDevicesPerUser) {
      // Best effort for the quota's name; the limit is AWS's (8 MFA devices per user).
      throw quotaExceeded('MFADevicesPerUser', ctx.quotas.mfaDevicesPerUser);
    }
    const now = ctx.clock.now();
    const step = findConsecutivePair(
      openSeed(ctx, device), input.AuthenticationCode1, input.AuthenticationCode2, timeStepAt(now), ENABLE_WINDOW_STEPS, device.data.lastUsedStep,
    );
    if (step === undefined) throw invalidAuthenticationCode();
    const { driftSteps: _oldDrift, ...data } = device.data;
    await reparentMfaDevice(tx, device, user.id, { ...data, enabledAt: isoSeconds(now), lastUsedStep: step });
  });
  return {};
}

async function deactivateMFADevice(input: IamOperations['DeactivateMFADevice']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const device = await requireDeviceOf(tx, ctx, target, input.SerialNumber);
    // The virtual device stays in the account, unassigned; its last used step stays too, so
    // codes seen before cannot be replayed when it is enabled again.
    const { enabledAt: _enabledAt, driftSteps: _drift, ...data } = device.data;
    await reparentMfaDevice(tx, device, UNASSIGNED, data);
  });
  return {};
}

async function resyncMFADevice(input: IamOperations['ResyncMFADevice']['input'], ctx: OperationContext) {
  await ctx.store.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.principal.accountId, input.UserName);
    const device = await requireDeviceOf(tx, ctx, { kind: 'user', record: user }, input.SerialNumber);
    const nowStep = timeStepAt(ctx.clock.now());
    const step = findConsecutivePair(
      openSeed(ctx, device), input.AuthenticationCode1, input.AuthenticationCode2, nowStep, RESYNC_WINDOW_STEPS, device.data.lastUsedStep,
    );
    if (step === undefined) throw invalidAuthenticationCode();
    // The device's clock is where its second code says it is: later codes are looked for there.
    const data: MfaDeviceData = { ...device.data, lastUsedStep: step, driftSteps: step - nowStep };
    await tx.update({ ...device, data });
  });
  return {};
}

function mfaDeviceOutput(device: MfaDeviceRecord, userName: string): MFADevice {
  return { UserName: userName, SerialNumber: device.data.serialNumber, EnableDate: new Date(device.data.enabledAt ?? device.createdAt) };
}

async function listMFADevices(input: IamOperations['ListMFADevices']['input'], ctx: OperationContext) {
  const target = await resolveTargetUser(ctx.store, ctx, input.UserName);
  const page = await pageOf(
    (after, limit) => ctx.store.list<MfaDeviceData>(ctx.principal.accountId, Kind.mfaDevice, { parentId: parentOf(target), after, limit }),
    (device) => device.name.toLowerCase(),
    input.Marker,
    input.MaxItems,
  );
  const userName = holderName(target, ctx.principal.accountId);
  return {
    MFADevices: page.items.map((device) => mfaDeviceOutput(device, userName)),
    IsTruncated: page.isTruncated,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
}

async function getMFADevice(input: IamOperations['GetMFADevice']['input'], ctx: OperationContext) {
  return ctx.store.transaction(async (tx) => {
    const target = await resolveTargetUser(tx, ctx, input.UserName);
    const device = await requireDeviceOf(tx, ctx, target, input.SerialNumber);
    return mfaDeviceOutput(device, holderName(target, ctx.principal.accountId));
  });
}

export const mfaAssignmentHandlers = {
  EnableMFADevice: enableMFADevice,
  DeactivateMFADevice: deactivateMFADevice,
  ResyncMFADevice: resyncMFADevice,
  ListMFADevices: listMFADevices,
  GetMFADevice: getMFADevice,
} satisfies IamHandlerTable;
