import { randomBytes, randomUUID } from 'node:crypto';

/**
 * The one source of randomness for identifiers and secrets, injected so tests can make
 * IDs predictable. Secrets always come from the CSPRNG in production.
 */
export interface RandomSource {
  bytes(length: number): Uint8Array;
  uuid(): string;
  /**
   * A UUID whose first 48 bits are the time in milliseconds (RFC 9562 version 7; the other 74
   * bits random): for request and event IDs, written to the event history on every request,
   * where IDs that grow with time land on the last pages of their indexes instead of a random
   * page each — about half the write cost of an event.
   */
  timeOrderedUuid(): string;
}

export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
  timeOrderedUuid: () => withTime(randomUUID(), Date.now()),
};

/** A version 4 UUID's random bits under a version 7 header: `tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr`. */
function withTime(v4: string, ms: number): string {
  if (ms !== headerMs) {
    const time = ms.toString(16).padStart(12, '0');
    header = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    headerMs = ms;
  }
  return header + v4.slice(15);
}
// The last header written: many IDs are made within one millisecond.
let headerMs = -1;
let header = '';

/** Deterministic randomness for tests: a counter-driven byte stream (NOT for secrets). */
export function seededRandom(seed = 1): RandomSource {
  let state = seed >>> 0 || 1;
  let clock = 0;
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
    // Repeatable: a counter stands in for the clock.
    timeOrderedUuid() {
      return withTime(this.uuid(), ++clock);
    },
  };
}
