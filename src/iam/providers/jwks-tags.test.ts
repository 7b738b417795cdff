import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { jwksFromTags, jwksTagsFor, keysToUntag, parseJwks, tagsBeforeJwksReplacement } from './jwks-tags.ts';

function rsaJwks(count: number) {
  const keys = Array.from({ length: count }, (_, i) => ({
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
    kid: `key-${i}`,
    use: 'sig',
  }));
  return { keys } as { keys: Array<Record<string, unknown> & { kty: string }> };
}

test('a key set longer than one tag value round-trips through base64url parts of 256 characters', () => {
  const jwks = rsaJwks(2);
  const tags = jwksTagsFor(jwks);
  assert.ok(tags.length > 2, 'two RSA keys need several parts');
  assert.ok(tags.every((t) => t.Value.length <= 256 && /^[A-Za-z0-9_-]+$/.test(t.Value)));
  assert.equal(tags[0]!.Key, 'tessera:jwks');
  assert.equal(tags[1]!.Key, 'tessera:jwks:2');
  // Parts are found by number, whatever order and key case the tags come in.
  const shuffled = [...tags].reverse().map((t) => ({ Key: t.Key.toUpperCase(), Value: t.Value }));
  assert.deepEqual(jwksFromTags([{ Key: 'team', Value: 'x' }, ...shuffled]), jwks);
});

test('standard base64 and plain JSON are accepted too', () => {
  const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] };
  assert.deepEqual(jwksFromTags([{ Key: 'tessera:jwks', Value: Buffer.from(JSON.stringify(jwks)).toString('base64') }]), jwks);
  assert.deepEqual(parseJwks(JSON.stringify(jwks)), jwks);
  assert.equal(jwksFromTags([{ Key: 'team', Value: 'red' }]), undefined);
});

test('gaps, stray part names and non-key-sets are InvalidInput', () => {
  const good = jwksTagsFor(rsaJwks(1));
  const cases: Array<[string, Array<{ Key: string; Value: string }>, RegExp]> = [
    ['missing first part', good.slice(1), /tessera:jwks is missing/],
    ['gap', [good[0]!, { Key: 'tessera:jwks:3', Value: 'AAAA' }], /tessera:jwks:2 is missing/],
    ['bad part name', [{ Key: 'tessera:jwks:01', Value: 'e30' }], /not a part name/],
    ['not base64 of JSON', [{ Key: 'tessera:jwks', Value: 'bm90IGpzb24' }], /neither JSON nor/],
    ['no keys array', [{ Key: 'tessera:jwks', Value: Buffer.from('{"k":1}').toString('base64url') }], /"keys" array/],
    ['key without kty', [{ Key: 'tessera:jwks', Value: Buffer.from('{"keys":[{"n":"x"}]}').toString('base64url') }], /"kty"/],
  ];
  for (const [name, tags, message] of cases) {
    assert.throws(() => jwksFromTags(tags), (err: Error & { code?: string }) => err.code === 'InvalidInput' && message.test(err.message), name);
  }
});

test('setting tessera:jwks replaces every old part; untagging it removes them all', () => {
  const existing = [{ Key: 'team', Value: 'x' }, { Key: 'tessera:jwks', Value: 'a' }, { Key: 'tessera:jwks:2', Value: 'b' }, { Key: 'tessera:jwks:3', Value: 'c' }];
  assert.deepEqual(tagsBeforeJwksReplacement(existing, [{ Key: 'TESSERA:JWKS', Value: 'new' }]), [{ Key: 'team', Value: 'x' }]);
  assert.deepEqual(tagsBeforeJwksReplacement(existing, [{ Key: 'team', Value: 'y' }]), existing);
  assert.deepEqual(keysToUntag(existing, ['tessera:jwks']).sort(), ['tessera:jwks', 'tessera:jwks', 'tessera:jwks:2', 'tessera:jwks:3']);
  assert.deepEqual(keysToUntag(existing, ['team']), ['team']);
});

test('a symmetric key or any private key material is refused: only public keys verify', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey = pair.publicKey.export({ format: 'jwk' });
  const privateKey = pair.privateKey.export({ format: 'jwk' });
  const rsaPrivate = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const tagsOf = (keys: object[]) => jwksTagsFor({ keys } as { keys: Array<Record<string, unknown> & { kty: string }> });
  const cases: Array<[string, object[], RegExp]> = [
    ['oct', [publicKey, { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }], /key 2 is a symmetric key \(kty "oct"\)/],
    ['OCT without k', [{ kty: 'OCT' }], /key 1 is a symmetric key/],
    ['EC private key', [privateKey], /key 1 holds private key material \("d"\)/],
    ['RSA private key', [rsaPrivate], /key 1 holds private key material \("d"\)/],
    ['CRT part alone', [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', qi: 'AQAB' }], /\("qi"\)/],
  ];
  for (const [name, keys, message] of cases) {
    assert.throws(() => jwksFromTags(tagsOf(keys)), (err: Error & { code?: string }) =>
      err.code === 'InvalidInput' && err.message.startsWith('The tessera:jwks key set may hold only public keys: ') && message.test(err.message), name);
  }
  assert.deepEqual(jwksFromTags(tagsOf([publicKey])), { keys: [publicKey] });
});
