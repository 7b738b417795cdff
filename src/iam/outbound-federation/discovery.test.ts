import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jwks, openIdConfiguration } from './discovery.ts';
import { generateSigningKey, type OutboundFederationData } from './records.ts';

async function data(): Promise<OutboundFederationData> {
  const seal = (pem: string) => `sealed(${pem.length})`;
  return {
    enabled: true,
    issuer: 'http://127.0.0.1:4600/_tessera/outbound/0123456789abcdef0123456789abcdef',
    keys: { RS256: await generateSigningKey('RS256', seal), ES384: await generateSigningKey('ES384', seal) },
  };
}

test('openid-configuration names the issuer, its key set and both algorithms', async () => {
  const doc = openIdConfiguration(await data());
  assert.equal(doc['issuer'], 'http://127.0.0.1:4600/_tessera/outbound/0123456789abcdef0123456789abcdef');
  assert.equal(doc['jwks_uri'], 'http://127.0.0.1:4600/_tessera/outbound/0123456789abcdef0123456789abcdef/.well-known/jwks.json');
  assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['RS256', 'ES384']);
});

test('the key set holds the RSA and the P-384 public key, each with its thumbprint kid, and nothing private', async () => {
  const d = await data();
  const set = jwks(d);
  assert.deepEqual(set.keys.map((k) => [k['kty'], k['alg'], k['kid']]), [['RSA', 'RS256', d.keys.RS256.kid], ['EC', 'ES384', d.keys.ES384.kid]]);
  assert.equal(set.keys[1]!['crv'], 'P-384');
  assert.notEqual(d.keys.RS256.kid, d.keys.ES384.kid);
  for (const key of set.keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[member], undefined);
  // A stray member put in the stored public key does not pass through.
  d.keys.RS256.publicJwk['d'] = 'secret';
  assert.equal(jwks(d).keys[0]!['d'], undefined);
});
