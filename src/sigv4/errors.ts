/**
 * Every way SigV4 authentication can fail, with AWS's code, message and HTTP status.
 *
 * Codes are the AWS Query protocol names (IAM, STS): AWS's JSON services say
 * `InvalidSignatureException` where these say `SignatureDoesNotMatch`, and add `Exception`
 * to the others. Messages follow AWS byte for byte where AWS's text is known, including
 * its trailing spaces: several scope messages end in '. ' because AWS concatenates them.
 * Texts not observed from IAM/STS are marked as such below.
 */

import { formatAmzDate } from './amz-date.ts';
import type { SigV4Failure } from './types.ts';

export const SigV4ErrorCode = {
  /** No Authorization header and no presigned query parameters. 403. */
  MissingAuthenticationToken: 'MissingAuthenticationToken',
  /** The Authorization header or query parameters are malformed or incomplete. 400. */
  IncompleteSignature: 'IncompleteSignature',
  /** Wrong signature, expired or future request time, or a credential scope AWS refuses. 403. */
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  /** A presigned request used after X-Amz-Date + X-Amz-Expires. 400. */
  RequestExpired: 'RequestExpired',
  /** X-Amz-Expires not a number, negative, or over a week. 400 (S3's code and text). */
  AuthorizationQueryParametersError: 'AuthorizationQueryParametersError',
  /** x-amz-content-sha256 does not match the body. 400 (S3's code and text). */
  XAmzContentSHA256Mismatch: 'XAmzContentSHA256Mismatch',
  /** x-amz-content-sha256 holds a value the server does not accept. 400. */
  InvalidContentSha256: 'InvalidArgument',
  /** The access key is unknown or deleted. Decided by the server, not by this module. 403. */
  InvalidClientTokenId: 'InvalidClientTokenId',
  // S3's answers for streamed payloads (aws-chunked bodies and flexible checksums).
  /** The aws-chunked framing is broken, the body ended early, or its length is not the declared one. 400. */
  IncompleteBody: 'IncompleteBody',
  /** A chunk other than the last is under 8 KiB (S3), or over Tessera's maximum chunk size. 400. */
  InvalidChunkSizeError: 'InvalidChunkSizeError',
  /** The trailer is missing, malformed, or not the one x-amz-trailer announced. 400. */
  MalformedTrailerError: 'MalformedTrailerError',
  /** The trailing checksum does not match the decoded body. 400. */
  BadDigest: 'BadDigest',
  /** x-amz-trailer names something S3 does not accept, or a header is missing. 400. */
  InvalidRequest: 'InvalidRequest',
  /** A streamed body without x-amz-decoded-content-length. 411. */
  MissingContentLength: 'MissingContentLength',
} as const;

export type SigV4ErrorCodeValue = (typeof SigV4ErrorCode)[keyof typeof SigV4ErrorCode];

/** Every code this module can produce (plus InvalidClientTokenId for the server), for registries. */
export const ALL_SIGV4_ERROR_CODES: readonly SigV4ErrorCodeValue[] = Object.values(SigV4ErrorCode);

export const MISSING_AUTHENTICATION_TOKEN_MESSAGE = 'Request is missing Authentication Token';
export const SIGNATURE_DOES_NOT_MATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_CLIENT_TOKEN_ID_MESSAGE = 'The security token included in the request is invalid.';
export const HOST_NOT_SIGNED_MESSAGE = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
/** EC2's text for RequestExpired; IAM and STS document the code for expired presigned URLs. */
export const REQUEST_EXPIRED_MESSAGE = 'Request has expired.';
export const BOTH_HEADER_AND_QUERY_MESSAGE =
  "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";
export const EXPIRES_TOO_LARGE_MESSAGE =
  'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds';
export const EXPIRES_NEGATIVE_MESSAGE = 'X-Amz-Expires must be non-negative';
export const EXPIRES_NOT_A_NUMBER_MESSAGE = 'X-Amz-Expires should be a number';
export const CONTENT_SHA256_MISMATCH_MESSAGE =
  "The provided 'x-amz-content-sha256' header does not match what was computed.";
/** Tessera's own text: AWS's answer for IAM/STS is not known. */
export const INVALID_CONTENT_SHA256_MESSAGE = 'x-amz-content-sha256 must be a valid sha256 value.';

function failure(code: SigV4ErrorCodeValue, message: string, httpStatus: number): SigV4Failure {
  return { code, message, httpStatus };
}

export function missingAuthenticationToken(): SigV4Failure {
  return failure(SigV4ErrorCode.MissingAuthenticationToken, MISSING_AUTHENTICATION_TOKEN_MESSAGE, 403);
}

export function bothHeaderAndQueryAuth(): SigV4Failure {
  return failure(SigV4ErrorCode.SignatureDoesNotMatch, BOTH_HEADER_AND_QUERY_MESSAGE, 400);
}

/** One sentence per missing piece, then the header as received. */
export function authorizationHeaderIncomplete(
  missingParameters: readonly string[],
  missingDate: boolean,
  authorization: string,
): SigV4Failure {
  const sentences = missingParameters.map((name) => `Authorization header requires '${name}' parameter.`);
  if (missingDate) {
    sentences.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  sentences.push(`Authorization=${authorization}`);
  return failure(SigV4ErrorCode.IncompleteSignature, sentences.join(' '), 400);
}

export function notAKeyValuePair(component: string, authorization: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.IncompleteSignature,
    `'${component}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
    400,
  );
}

export function queryParametersIncomplete(missingParameters: readonly string[]): SigV4Failure {
  const sentences = missingParameters.map((name) => `AWS query-string parameters must include '${name}'.`);
  sentences.push('Re-examine the query-string parameters.');
  return failure(SigV4ErrorCode.IncompleteSignature, sentences.join(' '), 400);
}

/**
 * Tessera's own text (AWS's is not known): a SigV4 parameter given twice is ambiguous, and
 * reading one copy while signing over another is how verifiers get fooled.
 */
export function repeatedAuthParameter(name: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.IncompleteSignature,
    `'${name}' must not be repeated. Re-examine the query-string parameters and headers.`,
    400,
  );
}

export function unsupportedAlgorithm(algorithm: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.IncompleteSignature,
    `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
    400,
  );
}

export function dateNotBasicFormat(value: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.IncompleteSignature,
    `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    400,
  );
}

export function credentialNotFiveParts(credential: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.IncompleteSignature,
    `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    400,
  );
}

/** '15 min.' as AWS writes the allowed skew; other windows in whole minutes or seconds. */
function describeWindow(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min.` : `${seconds} sec.`;
}

export function signatureExpired(amzDate: string, now: Date, skewSeconds: number): SigV4Failure {
  const limit = formatAmzDate(new Date(now.getTime() - skewSeconds * 1000));
  return {
    ...failure(
      SigV4ErrorCode.SignatureDoesNotMatch,
      `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(now)} - ${describeWindow(skewSeconds)})`,
      403,
    ),
    details: skewDetails(amzDate, now, skewSeconds),
  };
}

export function signatureNotYetCurrent(amzDate: string, now: Date, skewSeconds: number): SigV4Failure {
  const limit = formatAmzDate(new Date(now.getTime() + skewSeconds * 1000));
  return {
    ...failure(
      SigV4ErrorCode.SignatureDoesNotMatch,
      `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(now)} + ${describeWindow(skewSeconds)})`,
      403,
    ),
    details: skewDetails(amzDate, now, skewSeconds),
  };
}

/**
 * What S3 adds to the same refusal, which it names RequestTimeTooSkewed: the request's time as
 * sent, the server's (to the second) and the window (gateway/errors.ts writes them).
 */
function skewDetails(amzDate: string, now: Date, skewSeconds: number): Readonly<Record<string, string>> {
  return { RequestTime: amzDate, ServerTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), MaxAllowedSkewMilliseconds: String(skewSeconds * 1000) };
}

export function requestExpired(): SigV4Failure {
  return failure(SigV4ErrorCode.RequestExpired, REQUEST_EXPIRED_MESSAGE, 400);
}

export function hostNotSigned(): SigV4Failure {
  return failure(SigV4ErrorCode.SignatureDoesNotMatch, HOST_NOT_SIGNED_MESSAGE, 403);
}

export function regionNotValidSentence(region: string): string {
  return `Credential should be scoped to a valid region, not '${region}'. `;
}

export function wrongServiceSentence(expectedService: string): string {
  return `Credential should be scoped to correct service: '${expectedService}'. `;
}

export function wrongTerminatorSentence(terminator: string): string {
  return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
}

export function credentialDateMismatchSentence(credentialDate: string, amzDate: string): string {
  return (
    'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
    `'${credentialDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`
  );
}

/** AWS reports every scope problem at once, in this order: region, service, terminator, date. */
export function credentialScopeRefused(sentences: readonly string[]): SigV4Failure {
  return failure(SigV4ErrorCode.SignatureDoesNotMatch, sentences.join(''), 403);
}

export function signatureDoesNotMatch(): SigV4Failure {
  return failure(SigV4ErrorCode.SignatureDoesNotMatch, SIGNATURE_DOES_NOT_MATCH_MESSAGE, 403);
}

export function expiresNotANumber(): SigV4Failure {
  return failure(SigV4ErrorCode.AuthorizationQueryParametersError, EXPIRES_NOT_A_NUMBER_MESSAGE, 400);
}

export function expiresNegative(): SigV4Failure {
  return failure(SigV4ErrorCode.AuthorizationQueryParametersError, EXPIRES_NEGATIVE_MESSAGE, 400);
}

export function expiresTooLarge(): SigV4Failure {
  return failure(SigV4ErrorCode.AuthorizationQueryParametersError, EXPIRES_TOO_LARGE_MESSAGE, 400);
}

export function contentSha256Mismatch(): SigV4Failure {
  return failure(SigV4ErrorCode.XAmzContentSHA256Mismatch, CONTENT_SHA256_MISMATCH_MESSAGE, 400);
}

export function invalidContentSha256(): SigV4Failure {
  return failure(SigV4ErrorCode.InvalidContentSha256, INVALID_CONTENT_SHA256_MESSAGE, 400);
}

/** For the server: the access key in the credential is unknown, inactive or deleted. */
export function invalidClientTokenId(): SigV4Failure {
  return failure(SigV4ErrorCode.InvalidClientTokenId, INVALID_CLIENT_TOKEN_ID_MESSAGE, 403);
}

// ---------------------------------------------------------------------------------------
// Streamed payloads (S3). Texts as S3 answers them, observed from S3 and recorded in public
// issue threads of S3-compatible servers that compare against it; exceptions are marked.

/** S3 words SignatureDoesNotMatch differently from IAM and STS. */
export const S3_SIGNATURE_DOES_NOT_MATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
export const INCOMPLETE_BODY_MESSAGE = 'The request body terminated unexpectedly';
export const DECODED_LENGTH_MISMATCH_MESSAGE =
  'You did not provide the number of bytes specified by the Content-Length HTTP header';
export const SMALL_CHUNK_MESSAGE = 'Only the last chunk is allowed to have a size less than 8192 bytes';
export const MALFORMED_TRAILER_MESSAGE =
  'The request contained trailing data that was not well-formed or did not conform to our published schema.';
export const UNSUPPORTED_TRAILER_MESSAGE = 'The value specified in the x-amz-trailer header is not supported';
export const MISSING_CONTENT_LENGTH_MESSAGE = 'You must provide the Content-Length HTTP header.';

/** A chunk or trailer signature that does not verify (S3: 403 SignatureDoesNotMatch). */
export function chunkSignatureDoesNotMatch(): SigV4Failure {
  return failure(SigV4ErrorCode.SignatureDoesNotMatch, S3_SIGNATURE_DOES_NOT_MATCH_MESSAGE, 403);
}

/** S3 adds both digests to its answer. */
export function payloadSha256Mismatch(declared: string, computed: string): SigV4Failure {
  return {
    ...contentSha256Mismatch(),
    details: { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed },
  };
}

/** Broken aws-chunked framing, a body that ended early, or bytes after its end. */
export function incompleteBody(): SigV4Failure {
  return failure(SigV4ErrorCode.IncompleteBody, INCOMPLETE_BODY_MESSAGE, 400);
}

/** The decoded body is not x-amz-decoded-content-length bytes long. */
export function decodedLengthMismatch(expected: number, provided: number): SigV4Failure {
  return {
    ...failure(SigV4ErrorCode.IncompleteBody, DECODED_LENGTH_MISMATCH_MESSAGE, 400),
    details: { NumberBytesExpected: String(expected), NumberBytesProvided: String(provided) },
  };
}

/** Chunk `chunkNumber` (1-based) followed a chunk of `badChunkSize` bytes, under S3's minimum. */
export function chunkTooSmall(chunkNumber: number, badChunkSize: number): SigV4Failure {
  return {
    ...failure(SigV4ErrorCode.InvalidChunkSizeError, SMALL_CHUNK_MESSAGE, 400),
    details: { Chunk: String(chunkNumber), BadChunkSize: String(badChunkSize) },
  };
}

/**
 * Tessera's own text: S3 publishes no maximum chunk size. A declared size over the limit is
 * refused when its header is read, before any of its data.
 */
export function chunkTooLarge(chunkNumber: number, badChunkSize: number, maxChunkSize: number): SigV4Failure {
  return {
    ...failure(SigV4ErrorCode.InvalidChunkSizeError, `Chunk size must not exceed ${maxChunkSize} bytes`, 400),
    details: { Chunk: String(chunkNumber), BadChunkSize: String(badChunkSize) },
  };
}

export function malformedTrailer(): SigV4Failure {
  return failure(SigV4ErrorCode.MalformedTrailerError, MALFORMED_TRAILER_MESSAGE, 400);
}

export function unsupportedTrailer(): SigV4Failure {
  return failure(SigV4ErrorCode.InvalidRequest, UNSUPPORTED_TRAILER_MESSAGE, 400);
}

/** A checksum header and a trailer both given: S3 wants exactly one. */
export function multipleChecksums(): SigV4Failure {
  return failure(SigV4ErrorCode.InvalidRequest, 'Expecting a single x-amz-checksum- header', 400);
}

/** `algorithm` as S3 names it: 'CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'. */
export function checksumMismatch(algorithm: string): SigV4Failure {
  return failure(SigV4ErrorCode.BadDigest, `The ${algorithm} you specified did not match the calculated checksum.`, 400);
}

/** S3's text for a missing required header. */
export function missingRequiredHeader(name: string): SigV4Failure {
  return failure(SigV4ErrorCode.InvalidRequest, `Missing required header for this request: ${name}`, 400);
}

/**
 * Best effort: S3 requires x-amz-decoded-content-length for signed streaming uploads; the
 * answer to a missing or non-numeric one is taken from S3's answer to a missing length.
 */
export function missingDecodedContentLength(): SigV4Failure {
  return failure(SigV4ErrorCode.MissingContentLength, MISSING_CONTENT_LENGTH_MESSAGE, 411);
}

/** Tessera's own text: a payload form (e.g. SigV4a's ECDSA streaming) this module does not verify. */
export function unsupportedPayloadForm(value: string): SigV4Failure {
  return failure(
    SigV4ErrorCode.InvalidContentSha256,
    `x-amz-content-sha256 '${value.slice(0, 64)}' is not a supported payload form.`,
    400,
  );
}
