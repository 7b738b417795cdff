import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { verifySignature } from './verify-signature.ts';

const claims = { iss: 'https://idp.example', sub: 'alice' };

test('ES256 and PS256 tokens verify against their public keys', async () => {
  for (const alg of ['ES256', 'PS256']) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey);
    const check = await verifySignature(token, { keys: [jwk as never] });
    assert.deepEqual(check, { ok: true, payload: claims }, alg);
  }
});

test('HMAC is refused even when the key set holds the shared secret', async () => {
  const secret = new TextEncoder().encode('a-shared-secret-that-anyone-with-the-key-set-knows');
  const jwk = { kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'shared' };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'shared' }).sign(secret);
  assert.equal((await verifySignature(token, { keys: [jwk] })).ok, false);
});

test('RS512 verifies; a token whose kid the set lacks is told apart from a bad signature', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS512', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const signed = (kid: string) => new SignJWT(claims).setProtectedHeader({ alg: 'RS512', kid }).sign(privateKey);
  assert.equal((await verifySignature(await signed('k1'), { keys: [jwk as never] })).ok, true);
  assert.deepEqual(await verifySignature(await signed('k2'), { keys: [jwk as never] }), { ok: false, reason: 'no-matching-key' });
  const [h, p, s] = (await signed('k1')).split('.');
  const flipped = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
  assert.deepEqual(await verifySignature(flipped, { keys: [jwk as never] }), { ok: false, reason: 'invalid' });
});

test('an asymmetric algorithm outside the accepted list is refused even with the right key', async () => {
  for (const alg of ['PS512', 'EdDSA']) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey);
    assert.equal((await verifySignature(token, { keys: [jwk as never] })).ok, false, alg);
  }
});
