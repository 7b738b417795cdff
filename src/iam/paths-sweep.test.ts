import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../protocol/errors.ts';
import { assertPathPrefix, type PathPrefixShape } from './paths.ts';

const MESSAGE = 'The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.';

function refusal(prefix: string, shape: PathPrefixShape): [string, string] | undefined {
  try {
    assertPathPrefix(prefix, shape);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return [err.code, err.message];
  }
}

test('entity prefixes follow pathPrefixType: / then characters from ! to DEL, no trailing / needed', () => {
  for (const ok of ['/', '/a', '/a/', '/a//', '/~!', '/\u007f']) assert.equal(refusal(ok, 'entity'), undefined, JSON.stringify(ok));
  for (const bad of ['', 'a', 'a/', ' /', '/a b/', '/a\n', '/\u0080', '/é/']) assert.deepEqual(refusal(bad, 'entity'), ['ValidationError', MESSAGE], JSON.stringify(bad));
  assert.equal(refusal(undefined as unknown as string, 'entity'), undefined, 'an absent prefix is no prefix');
});

test('policy prefixes follow policyPathType: a whole policy path, trailing / included, no empty segment', () => {
  for (const ok of ['/', '/a/', '/a/b/', '/a.b,c+d@e=f_g-h/']) assert.equal(refusal(ok, 'policy'), undefined, JSON.stringify(ok));
  for (const bad of ['', '/a', 'a/', '//', '/a//', '/a*/', '/a b/', '/~/']) assert.deepEqual(refusal(bad, 'policy'), ['ValidationError', MESSAGE], JSON.stringify(bad));
});

test('ListEntitiesForPolicy prefixes follow pathType: / alone, or / printable ASCII /', () => {
  for (const ok of ['/', '/a/', '/a//', '///', '/~!/']) assert.equal(refusal(ok, 'holder'), undefined, JSON.stringify(ok));
  for (const bad of ['', '/a', 'a/', '/a b/', '/\u007f/', '/a\n/']) assert.deepEqual(refusal(bad, 'holder'), ['ValidationError', MESSAGE], JSON.stringify(bad));
});
