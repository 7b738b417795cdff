import type { RandomSource } from './random.ts';

/**
 * AWS-shaped identifiers.
 *
 * Unique IDs (AIDA… users, AROA… roles, AGPA… groups, ANPA… policies, AIPA… instance
 * profiles) are a four-letter prefix and 17 characters of RFC 4648 base32, as on AWS.
 *
 * Access key IDs (AKIA… long-term, ASIA… temporary) carry the owning account inside them,
 * so `sts:GetAccessKeyInfo` can answer for any Tessera key, even one that was deleted,
 * without a store read. Layout after the prefix: 16 base32 characters = 80 bits = 40 bits of
 * account number (every 12-digit account fits in 40 bits) followed by 40 random bits.
 * This is Tessera's own layout; AWS's key IDs encode the account differently.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AIPA' | 'APKA' | 'ASCA' | 'ACCA';
export type AccessKeyPrefix = 'AKIA' | 'ASIA';

export function uniqueId(random: RandomSource, prefix: UniqueIdPrefix): string {
  const bytes = random.bytes(17);
  let out = prefix;
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

export function accessKeyId(random: RandomSource, prefix: AccessKeyPrefix, accountId: string): string {
  const account = BigInt(accountId);
  const rand = random.bytes(5).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  let bits = (account << 40n) | rand;
  let chars = '';
  for (let i = 0; i < 16; i++) {
    chars = BASE32[Number(bits & 31n)] + chars;
    bits >>= 5n;
  }
  return prefix + chars;
}

/** The account encoded in a Tessera access key ID, or undefined for a foreign-shaped ID. */
export function accountOfAccessKeyId(keyId: string): string | undefined {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(keyId)) return undefined;
  let bits = 0n;
  for (const ch of keyId.slice(4)) bits = (bits << 5n) | BigInt(BASE32.indexOf(ch));
  const account = bits >> 40n;
  if (account >= 1_000_000_000_000n) return undefined;
  return account.toString().padStart(12, '0');
}

/** 40 characters from the base64 alphabet, as AWS secret access keys are. */
export function secretAccessKey(random: RandomSource): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (const b of random.bytes(40)) out += alphabet[b & 63];
  return out;
}

/** A random 12-digit account ID that does not start with 0 (purely cosmetic). */
export function randomAccountId(random: RandomSource): string {
  let digits = '';
  for (const b of random.bytes(12)) digits += String(b % 10);
  return (digits[0] === '0' ? '1' : digits[0]) + digits.slice(1);
}

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}
