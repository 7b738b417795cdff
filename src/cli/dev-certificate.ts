import { KeyObject, createPrivateKey, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 2.x needs a Reflect metadata polyfill loaded first (its README); only this
// command loads it, so the server's process never carries the global.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * A local development certificate authority and a server certificate it issues, for
 * `tessera serve --tls-cert/--tls-key` (see dev-cert-command.ts). ECDSA P-256 keys, SHA-256
 * signatures, and the extensions strict verifiers (OpenSSL 3 in X509_STRICT mode, as recent
 * Python — the aws CLI — uses; Node.js) ask for: the CA is a critical basicConstraints CA with
 * keyCertSign, the server certificate names every host in its subjectAltName (DNS names and IP
 * addresses; the common name is not looked at by clients), has serverAuth in its extended key
 * usage, and both carry key identifiers that chain them.
 */

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface IssuedPem {
  certificatePem: string;
  privateKeyPem: string;
}

export interface DevCertificates {
  ca: IssuedPem;
  server: IssuedPem;
}

export interface DevCertificateOptions {
  hosts: readonly string[];
  now: Date;
  /** Validity of the server certificate (the CA's is ten years). */
  days: number;
  /** Reuse this CA (so clients that already trust it keep working) instead of making one. */
  ca?: IssuedPem;
}

export async function makeDevCertificates(options: DevCertificateOptions): Promise<DevCertificates> {
  const crypto = webcrypto as unknown as webcrypto.Crypto;
  const notBefore = new Date(options.now.getTime() - 60_000); // a minute of clock skew
  let ca: IssuedPem;
  let caCert: x509.X509Certificate;
  let caKeys: webcrypto.CryptoKeyPair;
  if (options.ca) {
    ca = options.ca;
    caCert = new x509.X509Certificate(ca.certificatePem);
    const privateKey = await createPrivateKey(ca.privateKeyPem).toCryptoKey(ALGORITHM, false, ['sign']);
    caKeys = { privateKey, publicKey: await caCert.publicKey.export(ALGORITHM, ['verify'], crypto) } as webcrypto.CryptoKeyPair;
  } else {
    caKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=Tessera development CA ${options.now.toISOString().slice(0, 10)}, O=Tessera`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 3650 * DAY_MS),
      keys: caKeys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    }, crypto);
    ca = { certificatePem: caCert.toString('pem') + '\n', privateKeyPem: await pkcs8Pem(caKeys.privateKey) };
  }

  const serverKeys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.hosts[0]}, O=Tessera development`,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + options.days * DAY_MS),
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(options.hosts.map((host) => (isIP(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host })), false),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, crypto),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
    ],
  }, crypto);
  return { ca, server: { certificatePem: serverCert.toString('pem') + '\n', privateKeyPem: await pkcs8Pem(serverKeys.privateKey) } };
}

/** 16 random bytes, the top bit clear (a positive serial number). */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Host names (letters, digits, hyphens; a leading `*.` allowed) and IP addresses; anything else is refused. */
export const MAX_HOSTS = 100;
const DNS_NAME = /^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The hosts of `--hosts a,b,c`: trimmed, deduplicated; the reason when one cannot be in a certificate. */
export function parseHosts(list: string): string[] | { error: string } {
  if (list.length > 10_000) return { error: `--hosts is ${list.length} characters long; at most 10000` };
  const hosts = [...new Set(list.split(',').map((h) => h.trim()).filter((h) => h !== ''))];
  if (hosts.length === 0) return { error: '--hosts needs at least one host name or IP address' };
  if (hosts.length > MAX_HOSTS) return { error: `--hosts names ${hosts.length} hosts; at most ${MAX_HOSTS}` };
  for (const host of hosts) {
    if (isIP(host) !== 0) continue;
    if (host.length > 253 || !DNS_NAME.test(host)) return { error: `--hosts: '${host.slice(0, 80)}' is neither a DNS name nor an IP address` };
  }
  return hosts;
}
