import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The test IdP's signing key and its self-signed certificate (PEM). */
export interface SamlSigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * A fresh RSA key and a self-signed certificate, made by the `openssl` command (node:crypto
 * cannot issue certificates). Only the test identity provider uses this: a real IdP brings its
 * own key, and Tessera only ever reads certificates from provider metadata.
 */
export function generateSamlSigningKey(commonName = 'Tessera test IdP'): SamlSigningKey {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-saml-idp-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650',
      '-subj', `/CN=${commonName}`, '-keyout', 'key.pem', '-out', 'cert.pem',
    ], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    return { privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8'), certificatePem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The base64 DER of a PEM certificate, as SAML metadata and KeyInfo carry it. */
export function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
