import { createCipheriv, createDecipheriv, createHash, randomBytes, type KeyObject } from 'node:crypto';
import type { MasterKey } from './master-key.ts';

export { loadOrCreateMasterKey, masterKeyFromConfig, generateMasterKeyBase64, type MasterKey, type MasterKeySet } from './master-key.ts';

/**
 * Envelope encryption for secrets at rest (secret access keys: SigV4 needs the plain secret
 * to verify a signature, so it cannot be hashed).
 *
 * Each seal draws a fresh 256-bit data key and encrypts the secret with it (AES-256-GCM);
 * the data key is itself encrypted with the master key. Both layers authenticate a
 * caller-given context (e.g. the access key id) as additional data, so a sealed value copied
 * into another record fails to open there.
 *
 * Format: `v1.` + base64url of
 *   keyId(8) | wrapNonce(12) | wrappedDataKey(32) | wrapTag(16) | nonce(12) | tag(16) | ciphertext
 * where keyId names the master key (a hash of it), so keys can be rotated: seal with the new
 * one, still open with the previous ones, and re-wrap each data key under the new one
 * (`rewrap`) until no value names the old key (see `tessera master-key`).
 */

export interface SecretBox {
  seal(plaintext: string | Uint8Array, context: string): string;
  /** The secret as UTF-8 text. */
  open(sealed: string, context: string): string;
  openBytes(sealed: string, context: string): Uint8Array;
  /** Whether `sealed` was sealed with a master key other than the current one (re-seal it). */
  needsReseal(sealed: string): boolean;
  /**
   * The same secret sealed under the current master key: its data key is unwrapped with the
   * key `sealed` names and wrapped again with the current one; the secret layer, already
   * authenticated here, is kept as it is, so the plaintext is never handled.
   */
  rewrap(sealed: string, context: string): string;
  /** The key ID (hex) of the master key that seals, and of every key that opens. */
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
}

export type SecretBoxErrorCode = 'ERR_SECRET_BOX_FORMAT' | 'ERR_SECRET_BOX_UNKNOWN_KEY' | 'ERR_SECRET_BOX_AUTH';

/** Why a sealed value did not open. The message never contains key material or plaintext. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  readonly code: SecretBoxErrorCode;

  constructor(code: SecretBoxErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const VERSION = 'v1';
const PREFIX = `${VERSION}.`;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
const HEADER_BYTES = KEY_ID_BYTES + NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES + NONCE_BYTES + TAG_BYTES;

/**
 * Additional data per layer. The version and layer are part of it, so a wrapped data key
 * cannot be passed off as a secret, nor a v1 value as a later version; the context comes last
 * so no choice of context can mimic another layer's prefix.
 */
function aad(layer: 'data-key' | 'secret', context: string): Buffer {
  return Buffer.from(`tessera/secret-box/${VERSION}/${layer}\0${context}`, 'utf8');
}

/** The ID (16 hex digits) a master key is named by in everything it seals. */
export function masterKeyId(key: MasterKey): string {
  return keyIdOf(key).toString('hex');
}

/**
 * The ID (hex) of the master key `sealed` names, read without any key: for counting which
 * key still seals what. Throws ERR_SECRET_BOX_FORMAT for a value that is not sealed.
 */
export function sealedKeyId(sealed: string): string {
  return parse(sealed).keyId.toString('hex');
}

function keyIdOf(key: KeyObject): Buffer {
  const material = key.export();
  try {
    return createHash('sha256').update('tessera/secret-box/key-id\0').update(material).digest().subarray(0, KEY_ID_BYTES);
  } finally {
    material.fill(0);
  }
}

function encrypt(key: KeyObject | Buffer, plaintext: Uint8Array, additionalData: Buffer): { nonce: Buffer; ciphertext: Buffer; tag: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

function decrypt(key: KeyObject | Buffer, nonce: Buffer, ciphertext: Buffer, tag: Buffer, additionalData: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SecretBoxError('ERR_SECRET_BOX_AUTH', 'sealed secret failed authentication: wrong context, wrong key or tampered');
  }
}

function checkKey(key: MasterKey): void {
  if (key.type !== 'secret' || key.symmetricKeySize !== DATA_KEY_BYTES) {
    throw new TypeError(`a master key must be a ${DATA_KEY_BYTES}-byte secret key`);
  }
}

interface Parsed {
  keyId: Buffer;
  wrapNonce: Buffer;
  wrappedKey: Buffer;
  wrapTag: Buffer;
  nonce: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(sealed: string): Parsed {
  if (!sealed.startsWith(PREFIX)) throw new SecretBoxError('ERR_SECRET_BOX_FORMAT', 'not a sealed secret of a supported version');
  const body = sealed.slice(PREFIX.length);
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < HEADER_BYTES || bytes.toString('base64url') !== body) {
    throw new SecretBoxError('ERR_SECRET_BOX_FORMAT', 'sealed secret is malformed');
  }
  let at = 0;
  const take = (n: number) => bytes.subarray(at, (at += n));
  return {
    keyId: take(KEY_ID_BYTES),
    wrapNonce: take(NONCE_BYTES),
    wrappedKey: take(DATA_KEY_BYTES),
    wrapTag: take(TAG_BYTES),
    nonce: take(NONCE_BYTES),
    tag: take(TAG_BYTES),
    ciphertext: bytes.subarray(at),
  };
}

/**
 * A SecretBox sealing with `masterKey`, and opening what it or any of `retiredKeys` sealed.
 * Keys are only referenced by KeyObject; the box keeps no key bytes of its own.
 */
export function createSecretBox(masterKey: MasterKey, options: { retiredKeys?: readonly MasterKey[] } = {}): SecretBox {
  const keys = [masterKey, ...(options.retiredKeys ?? [])];
  keys.forEach(checkKey);
  const currentId = keyIdOf(masterKey);
  const byId = new Map(keys.map((key) => [keyIdOf(key).toString('hex'), key] as const).reverse());

  const unwrapDataKey = (parts: Parsed, context: string): Buffer => {
    const key = byId.get(parts.keyId.toString('hex'));
    if (!key) throw new SecretBoxError('ERR_SECRET_BOX_UNKNOWN_KEY', 'sealed secret was sealed with a master key this server does not have');
    return decrypt(key, parts.wrapNonce, parts.wrappedKey, parts.wrapTag, aad('data-key', context));
  };

  const openBytes = (sealed: string, context: string): Buffer => {
    const parts = parse(sealed);
    const dataKey = unwrapDataKey(parts, context);
    try {
      return decrypt(dataKey, parts.nonce, parts.ciphertext, parts.tag, aad('secret', context));
    } finally {
      dataKey.fill(0);
    }
  };

  return {
    seal(plaintext, context) {
      const dataKey = randomBytes(DATA_KEY_BYTES);
      try {
        const wrapped = encrypt(masterKey, dataKey, aad('data-key', context));
        const sealed = encrypt(dataKey, typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, aad('secret', context));
        const bytes = Buffer.concat([currentId, wrapped.nonce, wrapped.ciphertext, wrapped.tag, sealed.nonce, sealed.tag, sealed.ciphertext]);
        return PREFIX + bytes.toString('base64url');
      } finally {
        dataKey.fill(0);
      }
    },
    open(sealed, context) {
      const bytes = openBytes(sealed, context);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new SecretBoxError('ERR_SECRET_BOX_FORMAT', 'sealed secret is not UTF-8 text (use openBytes)');
      } finally {
        bytes.fill(0);
      }
    },
    openBytes,
    needsReseal(sealed) {
      return !parse(sealed).keyId.equals(currentId);
    },
    rewrap(sealed, context) {
      const parts = parse(sealed);
      const dataKey = unwrapDataKey(parts, context);
      try {
        // Authenticate the secret layer too: a damaged value must fail here, not be carried
        // over under the new key as if it were sound.
        decrypt(dataKey, parts.nonce, parts.ciphertext, parts.tag, aad('secret', context)).fill(0);
        const wrapped = encrypt(masterKey, dataKey, aad('data-key', context));
        const bytes = Buffer.concat([currentId, wrapped.nonce, wrapped.ciphertext, wrapped.tag, parts.nonce, parts.tag, parts.ciphertext]);
        return PREFIX + bytes.toString('base64url');
      } finally {
        dataKey.fill(0);
      }
    },
    currentKeyId: currentId.toString('hex'),
    keyIds: [...new Set(keys.map((key) => keyIdOf(key).toString('hex')))],
  };
}
