/**
 * RFC 4648 base32 (alphabet A–Z, 2–7), unpadded: the encoding authenticator apps expect for
 * TOTP seeds. 40 seed bytes give exactly 64 characters, the length of AWS's seeds.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
    // Keep only the bits not yet written, so the buffer never outgrows 32-bit arithmetic.
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
