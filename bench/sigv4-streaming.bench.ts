/**
 * Throughput of the SigV4 payload verifiers (MB/s through each, against a bare PassThrough
 * measured in the same run), and memory while a 1 GiB signed aws-chunked upload, made on
 * the fly, streams through the decoder.
 *
 *   node bench/sigv4-streaming.bench.ts     (or: npm run bench -- sigv4-streaming)
 *   SIGV4_STREAM_GIB=0.25 … for a shorter memory run
 */

import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AwsChunkedDecoder,
  ChunkSignatureChain,
  credentialScope,
  deriveSigningKey,
  flexibleChecksum,
  PayloadSha256Verifier,
} from '../src/sigv4/index.ts';
import { encodeAwsChunked, generatedSignedUpload } from '../src/sigv4/testing/aws-chunked-body.ts';

const MiB = 1024 * 1024;
const KEY = deriveSigningKey('bench/secret', '20240517', 'us-east-1', 's3');
const DATE = '20240517T093015Z';
const SCOPE = credentialScope('20240517', 'us-east-1', 's3');
const SEED = 'a'.repeat(64);
const SIGNING = { signingKey: KEY, amzDate: DATE, scope: SCOPE, seedSignature: SEED };

function slices(body: Buffer, size = 65536): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) out.push(body.subarray(offset, offset + size));
  return out;
}

/** MB/s of decoded data through `make()`, fed `input` in 64 KiB pieces; best of three. */
async function throughput(decodedBytes: number, input: Buffer, make: () => Transform): Promise<number> {
  const pieces = slices(input);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let seen = 0;
    const started = performance.now();
    await pipeline(
      Readable.from(pieces),
      make(),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback();
        },
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (seen !== decodedBytes) throw new Error(`decoded ${seen} of ${decodedBytes}`);
    best = Math.max(best, decodedBytes / MiB / seconds);
  }
  return best;
}

export async function runSigV4StreamingBench(log: (line: string) => void = console.log): Promise<void> {
  // First, before the throughput part allocates its bodies, so RSS shows the decoder alone.
  // Memory: a 1 GiB signed upload, generated and signed as it is read, through the decoder.
  const total = Math.round(Number(process.env['SIGV4_STREAM_GIB'] ?? '1') * 1024 * MiB);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  let decoded = 0;
  const started = performance.now();
  await pipeline(
    generatedSignedUpload(total, SIGNING),
    new AwsChunkedDecoder({ signatures: new ChunkSignatureChain(KEY, DATE, SCOPE, SEED), trailer: false, decodedLength: total }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        decoded += chunk.length;
        callback();
      },
    }),
  );
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const seconds = (performance.now() - started) / 1000;
  if (decoded !== total) throw new Error(`decoded ${decoded} of ${total}`);
  log(
    `${(total / 1024 / MiB).toFixed(2)} GiB signed upload (generated, signed and verified in one process): ${seconds.toFixed(1)} s, ` +
      `${(total / MiB / seconds).toFixed(0)} MB/s; RSS before ${(rssBefore / MiB).toFixed(0)} MiB, peak ${(rssPeak / MiB).toFixed(0)} MiB ` +
      `(+${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB)`,
  );

  const size = 64 * MiB;
  const data = randomBytes(size);
  const hash = createHash('sha256').update(data).digest('hex');
  const signed = encodeAwsChunked(data, { chunkSize: 65536, signing: SIGNING }).body;
  log(`SigV4 payload verifiers, ${size / MiB} MiB fed in 64 KiB pieces, best of 3 (MB/s of decoded data):`);
  const base = await throughput(size, data, () => new PassThrough());
  const row = (name: string, mbps: number) => log(`  ${name.padEnd(52)} ${mbps.toFixed(0).padStart(6)} MB/s  (${(mbps / base).toFixed(2)} × PassThrough)`);
  log(`  ${'PassThrough (baseline)'.padEnd(52)} ${base.toFixed(0).padStart(6)} MB/s`);
  row('signed payload (x-amz-content-sha256: hex)', await throughput(size, data, () => new PayloadSha256Verifier(hash)));
  row('STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 64 KiB chunks', await throughput(size, signed, () => new AwsChunkedDecoder({ signatures: new ChunkSignatureChain(KEY, DATE, SCOPE, SEED), trailer: false, decodedLength: size })));
  for (const algorithm of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256']) {
    const header = `x-amz-checksum-${algorithm}`;
    const body = encodeAwsChunked(data, { chunkSize: 65536, trailer: { header } }).body;
    row(`STREAMING-UNSIGNED-PAYLOAD-TRAILER, ${algorithm}`, await throughput(size, body, () => new AwsChunkedDecoder({ trailer: true, trailerChecksum: flexibleChecksum(header), decodedLength: size })));
  }
  const signedTrailer = encodeAwsChunked(data, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32' } }).body;
  row('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, crc32', await throughput(size, signedTrailer, () => new AwsChunkedDecoder({ signatures: new ChunkSignatureChain(KEY, DATE, SCOPE, SEED), trailer: true, trailerChecksum: flexibleChecksum('x-amz-checksum-crc32'), decodedLength: size })));

}

if (import.meta.main) await runSigV4StreamingBench();
