/**
 * Memory stays bounded however long the body: 256 MiB of signed chunks, made and signed as
 * they are read, pass through the decoder while RSS grows by far less than the body.
 * (`npm run bench -- sigv4-streaming` does the same with 1 GiB and prints the figures.)
 */

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { AwsChunkedDecoder } from './aws-chunked-decoder.ts';
import { ChunkSignatureChain } from './chunk-signature.ts';
import { deriveSigningKey } from './signing-key.ts';
import { credentialScope } from './string-to-sign.ts';
import { generatedSignedUpload } from './testing/aws-chunked-body.ts';

const MiB = 1024 * 1024;

test('a 256 MiB signed upload streams through in bounded memory', async () => {
  const signing = {
    signingKey: deriveSigningKey('memory/secret', '20240517', 'us-east-1', 's3'),
    amzDate: '20240517T093015Z',
    scope: credentialScope('20240517', 'us-east-1', 's3'),
    seedSignature: 'b'.repeat(64),
  };
  const total = 256 * MiB;
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let decoded = 0;
  await pipeline(
    generatedSignedUpload(total, signing),
    new AwsChunkedDecoder({
      signatures: new ChunkSignatureChain(signing.signingKey, signing.amzDate, signing.scope, signing.seedSignature),
      trailer: false,
      decodedLength: total,
    }),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        decoded += chunk.length;
        if ((decoded & (16 * MiB - 1)) === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        callback();
      },
    }),
  );
  assert.equal(decoded, total);
  const growth = rssPeak - rssBefore;
  assert.ok(growth < 96 * MiB, `RSS grew by ${(growth / MiB).toFixed(0)} MiB for a ${total / MiB} MiB body`);
});
