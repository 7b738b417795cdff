import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Encode } from './base32.ts';

test('base32 matches the RFC 4648 §10 test vectors (without padding)', () => {
  const vectors: Array<[string, string]> = [
    ['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, encoded] of vectors) assert.equal(base32Encode(new TextEncoder().encode(plain)), encoded, plain);
});

test('40 bytes encode to 64 characters of the base32 alphabet, as AWS seeds are', () => {
  const bytes = new Uint8Array(40).map((_, i) => (i * 37 + 11) & 255);
  const seed = base32Encode(bytes);
  assert.match(seed, /^[A-Z2-7]{64}$/);
  assert.deepEqual(new Uint8Array(Buffer.from(decode(seed))), bytes);
});

/** A plain decoder for the round trip, independent of the encoder's bit handling. */
function decode(text: string): number[] {
  const bits = [...text].map((ch) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(ch).toString(2).padStart(5, '0')).join('');
  const out: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return out;
}
