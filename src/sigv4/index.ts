/**
 * Tessera's AWS Signature Version 4: parse, verify and sign, in both the Authorization
 * header and the presigned query form. Pure: no I/O, no clock, no runtime dependencies.
 *
 * Server flow:
 *   const parsed = parseSignedRequest(req);                 // which key, which scope
 *   (claimedCredential(req) reads only the scope, for routing, even when the rest is malformed)
 *   checkSignedRequestContext(parsed.auth, options);         // optional: AWS's order
 *   … look up parsed.auth.accessKeyId (InvalidClientTokenId when unknown) …
 *   verifySignedRequest(req, parsed.auth, secret, { now, expectedService, keyCache });
 *
 * A streamed S3 body (see payload-verifier.ts): verify with `payloadStreamed: true`, then
 *   createPayloadVerifier({ auth: parsed.auth, headers, signingKey }) → a verifying stream.
 */

export type {
  AuthForm,
  ParsedAuth,
  ParseResult,
  SigningCredentials,
  SigningKeyCacheLike,
  SigningRequest,
  SignOptions,
  SigV4Failure,
  VerifyOptions,
  VerifyResult,
} from './types.ts';
export { parseSignedRequest } from './parse-signed-request.ts';
export { type HeaderIndex, indexHeaders } from './header-index.ts';
export { claimedCredential, type Credential } from './claimed-credential.ts';
export {
  checkSignedRequestContext,
  DEFAULT_MAX_SKEW_SECONDS,
  verifySignature,
  verifySignedRequest,
} from './verify-signed-request.ts';
export { DEFAULT_PRESIGNED_EXPIRES_SECONDS, signRequest } from './sign-request.ts';
export {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  normalizePathSegments,
  sortSignedHeaders,
} from './canonical-request.ts';
export type { CanonicalRequestInput, CanonicalRequestOptions } from './canonical-request.ts';
export { credentialScope, SCOPE_TERMINATOR, SIGV4_ALGORITHM, stringToSign } from './string-to-sign.ts';
export { deriveSigningKey, signature } from './signing-key.ts';
export { DEFAULT_SIGNING_KEY_CACHE_CAPACITY, SigningKeyCache } from './signing-key-cache.ts';
export type { SigningKeyCacheOptions } from './signing-key-cache.ts';
export { EMPTY_PAYLOAD_HASH, payloadHash, UNSIGNED_PAYLOAD } from './payload-hash.ts';
export { MAX_PRESIGNED_EXPIRES_SECONDS } from './presigned-query.ts';
export { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.ts';
export { constantTimeEquals } from './constant-time.ts';
export * from './errors.ts';
export {
  createPayloadVerifier,
  type PayloadVerifier,
  type PayloadVerifierInput,
  type PayloadVerifierResult,
} from './payload-verifier.ts';
export {
  payloadForm,
  type PayloadForm,
  STREAMING_SIGNED_PAYLOAD,
  STREAMING_SIGNED_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
} from './payload-forms.ts';
export { isPayloadRefusedError, PayloadRefusedError } from './payload-refused-error.ts';
export { PayloadSha256Verifier } from './payload-sha256-verifier.ts';
export {
  AwsChunkedDecoder,
  type AwsChunkedDecoderOptions,
  DEFAULT_MAX_CHUNK_SIZE,
  S3_MIN_CHUNK_SIZE,
  type VerifiedChecksum,
} from './aws-chunked-decoder.ts';
export { ChunkSignatureChain, chunkStringToSign, trailerStringToSign } from './chunk-signature.ts';
export { type ChecksumHasher, FLEXIBLE_CHECKSUM_HEADERS, type FlexibleChecksum, flexibleChecksum } from './flexible-checksums.ts';
export { Crc32c, crc32c } from './crc32c.ts';
export { Crc64Nvme, crc64nvme } from './crc64nvme.ts';
