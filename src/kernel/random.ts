import { randomBytes, randomUUID } from 'node:crypto';

/**
 * The one source of randomness for identifiers and secrets, injected so tests can make
 * IDs predictable. Secrets always come from the CSPRNG in production.
 */
export interface RandomSource {
  bytes(length: number): Uint8Array;
  uuid(): string;
}

export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};

/** Deterministic randomness for tests: a counter-driven byte stream (NOT for secrets). */
export function seededRandom(seed = 1): RandomSource {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32: tiny and good enough to make test IDs distinct and repeatable.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = next() & 0xff;
      return out;
    },
    uuid() {
      const hex = Array.from(this.bytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    },
  };
}
