import type { StoreTx } from '../store/types.ts';
import type { OperationContext, SecretSealer } from '../kernel/operation.ts';
import type { Principal } from '../kernel/principal.ts';
import { isoSeconds } from '../kernel/clock.ts';
import { ROOT_PARENT } from '../iam/records.ts';
import { findMfaDevice } from '../iam/credentials/mfa-records.ts';
import { verifyMfaCode } from '../iam/credentials/mfa-verify.ts';
import { SIGN_IN_WINDOW_STEPS, findCode, timeStepAt } from '../iam/credentials/totp.ts';
import { invalidMfaCode, unknownMfaDevice } from './errors.ts';

/**
 * MFA in STS requests (SerialNumber + TokenCode of the caller's own device). Authorization
 * comes first and must know whether the code is right (for aws:MultiFactorAuthPresent), but
 * must not use it up: a request that is then denied would have burnt the code. So the
 * authorization target only checks ({@link checkMfaCode}); the handler consumes it
 * ({@link authenticateMfa}), which is also what refuses a code presented twice.
 */

/**
 * Checks the request's MFA before its authorization is decided, as AWS does — without
 * consuming the code. AWS answers a wrong, reused or missing code, and a serial number that
 * names no device of the caller, with its MFA errors whatever the trust policy says (a user
 * retyping a used code into a role that requires MFA reads "invalid MFA one time pass code",
 * not a trust-policy denial). Returns whether the request carries valid MFA (so the trust
 * policy sees aws:MultiFactorAuthPresent); false when it carries none.
 */
export async function checkMfaCode(
  tx: StoreTx,
  secrets: SecretSealer,
  caller: Principal,
  serialNumber: string | undefined,
  code: string | undefined,
  now: Date,
): Promise<boolean> {
  if (serialNumber === undefined && code === undefined) return false;
  if (serialNumber === undefined) throw unknownMfaDevice();
  const device = await findMfaDevice(tx, caller.accountId, serialNumber);
  if (!device || device.parentId !== holderId(caller)) throw unknownMfaDevice();
  if (code === undefined || !/^\d{6}$/.test(code)) throw invalidMfaCode();
  const seed = secrets.open(device.data.sealedSeed, device.data.serialNumber);
  const center = timeStepAt(now) + (device.data.driftSteps ?? 0);
  if (findCode(seed, code, center, SIGN_IN_WINDOW_STEPS, device.data.lastUsedStep) === undefined) throw invalidMfaCode();
  return true;
}

/**
 * Consumes the code when one is given and answers AWS's errors: a serial number that names
 * no device of the caller, or a wrong (or already used) code. Returns the session's MFA
 * claim, or undefined when the request carries no MFA.
 */
export async function authenticateMfa(ctx: OperationContext, serialNumber: string | undefined, code: string | undefined): Promise<{ authenticatedAt: string } | undefined> {
  if (serialNumber === undefined && code === undefined) return undefined;
  const caller = ctx.principal;
  if (serialNumber === undefined) throw unknownMfaDevice();
  const device = await findMfaDevice(ctx.store, caller.accountId, serialNumber);
  if (!device || device.parentId !== holderId(caller)) throw unknownMfaDevice();
  if (code === undefined) throw invalidMfaCode();
  const now = ctx.clock.now();
  if (!(await verifyMfaCode(ctx.store, ctx.secrets, caller.accountId, serialNumber, caller.userId, code, now))) throw invalidMfaCode();
  return { authenticatedAt: isoSeconds(now) };
}

/** The MFA device parent of a caller: its user ID, or the root marker; none for sessions of roles. */
function holderId(caller: Principal): string | undefined {
  if (caller.kind === 'root') return ROOT_PARENT;
  if (caller.kind === 'user') return caller.userId;
  return undefined;
}
