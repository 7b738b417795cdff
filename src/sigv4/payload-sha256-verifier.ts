/**
 * `x-amz-content-sha256: <hex SHA-256>`: the whole payload is signed through its hash, so it
 * can only be checked once its last byte arrived (S3 API reference, "Signature Calculations
 * for the Authorization Header: Transferring Payload in a Single Chunk").
 *
 * The stream passes the bytes through unchanged while hashing them and holds the last piece
 * back (see withheld-tail.ts) until the digest matched; on a mismatch it fails with S3's
 * XAmzContentSHA256Mismatch and the held piece is never emitted.
 */

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { payloadSha256Mismatch } from './errors.ts';
import { PayloadRefusedError } from './payload-refused-error.ts';
import { WithheldTail } from './withheld-tail.ts';

export class PayloadSha256Verifier extends Transform {
  readonly #expected: string;
  readonly #hash: Hash = createHash('sha256');
  readonly #tail = new WithheldTail();
  #bytes = 0;

  /** `expectedSha256Hex`: the declared x-amz-content-sha256 (any case). */
  constructor(expectedSha256Hex: string) {
    super();
    this.#expected = expectedSha256Hex.toLowerCase();
  }

  /** Bytes received so far. */
  get bytesReceived(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    this.#hash.update(chunk);
    const ready = this.#tail.offer(chunk);
    if (ready) this.push(ready);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const computed = this.#hash.digest('hex');
    // Both digests are public (the client sent one, the other is of what it sent): no
    // constant-time comparison is needed.
    if (computed !== this.#expected) {
      this.#tail.discard();
      callback(new PayloadRefusedError(payloadSha256Mismatch(this.#expected, computed)));
      return;
    }
    const held = this.#tail.release();
    if (held) this.push(held);
    callback();
  }
}
