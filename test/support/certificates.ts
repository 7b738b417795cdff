import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * X.509 certificates for tests, made by the `openssl` command (node:crypto cannot issue
 * certificates). Each call works in its own temporary directory, removed afterwards.
 */

export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateOptions {
  commonName?: string;
  /** 'rsa' (2048 bits, the default) or 'ec' (P-256, faster to make). */
  keyType?: 'rsa' | 'ec';
  /** Validity in days from now (default 365). */
  days?: number;
  /** Backdate the start by this many days (with `days`, makes an already expired certificate). */
  startDaysAgo?: number;
  /** Issue from this CA instead of self-signing. */
  issuer?: IssuedCertificate;
  /** Mark the certificate as a CA (for chains). */
  ca?: boolean;
}

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cert-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function keyArgs(keyType: 'rsa' | 'ec'): string[] {
  return keyType === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
}

/** openssl ca's date form, YYYYMMDDHHMMSSZ, `daysFromNow` days from now. */
function dateArg(daysFromNow: number): string {
  return new Date(Date.now() + daysFromNow * 86_400_000).toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

// `openssl ca` rather than `openssl x509 -req`: only it takes explicit start and end dates on
// OpenSSL 3.0 (needed for already expired certificates).
const CA_CONFIG = `[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_name
unique_subject = no
[any_name]
commonName = supplied
`;

export function issueCertificate(options: CertificateOptions = {}): IssuedCertificate {
  const { commonName = 'tessera.test', keyType = 'rsa', days = 365, startDaysAgo = 0, issuer, ca = false } = options;
  return inTempDir((dir) => {
    openssl(['genpkey', ...keyArgs(keyType), '-out', 'key.pem'], dir);
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
    writeFileSync(join(dir, 'ext.cnf'), ca ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n' : 'basicConstraints=CA:FALSE\n');
    openssl(['req', '-new', '-key', 'key.pem', '-subj', `/CN=${commonName}`, '-out', 'req.csr'], dir);
    const signer = issuer ? ['-cert', 'issuer.pem', '-keyfile', 'issuer.key'] : ['-selfsign', '-keyfile', 'key.pem'];
    if (issuer) {
      writeFileSync(join(dir, 'issuer.pem'), issuer.certificatePem);
      writeFileSync(join(dir, 'issuer.key'), issuer.privateKeyPem);
    }
    openssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', ...signer, '-in', 'req.csr', '-startdate', dateArg(-startDaysAgo), '-enddate', dateArg(days - startDaysAgo), '-extfile', 'ext.cnf', '-out', 'cert.pem'], dir);
    return { certificatePem: readFileSync(join(dir, 'cert.pem'), 'utf8'), privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
  });
}

/** The base64 DER of a PEM certificate, as SAML metadata carries it. */
export function certificateBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A SAML 2.0 IdP metadata document for `entityId` with the given signing certificates. */
export function samlMetadata(entityId: string, signingCertificates: string[], options: { validUntil?: string; extraKeyUse?: string } = {}): string {
  const keys = signingCertificates
    .map((pem) => `    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>${certificateBase64(pem)}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"${options.validUntil ? ` validUntil="${options.validUntil}"` : ''}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
${keys}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/saml"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/saml"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}
