import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuerBaseUrl, issuerUrl, normalizedPublicUrl } from './issuer-url.ts';
import { issuerIdOf } from './records.ts';

test('issuer base: the public URL wins over the request', () => {
  assert.equal(issuerBaseUrl({ secure: false, host: '127.0.0.1:4600', publicUrl: 'https://iam.example.com/' }), 'https://iam.example.com');
});

test('issuer base: otherwise the request scheme and Host', () => {
  assert.equal(issuerBaseUrl({ secure: false, host: '127.0.0.1:4600' }), 'http://127.0.0.1:4600');
  assert.equal(issuerBaseUrl({ secure: true, host: 'Tessera.Internal' }), 'https://tessera.internal');
  assert.equal(issuerBaseUrl({ secure: true, host: '[::1]:4600' }), 'https://[::1]:4600');
});

test('issuer base: a Host that is not host[:port] gives none', () => {
  for (const host of [undefined, '', 'a/b', 'evil.com/x?', 'user@host', 'host:port', 'a b', 'x'.repeat(300), '-bad.com']) {
    assert.equal(issuerBaseUrl({ secure: false, ...(host !== undefined ? { host } : {}) }), undefined, String(host));
  }
  assert.equal(issuerBaseUrl(undefined), undefined);
});

test('public URL: an http(s) origin only', () => {
  assert.equal(normalizedPublicUrl('https://a.example:8443'), 'https://a.example:8443');
  for (const bad of ['ftp://a', 'https://a/path', 'https://a/?q=1', 'https://u:p@a', 'not a url', 'https://a/#f']) {
    assert.equal(normalizedPublicUrl(bad), undefined, bad);
  }
});

test('issuer URL round-trips to its issuer ID; other URLs name none', () => {
  const id = '0123456789abcdef0123456789abcdef';
  assert.equal(issuerIdOf(issuerUrl('http://127.0.0.1:4600', id)), id);
  assert.equal(issuerIdOf('https://token.actions.githubusercontent.com'), undefined);
  assert.equal(issuerIdOf('http://127.0.0.1:4600/_tessera/outbound/../../x'), undefined);
  assert.equal(issuerIdOf('http://127.0.0.1:4600/_tessera/outbound/0123'), undefined);
  assert.equal(issuerIdOf('not a url'), undefined);
});
