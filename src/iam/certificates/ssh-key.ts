import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { invalidPublicKey, unrecognizedPublicKeyEncoding } from './messages.ts';

/**
 * SSH public keys as IAM takes them: OpenSSH one-line form (`ssh-rsa AAAA… comment`,
 * `ssh-ed25519 AAAA…`) or PEM (`-----BEGIN PUBLIC KEY-----`, or PKCS#1 `RSA PUBLIC KEY`).
 * Whatever the form, IAM can return the key in both (GetSSHPublicKey's Encoding), and shows
 * its fingerprint as the MD5 of the SSH wire form, colon-separated.
 */

export interface SshPublicKey {
  /** `ssh-rsa <base64>` / `ssh-ed25519 <base64>`, no comment. */
  ssh: string;
  /** SubjectPublicKeyInfo PEM. */
  pem: string;
  /** SSH wire form (RFC 4253 §6.6), what the fingerprint is computed over. */
  wire: Buffer;
  fingerprint: string;
}

/** AWS accepts RSA keys of at least 2048 bits. */
const MIN_RSA_BITS = 2048;

export function parseSshPublicKey(body: string): SshPublicKey {
  const text = body.trim();
  if (/^-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) return fromKeyObject(pemKey(text));
  const match = /^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s.exec(text);
  if (!match) {
    if (/^ssh-rsa|^ssh-ed25519/.test(text)) throw invalidPublicKey('the key data is not base64.');
    throw unrecognizedPublicKeyEncoding();
  }
  return fromKeyObject(wireKey(match[1]!, Buffer.from(match[2]!, 'base64')));
}

function pemKey(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw invalidPublicKey('the PEM block does not hold a public key.');
  }
}

/** Reads RFC 4253 length-prefixed fields. */
function readFields(wire: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < wire.length) {
    if (offset + 4 > wire.length) throw invalidPublicKey('the key data is truncated.');
    const length = wire.readUInt32BE(offset);
    offset += 4;
    if (offset + length > wire.length) throw invalidPublicKey('the key data is truncated.');
    fields.push(wire.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

function wireKey(type: string, wire: Buffer): KeyObject {
  const fields = readFields(wire);
  if (fields[0]?.toString('latin1') !== type) throw invalidPublicKey(`the key data is not a ${type} key.`);
  try {
    if (type === 'ssh-rsa' && fields.length === 3) {
      // mpint e, mpint n: big-endian, with a leading zero byte when the top bit is set.
      return createPublicKey({ key: { kty: 'RSA', e: unsigned(fields[1]!).toString('base64url'), n: unsigned(fields[2]!).toString('base64url') }, format: 'jwk' });
    }
    if (type === 'ssh-ed25519' && fields.length === 2 && fields[1]!.length === 32) {
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: fields[1]!.toString('base64url') }, format: 'jwk' });
    }
  } catch {
    throw invalidPublicKey(`the key data is not a valid ${type} key.`);
  }
  throw invalidPublicKey(`the key data is not a valid ${type} key.`);
}

function unsigned(mpint: Buffer): Buffer {
  let start = 0;
  while (start < mpint.length - 1 && mpint[start] === 0) start++;
  return mpint.subarray(start);
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function mpint(unsignedBytes: Buffer): Buffer {
  const trimmed = unsigned(unsignedBytes);
  return sshString(trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function fromKeyObject(key: KeyObject): SshPublicKey {
  let type: string;
  let wire: Buffer;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw invalidPublicKey(`RSA keys must have at least ${MIN_RSA_BITS} bits; this one has ${bits}.`);
    const jwk = key.export({ format: 'jwk' });
    type = 'ssh-rsa';
    wire = Buffer.concat([sshString(type), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
  } else if (key.asymmetricKeyType === 'ed25519') {
    type = 'ssh-ed25519';
    wire = Buffer.concat([sshString(type), sshString(Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url'))]);
  } else {
    throw unrecognizedPublicKeyEncoding();
  }
  const digest = createHash('md5').update(wire).digest('hex');
  return {
    ssh: `${type} ${wire.toString('base64')}`,
    pem: key.export({ type: 'spki', format: 'pem' }).toString(),
    wire,
    fingerprint: digest.match(/../g)!.join(':'),
  };
}
