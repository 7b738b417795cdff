import type { RandomSource } from '../kernel/random.ts';

/**
 * Token key IDs: 10 random characters and a check character, from a lower-case base32
 * alphabet (no '.', so the ID can sit between the dots of a token header).
 *
 * Why a check character: the key ID travels in clear in every token, and an ID this node does
 * not know makes it re-read the key ring from the store. With a Luhn mod 32 check character,
 * every single-character change to an ID is recognised as malformed on the spot, so a
 * corrupted token never costs a store read; only an ID someone formed on purpose does (and
 * those re-reads are rate-limited by the ring).
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE = ALPHABET.length;
const RANDOM_CHARS = 10;

export const TOKEN_KEY_ID_LENGTH = RANDOM_CHARS + 1;

function valueOf(char: string): number {
  return ALPHABET.indexOf(char);
}

/**
 * Luhn mod N sum of `values`, read from the right, doubling every second one starting with
 * the rightmost when `doubleRightmost`. Doubling followed by "add the two base-N digits" is a
 * permutation of 0..N-1 for even N, which is why any single substitution changes the sum.
 */
function luhnSum(values: readonly number[], doubleRightmost: boolean): number {
  let sum = 0;
  let double = doubleRightmost;
  for (let i = values.length - 1; i >= 0; i--) {
    let addend = values[i]! * (double ? 2 : 1);
    addend = Math.floor(addend / BASE) + (addend % BASE);
    sum += addend;
    double = !double;
  }
  return sum % BASE;
}

function checkCharacter(values: readonly number[]): string {
  return ALPHABET[(BASE - luhnSum(values, true)) % BASE]!;
}

/** A fresh key ID (uniqueness is finally decided by the store, which refuses a clash). */
export function newTokenKeyId(random: RandomSource): string {
  // 256 is a multiple of 32, so masking to 5 bits keeps every character uniform.
  const values = Array.from(random.bytes(RANDOM_CHARS), (byte) => byte & (BASE - 1));
  return values.map((v) => ALPHABET[v]!).join('') + checkCharacter(values);
}

/** Whether `id` could be an ID made by {@link newTokenKeyId}: length, alphabet and check character. */
export function isWellFormedTokenKeyId(id: string): boolean {
  if (id.length !== TOKEN_KEY_ID_LENGTH) return false;
  const values: number[] = [];
  for (const char of id) {
    const value = valueOf(char);
    if (value < 0) return false;
    values.push(value);
  }
  return luhnSum(values, false) === 0;
}
