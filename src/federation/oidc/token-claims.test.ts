import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../protocol/errors.ts';
import { checkClaims, CLOCK_TOLERANCE_SECONDS } from './token-claims.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const base = { sub: 'alice', aud: 'app', exp: NOW_S + 300 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return `${err.code}: ${err.message}`;
  }
  return 'accepted';
};

test('aud as a string or a list; azp stands in for aud and is reported as the audience', () => {
  assert.equal(checkClaims(base, ['app'], NOW).audience, 'app');
  assert.equal(checkClaims({ ...base, aud: ['other', 'app'] }, ['app'], NOW).audience, 'app');
  const google = checkClaims({ ...base, aud: 'backend', azp: 'app' }, ['app'], NOW);
  assert.deepEqual([google.audience, google.authorizedParty, google.audiences], ['app', 'app', ['backend']]);
  assert.equal(codeOf(() => checkClaims({ ...base, aud: 'other', azp: 'also-other' }, ['app'], NOW)), 'InvalidIdentityToken: Incorrect token audience');
});

test('not-before honours the tolerance, and no further; expiry gets none', () => {
  assert.equal(codeOf(() => checkClaims({ ...base, exp: NOW_S + 1 }, ['app'], NOW)), 'accepted');
  for (const exp of [NOW_S, NOW_S - 1, NOW_S - CLOCK_TOLERANCE_SECONDS + 1]) {
    assert.equal(codeOf(() => checkClaims({ ...base, exp }, ['app'], NOW)), `ExpiredTokenException: Token expired: current date/time ${NOW_S} must be before the expiration date/time ${exp}`);
  }
  assert.equal(codeOf(() => checkClaims({ ...base, nbf: NOW_S + CLOCK_TOLERANCE_SECONDS }, ['app'], NOW)), 'accepted');
  assert.match(codeOf(() => checkClaims({ ...base, nbf: NOW_S + CLOCK_TOLERANCE_SECONDS + 1 }, ['app'], NOW)), /^InvalidIdentityToken: /);
  assert.match(codeOf(() => checkClaims({ ...base, exp: undefined }, ['app'], NOW)), /^InvalidIdentityToken: .*exp/);
  assert.match(codeOf(() => checkClaims({ ...base, exp: '9999999999' }, ['app'], NOW)), /^InvalidIdentityToken: .*exp/);
});

test('sub is required; amr is passed along as a list', () => {
  assert.match(codeOf(() => checkClaims({ ...base, sub: '' }, ['app'], NOW)), /^InvalidIdentityToken: .*sub/);
  assert.deepEqual(checkClaims({ ...base, amr: 'authenticated' }, ['app'], NOW).authenticationMethods, ['authenticated']);
});
