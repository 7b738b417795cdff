import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { UsageError, flagHelpLines, parseFlags } from './flags.ts';
import type { CliIo } from './io.ts';
import { makeDevCertificates, parseHosts, type IssuedPem } from './dev-certificate.ts';

/**
 * `tessera dev-cert [--out DIR] [--hosts h1,h2,…] [--days N]`: a local development CA and a
 * server certificate it issues, for `tessera serve --tls-cert DIR/cert.pem --tls-key
 * DIR/key.pem`. Clients trust DIR/ca.pem (aws --ca-bundle, AWS_CA_BUNDLE,
 * NODE_EXTRA_CA_CERTS). An existing CA in DIR is reused, so running it again for other hosts
 * keeps clients that trust it working.
 */
const FLAGS = {
  out: { type: 'string', value: 'DIR', help: 'where to write ca.pem, ca-key.pem, cert.pem, key.pem (default ./.tessera/tls)' },
  hosts: { type: 'string', value: 'LIST', help: 'comma-separated DNS names and IP addresses (default localhost,127.0.0.1,::1)' },
  days: { type: 'string', value: 'N', help: 'validity of the server certificate in days (default 365, at most 825)' },
} as const;

const DEFAULT_HOSTS = 'localhost,127.0.0.1,::1';

export function devCertHelp(): string {
  return (
    `Usage: tessera dev-cert [--out DIR] [--hosts LIST] [--days N]\n\n` +
    `Makes a development certificate authority (ca.pem, ca-key.pem; reused if DIR has one) and a\n` +
    `server certificate and key it signs for the hosts (cert.pem, key.pem). Then:\n` +
    `  tessera serve --tls-cert DIR/cert.pem --tls-key DIR/key.pem\n` +
    `  aws --endpoint-url https://127.0.0.1:4600 --ca-bundle DIR/ca.pem sts get-caller-identity\n` +
    `  NODE_EXTRA_CA_CERTS=DIR/ca.pem node app.js     (AWS SDK for JavaScript v3)\n` +
    `For development only: whoever holds ca-key.pem can make certificates your clients trust.\n\n` +
    `${flagHelpLines(FLAGS)}\n  --help                         this help\n`
  );
}

export async function runDevCertCommand(argv: string[], io: CliIo, now: Date = new Date()): Promise<number> {
  const { values, help } = parseFlags(argv, FLAGS, 'dev-cert', { maxPositionals: 0 });
  if (help) {
    io.stdout(devCertHelp());
    return 0;
  }
  const out = typeof values['out'] === 'string' ? values['out'] : join('.tessera', 'tls');
  const hosts = parseHosts(typeof values['hosts'] === 'string' ? values['hosts'] : DEFAULT_HOSTS);
  if (!Array.isArray(hosts)) throw new UsageError(hosts.error);
  const daysText = typeof values['days'] === 'string' ? values['days'] : '365';
  const days = /^\d{1,4}$/.test(daysText) ? Number(daysText) : NaN;
  // 825 days: the longest validity Apple's and browsers' TLS clients still accept.
  if (!(days >= 1 && days <= 825)) throw new UsageError(`--days must be a whole number from 1 to 825, got '${daysText}'`);

  await mkdir(out, { recursive: true, mode: 0o700 });
  const existing = await readExistingCa(out, now);
  const made = await makeDevCertificates({ hosts, now, days, ...(existing ? { ca: existing } : {}) });
  if (!existing) {
    await writeSecret(join(out, 'ca-key.pem'), made.ca.privateKeyPem);
    await writeFile(join(out, 'ca.pem'), made.ca.certificatePem);
  }
  await writeSecret(join(out, 'key.pem'), made.server.privateKeyPem);
  await writeFile(join(out, 'cert.pem'), made.server.certificatePem);
  io.stdout(
    `${existing ? 'Reused the CA' : 'Made a development CA'} in ${join(out, 'ca.pem')} (its key: ${join(out, 'ca-key.pem')}, keep it private)\n` +
    `Server certificate for ${hosts.join(', ')}, valid ${days} days: ${join(out, 'cert.pem')} (key: ${join(out, 'key.pem')})\n\n` +
    `  tessera serve --tls-cert ${join(out, 'cert.pem')} --tls-key ${join(out, 'key.pem')}\n` +
    `  aws --endpoint-url https://${hostForUrl(hosts[0]!)}:4600 --ca-bundle ${join(out, 'ca.pem')} sts get-caller-identity\n` +
    `  NODE_EXTRA_CA_CERTS=${join(out, 'ca.pem')} node your-app.js\n`,
  );
  return 0;
}

/** The CA already in `dir`, if both its files are there and it is still valid; else undefined (a new one is made). */
async function readExistingCa(dir: string, now: Date): Promise<IssuedPem | undefined> {
  let certificatePem: string;
  let privateKeyPem: string;
  try {
    certificatePem = await readFile(join(dir, 'ca.pem'), 'utf8');
    privateKeyPem = await readFile(join(dir, 'ca-key.pem'), 'utf8');
  } catch {
    return undefined;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (err) {
    throw new Error(`${join(dir, 'ca.pem')} is not a PEM certificate (${err instanceof Error ? err.message : String(err)}); remove ca.pem and ca-key.pem to make a new CA`);
  }
  if (!cert.ca || new Date(cert.validTo).getTime() < now.getTime()) {
    throw new Error(`${join(dir, 'ca.pem')} is not a CA certificate or has expired; remove ca.pem and ca-key.pem to make a new CA`);
  }
  return { certificatePem, privateKeyPem };
}

async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host.startsWith('*.') ? `x${host.slice(1)}` : host;
}
