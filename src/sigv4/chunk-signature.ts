/**
 * Signatures of aws-chunked payloads: each chunk, and the trailer, is signed with the
 * request's signing key over a string that chains it to the signature before it, starting
 * from the request's own ("seed") signature. Reordering, dropping or altering a chunk breaks
 * the chain.
 *
 * S3 API reference, "Signature Calculations for the Authorization Header: Transferring
 * Payload in Multiple Chunks (Chunked Upload)":
 *   AWS4-HMAC-SHA256-PAYLOAD \n <x-amz-date> \n <scope> \n <previous-signature> \n
 *   hex(SHA256('')) \n hex(SHA256(chunk-data))
 * and "Signature calculations for trailing headers (chunked uploads)":
 *   AWS4-HMAC-SHA256-TRAILER \n <x-amz-date> \n <scope> \n <previous-signature> \n
 *   hex(SHA256(trailing-headers))
 * where trailing-headers is every trailer as 'name:value\n' (checked against the AWS CRT's
 * published vector, chunk-signer tests: trailer 'first:1st', 'second:2nd', 'third:3rd').
 */

import type { KeyObject } from 'node:crypto';
import { constantTimeEquals } from './constant-time.ts';
import { EMPTY_PAYLOAD_HASH } from './payload-hash.ts';
import { sha256Hex } from './hashing.ts';
import { signature } from './signing-key.ts';

export const CHUNK_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';
export const TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER';

export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, chunkSha256Hex: string): string {
  return `${CHUNK_ALGORITHM}\n${amzDate}\n${scope}\n${previousSignature}\n${EMPTY_PAYLOAD_HASH}\n${chunkSha256Hex}`;
}

/** `trailers`: name and value pairs, in the order sent; each enters as 'name:value\n'. */
export function trailerStringToSign(
  amzDate: string,
  scope: string,
  previousSignature: string,
  trailers: readonly (readonly [string, string])[],
): string {
  const canonical = trailers.map(([name, value]) => `${name}:${value}\n`).join('');
  return `${TRAILER_ALGORITHM}\n${amzDate}\n${scope}\n${previousSignature}\n${sha256Hex(canonical)}`;
}

/** Where a chain of chunk signatures stands: the key, the scope and the last good signature. */
export class ChunkSignatureChain {
  readonly #signingKey: Uint8Array | KeyObject;
  readonly #amzDate: string;
  readonly #scope: string;
  #previous: string;

  constructor(signingKey: Uint8Array | KeyObject, amzDate: string, scope: string, seedSignature: string) {
    this.#signingKey = signingKey;
    this.#amzDate = amzDate;
    this.#scope = scope;
    this.#previous = seedSignature;
  }

  /** The signature the next chunk with this data hash must carry (what a signer writes). */
  nextChunkSignature(chunkSha256Hex: string): string {
    return signature(this.#signingKey, chunkStringToSign(this.#amzDate, this.#scope, this.#previous, chunkSha256Hex));
  }

  /** Checks a chunk's signature in constant time; on success the chain moves on to it. */
  verifyChunk(chunkSha256Hex: string, provided: string): boolean {
    const expected = this.nextChunkSignature(chunkSha256Hex);
    if (!constantTimeEquals(expected, provided)) return false;
    this.#previous = expected;
    return true;
  }

  trailerSignature(trailers: readonly (readonly [string, string])[]): string {
    return signature(this.#signingKey, trailerStringToSign(this.#amzDate, this.#scope, this.#previous, trailers));
  }

  verifyTrailer(trailers: readonly (readonly [string, string])[], provided: string): boolean {
    const expected = this.trailerSignature(trailers);
    if (!constantTimeEquals(expected, provided)) return false;
    this.#previous = expected;
    return true;
  }
}
