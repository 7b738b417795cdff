import { createSecretKey, type KeyObject } from 'node:crypto';

export const TOKEN_KEY_BYTES = 32;

/**
 * One AES-256 key of the ring. The material is held as a KeyObject, never as bytes:
 * inspecting or JSON-serializing a KeyObject shows no key material, so a key cannot end up
 * in a log line by accident (and AES with a KeyObject skips re-importing the key per token).
 */
export interface TokenKey {
  /** Named in clear in every token sealed with this key (see key-id.ts). */
  readonly id: string;
  /** 1 for the ring's first key, then +1 per rotation: the newest key has the highest. */
  readonly generation: number;
  /** ISO-8601 instant the key was made (rotation and retirement are measured from it). */
  readonly createdAt: string;
  readonly secret: KeyObject;
}

/** The keys a node can open tokens with, by key ID (synchronous: no store read). */
export type KeyRingSnapshot = ReadonlyMap<string, TokenKey>;

/** A key from its raw 32 bytes (copied into the KeyObject; the caller may zero its buffer). */
export function tokenKeyFromBytes(fields: { id: string; generation: number; createdAt: string }, bytes: Uint8Array): TokenKey {
  if (bytes.length !== TOKEN_KEY_BYTES) throw new TypeError(`a token key must be ${TOKEN_KEY_BYTES} bytes`);
  return { ...fields, secret: createSecretKey(bytes) };
}
