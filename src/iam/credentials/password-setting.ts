import type { RandomSource } from '../../kernel/random.ts';
import { isoSeconds } from '../../kernel/clock.ts';
import { passwordPolicyViolation } from './errors.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { passwordRuleViolation, reuseViolationMessage } from './password-rules.ts';
import type { LoginProfileData, PasswordPolicyData } from './records.ts';

/**
 * Setting a console password, the same way for CreateLoginProfile, UpdateLoginProfile and
 * ChangePassword: the account policy's rules (or AWS's default policy), PasswordReusePrevention
 * against the current and earlier passwords, then a fresh hash and, under MaxPasswordAge, the
 * date the new password expires.
 */

/** The most earlier passwords PasswordReusePrevention can ask for (the model's maximum). */
export const PASSWORD_HISTORY_LIMIT = 24;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface NewPassword {
  hash: string;
  changedAt: string;
  expiresAt?: string;
}

export async function prepareNewPassword(
  password: string,
  policy: PasswordPolicyData | undefined,
  current: LoginProfileData | undefined,
  random: RandomSource,
  now: Date,
): Promise<NewPassword> {
  const violation = passwordRuleViolation(password, policy);
  if (violation) throw passwordPolicyViolation(violation);
  const remembered = policy?.passwordReusePrevention;
  if (remembered !== undefined && current) {
    for (const earlier of [current.hash, ...current.history].slice(0, remembered)) {
      if (await verifyPassword(password, earlier)) throw passwordPolicyViolation(reuseViolationMessage(remembered));
    }
  }
  const changedAt = isoSeconds(now);
  return {
    hash: await hashPassword(password, random),
    changedAt,
    ...(policy?.maxPasswordAge !== undefined ? { expiresAt: isoSeconds(new Date(now.getTime() + policy.maxPasswordAge * DAY_MS)) } : {}),
  };
}

/** The profile data after `next` replaces the current password (kept in the history). */
export function withNewPassword(current: LoginProfileData, next: NewPassword, passwordResetRequired: boolean): LoginProfileData {
  const { expiresAt: _previousExpiry, ...rest } = current;
  return {
    ...rest,
    hash: next.hash,
    history: [current.hash, ...current.history].slice(0, PASSWORD_HISTORY_LIMIT),
    passwordResetRequired,
    changedAt: next.changedAt,
    ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
  };
}
