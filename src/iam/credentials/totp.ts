import { timingSafeEqual } from 'node:crypto';
import { generateSync } from 'otplib';

/**
 * TOTP (RFC 6238) as virtual MFA devices use it: HMAC-SHA1, 6 digits, 30-second steps from
 * the Unix epoch. Codes are computed with otplib; this module only decides which time steps
 * to try and in which order.
 *
 * Windows, in time steps either side of the server's current step (AWS does not publish its
 * own): enabling a device accepts a pair whose second code is within ±3 steps (a minute and a
 * half of clock drift or typing time); resynchronizing searches ±20 steps (ten minutes), which
 * is what resync is for; a sign-in code (STS) is accepted within ±1 step of the device's
 * learnt drift.
 */

export const TOTP_PERIOD_SECONDS = 30;
export const ENABLE_WINDOW_STEPS = 3;
export const RESYNC_WINDOW_STEPS = 20;
export const SIGN_IN_WINDOW_STEPS = 1;

export function timeStepAt(time: Date): number {
  return Math.floor(time.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code a device with this Base32 seed shows during `step`. */
export function codeAt(seed: string, step: number): string {
  return generateSync({ secret: seed, epoch: step * TOTP_PERIOD_SECONDS });
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Steps within `radius` of `center`, nearest first (a rare collision resolves to the likelier step). */
function* stepsAround(center: number, radius: number): Generator<number> {
  yield center;
  for (let d = 1; d <= radius; d++) {
    yield center - d;
    yield center + d;
  }
}

/**
 * The step at which `code` was shown, searching `radius` steps around `center` and never at or
 * before `afterStep` (a code already accepted once). Undefined when it matches none.
 */
export function findCode(seed: string, code: string, center: number, radius: number, afterStep = -1): number | undefined {
  for (const step of stepsAround(center, radius)) {
    if (step > afterStep && step >= 0 && sameCode(codeAt(seed, step), code)) return step;
  }
  return undefined;
}

/**
 * The step of `second` when `first` and `second` are two consecutive codes (steps t and t+1)
 * with t+1 within `radius` of `center`, neither at or before `afterStep`.
 */
export function findConsecutivePair(seed: string, first: string, second: string, center: number, radius: number, afterStep = -1): number | undefined {
  for (const step of stepsAround(center, radius)) {
    if (step - 1 <= afterStep || step < 1) continue;
    if (sameCode(codeAt(seed, step), second) && sameCode(codeAt(seed, step - 1), first)) return step;
  }
  return undefined;
}
