import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestIdp } from './oidc-idp.ts';

test('publishes its keys, mints verifiable tokens with the claims asked for, keeps old keys after a rotation', async () => {
  const idp = await startTestIdp({ nowSeconds: () => 1_800_000_000 });
  try {
    assert.match(idp.issuer, /^https:\/\/127\.0\.0\.1:\d+$/);
    const configuration = await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
    assert.deepEqual([configuration.issuer, configuration.jwks_uri], [idp.issuer, `${idp.issuer}/jwks`]);

    const before = await (await fetch(`${idp.url}/token`, { method: 'POST', body: JSON.stringify({ sub: 'alice', aud: 'app', custom: [1, 2] }) })).json() as { id_token: string };
    await idp.rotateKey();
    const keys = await (await fetch(`${idp.url}/jwks`)).json() as { keys: Array<{ kid: string; d?: string }> };
    assert.deepEqual(keys.keys.map((k) => k.kid), ['test-idp-1', 'test-idp-2']);
    assert.ok(keys.keys.every((k) => k.d === undefined), 'no private parts published');

    const set = createLocalJWKSet(keys as never);
    const verified = await jwtVerify(before.id_token, set, { currentDate: new Date(1_800_000_100_000) });
    assert.deepEqual(verified.payload, { iss: idp.issuer, iat: 1_800_000_000, exp: 1_800_003_600, sub: 'alice', aud: 'app', custom: [1, 2] });
    const after = await jwtVerify(await idp.mint({ sub: 'bob', exp: 1_800_000_060 }), set, { currentDate: new Date(1_800_000_010_000) });
    assert.equal(after.protectedHeader.kid, 'test-idp-2');
    assert.equal(after.payload.exp, 1_800_000_060, 'a given claim wins over the default');

    const bad = await fetch(`${idp.url}/token`, { method: 'POST', body: '[1]' });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${idp.url}/nothing-here`)).status, 404);
  } finally {
    await idp.close();
  }
});

test('listens on loopback only', async () => {
  await assert.rejects(startTestIdp({ host: '0.0.0.0' }), /loopback only/);
});
