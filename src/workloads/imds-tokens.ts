import { createHmac } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import type { RandomSource } from '../kernel/random.ts';
import { constantTimeEquals } from '../sigv4/index.ts';

/**
 * IMDSv2 session tokens: `PUT /latest/api/token` with a TTL of 1–21,600 seconds returns one,
 * and metadata requests present it in `X-aws-ec2-metadata-token`. A token is its expiry and
 * an HMAC of it under a key made when the endpoint starts, so it is valid for this endpoint
 * only, until it expires; any change to it makes it invalid.
 */
export const MAX_TOKEN_TTL_SECONDS = 21_600;
/** A token is `<expiry, epoch seconds>.<43 characters of base64url MAC>`. */
const MAX_TOKEN_LENGTH = 128;

export class ImdsTokens {
  readonly #key: Uint8Array;
  readonly #clock: Clock;

  constructor(random: RandomSource, clock: Clock) {
    this.#key = random.bytes(32);
    this.#clock = clock;
  }

  issue(ttlSeconds: number): string {
    const expires = Math.floor(this.#clock.now().getTime() / 1000) + ttlSeconds;
    return `${expires}.${this.#mac(String(expires))}`;
  }

  /** Seconds the token has left, or undefined when it is not one of ours or has expired. */
  remainingSeconds(token: string): number | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const dot = token.indexOf('.');
    if (dot < 1) return undefined;
    const expiresText = token.slice(0, dot);
    if (!/^\d{1,12}$/.test(expiresText)) return undefined;
    if (!constantTimeEquals(this.#mac(expiresText), token.slice(dot + 1))) return undefined;
    const remaining = Number(expiresText) - Math.floor(this.#clock.now().getTime() / 1000);
    return remaining > 0 ? remaining : undefined;
  }

  #mac(expires: string): string {
    return createHmac('sha256', this.#key).update(`imds-token:${expires}`).digest('base64url');
  }
}
