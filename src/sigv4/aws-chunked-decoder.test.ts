/**
 * The aws-chunked decoder: AWS's published example end to end (seed verified by the request
 * verifier, chunks by the decoder), then hostile bodies — each refused with S3's answer, at
 * the first fault, and never with the whole decoded body emitted.
 */

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { AwsChunkedDecoder, type AwsChunkedDecoderOptions } from './aws-chunked-decoder.ts';
import { ChunkSignatureChain } from './chunk-signature.ts';
import { flexibleChecksum } from './flexible-checksums.ts';
import { parseSignedRequest } from './parse-signed-request.ts';
import { createPayloadVerifier } from './payload-verifier.ts';
import { deriveSigningKey } from './signing-key.ts';
import { credentialScope } from './string-to-sign.ts';
import { type ChunkSigning, encodeAwsChunked, runThrough } from './testing/aws-chunked-body.ts';
import type { SigningRequest } from './types.ts';
import { verifySignedRequest } from './verify-signed-request.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY = deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3');
const DATE = '20130524T000000Z';
const SCOPE = credentialScope('20130524', 'us-east-1', 's3');
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGNING: ChunkSigning = { signingKey: KEY, amzDate: DATE, scope: SCOPE, seedSignature: SEED };

/** S3's example: the request as documented, and its body from the documented chunk signatures. */
function awsExampleRequest(body: Buffer): SigningRequest {
  return {
    method: 'PUT',
    path: '/examplebucket/chunkObject.txt',
    query: '',
    headers: {
      Host: 's3.amazonaws.com',
      'x-amz-date': DATE,
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
        'SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,' +
        `Signature=${SEED}`,
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'Content-Encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'Content-Length': String(body.length),
    },
    body: '',
  };
}

function awsExampleBody(): Buffer {
  const frame = (size: number, signature: string) =>
    Buffer.concat([Buffer.from(`${size.toString(16)};chunk-signature=${signature}\r\n`), Buffer.alloc(size, 'a'), Buffer.from('\r\n')]);
  return Buffer.concat([
    frame(65536, 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'),
    frame(1024, '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'),
    Buffer.from('0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
}

test('S3 example, PUT Object in chunks: the seed verifies, the body decodes to its 66,560 bytes', async () => {
  const body = awsExampleBody();
  assert.equal(body.length, 66824, 'Content-Length of the documented request');
  const req = awsExampleRequest(body);
  const parsed = parseSignedRequest(req);
  assert.ok(parsed.ok);
  const verified = verifySignedRequest(req, parsed.auth, SECRET, {
    now: new Date('2013-05-24T00:05:00Z'),
    normalizePath: false,
    payloadStreamed: true,
  });
  assert.deepEqual(verified, { ok: true });

  const verifier = createPayloadVerifier({ auth: parsed.auth, headers: req.headers, signingKey: KEY });
  assert.ok(verifier.ok);
  assert.equal(verifier.decodedLength, 66560);
  for (const pieceSize of [1, 7, 4096, 70000]) {
    const again = createPayloadVerifier({ auth: parsed.auth, headers: req.headers, signingKey: KEY });
    assert.ok(again.ok);
    const { output, error } = await runThrough(again.stream, body, pieceSize);
    assert.equal(error, undefined, `pieces of ${pieceSize}`);
    assert.ok(output.equals(Buffer.alloc(66560, 'a')), `pieces of ${pieceSize}`);
  }
});

test('S3 example: without payloadStreamed the STREAMING form is refused, as before', () => {
  const req = awsExampleRequest(awsExampleBody());
  const parsed = parseSignedRequest(req);
  assert.ok(parsed.ok);
  const verified = verifySignedRequest(req, parsed.auth, SECRET, { now: new Date('2013-05-24T00:05:00Z'), normalizePath: false });
  assert.equal(verified.ok, false);
});

test('S3 example with one byte of the second chunk changed: SignatureDoesNotMatch, body never complete', async () => {
  const body = awsExampleBody();
  body[65536 + 200] = 0x62;
  const decoder = signedDecoder({ decodedLength: 66560 });
  const { output, error } = await runThrough(decoder, body, 8192);
  assert.equal(error?.failure.code, 'SignatureDoesNotMatch');
  assert.equal(error?.failure.httpStatus, 403);
  assert.equal(
    error?.failure.message,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
  assert.ok(output.length < 66560);
});

function signedDecoder(options: Partial<AwsChunkedDecoderOptions> = {}): AwsChunkedDecoder {
  return new AwsChunkedDecoder({
    signatures: new ChunkSignatureChain(KEY, DATE, SCOPE, SEED),
    trailer: false,
    ...options,
  });
}

const DATA = randomBytes(5 * 65536 + 1000);
const SIGNED = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING });

async function refused(decoder: AwsChunkedDecoder, body: Buffer, pieceSize = 16384) {
  const started = performance.now();
  const result = await runThrough(decoder, body, pieceSize);
  const elapsedMs = performance.now() - started;
  assert.ok(result.error, 'the body must be refused');
  // The consumer never receives the whole decoded body.
  assert.ok(result.output.length < DATA.length, `emitted ${result.output.length} of ${DATA.length}`);
  assert.ok(elapsedMs < 2000, `refused in ${elapsedMs} ms`);
  return { failure: result.error.failure, output: result.output, bytesWrittenAtFailure: result.bytesWrittenAtFailure };
}

describe('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  test('a body signed from the seed decodes, with every input split', async () => {
    for (const pieceSize of [1000, 65536, 100_000]) {
      const { output, error } = await runThrough(signedDecoder({ decodedLength: DATA.length }), SIGNED.body, pieceSize);
      assert.equal(error, undefined);
      assert.ok(output.equals(DATA));
    }
  });

  test('the last piece is withheld until the final chunk verified', async () => {
    const decoder = signedDecoder({ decodedLength: DATA.length });
    const output: Buffer[] = [];
    decoder.on('data', (piece: Buffer) => output.push(piece));
    const withoutLastFrame = Buffer.concat(SIGNED.frames.slice(0, -1));
    decoder.write(withoutLastFrame);
    await new Promise((resolve) => setImmediate(resolve));
    const before = Buffer.concat(output).length;
    assert.ok(before < DATA.length, 'every data chunk is in, yet not all is emitted');
    decoder.end(SIGNED.frames.at(-1));
    await new Promise((resolve) => decoder.on('end', resolve));
    assert.ok(Buffer.concat(output).equals(DATA));
  });

  test('tampered chunk data', async () => {
    const body = Buffer.from(SIGNED.body);
    body[SIGNED.frames[0]!.length + 300]! ^= 1;
    const { failure, output } = await refused(signedDecoder({ decodedLength: DATA.length }), body);
    assert.equal(failure.code, 'SignatureDoesNotMatch');
    assert.ok(output.length < 2 * 65536, 'nothing after the bad chunk');
  });

  test('tampered chunk signature', async () => {
    const body = Buffer.from(SIGNED.body);
    const at = body.indexOf(SIGNED.signatures[2]!);
    body[at + 5] = body[at + 5] === 0x61 ? 0x62 : 0x61;
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'SignatureDoesNotMatch');
  });

  test('reordered chunks', async () => {
    const frames = [...SIGNED.frames];
    [frames[1], frames[2]] = [frames[2]!, frames[1]!];
    assert.equal((await refused(signedDecoder(), Buffer.concat(frames))).failure.code, 'SignatureDoesNotMatch');
  });

  test('a chunk dropped', async () => {
    const frames = SIGNED.frames.filter((_, i) => i !== 3);
    assert.equal((await refused(signedDecoder(), Buffer.concat(frames))).failure.code, 'SignatureDoesNotMatch');
  });

  test('tampered final (zero) chunk signature', async () => {
    const frames = [...SIGNED.frames];
    frames[frames.length - 1] = Buffer.from(`0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`);
    assert.equal((await refused(signedDecoder(), Buffer.concat(frames))).failure.code, 'SignatureDoesNotMatch');
  });

  test('truncated body', async () => {
    const body = SIGNED.body.subarray(0, SIGNED.body.length - 100);
    const { failure } = await refused(signedDecoder(), body);
    assert.deepEqual(failure, { code: 'IncompleteBody', message: 'The request body terminated unexpectedly', httpStatus: 400 });
  });

  test('missing final chunk', async () => {
    const body = Buffer.concat(SIGNED.frames.slice(0, -1));
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody');
  });

  test('missing final CRLF', async () => {
    const body = SIGNED.body.subarray(0, SIGNED.body.length - 2);
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody');
  });

  test('bytes after the end', async () => {
    const body = Buffer.concat([SIGNED.body, Buffer.from('x')]);
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody');
  });

  test('oversized chunk header: refused within its first 128 bytes, not after reading on', async () => {
    const body = Buffer.alloc(1 << 20, '1');
    const { failure, bytesWrittenAtFailure } = await refused(signedDecoder(), body, 4096);
    assert.equal(failure.code, 'IncompleteBody');
    assert.equal(bytesWrittenAtFailure, 4096);
  });

  test('huge declared chunk size: InvalidChunkSizeError before any data', async () => {
    const body = Buffer.concat([Buffer.from(`ffffffffffff;chunk-signature=${SIGNED.signatures[0]}\r\n`), Buffer.alloc(100_000, 'a')]);
    const { failure, output, bytesWrittenAtFailure } = await refused(signedDecoder(), body, 1024);
    assert.equal(failure.code, 'InvalidChunkSizeError');
    assert.equal(failure.details?.Chunk, '1');
    assert.equal(output.length, 0);
    assert.equal(bytesWrittenAtFailure, 1024);
  });

  test('a chunk over the configured maximum', async () => {
    const { failure } = await refused(signedDecoder({ maxChunkSize: 65535 }), SIGNED.body);
    assert.equal(failure.code, 'InvalidChunkSizeError');
    assert.equal(failure.message, 'Chunk size must not exceed 65535 bytes');
  });

  test('more than 16 hex digits, signs, spaces, upper-case or missing signature: IncompleteBody', async () => {
    const sig = SIGNED.signatures[0]!;
    for (const header of [
      `${'0'.repeat(17)}1;chunk-signature=${sig}\r\n`,
      `+10000;chunk-signature=${sig}\r\n`,
      `10000 ;chunk-signature=${sig}\r\n`,
      `10000;chunk-signature=${sig.toUpperCase()}\r\n`,
      `10000;chunk-signature=${sig.slice(1)}\r\n`,
      '10000\r\n',
      `10000;chunk-signature=${sig};x=y\r\n`,
      `10000;chunk-signature=${sig}\n`,
      `;chunk-signature=${sig}\r\n`,
    ]) {
      const body = Buffer.concat([Buffer.from(header), SIGNED.body]);
      assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody', JSON.stringify(header));
    }
  });

  test('another chunk extension than chunk-signature', async () => {
    const body = Buffer.concat([Buffer.from(`10000;foo=${'a'.repeat(64)}\r\n`), SIGNED.body]);
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody');
  });

  test('chunk data not followed by CRLF', async () => {
    const body = Buffer.from(SIGNED.body);
    body[SIGNED.frames[0]!.length - 2] = 0x20;
    assert.equal((await refused(signedDecoder(), body)).failure.code, 'IncompleteBody');
  });

  test('x-amz-decoded-content-length larger than the body', async () => {
    const { failure } = await refused(signedDecoder({ decodedLength: DATA.length + 1 }), SIGNED.body);
    assert.deepEqual(failure, {
      code: 'IncompleteBody',
      message: 'You did not provide the number of bytes specified by the Content-Length HTTP header',
      httpStatus: 400,
      details: { NumberBytesExpected: String(DATA.length + 1), NumberBytesProvided: String(DATA.length) },
    });
  });

  test('x-amz-decoded-content-length smaller than the body: refused at the chunk header that exceeds it', async () => {
    const { failure, output } = await refused(signedDecoder({ decodedLength: 65536 + 10 }), SIGNED.body);
    assert.equal(failure.code, 'IncompleteBody');
    assert.equal(failure.details?.NumberBytesProvided, String(2 * 65536));
    assert.ok(output.length <= 65536);
  });

  test('a chunk under 8 KiB that is not the last: InvalidChunkSizeError naming the next chunk', async () => {
    const small = encodeAwsChunked(DATA.subarray(0, 12000), { chunkSize: 5000, signing: SIGNING });
    const decoder = signedDecoder({ decodedLength: 12000 });
    const { error } = await runThrough(decoder, small.body);
    assert.deepEqual(error?.failure, {
      code: 'InvalidChunkSizeError',
      message: 'Only the last chunk is allowed to have a size less than 8192 bytes',
      httpStatus: 400,
      details: { Chunk: '2', BadChunkSize: '5000' },
    });
  });

  test('one chunk under 8 KiB alone is fine, and so is an empty body', async () => {
    for (const size of [0, 1, 8191]) {
      const data = DATA.subarray(0, size);
      const { output, error } = await runThrough(signedDecoder({ decodedLength: size }), encodeAwsChunked(data, { chunkSize: 65536, signing: SIGNING }).body);
      assert.equal(error, undefined, `${size} bytes`);
      assert.ok(output.equals(data));
    }
  });

  test('a body signed under another seed', async () => {
    const other = encodeAwsChunked(DATA, { chunkSize: 65536, signing: { ...SIGNING, seedSignature: 'f'.repeat(64) } });
    const { failure, output } = await refused(signedDecoder(), other.body);
    assert.equal(failure.code, 'SignatureDoesNotMatch');
    assert.ok(output.length < 65536, 'the first chunk is refused before all of its data went out');
  });

  test('a trailer after the last chunk of a form without one', async () => {
    const withTrailer = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32' } });
    assert.equal((await refused(signedDecoder(), withTrailer.body)).failure.code, 'MalformedTrailerError');
  });
});

function unsignedTrailerDecoder(header: string | undefined, options: Partial<AwsChunkedDecoderOptions> = {}): AwsChunkedDecoder {
  return new AwsChunkedDecoder({ trailer: true, trailerChecksum: header ? flexibleChecksum(header) : undefined, ...options });
}

describe('unsigned chunks with a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', () => {
  for (const algorithm of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256']) {
    test(`${algorithm}: decodes and reports the verified checksum`, async () => {
      const header = `x-amz-checksum-${algorithm}`;
      const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header } });
      const decoder = unsignedTrailerDecoder(header, { decodedLength: DATA.length });
      const { output, error } = await runThrough(decoder, encoded.body, 3000);
      assert.equal(error, undefined);
      assert.ok(output.equals(DATA));
      const checksum = flexibleChecksum(header)!.create();
      checksum.update(DATA);
      assert.deepEqual(decoder.verifiedChecksum, { header, value: checksum.digestBase64() });
    });
  }

  test('a wrong checksum: BadDigest naming the algorithm, body never complete', async () => {
    const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc32', value: 'AAAAAA==' } });
    const { failure } = await refused(unsignedTrailerDecoder('x-amz-checksum-crc32'), encoded.body);
    assert.deepEqual(failure, { code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.', httpStatus: 400 });
  });

  test('tampered data under a correct trailer: BadDigest', async () => {
    const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc64nvme' } });
    const body = Buffer.from(encoded.body);
    body[70000]! ^= 0x40;
    const { failure } = await refused(unsignedTrailerDecoder('x-amz-checksum-crc64nvme'), body);
    assert.equal(failure.code, 'BadDigest');
    assert.equal(failure.message, 'The CRC64NVME you specified did not match the calculated checksum.');
  });

  test('announced trailer missing, another trailer, a malformed value, a line without colon', async () => {
    const cases: [string | undefined, Buffer][] = [
      ['x-amz-checksum-crc32', encodeAwsChunked(DATA, { chunkSize: 65536 }).body],
      ['x-amz-checksum-crc32', encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc32c' } }).body],
      ['x-amz-checksum-crc32', encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc32', value: 'AAAA' } }).body],
      ['x-amz-checksum-crc32', encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc32', value: 'AA AAA==' } }).body],
      [undefined, encodeAwsChunked(DATA, { chunkSize: 65536, trailer: { header: 'x-amz-checksum-crc32' } }).body],
      ['x-amz-checksum-crc32', Buffer.concat([encodeAwsChunked(DATA, { chunkSize: 65536 }).body.subarray(0, -2), Buffer.from('x-amz-checksum-crc32\r\n\r\n')])],
    ];
    for (const [announced, body] of cases) {
      assert.equal((await refused(unsignedTrailerDecoder(announced), body)).failure.code, 'MalformedTrailerError');
    }
  });

  test('a trailer line longer than any trailer: refused at once', async () => {
    const head = Buffer.concat(encodeAwsChunked(DATA, { chunkSize: 65536 }).frames.slice(0, -1));
    const body = Buffer.concat([head, Buffer.from('0\r\nx-amz-checksum-crc32:'), Buffer.alloc(1 << 20, 'A')]);
    const { failure, bytesWrittenAtFailure } = await refused(unsignedTrailerDecoder('x-amz-checksum-crc32'), body, 65536);
    assert.equal(failure.code, 'MalformedTrailerError');
    assert.ok(bytesWrittenAtFailure <= head.length + 65536 * 2);
  });

  test('no x-amz-trailer and no trailer: accepted, as S3 does', async () => {
    const { output, error } = await runThrough(unsignedTrailerDecoder(undefined), encodeAwsChunked(DATA, { chunkSize: 65536 }).body);
    assert.equal(error, undefined);
    assert.ok(output.equals(DATA));
  });

  test('a chunk signature on unsigned chunks', async () => {
    const body = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32' } }).body;
    assert.equal((await refused(unsignedTrailerDecoder('x-amz-checksum-crc32'), body)).failure.code, 'IncompleteBody');
  });
});

describe('signed chunks with a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', () => {
  const decoder = (header = 'x-amz-checksum-crc32c') =>
    signedDecoder({ trailer: true, trailerChecksum: flexibleChecksum(header), decodedLength: DATA.length });

  test('decodes and verifies chunks, trailer signature and checksum', async () => {
    const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32c' } });
    const stream = decoder();
    const { output, error } = await runThrough(stream, encoded.body, 777);
    assert.equal(error, undefined);
    assert.ok(output.equals(DATA));
    assert.equal(stream.verifiedChecksum?.header, 'x-amz-checksum-crc32c');
  });

  test('a checksum changed after signing: SignatureDoesNotMatch (the trailer signature covers it)', async () => {
    const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32c' } });
    const text = encoded.body.toString('latin1');
    const at = text.lastIndexOf('x-amz-checksum-crc32c:') + 'x-amz-checksum-crc32c:'.length;
    const body = Buffer.from(encoded.body);
    body[at] = body[at] === 0x41 ? 0x42 : 0x41;
    assert.equal((await refused(decoder(), body)).failure.code, 'SignatureDoesNotMatch');
  });

  test('a wrong checksum that the client signed: BadDigest', async () => {
    const encoded = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32c', value: 'AAAAAA==' } });
    const { failure } = await refused(decoder(), encoded.body);
    assert.equal(failure.code, 'BadDigest');
    assert.equal(failure.message, 'The CRC32C you specified did not match the calculated checksum.');
  });

  test('the trailer signature missing', async () => {
    const unsignedTrailer = encodeAwsChunked(DATA, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-crc32c' } });
    const text = unsignedTrailer.body.toString('latin1');
    const body = Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]{64}\r\n/, ''), 'latin1');
    assert.equal((await refused(decoder(), body)).failure.code, 'MalformedTrailerError');
  });
});

test('any single changed byte of a signed body with a signed trailer is refused, never emitted whole', async () => {
  const data = DATA.subarray(0, 3 * 65536 + 500);
  const encoded = encodeAwsChunked(data, { chunkSize: 65536, signing: SIGNING, trailer: { header: 'x-amz-checksum-sha256' } });
  const codes = new Set<string>();
  for (let i = 0; i < 150; i++) {
    const body = Buffer.from(encoded.body);
    // Half the mutations in the framing and trailer (the bytes around chunk boundaries), half anywhere.
    const at =
      i % 2 === 0
        ? Math.floor(Math.random() * body.length)
        : (encoded.frames.slice(0, 1 + (i % encoded.frames.length)).reduce((n, f) => n + f.length, 0) - 1 - Math.floor(Math.random() * 150)) %
          body.length;
    // Not 0x20: a case flip of a hex letter in a chunk size or of a trailer name means the same.
    const delta = 1 + Math.floor(Math.random() * 254);
    body[at]! ^= delta >= 0x20 ? delta + 1 : delta;
    const decoder = signedDecoder({ trailer: true, trailerChecksum: flexibleChecksum('x-amz-checksum-sha256'), decodedLength: data.length });
    const { output, error } = await runThrough(decoder, body, 4096 + i);
    assert.ok(error, `a change at byte ${at} must be refused`);
    assert.ok(output.length < data.length, `at byte ${at}`);
    codes.add(error.failure.code);
  }
  for (const code of codes) {
    assert.ok(['SignatureDoesNotMatch', 'IncompleteBody', 'InvalidChunkSizeError', 'MalformedTrailerError', 'BadDigest'].includes(code), code);
  }
});
