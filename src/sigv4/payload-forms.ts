/**
 * The values of x-amz-content-sha256 and what each says about the body.
 *
 * S3 API reference, "Authenticating Requests: Using the Authorization Header (AWS Signature
 * Version 4)", table of x-amz-content-sha256 values:
 *   - a hex SHA-256            the whole payload is signed (single chunk);
 *   - UNSIGNED-PAYLOAD         the payload is not signed;
 *   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD            aws-chunked, every chunk signed;
 *   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER    the same, plus a signed trailer;
 *   - STREAMING-UNSIGNED-PAYLOAD-TRAILER            aws-chunked, unsigned, with a trailer;
 *   - STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]   SigV4a: not verified here.
 */

import { isSha256Hex, UNSIGNED_PAYLOAD } from './payload-hash.ts';

export const STREAMING_SIGNED_PAYLOAD = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_PAYLOAD_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_PAYLOAD_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export type PayloadForm =
  | { kind: 'sha256'; hash: string }
  | { kind: 'unsigned' }
  | { kind: 'aws-chunked'; signedChunks: boolean; trailer: boolean; value: string };

/** What a declared x-amz-content-sha256 value means, or undefined for a value no form has. */
export function payloadForm(declared: string): PayloadForm | undefined {
  const value = declared.trim();
  if (isSha256Hex(value)) return { kind: 'sha256', hash: value.toLowerCase() };
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: 'unsigned' };
    case STREAMING_SIGNED_PAYLOAD:
      return { kind: 'aws-chunked', signedChunks: true, trailer: false, value };
    case STREAMING_SIGNED_PAYLOAD_TRAILER:
      return { kind: 'aws-chunked', signedChunks: true, trailer: true, value };
    case STREAMING_UNSIGNED_PAYLOAD_TRAILER:
      return { kind: 'aws-chunked', signedChunks: false, trailer: true, value };
    default:
      return undefined;
  }
}
