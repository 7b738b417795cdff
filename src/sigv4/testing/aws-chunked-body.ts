/**
 * Test support: aws-chunked bodies as a client builds them, frame by frame so that tests can
 * tamper with, reorder or drop frames; and a runner that feeds a verifying stream in pieces
 * and reports what came out before it stopped.
 *
 * The signatures are computed from the spec's strings with the bare HMAC (not through
 * ChunkSignatureChain), so a mistake in the chain is not repeated here.
 */

import { Buffer } from 'node:buffer';
import { createHash, type KeyObject } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { chunkStringToSign, trailerStringToSign } from '../chunk-signature.ts';
import { flexibleChecksum } from '../flexible-checksums.ts';
import { PayloadRefusedError } from '../payload-refused-error.ts';
import { signature } from '../signing-key.ts';

export interface ChunkSigning {
  signingKey: Uint8Array | KeyObject;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

export interface EncodeOptions {
  /** Bytes per chunk (the last data chunk may be shorter). */
  chunkSize: number;
  /** Sign the chunks (and the trailer) from this seed; unsigned chunks without it. */
  signing?: ChunkSigning;
  /** A trailer checksum header ('x-amz-checksum-crc32'); `value` replaces the computed one. */
  trailer?: { header: string; value?: string };
}

export interface EncodedBody {
  /** One buffer per frame: each data chunk (header, data, CRLF), then the last chunk with its trailer and the final CRLF. */
  frames: Buffer[];
  body: Buffer;
  /** Every chunk signature, in order (the zero chunk's last), and the trailer's when signed. */
  signatures: string[];
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function encodeAwsChunked(data: Uint8Array, options: EncodeOptions): EncodedBody {
  const frames: Buffer[] = [];
  const signatures: string[] = [];
  let previous = options.signing?.seedSignature ?? '';
  const header = (size: number, chunk: Uint8Array): string => {
    if (!options.signing) return `${size.toString(16)}\r\n`;
    const { signingKey, amzDate, scope } = options.signing;
    previous = signature(signingKey, chunkStringToSign(amzDate, scope, previous, sha256Hex(chunk)));
    signatures.push(previous);
    return `${size.toString(16)};chunk-signature=${previous}\r\n`;
  };
  for (let offset = 0; offset < data.length; offset += options.chunkSize) {
    const chunk = data.subarray(offset, Math.min(offset + options.chunkSize, data.length));
    frames.push(Buffer.concat([Buffer.from(header(chunk.length, chunk), 'latin1'), chunk, Buffer.from('\r\n')]));
  }
  let last = header(0, new Uint8Array(0));
  if (options.trailer) {
    const checksum = flexibleChecksum(options.trailer.header);
    let value = options.trailer.value;
    if (value === undefined) {
      if (!checksum) throw new Error(`unknown checksum ${options.trailer.header}`);
      const hasher = checksum.create();
      hasher.update(data);
      value = hasher.digestBase64();
    }
    last += `${options.trailer.header}:${value}\r\n`;
    if (options.signing) {
      const { signingKey, amzDate, scope } = options.signing;
      const trailerSignature = signature(signingKey, trailerStringToSign(amzDate, scope, previous, [[options.trailer.header, value]]));
      signatures.push(trailerSignature);
      last += `x-amz-trailer-signature:${trailerSignature}\r\n`;
    }
  }
  frames.push(Buffer.from(`${last}\r\n`, 'latin1'));
  return { frames, body: Buffer.concat(frames), signatures };
}

export interface RunResult {
  /** Everything the stream emitted (before it failed, when it failed). */
  output: Buffer;
  error: PayloadRefusedError | undefined;
  /** How many input bytes had been written when the stream failed (all of them when it did not). */
  bytesWrittenAtFailure: number;
}

/**
 * Feeds `input` to `stream` in pieces of `pieceSize` bytes (as a socket would deliver it),
 * collecting the output; stops writing at the first failure.
 */
export async function runThrough(stream: Transform, input: Uint8Array, pieceSize = 65536): Promise<RunResult> {
  const output: Buffer[] = [];
  let error: unknown;
  let written = 0;
  let failedAt = -1;
  stream.on('data', (piece: Buffer) => output.push(piece));
  const finished = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('error', (err) => {
      error = err;
      if (failedAt === -1) failedAt = written;
      resolve();
    });
  });
  for (let offset = 0; offset < input.length && error === undefined; offset += pieceSize) {
    const piece = Buffer.from(input.subarray(offset, Math.min(offset + pieceSize, input.length)));
    written += piece.length;
    if (!stream.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
    }
    // Let the stream run its transform before the next piece, as a socket would.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (error === undefined) stream.end();
  await finished;
  if (error !== undefined && !(error instanceof PayloadRefusedError)) throw error;
  return { output: Buffer.concat(output), error: error as PayloadRefusedError | undefined, bytesWrittenAtFailure: failedAt === -1 ? written : failedAt };
}

/**
 * A signed aws-chunked upload of `size` bytes in 64 KiB chunks, produced and signed as it is
 * read (nothing of its size is ever held), ending with the zero-size chunk.
 */
export function generatedSignedUpload(size: number, signing: ChunkSigning): Readable {
  const chunkSize = 65536;
  const data = Buffer.alloc(chunkSize);
  for (let i = 0; i < chunkSize; i++) data[i] = (i * 31 + 7) & 0xff;
  const fullChunkHash = sha256Hex(data);
  let sent = 0;
  let previous = signing.seedSignature;
  let finished = false;
  return new Readable({
    read() {
      if (finished) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, size - sent);
      const chunk = n === chunkSize ? data : data.subarray(0, n);
      const chunkHash = n === chunkSize ? fullChunkHash : sha256Hex(chunk);
      previous = signature(signing.signingKey, chunkStringToSign(signing.amzDate, signing.scope, previous, chunkHash));
      sent += n;
      if (n === 0) finished = true;
      this.push(Buffer.concat([Buffer.from(`${n.toString(16)};chunk-signature=${previous}\r\n`), chunk, Buffer.from('\r\n')]));
    },
  });
}
