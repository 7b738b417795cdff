import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { expiredCertificate, invalidChain, keyPairMismatch, malformedCertificate, malformedPrivateKey } from './messages.ts';

/**
 * Reading the PEM material uploaded as server and signing certificates, with node:crypto's
 * X509Certificate: the certificate itself, its chain (each certificate issued by the next),
 * and whether a private key belongs to it. Failures are AWS's MalformedCertificate and
 * KeyPairMismatch errors.
 */

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function pemBlocks(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

/** The one certificate a certificate body holds, or MalformedCertificate. */
export function parseCertificateBody(body: string): X509Certificate {
  const blocks = pemBlocks(body);
  if (blocks.length !== 1) throw malformedCertificate();
  try {
    return new X509Certificate(blocks[0]!);
  } catch {
    throw malformedCertificate();
  }
}

/** MalformedCertificate unless the certificate is still valid at `now`. */
export function assertNotExpired(certificate: X509Certificate, now: Date): void {
  if (new Date(certificate.validTo).getTime() <= now.getTime()) throw expiredCertificate();
}

/**
 * A chain must start with the certificate that issued `leaf`, then each next certificate must
 * have issued the previous one (AWS reports the index of the first that does not).
 */
export function assertChainIssues(leaf: X509Certificate, chain: string): void {
  const blocks = pemBlocks(chain);
  if (blocks.length === 0) throw invalidChain(-1);
  let child = leaf;
  blocks.forEach((block, index) => {
    let parent: X509Certificate;
    try {
      parent = new X509Certificate(block);
    } catch {
      throw invalidChain(index);
    }
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) throw invalidChain(index);
    child = parent;
  });
}

/** The private key (PEM, unencrypted), or MalformedCertificate. */
export function parsePrivateKey(pem: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
    if (key.type !== 'private') throw new Error('not a private key');
    return key;
  } catch {
    throw malformedPrivateKey();
  }
}

/** KeyPairMismatch unless `key` is the private half of the certificate's public key. */
export function assertKeyMatches(certificate: X509Certificate, key: KeyObject): void {
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) throw keyPairMismatch();
}

/** SHA-256 of the certificate's DER: the same certificate gives the same digest however it is wrapped. */
export function certificateDigest(certificate: X509Certificate): Buffer {
  return createHash('sha256').update(certificate.raw).digest();
}
