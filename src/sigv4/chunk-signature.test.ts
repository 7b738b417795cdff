/**
 * The published vectors of chunk and trailer signatures.
 *
 * S3 API reference, "Signature Calculations for the Authorization Header: Transferring
 * Payload in Multiple Chunks", Example: PUT Object — 66,560 bytes of 'a' in chunks of 65,536
 * and 1,024 bytes, seed signature 4f232c43…, then the three chunk signatures below; and
 * "Signature calculations for trailing headers", whose example (seed 106e2a8a…) carries
 * `x-amz-checksum-crc32c:sOO8/Q==`. The trailer signature vector is the AWS CRT's
 * (aws-crt-swift ChunkSignerTests): trailer 'first:1st', 'second:2nd', 'third:3rd' after the
 * first example's final chunk.
 */

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { ChunkSignatureChain, chunkStringToSign } from './chunk-signature.ts';
import { sha256Hex } from './hashing.ts';
import { deriveSigningKey } from './signing-key.ts';
import { credentialScope } from './string-to-sign.ts';

const KEY = deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
const DATE = '20130524T000000Z';
const SCOPE = credentialScope('20130524', 'us-east-1', 's3');
const CHUNK_1 = Buffer.alloc(65536, 'a');
const CHUNK_2 = Buffer.alloc(1024, 'a');

test('the string to sign of the first chunk is the documented one', () => {
  assert.equal(
    chunkStringToSign(DATE, SCOPE, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9', sha256Hex(CHUNK_1)),
    'AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n' +
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n' +
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' +
      'bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a',
  );
});

test('S3 example: the chain of chunk signatures from the seed', () => {
  const chain = new ChunkSignatureChain(KEY, DATE, SCOPE, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  assert.ok(chain.verifyChunk(sha256Hex(CHUNK_1), 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'));
  assert.ok(chain.verifyChunk(sha256Hex(CHUNK_2), '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'));
  assert.ok(chain.verifyChunk(sha256Hex(new Uint8Array(0)), 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'));
  assert.equal(
    chain.trailerSignature([
      ['first', '1st'],
      ['second', '2nd'],
      ['third', '3rd'],
    ]),
    'df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c',
  );
});

test('S3 trailer example: chunk signatures from its seed', () => {
  const chain = new ChunkSignatureChain(KEY, DATE, SCOPE, '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e');
  assert.ok(chain.verifyChunk(sha256Hex(CHUNK_1), 'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2'));
  assert.ok(chain.verifyChunk(sha256Hex(CHUNK_2), '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7'));
  assert.ok(chain.verifyChunk(sha256Hex(new Uint8Array(0)), '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992'));
});

test('a refused chunk does not move the chain: the right signature still verifies after it', () => {
  const chain = new ChunkSignatureChain(KEY, DATE, SCOPE, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  // The second chunk's signature in first place (reordered chunks) is refused.
  assert.equal(chain.verifyChunk(sha256Hex(CHUNK_2), '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'), false);
  assert.equal(chain.verifyChunk(sha256Hex(CHUNK_1), 'AD80C730A21E5B8D04586A2213DD63B9A0E99E0E2307B0ADE35A65485A288648'), false);
  assert.ok(chain.verifyChunk(sha256Hex(CHUNK_1), 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'));
});
