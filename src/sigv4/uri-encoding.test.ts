import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalizeQueryComponent, percentDecode, percentDecodeToBytes, uriEncode, uriEncodeBytes } from './uri-encoding.ts';

test('unreserved characters are kept, everything else is %XX of its UTF-8 bytes', () => {
  const unreserved = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  assert.equal(uriEncode(unreserved), unreserved);
  assert.equal(uriEncode('a b+c*d/e'), 'a%20b%2Bc%2Ad%2Fe');
  assert.equal(uriEncode('ሴ'), '%E1%88%B4');
  assert.equal(uriEncode("!'()"), '%21%27%28%29');
  assert.equal(uriEncode('%20'), '%2520', "'%' is itself escaped: paths are encoded twice");
});

test('a slash is kept only when asked (path segments)', () => {
  assert.equal(uriEncode('/a b/c', true), '/a%20b/c');
  assert.equal(uriEncodeBytes(Uint8Array.of(0x2f, 0x00, 0xff), true), '/%00%FF');
  assert.equal(uriEncodeBytes(Uint8Array.of(0x2f), false), '%2F');
});

test('percent-decoding is lenient: stray % stay literal, + stays +', () => {
  assert.deepEqual([...percentDecodeToBytes('%e1%88%B4')], [0xe1, 0x88, 0xb4]);
  assert.equal(percentDecode('a%2Fb%zz%'), 'a/b%zz%');
  assert.equal(percentDecode('a+b'), 'a+b');
  assert.equal(percentDecode('%4'), '%4');
  assert.equal(percentDecode('x%41%42y'), 'xABy');
});

test('canonical query components are decoded then re-encoded', () => {
  assert.equal(canonicalizeQueryComponent('%7e'), '~');
  assert.equal(canonicalizeQueryComponent('%2f'), '%2F');
  assert.equal(canonicalizeQueryComponent('a b'), 'a%20b');
  assert.equal(canonicalizeQueryComponent('%zz'), '%25zz');
  // Bytes that are not UTF-8 survive unchanged instead of becoming U+FFFD.
  assert.equal(canonicalizeQueryComponent('%FF%FE'), '%FF%FE');
});
