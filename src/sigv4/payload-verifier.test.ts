/** Which verifying stream a request gets, and the requests refused before any byte is read. */

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { AwsChunkedDecoder } from './aws-chunked-decoder.ts';
import { PayloadSha256Verifier } from './payload-sha256-verifier.ts';
import { createPayloadVerifier, type PayloadVerifierInput } from './payload-verifier.ts';
import { deriveSigningKey } from './signing-key.ts';

const AUTH: PayloadVerifierInput['auth'] = {
  form: 'header',
  amzDate: '20130524T000000Z',
  credentialDate: '20130524',
  region: 'us-east-1',
  service: 's3',
  signature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
};
const KEY = deriveSigningKey('secret', '20130524', 'us-east-1', 's3');

function verifierFor(headers: Record<string, string | string[]>, auth = AUTH) {
  return createPayloadVerifier({ auth, headers, signingKey: KEY });
}

test('each payload form gets its stream and its decoded length', () => {
  const hash = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
  const sha = verifierFor({ 'X-Amz-Content-Sha256': hash, 'Content-Length': '0' });
  assert.ok(sha.ok && sha.stream instanceof PayloadSha256Verifier);
  assert.deepEqual(sha.ok && sha.form, { kind: 'sha256', hash: hash.toLowerCase() });
  assert.equal(sha.ok && sha.decodedLength, 0);

  const unsigned = verifierFor({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '12' });
  assert.ok(unsigned.ok && unsigned.stream instanceof PassThrough);
  assert.equal(unsigned.ok && unsigned.decodedLength, 12);

  const signed = verifierFor({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '66560' });
  assert.ok(signed.ok && signed.stream instanceof AwsChunkedDecoder);
  assert.equal(signed.ok && signed.decodedLength, 66560);

  const trailer = verifierFor({
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-trailer': 'x-amz-checksum-crc64nvme',
  });
  assert.ok(trailer.ok && trailer.stream instanceof AwsChunkedDecoder);
  assert.equal(trailer.ok && trailer.decodedLength, undefined);
  assert.equal(trailer.ok && trailer.trailerChecksumHeader, 'x-amz-checksum-crc64nvme');

  const signedTrailer = verifierFor({
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': '5',
    'x-amz-trailer': 'X-Amz-Checksum-Sha256',
  });
  assert.equal(signedTrailer.ok && signedTrailer.trailerChecksumHeader, 'x-amz-checksum-sha256');
});

test('a presigned request that declares nothing is UNSIGNED-PAYLOAD; a header-signed one is refused', () => {
  const presigned = verifierFor({}, { ...AUTH, form: 'query' });
  assert.deepEqual(presigned.ok && presigned.form, { kind: 'unsigned' });
  const header = verifierFor({});
  assert.deepEqual(!header.ok && header.error, {
    code: 'InvalidRequest',
    message: 'Missing required header for this request: x-amz-content-sha256',
    httpStatus: 400,
  });
});

test('refused up front, with S3 answers', () => {
  const code = (headers: Record<string, string | string[]>) => {
    const result = verifierFor(headers);
    return result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`;
  };
  assert.match(code({ 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' }), /^InvalidArgument: /);
  assert.match(code({ 'x-amz-content-sha256': 'abc' }), /^InvalidArgument: /);
  assert.equal(
    code({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }),
    'MissingContentLength: You must provide the Content-Length HTTP header.',
  );
  for (const length of ['-1', '1e3', '0x10', '99999999999999999', '']) {
    assert.match(code({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': length }), /^MissingContentLength/);
  }
  for (const trailer of ['x-amz-checksum-md5', 'x-amz-checksum-crc32,x-amz-checksum-sha1', 'x-amz-meta-a']) {
    assert.equal(
      code({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': trailer }),
      'InvalidRequest: The value specified in the x-amz-trailer header is not supported',
    );
  }
  assert.equal(
    code({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': ['x-amz-checksum-crc32', 'x-amz-checksum-crc32'] }),
    'InvalidRequest: The value specified in the x-amz-trailer header is not supported',
  );
  assert.equal(
    code({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '1', 'x-amz-trailer': 'x-amz-checksum-crc32' }),
    'InvalidRequest: The value specified in the x-amz-trailer header is not supported',
  );
  assert.equal(
    code({
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-checksum-sha1': 'qvTGHdzF6KLavt4PO0gs2a6pQ00=',
    }),
    'InvalidRequest: Expecting a single x-amz-checksum- header',
  );
  assert.match(
    code({ 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '1' }),
    /^MalformedTrailerError: /,
  );
});
