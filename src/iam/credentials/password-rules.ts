import type { PasswordPolicyData } from './records.ts';

/**
 * Whether a new console password satisfies the account password policy — or, when the
 * account has none, AWS's default policy: at least 8 characters and at least three of the four
 * character types (uppercase, lowercase, numbers, symbols).
 *
 * AWS counts as symbols only: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
 * Uppercase and lowercase mean the Latin letters A–Z and a–z; numbers 0–9.
 *
 * Returns the PasswordPolicyViolation message for the first rule broken (length, uppercase,
 * lowercase, number, symbol), or undefined. The texts are best efforts in AWS's style; AWS
 * does not document them.
 */

const SYMBOLS = new Set("!@#$%^&*()_+-=[]{}|'");

export const DEFAULT_POLICY_MINIMUM_LENGTH = 8;

export interface CharacterTypes {
  uppercase: boolean;
  lowercase: boolean;
  number: boolean;
  symbol: boolean;
}

export function characterTypes(password: string): CharacterTypes {
  const types: CharacterTypes = { uppercase: false, lowercase: false, number: false, symbol: false };
  for (const ch of password) {
    if (ch >= 'A' && ch <= 'Z') types.uppercase = true;
    else if (ch >= 'a' && ch <= 'z') types.lowercase = true;
    else if (ch >= '0' && ch <= '9') types.number = true;
    else if (SYMBOLS.has(ch)) types.symbol = true;
  }
  return types;
}

export function passwordRuleViolation(password: string, policy: PasswordPolicyData | undefined): string | undefined {
  const types = characterTypes(password);
  if (!policy) {
    if (password.length < DEFAULT_POLICY_MINIMUM_LENGTH) return `Password should have a minimum length of ${DEFAULT_POLICY_MINIMUM_LENGTH}`;
    const kinds = [types.uppercase, types.lowercase, types.number, types.symbol].filter(Boolean).length;
    if (kinds < 3) {
      return 'Password should have at least three of the following character types: uppercase letters, lowercase letters, numbers, symbols';
    }
    return undefined;
  }
  if (password.length < policy.minimumPasswordLength) return `Password should have a minimum length of ${policy.minimumPasswordLength}`;
  if (policy.requireUppercaseCharacters && !types.uppercase) return 'Password should have at least one uppercase letter';
  if (policy.requireLowercaseCharacters && !types.lowercase) return 'Password should have at least one lowercase letter';
  if (policy.requireNumbers && !types.number) return 'Password should have at least one number';
  if (policy.requireSymbols && !types.symbol) return 'Password should have at least one symbol';
  return undefined;
}

/**
 * Best effort in AWS's style, for PasswordReusePrevention. The current password counts as the
 * most recent "previous" one: with a reuse prevention of 1 it cannot be set again.
 */
export function reuseViolationMessage(remembered: number): string {
  return `Password should not be one of your ${remembered} previous passwords`;
}
