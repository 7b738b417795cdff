// A verified trailer checksum passed on to the upstream. The checksum is known only once the
// whole body has passed, so it cannot travel as a header without buffering the body; it goes
// the way the client sent it — as the trailer of an aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER
// body, which S3 accepts — re-framed in fixed 64 KiB chunks so that the length is known up
// front (S3 wants a Content-Length). Data streams through as it comes; the trailer is written
// only after the verifier ended, so a refused body still never completes upstream.

import { Transform, type TransformCallback } from 'node:stream';
import type { VerifiedChecksum } from '../sigv4/index.ts';

export const REENCODED_CHUNK_SIZE = 64 * 1024;
export const UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const CRLF = Buffer.from('\r\n');

/** The encoded length of `decodedLength` bytes with a `header` trailer whose value is `valueLength` long. */
export function reencodedLength(decodedLength: number, header: string, valueLength: number): number {
  const full = Math.floor(decodedLength / REENCODED_CHUNK_SIZE);
  const rest = decodedLength % REENCODED_CHUNK_SIZE;
  const chunk = (size: number) => size.toString(16).length + 2 + size + 2;
  return full * chunk(REENCODED_CHUNK_SIZE) + (rest > 0 ? chunk(rest) : 0) + 3 + header.length + 1 + valueLength + 4;
}

/** Frames exactly `decodedLength` bytes as aws-chunked, then the checksum `checksum()` gives at the end. */
export class TrailerReencoder extends Transform {
  #remaining: number;
  /** Bytes still due in the chunk in progress. */
  #inChunk = 0;
  readonly #checksum: () => VerifiedChecksum | undefined;

  constructor(decodedLength: number, checksum: () => VerifiedChecksum | undefined) {
    super();
    this.#remaining = decodedLength;
    this.#checksum = checksum;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#inChunk === 0) {
        const size = Math.min(REENCODED_CHUNK_SIZE, this.#remaining);
        if (size === 0) return done(new Error('the body is longer than its declared decoded length'));
        this.push(Buffer.from(`${size.toString(16)}\r\n`, 'latin1'));
        this.#inChunk = size;
        this.#remaining -= size;
      }
      const take = Math.min(this.#inChunk, chunk.length - offset);
      this.push(chunk.subarray(offset, offset + take));
      offset += take;
      this.#inChunk -= take;
      if (this.#inChunk === 0) this.push(CRLF);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#inChunk !== 0 || this.#remaining !== 0) return done(new Error('the body is shorter than its declared decoded length'));
    const checksum = this.#checksum();
    if (checksum === undefined) return done(new Error('the trailer checksum was not verified'));
    done(null, Buffer.from(`0\r\n${checksum.header}:${checksum.value}\r\n\r\n`, 'latin1'));
  }
}
