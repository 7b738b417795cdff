import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { RandomSource } from '../../kernel/random.ts';

/**
 * Console passwords are stored only as scrypt hashes (RFC 7914), a memory-hard KDF, so a
 * stolen database costs an attacker memory as well as time per guess.
 *
 * Parameters: N = 2^15, r = 8, p = 1 — 32 MiB and roughly 50–100 ms per hash on one core,
 * above scrypt's "interactive login" setting (N = 2^14) while keeping a password change that
 * checks PasswordReusePrevention against 24 earlier passwords near a second. Each hash records
 * its own parameters, so they can be raised later without invalidating stored passwords.
 * Salt: 16 random bytes per password. Key: 32 bytes.
 *
 * Encoded form: `scrypt$<N>$<r>$<p>$<salt, base64url>$<key, base64url>`.
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses at its 32 MiB default, so allow twice that.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 2 * 128 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // The async form runs on libuv's pool: hashing never blocks the event loop.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, random: RandomSource, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = Buffer.from(random.bytes(SALT_BYTES));
  const key = await derive(password, salt, params);
  return [PREFIX, params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` is the one `encoded` was made from. Constant time in the key comparison. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await derive(password, salt, { N, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
