import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { issueCertificate, type IssuedCertificate } from '../../../test/support/certificates.ts';
import { assertChainIssues, assertKeyMatches, assertNotExpired, certificateDigest, parseCertificateBody, parsePrivateKey } from './x509.ts';

let root: IssuedCertificate;
let intermediate: IssuedCertificate;
let leaf: IssuedCertificate;
let other: IssuedCertificate;
before(() => {
  root = issueCertificate({ keyType: 'ec', ca: true, commonName: 'root' });
  intermediate = issueCertificate({ keyType: 'ec', ca: true, commonName: 'intermediate', issuer: root });
  leaf = issueCertificate({ keyType: 'ec', commonName: 'www.example.com', issuer: intermediate });
  other = issueCertificate({ keyType: 'ec', commonName: 'other' });
});

function failure(fn: () => void): { code?: string; message?: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err as { code?: string; message?: string };
  }
}

test('a PEM body holding one certificate is read; anything else is MalformedCertificate', () => {
  const cert = parseCertificateBody(`subject=CN=www\n${leaf.certificatePem}`);
  assert.match(cert.subject, /CN=www.example.com/);
  for (const body of ['not a certificate', leaf.certificatePem + intermediate.certificatePem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']) {
    const err = failure(() => parseCertificateBody(body));
    assert.equal(err?.code, 'MalformedCertificate');
    assert.equal(err?.message, 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
  }
});

test('the chain must run from the issuer upwards; AWS names the index of the first bad one', () => {
  const cert = parseCertificateBody(leaf.certificatePem);
  assertChainIssues(cert, intermediate.certificatePem + root.certificatePem);
  assertChainIssues(cert, intermediate.certificatePem);
  const reversed = failure(() => assertChainIssues(cert, root.certificatePem + intermediate.certificatePem));
  assert.equal(reversed?.code, 'MalformedCertificate');
  assert.match(reversed!.message!, /^Unable to validate certificate chain\. .* The index within the chain of the invalid certificate is: 0$/);
  assert.match(failure(() => assertChainIssues(cert, intermediate.certificatePem + other.certificatePem))!.message!, /is: 1$/);
  assert.match(failure(() => assertChainIssues(cert, 'junk'))!.message!, /is: -1$/);
});

test('the private key must be the certificate\'s: KeyPairMismatch otherwise', () => {
  const cert = parseCertificateBody(leaf.certificatePem);
  assertKeyMatches(cert, parsePrivateKey(leaf.privateKeyPem));
  assert.equal(failure(() => assertKeyMatches(cert, parsePrivateKey(other.privateKeyPem)))?.code, 'KeyPairMismatch');
  assert.equal(failure(() => parsePrivateKey('nope'))?.code, 'MalformedCertificate');
  assert.equal(failure(() => parsePrivateKey(leaf.certificatePem))?.code, 'MalformedCertificate');
});

test('expiry is judged at the given time; the digest ignores how the PEM is wrapped', () => {
  const cert = parseCertificateBody(leaf.certificatePem);
  assertNotExpired(cert, new Date());
  assert.equal(failure(() => assertNotExpired(cert, new Date(Date.now() + 400 * 86_400_000)))?.code, 'MalformedCertificate');
  const rewrapped = leaf.certificatePem.replace(/\n/g, '\r\n');
  assert.deepEqual(certificateDigest(parseCertificateBody(rewrapped)), certificateDigest(cert));
});
