/**
 * A small bounded cache of signing keys.
 *
 * Deriving a key costs four HMACs; a signing key is valid for one (secret, date, region,
 * service) and a client reuses it for every request of the day, so caching saves most of
 * a verification's hashing. The map is keyed by a SHA-256 of the tuple, never by the
 * secret itself, so the cache does not hold raw secrets as keys. Eviction is least-recently
 * used: a Map iterates in insertion order, and a hit is re-inserted at the end.
 */

import { createSecretKey, hash, type KeyObject } from 'node:crypto';
import { deriveSigningKey } from './signing-key.ts';
import type { SigningKeyCacheLike } from './types.ts';

export const DEFAULT_SIGNING_KEY_CACHE_CAPACITY = 512;

export interface SigningKeyCacheOptions {
  /** Most keys held at once. Default 512. */
  capacity?: number;
}

/** The map key for a tuple: a SHA-256 of its length-prefixed parts (base64), never the secret itself. */
export function signingKeyCacheKey(secretAccessKey: string, credentialDate: string, region: string, service: string): string {
  // Length-prefix every part so ('ab', 'c') and ('a', 'bc') cannot collide.
  const framed = `${secretAccessKey.length}:${secretAccessKey}${credentialDate.length}:${credentialDate}${region.length}:${region}${service.length}:${service}`;
  return hash('sha256', framed, 'base64');
}

export class SigningKeyCache implements SigningKeyCacheLike {
  /** Held as KeyObjects: HMAC with a KeyObject key is several times cheaper than with bytes. */
  readonly #entries = new Map<string, KeyObject>();
  readonly #capacity: number;

  constructor(options: SigningKeyCacheOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_SIGNING_KEY_CACHE_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /** The signing key for the tuple, derived on a miss. */
  signingKey(secretAccessKey: string, credentialDate: string, region: string, service: string): KeyObject {
    const key = signingKeyCacheKey(secretAccessKey, credentialDate, region, service);
    const cached = this.#entries.get(key);
    if (cached) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const derived = createSecretKey(deriveSigningKey(secretAccessKey, credentialDate, region, service));
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, derived);
    return derived;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops every key (e.g. after a secret is rotated or deleted). */
  clear(): void {
    this.#entries.clear();
  }
}
