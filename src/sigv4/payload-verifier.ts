/**
 * The verifying stream for a request's payload form: what a forwarder puts between the
 * client's body and the upstream, once the request's own signature (the seed) verified.
 *
 *   const key = keyCache.signingKey(secret, auth.credentialDate, auth.region, auth.service);
 *   const verified = createPayloadVerifier({ auth, headers: req.headersDistinct, signingKey: key });
 *   if (!verified.ok) → answer verified.error
 *   pipeline(req, verified.stream, upstreamRequest)   // on error: answer err.failure, abort upstream
 *
 * | x-amz-content-sha256                        | stream                         | emits        |
 * | ------------------------------------------- | ------------------------------ | ------------ |
 * | hex SHA-256                                 | PayloadSha256Verifier          | the body     |
 * | UNSIGNED-PAYLOAD (or absent, presigned)     | PassThrough                    | the body     |
 * | STREAMING-AWS4-HMAC-SHA256-PAYLOAD          | AwsChunkedDecoder, signed      | decoded data |
 * | STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  | AwsChunkedDecoder, signed      | decoded data |
 * | STREAMING-UNSIGNED-PAYLOAD-TRAILER          | AwsChunkedDecoder, unsigned    | decoded data |
 *
 * Every verifying stream withholds its last piece until the payload passed, so an upstream
 * request sent with `Content-Length: decodedLength` never completes with a refused body.
 * Every one emits its input (or views of it) in order and keeps no view of an input once it
 * emitted a piece of a later one: a consumer may free an input buffer from then on.
 * For the aws-chunked forms the forwarder sends the decoded data: without the
 * `aws-chunked` content coding, x-amz-decoded-content-length and x-amz-trailer, with
 * Content-Length = decodedLength (or chunked), and the verified checksum (`checksum()`,
 * known at the end) as an HTTP trailer or in a re-encoded body.
 *
 * S3 only: services other than S3 send no x-amz-content-sha256; their body hash is in the
 * canonical request and is checked there, on a buffered body.
 */

import type { KeyObject } from 'node:crypto';
import { PassThrough, type Transform } from 'node:stream';
import { AwsChunkedDecoder, type VerifiedChecksum } from './aws-chunked-decoder.ts';
import { ChunkSignatureChain } from './chunk-signature.ts';
import {
  malformedTrailer,
  missingDecodedContentLength,
  missingRequiredHeader,
  multipleChecksums,
  unsupportedPayloadForm,
  unsupportedTrailer,
} from './errors.ts';
import { FLEXIBLE_CHECKSUM_HEADERS, type FlexibleChecksum, flexibleChecksum } from './flexible-checksums.ts';
import { firstHeader, type HeaderIndex, indexHeaders } from './header-index.ts';
import { type PayloadForm, payloadForm } from './payload-forms.ts';
import { PayloadSha256Verifier } from './payload-sha256-verifier.ts';
import { credentialScope } from './string-to-sign.ts';
import type { ParsedAuth, SigV4Failure } from './types.ts';

export interface PayloadVerifierInput {
  /** The parsed, already verified request: its date, scope and signature (the seed). */
  auth: Pick<ParsedAuth, 'form' | 'amzDate' | 'credentialDate' | 'region' | 'service' | 'signature'>;
  /** The request's headers as received (repeated headers as arrays). */
  headers: Readonly<Record<string, string | string[]>>;
  /** The request's signing key (for the signed aws-chunked forms). */
  signingKey: Uint8Array | KeyObject;
  /** X-Amz-Content-Sha256 of a presigned URL's query, when it has one. */
  presignedContentSha256?: string;
  /** Largest aws-chunked chunk accepted. Default 16 MiB. */
  maxChunkSize?: number;
  /** Smallest non-last aws-chunked chunk. Default 8192, as S3. */
  minChunkSize?: number;
}

export interface PayloadVerifier {
  form: PayloadForm;
  /** Write the body as received; read the verified (and, for aws-chunked, decoded) body. */
  stream: Transform;
  /** How many bytes the stream emits, when the request says so. */
  decodedLength: number | undefined;
  /** The checksum header the trailer will carry (from x-amz-trailer), known up front. */
  trailerChecksumHeader: string | undefined;
  /** The verified trailer checksum, after the stream ended. */
  checksum(): VerifiedChecksum | undefined;
}

export type PayloadVerifierResult = ({ ok: true } & PayloadVerifier) | { ok: false; error: SigV4Failure };

const DECIMAL = /^[0-9]{1,16}$/;

/** A non-negative decimal length, as Content-Length or x-amz-decoded-content-length. */
function parseLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const length = Number(trimmed);
  return Number.isSafeInteger(length) ? length : undefined;
}

function noChecksum(): undefined {
  return undefined;
}

/** The announced trailer checksum, or why the announcement is refused. */
function announcedTrailer(
  headers: HeaderIndex,
  form: PayloadForm & { kind: 'aws-chunked' },
): { ok: true; checksum: FlexibleChecksum | undefined } | { ok: false; error: SigV4Failure } {
  const announced = headers.get('x-amz-trailer');
  if (announced === undefined) {
    // S3 accepts an unsigned trailer form with no trailer at all; a signed one must sign one.
    return form.trailer && form.signedChunks ? { ok: false, error: malformedTrailer() } : { ok: true, checksum: undefined };
  }
  if (!form.trailer || announced.length !== 1) return { ok: false, error: unsupportedTrailer() };
  const checksum = flexibleChecksum(announced[0]!);
  if (!checksum) return { ok: false, error: unsupportedTrailer() };
  if (FLEXIBLE_CHECKSUM_HEADERS.some((name) => headers.has(name))) return { ok: false, error: multipleChecksums() };
  return { ok: true, checksum };
}

function awsChunked(
  input: PayloadVerifierInput,
  headers: HeaderIndex,
  form: PayloadForm & { kind: 'aws-chunked' },
): PayloadVerifierResult {
  const declaredLength = firstHeader(headers, 'x-amz-decoded-content-length');
  const decodedLength = parseLength(declaredLength);
  // Signed uploads must declare the length (S3); an unsigned-trailer one may omit it, but
  // what it declares must be a length.
  if (decodedLength === undefined && (form.signedChunks || declaredLength !== undefined)) {
    return { ok: false, error: missingDecodedContentLength() };
  }
  const trailer = announcedTrailer(headers, form);
  if (!trailer.ok) return trailer;

  const { auth } = input;
  const signatures = form.signedChunks
    ? new ChunkSignatureChain(
        input.signingKey,
        auth.amzDate,
        credentialScope(auth.credentialDate, auth.region, auth.service),
        auth.signature,
      )
    : undefined;
  const decoder = new AwsChunkedDecoder({
    signatures,
    trailer: form.trailer,
    trailerChecksum: trailer.checksum,
    decodedLength,
    maxChunkSize: input.maxChunkSize,
    minChunkSize: input.minChunkSize,
  });
  return {
    ok: true,
    form,
    stream: decoder,
    decodedLength,
    trailerChecksumHeader: trailer.checksum?.header,
    checksum: () => decoder.verifiedChecksum,
  };
}

/** The verifying stream for the request's x-amz-content-sha256, or S3's answer refusing it. */
export function createPayloadVerifier(input: PayloadVerifierInput): PayloadVerifierResult {
  const headers = indexHeaders(input.headers);
  const declared = firstHeader(headers, 'x-amz-content-sha256') ?? input.presignedContentSha256;
  const contentLength = parseLength(firstHeader(headers, 'content-length'));
  if (declared === undefined) {
    // A presigned S3 URL signs 'UNSIGNED-PAYLOAD' unless it says otherwise; a header-signed
    // S3 request must declare its payload.
    if (input.auth.form !== 'query') return { ok: false, error: missingRequiredHeader('x-amz-content-sha256') };
    return unsigned({ kind: 'unsigned' }, contentLength);
  }
  const form = payloadForm(declared);
  if (!form) return { ok: false, error: unsupportedPayloadForm(declared) };
  switch (form.kind) {
    case 'sha256':
      return {
        ok: true,
        form,
        stream: new PayloadSha256Verifier(form.hash),
        decodedLength: contentLength,
        trailerChecksumHeader: undefined,
        checksum: noChecksum,
      };
    case 'unsigned':
      return unsigned(form, contentLength);
    case 'aws-chunked':
      return awsChunked(input, headers, form);
  }
}

function unsigned(form: PayloadForm, contentLength: number | undefined): PayloadVerifierResult {
  return { ok: true, form, stream: new PassThrough(), decodedLength: contentLength, trailerChecksumHeader: undefined, checksum: noChecksum };
}
