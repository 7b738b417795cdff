import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { issueCertificate, samlMetadata, type IssuedCertificate } from '../../../test/support/certificates.ts';
import { parseSamlMetadata } from './saml-metadata.ts';

let first: IssuedCertificate;
let second: IssuedCertificate;
before(() => {
  first = issueCertificate({ keyType: 'ec', commonName: 'idp-1' });
  second = issueCertificate({ keyType: 'ec', commonName: 'idp-2' });
});

function refused(document: string): boolean {
  try {
    parseSamlMetadata(document);
    return false;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return e.code === 'InvalidInput' && e.message === 'Could not parse metadata';
  }
}

test('the entityID, every signing certificate (as PEM) and validUntil are read', () => {
  const parsed = parseSamlMetadata(samlMetadata('https://idp.example.com/saml', [first.certificatePem, second.certificatePem], { validUntil: '2031-01-02T03:04:05Z' }));
  assert.equal(parsed.entityId, 'https://idp.example.com/saml');
  assert.equal(parsed.signingCertificates.length, 2);
  assert.equal(new X509Certificate(parsed.signingCertificates[0]!).fingerprint256, new X509Certificate(first.certificatePem).fingerprint256);
  assert.match(parsed.signingCertificates[1]!, /^-----BEGIN CERTIFICATE-----\n/);
  assert.equal(parsed.validUntil?.toISOString(), '2031-01-02T03:04:05.000Z');
  assert.equal(parseSamlMetadata(samlMetadata('urn:idp', [first.certificatePem])).validUntil, undefined);
});

test('a KeyDescriptor without use counts as signing; an encryption-only one does not', () => {
  const base = samlMetadata('urn:idp', [first.certificatePem]);
  assert.equal(parseSamlMetadata(base.replace(' use="signing"', '')).signingCertificates.length, 1);
  assert.ok(refused(base.replace('use="signing"', 'use="encryption"')));
});

test('documents that are not SAML 2.0 IdP metadata are refused with AWS\'s InvalidInput', () => {
  const good = samlMetadata('urn:idp', [first.certificatePem]);
  assert.ok(!refused(good));
  assert.ok(refused('not xml at all'), 'not XML');
  assert.ok(refused(good.replace('</md:EntityDescriptor>', '')), 'unterminated');
  assert.ok(refused(`<a>${'x'.repeat(1000)}</a>`), 'another root element');
  assert.ok(refused(good.replaceAll('urn:oasis:names:tc:SAML:2.0:metadata', 'urn:other')), 'wrong namespace');
  assert.ok(refused(good.replace(' entityID="urn:idp"', '')), 'no entityID');
  assert.ok(refused(good.replaceAll('IDPSSODescriptor', 'SPSSODescriptor')), 'a service provider, not an IdP');
  assert.ok(refused(good.replace('urn:oasis:names:tc:SAML:2.0:protocol', 'urn:oasis:names:tc:SAML:1.1:protocol')), 'not SAML 2.0');
  assert.ok(refused(samlMetadata('urn:idp', [])), 'no signing certificate');
  assert.ok(refused(good.replace(/<ds:X509Certificate>[^<]+/, '<ds:X509Certificate>bm90IGEgY2VydA==')), 'not a certificate');
  assert.ok(refused(samlMetadata('urn:idp', [first.certificatePem], { validUntil: 'someday' })), 'bad validUntil');
});
