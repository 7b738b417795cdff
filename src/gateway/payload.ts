// The forwarded body passes through a verifying stream chosen by its payload form (the
// x-amz-content-sha256 the client signed): the body reaches the upstream only as it is
// verified, and a body that fails verification never completes upstream — the verifiers
// withhold the last bytes until the check passes, so the upstream sees a cut-short request and
// stores nothing. The chooser is pluggable (`PayloadVerifier`s tried in order); the built-in
// one is sigv4's createPayloadVerifier: a signed payload's SHA-256, UNSIGNED-PAYLOAD, and the
// aws-chunked forms (STREAMING-AWS4-HMAC-SHA256-PAYLOAD with each chunk's signature, the
// *-TRAILER forms with their flexible checksum), whose body is forwarded decoded.

import type { KeyObject } from 'node:crypto';
import { PassThrough, type Transform } from 'node:stream';
import { createPayloadVerifier, flexibleChecksum, isPayloadRefusedError, type ParsedAuth, type SigV4Failure, type VerifiedChecksum } from '../sigv4/index.ts';
import type { GatewayFailure } from './errors.ts';
import { reencodedLength, TrailerReencoder, UNSIGNED_TRAILER } from './trailer-reencoder.ts';

/** What the chooser knows of the request's payload, once the request is authenticated. */
export interface PayloadForm {
  /** The request's headers, lower-cased names. */
  headers: Readonly<Record<string, string | string[]>>;
  /** The request's raw query (a presigned URL may declare X-Amz-Content-Sha256 there). */
  query: string;
  /** The verified signature (the seed of chunk signatures) and its signing key; absent for an anonymous request. */
  signed?: { auth: ParsedAuth; signingKey: Uint8Array | KeyObject };
}

/** How the body is forwarded: through `verify()` (a fresh stream per request), with the headers the upstream must see instead. */
export interface PayloadPlan {
  /** The verifying stream: it emits the payload as the upstream must receive it. */
  verify(): Transform;
  /** Headers to drop before forwarding (aws-chunked's framing headers). */
  dropHeaders: readonly string[];
  /** Headers to set (the decoded Content-Length). */
  setHeaders: Readonly<Record<string, string>>;
  /**
   * The body goes upstream re-encoded after `verify()`'s stream (a verified trailer checksum
   * passed on as the trailer of an unsigned aws-chunked body): the stream that follows a given
   * verifier, and the payload form the upstream request is signed with.
   */
  reencode?: { contentSha256: string; after(verifier: Transform): Transform };
  /**
   * `verify()`'s stream (and the re-encoder after it) emit pieces of their input buffers in
   * order and keep no view of an input once they emitted a piece of a later one: the forwarder
   * then frees each of the client's body buffers as soon as everything from it was written
   * upstream (upstream-body.ts). Leave it unset for a stream that cannot promise it.
   */
  inputReleasable?: boolean;
}

export type PayloadChoice = { ok: true; plan: PayloadPlan } | { ok: false; failure: GatewayFailure };

/** A payload form's verifier, or undefined when it does not handle the request. */
export type PayloadVerifier = (form: PayloadForm) => PayloadChoice | undefined;

/** SigV4 failures as the gateway answers them (S3's extra elements — `<Chunk>`, … — kept). */
export function fromSigV4Failure(failure: SigV4Failure): GatewayFailure {
  return { code: failure.code, message: failure.message, status: failure.httpStatus, ...(failure.details ? { fields: failure.details } : {}) };
}

/** The failure a verifying stream failed with, when it is a refusal of the payload. */
export function payloadRefusal(error: unknown): GatewayFailure | undefined {
  return isPayloadRefusedError(error) ? fromSigV4Failure(error.failure) : undefined;
}

/** An anonymous caller's body is not signed: passed on as sent. */
export const anonymousPayload: PayloadVerifier = (form) =>
  form.signed === undefined ? { ok: true, plan: { verify: () => new PassThrough(), dropHeaders: [], setHeaders: {}, inputReleasable: true } } : undefined;

/** Every SigV4 payload form, by sigv4's verifiers. */
export const sigv4Payload: PayloadVerifier = (form) => {
  if (form.signed === undefined) return undefined;
  const presigned = form.signed.auth.form === 'query' ? new URLSearchParams(form.query).get('X-Amz-Content-Sha256') ?? undefined : undefined;
  const input = { auth: form.signed.auth, headers: form.headers, signingKey: form.signed.signingKey, ...(presigned !== undefined ? { presignedContentSha256: presigned } : {}) };
  const first = createPayloadVerifier(input);
  if (!first.ok) return { ok: false, failure: fromSigV4Failure(first.error) };
  // Each verifier's verified trailer checksum, for the stream that passes it on.
  const checksums = new WeakMap<Transform, () => VerifiedChecksum | undefined>();
  checksums.set(first.stream, first.checksum);
  let unused: Transform | undefined = first.stream;
  const verify = (): Transform => {
    const stream = unused;
    unused = undefined;
    if (stream !== undefined) return stream;
    const again = createPayloadVerifier(input);
    if (!again.ok) throw new Error('the payload verifier refused a request it accepted before');
    checksums.set(again.stream, again.checksum);
    return again.stream;
  };
  // sigv4's verifiers emit views of their input in order and keep at most the latest (see
  // createPayloadVerifier), as does the trailer re-encoder: the input buffers can be freed.
  if (first.form.kind !== 'aws-chunked') return { ok: true, plan: { verify, dropHeaders: [], setHeaders: {}, inputReleasable: true } };
  // The upstream receives the decoded data: without aws-chunked's coding and framing headers,
  // its length the decoded length — or, when a trailer checksum was announced and the length is
  // known, re-framed as an unsigned-trailer upload carrying the verified checksum.
  const codings = headerValue(form.headers, 'content-encoding')?.split(',').map((coding) => coding.trim()).filter((coding) => coding !== '' && coding.toLowerCase() !== 'aws-chunked') ?? [];
  const dropHeaders = ['content-encoding', 'content-length', 'x-amz-decoded-content-length', 'x-amz-trailer'];
  const trailer = first.trailerChecksumHeader === undefined ? undefined : flexibleChecksum(first.trailerChecksumHeader);
  const length = first.decodedLength;
  if (trailer !== undefined && length !== undefined) {
    const setHeaders: Record<string, string> = {
      'content-encoding': ['aws-chunked', ...codings].join(', '),
      'content-length': String(reencodedLength(length, trailer.header, trailer.base64Length)),
      'x-amz-decoded-content-length': String(length),
      'x-amz-trailer': trailer.header,
    };
    const after = (verifier: Transform): Transform => new TrailerReencoder(length, checksums.get(verifier) ?? (() => undefined));
    return { ok: true, plan: { verify, dropHeaders, setHeaders, reencode: { contentSha256: UNSIGNED_TRAILER, after }, inputReleasable: true } };
  }
  const setHeaders: Record<string, string> = {};
  if (length !== undefined) setHeaders['content-length'] = String(length);
  if (codings.length > 0) setHeaders['content-encoding'] = codings.join(', ');
  return { ok: true, plan: { verify, dropHeaders, setHeaders, inputReleasable: true } };
};

/** The built-in verifiers, in order. */
export const BUILT_IN_VERIFIERS: readonly PayloadVerifier[] = [anonymousPayload, sigv4Payload];

/** The plan of the first verifier that handles the request. */
export function choosePayload(verifiers: readonly PayloadVerifier[], form: PayloadForm): PayloadChoice {
  for (const verifier of verifiers) {
    const choice = verifier(form);
    if (choice !== undefined) return choice;
  }
  return { ok: false, failure: { code: 'NotImplemented', message: 'A header you provided implies functionality that is not implemented: no verifier accepts this payload', status: 501, fields: { Header: 'x-amz-content-sha256' } } };
}

function headerValue(headers: PayloadForm['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
