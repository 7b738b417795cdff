import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UnusablePathError, describeFsError } from '../store/usable-paths.ts';

/**
 * The certificate chain and private key `--tls-cert` / `--tls-key` name, read and checked at
 * start: each file readable and in PEM form, the certificate not expired, and the key the one
 * the certificate is for. A failure names the file and the reason (UnusablePathError), so
 * `tessera serve` stops at once instead of failing every TLS handshake later.
 */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/** PEM files larger than this are not certificates and keys (a chain of ten is ~20 KB). */
const MAX_PEM_BYTES = 1024 * 1024;

export async function readTlsCredentials(certFile: string, keyFile: string, now: Date): Promise<TlsCredentials> {
  const cert = await readPem(certFile, '--tls-cert');
  const key = await readPem(keyFile, '--tls-key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (err) {
    throw new UnusablePathError(`--tls-cert ${certFile}: not a PEM certificate (${describe(err)})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new UnusablePathError(`--tls-key ${keyFile}: not a PEM private key, or one protected by a passphrase (${describe(err)})`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new UnusablePathError(`--tls-key ${keyFile} is not the private key of the certificate in --tls-cert ${certFile}`);
  }
  if (new Date(leaf.validTo).getTime() < now.getTime()) {
    throw new UnusablePathError(`--tls-cert ${certFile}: the certificate expired on ${new Date(leaf.validTo).toISOString()}`);
  }
  return { cert, key };
}

async function readPem(file: string, flag: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new UnusablePathError(`${flag} ${file}: cannot read it: ${describeFsError(err)}`);
  }
  if (data.length > MAX_PEM_BYTES) throw new UnusablePathError(`${flag} ${file}: ${data.length} bytes is too large for a PEM file (at most ${MAX_PEM_BYTES})`);
  const text = data.toString('utf8');
  if (!text.includes('-----BEGIN ')) throw new UnusablePathError(`${flag} ${file}: not in PEM form (no -----BEGIN line)`);
  return text;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
