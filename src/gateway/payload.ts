// The forwarded body passes through a verifying stream chosen by its payload form (the
// x-amz-content-sha256 the client signed): the body reaches the upstream only as it is
// verified, and a body that fails verification never completes upstream — the last bytes are
// held back until the check passes, so the upstream sees a cut-short request and stores
// nothing. The chooser is pluggable (`PayloadVerifiers`): the SigV4 chunked forms
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, the *-TRAILER forms) plug in beside the built-in ones.

import { createHash } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { CONTENT_SHA256_MISMATCH_MESSAGE, UNSIGNED_PAYLOAD, type ParsedAuth } from '../sigv4/index.ts';
import { gatewayError, GatewayError, type GatewayFailure } from './errors.ts';

/** What the chooser knows of the request's payload. */
export interface PayloadForm {
  /** x-amz-content-sha256 as sent (trimmed); undefined when absent. */
  declared: string | undefined;
  /** The request's headers, lower-cased names. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Where the signature is (header or presigned query); undefined for an anonymous request. */
  authForm: 'header' | 'query' | undefined;
  /**
   * The verified signature and its secret — the seed of chunk signatures. Known once the
   * request is authenticated, which comes after the form is chosen: read it in `verify()`.
   */
  signed(): { auth: ParsedAuth; secretAccessKey: string } | undefined;
}

/** How the body is forwarded: through `verify()` (a fresh stream per request), with the headers the upstream must see instead. */
export interface PayloadPlan {
  /** The verifying stream: it emits the payload as the upstream must receive it. */
  verify(): Transform;
  /** Headers to drop before forwarding (e.g. `content-encoding: aws-chunked`'s framing headers). */
  dropHeaders: readonly string[];
  /** Headers to set (e.g. the decoded Content-Length). */
  setHeaders: Readonly<Record<string, string>>;
}

export type PayloadChoice = { ok: true; plan: PayloadPlan } | { ok: false; failure: GatewayFailure };

/** A payload form's verifier, or undefined when it does not handle the form. */
export type PayloadVerifier = (form: PayloadForm) => PayloadChoice | undefined;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** UNSIGNED-PAYLOAD (and presigned URLs, whose body is never signed): passed through as is. */
export const unsignedPayload: PayloadVerifier = (form) => {
  if (form.declared === UNSIGNED_PAYLOAD || (form.declared === undefined && form.authForm !== 'header')) {
    return { ok: true, plan: { verify: () => new PassThrough(), dropHeaders: [], setHeaders: {} } };
  }
  return undefined;
};

/** A signed payload: the body's SHA-256 must be the declared one, checked as it streams. */
export const signedPayload: PayloadVerifier = (form) => {
  if (form.declared === undefined || !SHA256_HEX.test(form.declared)) return undefined;
  const expected = form.declared.toLowerCase();
  return { ok: true, plan: { verify: () => new Sha256Verifier(expected), dropHeaders: [], setHeaders: {} } };
};

/**
 * Chooses the verifier of a payload form among `verifiers`, the first that handles it; a form
 * none handles is refused as S3 refuses a header it does not implement.
 */
export function choosePayload(verifiers: readonly PayloadVerifier[], form: PayloadForm): PayloadChoice {
  for (const verifier of verifiers) {
    const choice = verifier(form);
    if (choice !== undefined) return choice;
  }
  if (form.declared === undefined) {
    return { ok: false, failure: { code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256', status: 400 } };
  }
  if (form.declared.startsWith('STREAMING-')) {
    return {
      ok: false,
      failure: { code: 'NotImplemented', message: `A header you provided implies functionality that is not implemented: x-amz-content-sha256 ${form.declared.slice(0, 64)} is not verified by this Tessera`, status: 501, fields: { Header: 'x-amz-content-sha256' } },
    };
  }
  return { ok: false, failure: { code: 'InvalidArgument', message: 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', status: 400, fields: { ArgumentName: 'x-amz-content-sha256' } } };
}

/** The built-in verifiers: the unsigned and signed-payload forms. */
export const BUILT_IN_VERIFIERS: readonly PayloadVerifier[] = [unsignedPayload, signedPayload];

/** A payload whose verification failed (the stream errors with it; the forwarder answers with its failure). */
export function payloadMismatch(): GatewayError {
  return gatewayError('XAmzContentSHA256Mismatch', CONTENT_SHA256_MISMATCH_MESSAGE, 400);
}

/**
 * Passes the body on while hashing it, holding back the latest chunk: only when the whole body
 * hashed to the declared value is the last chunk released and the stream ended. On a mismatch
 * the stream errors before the body is complete.
 */
export class Sha256Verifier extends Transform {
  readonly #expected: string;
  readonly #hash = createHash('sha256');
  #held: Buffer | undefined;

  constructor(expected: string) {
    super();
    this.#expected = expected;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(chunk);
    const previous = this.#held;
    this.#held = chunk;
    if (previous !== undefined) this.push(previous);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#hash.digest('hex') !== this.#expected) {
      done(payloadMismatch());
      return;
    }
    if (this.#held !== undefined) this.push(this.#held);
    done();
  }
}
