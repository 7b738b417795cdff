import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issuerKey, registeredOidcUrl } from './oidc-url.ts';
import { parseProviderArn, providerArn } from './provider-arns.ts';

test('an https URL is registered without its scheme, path and case kept', () => {
  assert.equal(registeredOidcUrl('https://token.actions.githubusercontent.com'), 'token.actions.githubusercontent.com');
  assert.equal(registeredOidcUrl('HTTPS://oidc.eks.us-east-1.amazonaws.com/id/ABC123'), 'oidc.eks.us-east-1.amazonaws.com/id/ABC123');
  assert.equal(registeredOidcUrl('https://example.com/'), 'example.com/');
  assert.equal(registeredOidcUrl('https://localhost:8443/realms/dev'), 'localhost:8443/realms/dev');
});

test('anything but a plain https URL is refused with InvalidInput', () => {
  for (const url of ['http://example.com', 'example.com', 'https://', 'https://example.com?x=1', 'https://example.com#frag', 'https://user:pw@example.com', 'https:///path', 'https://exa mple.com']) {
    assert.throws(() => registeredOidcUrl(url), (err: Error & { code?: string }) => err.code === 'InvalidInput', url);
  }
});

test('a token issuer finds its provider with or without the scheme', () => {
  assert.equal(issuerKey('https://accounts.example.com/tenant'), 'accounts.example.com/tenant');
  assert.equal(issuerKey('accounts.google.com'), 'accounts.google.com');
});

test('provider ARNs are built and read back, OIDC names keeping their slashes', () => {
  const oidc = providerArn('123456789012', 'oidc-provider', 'oidc.example.com/id/X');
  assert.equal(oidc, 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/X');
  assert.deepEqual(parseProviderArn(oidc, 'oidc-provider'), { accountId: '123456789012', name: 'oidc.example.com/id/X' });
  assert.equal(parseProviderArn(oidc, 'saml-provider'), undefined);
  assert.equal(parseProviderArn('arn:aws:iam::123456789012:saml-provider/', 'saml-provider'), undefined);
  assert.equal(parseProviderArn('arn:aws:iam::12345:saml-provider/x', 'saml-provider'), undefined);
  assert.deepEqual(parseProviderArn('arn:aws:iam::123456789012:saml-provider/Okta', 'saml-provider'), { accountId: '123456789012', name: 'Okta' });
});
