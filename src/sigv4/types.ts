import type { KeyObject } from 'node:crypto';
/**
 * The shapes the SigV4 module exchanges with its callers.
 *
 * A {@link SigningRequest} is the request as it arrived on the wire, before anything was
 * decoded: SigV4 signs bytes the client produced, so the verifier must see the same bytes.
 */

/** An HTTP request as seen by the signer and the verifier. */
export interface SigningRequest {
  /** HTTP method, e.g. 'POST'. Compared and signed upper-cased. */
  method: string;
  /** The raw request path exactly as received, undecoded, without the query string. */
  path: string;
  /** The raw query string exactly as received, without the leading '?' ('' when none). */
  query: string;
  /**
   * Header name → value(s), names in any case. Repeated headers as an array, in arrival
   * order (on a Node server pass `req.headersDistinct`, which keeps them apart: Node's
   * `req.headers` joins most repeats with ', ', which changes the canonical form).
   */
  headers: Record<string, string | string[]>;
  /**
   * `headers` already indexed by {@link indexHeaders} (header-index.ts), when the caller has
   * it: parsing and verifying a request then index its headers once instead of twice.
   */
  headerIndex?: ReadonlyMap<string, readonly string[]>;
  /** The request body; a string is taken as UTF-8. */
  body: Uint8Array | string;
}

/** Why a request was refused, in the shape AWS reports it. */
export interface SigV4Failure {
  /** AWS error code, e.g. 'SignatureDoesNotMatch'. */
  code: string;
  /** AWS's message for it, byte for byte where AWS's text is known. */
  message: string;
  /** HTTP status AWS answers with. */
  httpStatus: number;
  /**
   * Further elements AWS adds to its error document, in its order (S3's `<Chunk>`,
   * `<NumberBytesExpected>`, …). Absent for most failures.
   */
  details?: Readonly<Record<string, string>>;
}

/** Where the client put the signature. */
export type AuthForm = 'header' | 'query';

/** What a signed request claims about itself, before any cryptography was checked. */
export interface ParsedAuth {
  form: AuthForm;
  accessKeyId: string;
  /** The request time the client signed (from X-Amz-Date, or the Date header). */
  date: Date;
  /** The same time in ISO-8601 basic format ('20150830T123600Z'), as it enters the string to sign. */
  amzDate: string;
  /** The credential scope's date, 'YYYYMMDD' as the client wrote it (not yet checked). */
  credentialDate: string;
  /** The credential scope's region, as written (not yet checked). */
  region: string;
  /** The credential scope's service, as written (not yet checked). */
  service: string;
  /** The credential scope's terminator, as written (AWS requires 'aws4_request'; checked on verify). */
  terminator: string;
  /** Lower-cased, in the order the client listed them. */
  signedHeaders: string[];
  /** The signature as sent (not normalized: a wrong case is a wrong signature). */
  signature: string;
  /** X-Amz-Security-Token from the header or the query, signed or not. */
  securityToken?: string;
  /** X-Amz-Expires of a presigned request. */
  expiresSeconds?: number;
}

export type ParseResult = { ok: true; auth: ParsedAuth } | { ok: false; error: SigV4Failure };

export interface VerifyOptions {
  /** The server's current time. */
  now: Date;
  /** The service the request is addressed to; a scope naming another one is refused. */
  expectedService?: string;
  /** Regions the server accepts in the credential scope; any region when omitted. */
  allowedRegions?: readonly string[];
  /** Allowed clock difference for the request time, in seconds. AWS: 900 (15 min.). */
  maxSkewSeconds?: number;
  /**
   * When set, a presigned request lives this long from its X-Amz-Date whatever its
   * X-Amz-Expires says (STS: 900 — it ignores X-Amz-Expires).
   */
  presignedLifetimeSeconds?: number;
  /**
   * Normalize the path (remove dot segments, collapse duplicate slashes) before encoding.
   * AWS does this for every service but S3. Default true.
   */
  normalizePath?: boolean;
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (the body is then not signed). Default false. */
  allowUnsignedPayload?: boolean;
  /** Signing-key cache to use; without one every verification derives the key afresh. */
  keyCache?: SigningKeyCacheLike;
  /**
   * The body is not in `req.body`: it streams through createPayloadVerifier afterwards (S3).
   * Every payload form of x-amz-content-sha256 (a hex SHA-256, UNSIGNED-PAYLOAD, the
   * STREAMING-* forms) then enters the canonical request as declared, and step 5 (the body
   * against its hash) is left to that stream. A presigned request that declares nothing is
   * taken as UNSIGNED-PAYLOAD, as S3 does; a header-signed one that declares nothing still
   * needs its body in `req.body`. Default false.
   */
  payloadStreamed?: boolean;
}

export type VerifyResult =
  | {
      ok: true;
      /**
       * Present when the request carried a session token: whether the signature covers it.
       * An unsigned token is still bound to the signature through its own secret key, but
       * the server must check that the token belongs to `auth.accessKeyId`.
       */
      securityTokenSigned?: boolean;
    }
  | { ok: false; error: SigV4Failure };

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  region: string;
  service: string;
  /** The signing time (whole seconds are used). */
  date: Date;
  /** Authorization header (default) or presigned query string. */
  form?: AuthForm;
  /** X-Amz-Expires of a presigned request, 0..604800. Default 900. */
  expiresSeconds?: number;
  /** Include X-Amz-Security-Token in what is signed. Default true. */
  signSessionToken?: boolean;
  /** Add a signed `x-amz-content-sha256` header (header form only). Default false. */
  contentSha256Header?: boolean;
  /** See {@link VerifyOptions.normalizePath}. Default true. */
  normalizePath?: boolean;
  keyCache?: SigningKeyCacheLike;
}

/** The part of the signing-key cache the signer and verifier use. */
export interface SigningKeyCacheLike {
  /** The derived signing key, as bytes or as a KeyObject made from them. */
  signingKey(secretAccessKey: string, credentialDate: string, region: string, service: string): Uint8Array | KeyObject;
}
