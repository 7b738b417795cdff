/**
 * Decoder of aws-chunked request bodies: STREAMING-AWS4-HMAC-SHA256-PAYLOAD,
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER and STREAMING-UNSIGNED-PAYLOAD-TRAILER.
 *
 * Wire form (S3 API reference, "Transferring Payload in Multiple Chunks" and "Signature
 * calculations for trailing headers"):
 *
 *   signed:    hex(size);chunk-signature=<64 hex>\r\n <size bytes> \r\n   … then size 0
 *   unsigned:  hex(size)\r\n <size bytes> \r\n                            … then size 0
 *   after the zero-size chunk: trailer lines 'name:value\r\n' (the -TRAILER forms: the
 *   checksum x-amz-trailer announced, then, signed, 'x-amz-trailer-signature:<64 hex>'),
 *   then an empty line '\r\n'.
 *
 * The decoder emits the chunk data as it arrives and checks everything on the way, failing
 * at the first fault with S3's answer: a chunk signature (constant time, chained from the
 * seed) as soon as that chunk's data is complete; sizes when a chunk header is read, before
 * its data (a header longer than a header can be, a size over the maximum, a non-last chunk
 * under S3's 8 KiB minimum, more data than x-amz-decoded-content-length); the total, the
 * trailer's signature and its checksum at the end. The last decoded piece is withheld until
 * all of that passed and the input ended with nothing after the final line
 * (withheld-tail.ts), so a refused body never reaches its consumer whole. Data of the chunk
 * in progress flows on before that chunk's signature is checked (buffering whole chunks
 * would cost up to the maximum chunk size per upload); the consumer must discard what it
 * received when the stream fails, as a forwarder does by aborting its upstream request.
 *
 * Memory is bounded whatever the body's size: one header line (≤ 128 bytes), one held piece
 * (a view of one input buffer) and the running hashes. Pieces are emitted in input order, and
 * once a piece of a later input was emitted no view of an earlier input is kept (a line that
 * spans inputs is complete before any data after it is emitted), so a consumer may free an
 * input buffer from then on (the gateway does).
 *
 * Tessera's limits, stricter than anything S3 documents: a chunk's size has at most 16 hex
 * digits and at most `maxChunkSize` (default 16 MiB) bytes; the only chunk extension is
 * chunk-signature, and only on signed forms; at most one checksum trailer.
 */

import { Buffer } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSignatureChain } from './chunk-signature.ts';
import {
  checksumMismatch,
  chunkSignatureDoesNotMatch,
  chunkTooLarge,
  chunkTooSmall,
  decodedLengthMismatch,
  incompleteBody,
  malformedTrailer,
} from './errors.ts';
import type { ChecksumHasher, FlexibleChecksum } from './flexible-checksums.ts';
import { EMPTY_PAYLOAD_HASH } from './payload-hash.ts';
import { PayloadRefusedError } from './payload-refused-error.ts';
import type { SigV4Failure } from './types.ts';
import { WithheldTail } from './withheld-tail.ts';

/** S3: every chunk but the last must hold at least 8 KiB. */
export const S3_MIN_CHUNK_SIZE = 8192;
/** Tessera's limit on one chunk's declared size. */
export const DEFAULT_MAX_CHUNK_SIZE = 16 * 1024 * 1024;
/** A chunk header or trailer line, CRLF included, is never longer than this. */
export const MAX_LINE_BYTES = 128;
const MAX_SIZE_HEX_DIGITS = 16;
const SIGNATURE_EXTENSION = 'chunk-signature=';
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

export interface AwsChunkedDecoderOptions {
  /** The chain that verifies chunk signatures (signed forms); absent for unsigned chunks. */
  signatures?: ChunkSignatureChain;
  /** Whether a trailer section follows the last chunk (the -TRAILER forms). */
  trailer: boolean;
  /** The checksum x-amz-trailer announced; it must be the trailer, and must match. */
  trailerChecksum?: FlexibleChecksum;
  /** x-amz-decoded-content-length, when the request declared it. */
  decodedLength?: number;
  /** Largest chunk accepted, in bytes. Default 16 MiB. */
  maxChunkSize?: number;
  /** Smallest size of a chunk that is not the last one. Default 8192, as S3. */
  minChunkSize?: number;
}

/** The checksum trailer, once it was verified against the decoded body. */
export interface VerifiedChecksum {
  /** 'x-amz-checksum-crc32', … */
  header: string;
  /** The base64 value, as the client sent it and as it was computed. */
  value: string;
}

const HEADER = 0;
const DATA = 1;
const DATA_CR = 2;
const DATA_LF = 3;
const TRAILER = 4;
const DONE = 5;
const FAILED = 6;

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isLowerHexSignature(value: string): boolean {
  if (value.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const code = value.charCodeAt(i);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

function isBase64(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const ok =
      (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) ||
      code === 0x2b || code === 0x2f || code === 0x3d;
    if (!ok) return false;
  }
  return true;
}

/** A chunk size: 1..16 hex digits (no sign, no spaces), or undefined. */
function parseChunkSize(text: string): number | undefined {
  if (text.length === 0 || text.length > MAX_SIZE_HEX_DIGITS) return undefined;
  for (let i = 0; i < text.length; i++) if (!isHexDigit(text.charCodeAt(i))) return undefined;
  // Above 2^53 the value is approximate, but then far over any limit anyway.
  return Number.parseInt(text, 16);
}

export class AwsChunkedDecoder extends Transform {
  readonly #signatures: ChunkSignatureChain | undefined;
  readonly #trailer: boolean;
  readonly #trailerChecksum: FlexibleChecksum | undefined;
  readonly #decodedLength: number | undefined;
  readonly #maxChunkSize: number;
  readonly #minChunkSize: number;
  readonly #tail = new WithheldTail();
  readonly #checksum: ChecksumHasher | undefined;

  #state = HEADER;
  /** The current line (header or trailer) when it spans input buffers. */
  #lineParts: Buffer[] = [];
  #lineLength = 0;
  /** Chunks whose header was read, the current one included (S3 numbers them from 1). */
  #chunkNumber = 0;
  #previousChunkSize = 0;
  #remaining = 0;
  #chunkHash: Hash | undefined;
  #chunkSignature = '';
  #decodedBytes = 0;
  #trailers: [string, string][] = [];
  #trailerSignature: string | undefined;
  #verifiedChecksum: VerifiedChecksum | undefined;

  constructor(options: AwsChunkedDecoderOptions) {
    super();
    this.#signatures = options.signatures;
    this.#trailer = options.trailer;
    this.#trailerChecksum = options.trailerChecksum;
    this.#decodedLength = options.decodedLength;
    this.#maxChunkSize = options.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE;
    this.#minChunkSize = options.minChunkSize ?? S3_MIN_CHUNK_SIZE;
    this.#checksum = options.trailerChecksum?.create();
  }

  /** Decoded bytes so far (emitted or held). */
  get decodedBytes(): number {
    return this.#decodedBytes;
  }

  /** The verified checksum trailer, once the body ended and passed; undefined before, or with no trailer. */
  get verifiedChecksum(): VerifiedChecksum | undefined {
    return this.#verifiedChecksum;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const failure = this.#consume(chunk);
    if (failure) {
      this.#state = FAILED;
      this.#tail.discard();
      callback(new PayloadRefusedError(failure));
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state !== DONE) {
      this.#tail.discard();
      callback(new PayloadRefusedError(incompleteBody()));
      return;
    }
    // Only now: the body verified and nothing followed its final line.
    const held = this.#tail.release();
    if (held) this.push(held);
    callback();
  }

  #emit(piece: Buffer): void {
    const ready = this.#tail.offer(piece);
    if (ready) this.push(ready);
  }

  /** Runs the input through the state machine; the first fault stops it. */
  #consume(input: Buffer): SigV4Failure | undefined {
    let position = 0;
    while (position < input.length) {
      switch (this.#state) {
        case HEADER:
        case TRAILER: {
          const newline = input.indexOf(0x0a, position);
          const end = newline === -1 ? input.length : newline + 1;
          if (this.#lineLength + (end - position) > MAX_LINE_BYTES) {
            return this.#state === HEADER ? incompleteBody() : malformedTrailer();
          }
          if (newline === -1) {
            this.#lineParts.push(input.subarray(position));
            this.#lineLength += input.length - position;
            position = input.length;
            break;
          }
          const line = this.#takeLine(input.subarray(position, newline + 1));
          position = newline + 1;
          const failure = this.#state === HEADER ? this.#chunkHeader(line) : this.#trailerLine(line);
          if (failure) return failure;
          break;
        }
        case DATA: {
          const take = Math.min(this.#remaining, input.length - position);
          const piece = input.subarray(position, position + take);
          position += take;
          this.#remaining -= take;
          this.#decodedBytes += take;
          this.#chunkHash?.update(piece);
          this.#checksum?.update(piece);
          this.#emit(piece);
          if (this.#remaining === 0) {
            const failure = this.#endOfChunkData();
            if (failure) return failure;
          }
          break;
        }
        case DATA_CR:
          if (input[position] !== 0x0d) return incompleteBody();
          position++;
          this.#state = DATA_LF;
          break;
        case DATA_LF:
          if (input[position] !== 0x0a) return incompleteBody();
          position++;
          this.#state = HEADER;
          break;
        default:
          // Bytes after the final empty line, or after a refusal.
          return incompleteBody();
      }
    }
    return undefined;
  }

  /** The complete line (LF included) as text without its CRLF, or undefined when it lacks the CR. */
  #takeLine(last: Buffer): string | undefined {
    const bytes = this.#lineParts.length === 0 ? last : Buffer.concat([...this.#lineParts, last]);
    this.#lineParts = [];
    this.#lineLength = 0;
    if (bytes.length < 2 || bytes[bytes.length - 2] !== 0x0d) return undefined;
    // latin1 maps each byte to one character, so the checks below see every byte as sent.
    return bytes.toString('latin1', 0, bytes.length - 2);
  }

  #chunkHeader(line: string | undefined): SigV4Failure | undefined {
    if (line === undefined) return incompleteBody();
    let sizeText = line;
    let signature = '';
    const semicolon = line.indexOf(';');
    if (this.#signatures) {
      // Exactly 'size;chunk-signature=<64 lower-case hex>'.
      if (semicolon === -1) return incompleteBody();
      sizeText = line.slice(0, semicolon);
      const extension = line.slice(semicolon + 1);
      if (!extension.startsWith(SIGNATURE_EXTENSION)) return incompleteBody();
      signature = extension.slice(SIGNATURE_EXTENSION.length);
      if (!isLowerHexSignature(signature)) return incompleteBody();
    } else if (semicolon !== -1) {
      return incompleteBody();
    }
    const size = parseChunkSize(sizeText);
    if (size === undefined) return incompleteBody();

    this.#chunkNumber++;
    if (size > this.#maxChunkSize) return chunkTooLarge(this.#chunkNumber, size, this.#maxChunkSize);
    if (size > 0 && this.#chunkNumber > 1 && this.#previousChunkSize < this.#minChunkSize) {
      return chunkTooSmall(this.#chunkNumber, this.#previousChunkSize);
    }
    if (this.#decodedLength !== undefined && this.#decodedBytes + size > this.#decodedLength) {
      return decodedLengthMismatch(this.#decodedLength, this.#decodedBytes + size);
    }
    this.#previousChunkSize = size;

    if (size === 0) return this.#finalChunk(signature);
    this.#remaining = size;
    this.#chunkSignature = signature;
    this.#chunkHash = this.#signatures ? createHash('sha256') : undefined;
    this.#state = DATA;
    return undefined;
  }

  #endOfChunkData(): SigV4Failure | undefined {
    if (this.#signatures && this.#chunkHash) {
      const dataHash = this.#chunkHash.digest('hex');
      this.#chunkHash = undefined;
      if (!this.#signatures.verifyChunk(dataHash, this.#chunkSignature)) return chunkSignatureDoesNotMatch();
    }
    this.#state = DATA_CR;
    return undefined;
  }

  #finalChunk(signature: string): SigV4Failure | undefined {
    if (this.#signatures && !this.#signatures.verifyChunk(EMPTY_PAYLOAD_HASH, signature)) {
      return chunkSignatureDoesNotMatch();
    }
    if (this.#decodedLength !== undefined && this.#decodedBytes !== this.#decodedLength) {
      return decodedLengthMismatch(this.#decodedLength, this.#decodedBytes);
    }
    this.#state = TRAILER;
    return undefined;
  }

  #trailerLine(line: string | undefined): SigV4Failure | undefined {
    if (line === undefined) return this.#trailer ? malformedTrailer() : incompleteBody();
    if (line === '') return this.#endOfBody();
    // Without a trailer form, the zero-size chunk must be followed by the empty line alone.
    if (!this.#trailer || this.#trailerSignature !== undefined) return malformedTrailer();
    const colon = line.indexOf(':');
    if (colon === -1) return malformedTrailer();
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1);
    if (name === TRAILER_SIGNATURE) {
      if (!this.#signatures || !isLowerHexSignature(value)) return malformedTrailer();
      this.#trailerSignature = value;
      return undefined;
    }
    const checksum = this.#trailerChecksum;
    if (!checksum || name !== checksum.header || this.#trailers.length > 0) return malformedTrailer();
    if (value.length !== checksum.base64Length || !isBase64(value)) return malformedTrailer();
    this.#trailers.push([name, value]);
    return undefined;
  }

  /** The final empty line: the trailer's signature and its checksum (the held piece goes at the end of input). */
  #endOfBody(): SigV4Failure | undefined {
    if (this.#trailer) {
      if (this.#trailerChecksum && this.#trailers.length === 0) return malformedTrailer();
      if (this.#signatures) {
        if (this.#trailerSignature === undefined) return malformedTrailer();
        if (!this.#signatures.verifyTrailer(this.#trailers, this.#trailerSignature)) return chunkSignatureDoesNotMatch();
      }
      if (this.#trailerChecksum && this.#checksum) {
        const [header, provided] = this.#trailers[0]!;
        const computed = this.#checksum.digestBase64();
        if (computed !== provided) return checksumMismatch(this.#trailerChecksum.algorithm);
        this.#verifiedChecksum = { header, value: computed };
      }
    }
    this.#state = DONE;
    return undefined;
  }
}
