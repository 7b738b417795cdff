import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryKeySource, fetchJsonOverHttps, KeyFetchError, type FetchJson } from './discovery-keys.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function fakeIssuer(): { fetchJson: FetchJson; fetched: string[]; kid: { value: string } } {
  const fetched: string[] = [];
  const kid = { value: 'k1' };
  const fetchJson: FetchJson = async (url) => {
    fetched.push(url);
    if (url === 'https://idp.example/tenant/.well-known/openid-configuration') return { issuer: 'https://idp.example/tenant', jwks_uri: 'https://keys.idp.example/jwks' };
    if (url === 'https://keys.idp.example/jwks') return { keys: [{ kty: 'RSA', kid: kid.value, n: 'AQAB', e: 'AQAB' }] };
    throw new KeyFetchError(`no such URL ${url}`);
  };
  return { fetchJson, fetched, kid };
}

test('discovery, then jwks_uri; cached for an hour, refetched when asked or stale', async () => {
  const issuer = fakeIssuer();
  const source = discoveryKeySource(issuer.fetchJson);
  assert.equal((await source.keysFor('https://idp.example/tenant', T0, false)).keys[0]!.kid, 'k1');
  assert.deepEqual(issuer.fetched, ['https://idp.example/tenant/.well-known/openid-configuration', 'https://keys.idp.example/jwks']);
  issuer.kid.value = 'k2';
  assert.equal((await source.keysFor('https://idp.example/tenant', later(59), false)).keys[0]!.kid, 'k1', 'from the cache');
  assert.equal(issuer.fetched.length, 2);
  assert.equal((await source.keysFor('https://idp.example/tenant', later(59), true)).keys[0]!.kid, 'k2', 'refresh asked');
  issuer.kid.value = 'k3';
  assert.equal((await source.keysFor('https://idp.example/tenant', later(59 + 61), false)).keys[0]!.kid, 'k3', 'stale after an hour');
});

test('a discovery document without jwks_uri, or a key set that is not one, fails', async () => {
  await assert.rejects(discoveryKeySource(async () => ({ issuer: 'x' })).keysFor('https://idp.example', T0, false), KeyFetchError);
  const notKeys: FetchJson = async (url) => (url.endsWith('openid-configuration') ? { jwks_uri: 'https://idp.example/jwks' } : { keys: [{ n: 'no kty' }] });
  await assert.rejects(discoveryKeySource(notKeys).keysFor('https://idp.example', T0, false), KeyFetchError);
});

test('the default fetch refuses anything but https', async () => {
  await assert.rejects(fetchJsonOverHttps('http://idp.example/.well-known/openid-configuration'), /not https/);
});
