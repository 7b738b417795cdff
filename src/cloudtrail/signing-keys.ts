import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { SecretSealer } from '../kernel/operation.ts';
import type { Store } from '../store/types.ts';

/**
 * The RSA key pair that signs an account's digest files (SHA256withRSA, 2048 bits), one per
 * account, made when the account's first digest is signed. The private key is kept sealed in
 * the store under the master key; the public key is published by ListPublicKeys (DER,
 * PKCS#1 RSAPublicKey, as CloudTrail publishes it) and read by `tessera audit verify`. Its
 * fingerprint — the hex MD5 of that DER, CloudTrail's format — names it in every digest.
 */
export const SIGNING_KEY_KIND = 'cloudtrail-signing-key';

interface SigningKeyData {
  /** base64 of the DER public key (PKCS#1). */
  publicKey: string;
  /** The PKCS#8 PEM private key, sealed. */
  privateKey: string;
  validityStart: string;
}

export interface PublicSigningKey {
  fingerprint: string;
  der: Buffer;
  validityStart: string;
}

export interface DigestSigner {
  fingerprint: string;
  sign(data: string): string;
}

function sealContext(fingerprint: string): string {
  return `cloudtrail:digest-signing-key:${fingerprint}`;
}

export function fingerprintOf(der: Buffer): string {
  return createHash('md5').update(der).digest('hex');
}

export async function signerFor(store: Store, secrets: SecretSealer, accountId: string, now: Date): Promise<DigestSigner> {
  let record = (await store.list<SigningKeyData>(accountId, SIGNING_KEY_KIND, { limit: 1 }))[0];
  if (!record) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = pair.publicKey.export({ type: 'pkcs1', format: 'der' });
    const fingerprint = fingerprintOf(der);
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    record = await store.transaction(async (tx) => {
      // Another node may have made the account's key meanwhile: keep the first.
      const existing = (await tx.list<SigningKeyData>(accountId, SIGNING_KEY_KIND, { limit: 1 }))[0];
      if (existing) return existing;
      return tx.insert<SigningKeyData>({
        accountId, kind: SIGNING_KEY_KIND, id: fingerprint, name: fingerprint, parentId: '', path: '/', createdAt: now.toISOString(),
        data: { publicKey: der.toString('base64'), privateKey: secrets.seal(pem, sealContext(fingerprint)), validityStart: now.toISOString() },
      });
    });
  }
  const key = createPrivateKey(secrets.open(record.data.privateKey, sealContext(record.id)));
  return { fingerprint: record.id, sign: (data) => sign('sha256', Buffer.from(data, 'utf8'), key).toString('hex') };
}

export async function publicKeysOf(store: Store, accountId: string): Promise<PublicSigningKey[]> {
  const records = await store.list<SigningKeyData>(accountId, SIGNING_KEY_KIND, { limit: 100 });
  return records.map((r) => ({ fingerprint: r.id, der: Buffer.from(r.data.publicKey, 'base64'), validityStart: r.data.validityStart }));
}

/** Checks a hex SHA256withRSA signature with a DER (PKCS#1) public key. */
export function verifySignature(der: Buffer, data: string, signatureHex: string): boolean {
  if (!/^[0-9a-f]{2,2048}$/.test(signatureHex)) return false;
  try {
    return verify('sha256', Buffer.from(data, 'utf8'), createPublicKey({ key: der, format: 'der', type: 'pkcs1' }), Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
