import type { RandomSource } from '../../kernel/random.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An identifier of upper-case letters and digits (the `[A-Z0-9]+` shapes of SAMLProviderUUID
 * and SAML private key IDs): `prefix` and `length` random base32 characters.
 */
export function opaqueId(random: RandomSource, prefix: string, length: number): string {
  let out = prefix;
  for (const b of random.bytes(length)) out += ALPHABET[b & 31];
  return out;
}
