import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SessionClaims } from '../kernel/session.ts';
import { fromWire, toWire } from './claims-wire.ts';
import { isWellFormedTokenKeyId } from './key-id.ts';
import type { KeyRingSnapshot, TokenKey } from './token-key.ts';

/**
 * Session tokens: {@link SessionClaims} sealed with AES-256-GCM under a key of the ring, so
 * any node holding the ring opens one with no store read, and nobody else can read or forge it.
 *
 *   v1.<keyId>.<base64url( nonce(12) | ciphertext | tag(16) )>
 *
 * The header `v1.<keyId>` is in clear (a node must know which key to use) and is bound into
 * the tag as additional data, so no byte of the token can change undetected. The plaintext is
 * one format byte (0: JSON, 1: raw-deflated JSON) followed by the compact claims
 * (claims-wire.ts). Base64url without padding: tokens travel in headers and query strings.
 *
 * Nonces are random, 96 bits: safe for far more tokens than a key seals before the ring
 * rotates it (NIST's bound for random GCM nonces is 2^32 messages per key).
 */

export type OpenFailure = 'malformed' | 'unknown-key' | 'tampered' | 'expired';
export type OpenResult = { ok: true; claims: SessionClaims } | { ok: false; reason: OpenFailure };

const VERSION = 'v1';
const PREFIX = `${VERSION}.`;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Domain label in the additional data: a tag made for anything else never verifies as a token. */
const AAD_LABEL = 'tessera/session-token\0';

const FORMAT_JSON = 0;
const FORMAT_DEFLATE = 1;
/** Below this, deflate's header and lost dictionary make the output no smaller. */
const DEFLATE_FROM_BYTES = 384;

/** Far above any real token (a 2,048-character session policy deflates to less), so garbage is cheap to refuse. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_PLAINTEXT_BYTES = 64 * 1024;
/**
 * The longest token STS issues: it must travel in an X-Amz-Security-Token header next to the
 * rest of a signed request's headers, under the 16 KiB node:http (and most proxies) allow for
 * all of them together. Only identity provider keys can take a session near it (a SAML
 * assertion of 100,000 characters may name hundreds of attribute values; session policies and
 * tags have their packed budget).
 */
export const MAX_ISSUED_TOKEN_LENGTH = 12 * 1024;

/** The claims would make a token no server could accept: STS refuses to issue it. */
export class SessionTooLargeError extends Error {
  readonly size: number;
  constructor(size: number) {
    super(`a session of ${size} bytes does not fit in a session token`);
    this.size = size;
  }
}

function additionalData(header: string): Buffer {
  return Buffer.from(AAD_LABEL + header, 'latin1');
}

/**
 * Compression is safe here although the token holds a secret: everything in a token (the
 * temporary secret included) is handed to the very caller who chose its variable parts, so
 * its length tells that caller nothing it does not already know.
 */
function encodePlaintext(claims: SessionClaims): Buffer {
  const json = Buffer.from(JSON.stringify(toWire(claims)), 'utf8');
  // Claims that inflate past what openSession accepts make a token as unusable as a long one.
  if (json.length > MAX_PLAINTEXT_BYTES) throw new SessionTooLargeError(json.length);
  if (json.length >= DEFLATE_FROM_BYTES) {
    const deflated = deflateRawSync(json);
    if (deflated.length < json.length) return Buffer.concat([Buffer.of(FORMAT_DEFLATE), deflated]);
  }
  return Buffer.concat([Buffer.of(FORMAT_JSON), json]);
}

/**
 * The session token for `claims`, sealed with `key`. Throws TypeError on claims STS should never
 * build, SessionTooLargeError on claims too large for a token a request can carry.
 */
export function sealSession(claims: SessionClaims, key: TokenKey): string {
  const plaintext = encodePlaintext(claims);
  const header = `${VERSION}.${key.id}`;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.secret, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(header));
  const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const token = `${header}.${sealed.toString('base64url')}`;
  if (token.length > MAX_ISSUED_TOKEN_LENGTH) throw new SessionTooLargeError(token.length);
  return token;
}

const malformed: OpenResult = Object.freeze({ ok: false, reason: 'malformed' });
const unknownKey: OpenResult = Object.freeze({ ok: false, reason: 'unknown-key' });
const tampered: OpenResult = Object.freeze({ ok: false, reason: 'tampered' });
const expired: OpenResult = Object.freeze({ ok: false, reason: 'expired' });

function decrypt(key: TokenKey, header: string, sealed: Buffer): Buffer | undefined {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const ciphertext = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.secret, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(header));
  decipher.setAuthTag(tag);
  // GCM is a stream mode: update() returns the whole plaintext and final() only checks the tag.
  const plaintext = decipher.update(ciphertext);
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}

function decodePlaintext(plaintext: Buffer): SessionClaims | undefined {
  let json: Buffer;
  if (plaintext[0] === FORMAT_JSON) json = plaintext.subarray(1);
  else if (plaintext[0] === FORMAT_DEFLATE) json = inflateRawSync(plaintext.subarray(1), { maxOutputLength: MAX_PLAINTEXT_BYTES });
  else return undefined;
  return fromWire(JSON.parse(json.toString('utf8')));
}

function open(token: string, ring: KeyRingSnapshot, now: Date): OpenResult {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) return malformed;
  const headerEnd = token.indexOf('.', PREFIX.length);
  if (headerEnd < 0) return malformed;
  const keyId = token.slice(PREFIX.length, headerEnd);
  const body = token.slice(headerEnd + 1);
  if (!isWellFormedTokenKeyId(keyId)) return malformed;
  const sealed = Buffer.from(body, 'base64url');
  // Node's decoder is lenient: it skips characters outside the alphabet, accepts '+', '/' and
  // '=', and ignores a final character's spare bits. Only the canonical text re-encodes to
  // itself, so this one comparison refuses all of those (a changed spare bit would otherwise
  // decode to the same bytes and pass).
  if (sealed.length <= NONCE_BYTES + TAG_BYTES || sealed.toString('base64url') !== body) return malformed;

  const key = ring.get(keyId);
  if (key === undefined) return unknownKey;
  const plaintext = decrypt(key, token.slice(0, headerEnd), sealed);
  if (plaintext === undefined) return tampered;

  // Authentic from here on: a failure below means a node of another version sealed it.
  const claims = decodePlaintext(plaintext);
  if (claims === undefined) return malformed;
  // Written so that an invalid `now` (NaN) counts as expired rather than as valid forever.
  if (!(now.getTime() < Date.parse(claims.expiresAt))) return expired;
  return { ok: true, claims };
}

/**
 * Opens a session token with the keys in `ring`; expiry is judged against `now`. Never
 * throws: whatever a client sends, the answer is a reason. 'unknown-key' means the token
 * names a key this node does not hold (yet: see openSessionToken, which re-reads the ring).
 */
export function openSession(token: string, ring: KeyRingSnapshot, now: Date): OpenResult {
  try {
    return open(token, ring, now);
  } catch {
    // Reachable only through an authentic token this version cannot decode (a deflate stream
    // or JSON a buggy sealer wrote) or a `now` that is not a Date: refusing is the safe answer.
    return malformed;
  }
}
