import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { AwsChunkedDecoder } from '../sigv4/aws-chunked-decoder.ts';
import { flexibleChecksum } from '../sigv4/index.ts';
import { REENCODED_CHUNK_SIZE, reencodedLength, TrailerReencoder } from './trailer-reencoder.ts';

const checksum = { header: 'x-amz-checksum-crc32', value: 'AAAAAA==' };

async function encode(pieces: Buffer[], length: number, value: typeof checksum | null = checksum): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), new TrailerReencoder(length, () => value ?? undefined), new Writable({ write(chunk: Buffer, _e, done) { out.push(chunk); done(); } }));
  return Buffer.concat(out);
}

test('the re-encoded body is exactly as long as announced, for lengths around the chunk size', async () => {
  for (const length of [0, 1, REENCODED_CHUNK_SIZE - 1, REENCODED_CHUNK_SIZE, REENCODED_CHUNK_SIZE + 1, 3 * REENCODED_CHUNK_SIZE + 17]) {
    const data = Buffer.alloc(length, 1);
    // Pieces that do not line up with the chunks.
    const a = Math.floor(length / 3);
    const b = Math.max(a, length - 5);
    const pieces = [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
    const body = await encode(pieces, length);
    assert.equal(body.length, reencodedLength(length, checksum.header, checksum.value.length), `length ${length}`);
    assert.ok(body.toString('latin1').endsWith(`0\r\n${checksum.header}:${checksum.value}\r\n\r\n`));
  }
});

test('the re-encoded body decodes, with its trailer checksum, by the verifier the gateway uses', async () => {
  const data = Buffer.alloc(2 * REENCODED_CHUNK_SIZE + 999);
  for (let i = 0; i < data.length; i++) data[i] = i % 253;
  const crc32 = flexibleChecksum('x-amz-checksum-crc32')!;
  const hasher = crc32.create();
  hasher.update(data);
  const value = { header: crc32.header, value: hasher.digestBase64() };
  const body = await encode([data], data.length, value);
  const decoder = new AwsChunkedDecoder({ trailer: true, trailerChecksum: crc32, decodedLength: data.length });
  const out: Buffer[] = [];
  await pipeline(Readable.from([body]), decoder, new Writable({ write(chunk: Buffer, _e, done) { out.push(chunk); done(); } }));
  assert.ok(Buffer.concat(out).equals(data));
  assert.deepEqual(decoder.verifiedChecksum, value);
});

test('more or less data than declared, or no verified checksum, fails the stream (the upstream sees a cut-short body)', async () => {
  await assert.rejects(encode([Buffer.alloc(10)], 9), /longer/);
  await assert.rejects(encode([Buffer.alloc(8)], 9), /shorter/);
  await assert.rejects(encode([Buffer.alloc(9)], 9, null), /not verified/);
});
