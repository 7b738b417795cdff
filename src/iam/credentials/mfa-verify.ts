import type { Store } from '../../store/types.ts';
import type { SecretSealer } from '../../kernel/operation.ts';
import { ROOT_PARENT } from '../records.ts';
import { findMfaDevice } from './mfa-records.ts';
import { SIGN_IN_WINDOW_STEPS, findCode, timeStepAt } from './totp.ts';

/**
 * Checks an MFA code a caller presents (STS: GetSessionToken, AssumeRole with SerialNumber and
 * TokenCode). True only when the device with `serialNumber` exists in `accountId`, is enabled
 * for the principal whose unique ID is `userId` (the account ID for the root user), and `code`
 * is its code within one step of the device's clock (as learnt by ResyncMFADevice).
 *
 * A code is accepted at most once: the accepted time step is recorded in the device in the
 * same transaction that checks it, and codes of that step or earlier are refused from then on
 * (RFC 6238 §5.2). Two requests racing with one code cannot both pass: the store serializes
 * the transactions, and the second sees the first's step.
 *
 * The seed is sealed at rest, hence `secrets`.
 */
export async function verifyMfaCode(
  store: Store,
  secrets: SecretSealer,
  accountId: string,
  serialNumber: string,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  return store.transaction(async (tx) => {
    const device = await findMfaDevice(tx, accountId, serialNumber);
    const holder = userId === accountId ? ROOT_PARENT : userId;
    if (!device || device.parentId !== holder) return false;
    const seed = secrets.open(device.data.sealedSeed, device.data.serialNumber);
    const center = timeStepAt(now) + (device.data.driftSteps ?? 0);
    const step = findCode(seed, code, center, SIGN_IN_WINDOW_STEPS, device.data.lastUsedStep);
    if (step === undefined) return false;
    await tx.update({ ...device, data: { ...device.data, lastUsedStep: step } });
    return true;
  });
}
