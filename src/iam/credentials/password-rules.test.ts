import { test } from 'node:test';
import assert from 'node:assert/strict';
import { characterTypes, passwordRuleViolation } from './password-rules.ts';
import type { PasswordPolicyData } from './records.ts';

const strict: PasswordPolicyData = {
  minimumPasswordLength: 10, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true,
  requireLowercaseCharacters: true, allowUsersToChangePassword: false,
};

test("character types follow AWS's definitions (its symbol list only)", () => {
  assert.deepEqual(characterTypes('Aa1!'), { uppercase: true, lowercase: true, number: true, symbol: true });
  for (const symbol of "!@#$%^&*()_+-=[]{}|'") assert.equal(characterTypes(symbol).symbol, true, symbol);
  for (const other of ['~', '`', '"', ',', '.', '/', '<', '>', '?', ':', ';', '\\', ' ', 'é', 'Ä']) {
    assert.deepEqual(characterTypes(other), { uppercase: false, lowercase: false, number: false, symbol: false }, other);
  }
});

test("without a policy: AWS's default (8 characters, three of four types)", () => {
  assert.equal(passwordRuleViolation('Ab1!xyz', undefined), 'Password should have a minimum length of 8');
  assert.match(passwordRuleViolation('abcdefgh12', undefined) ?? '', /at least three/);
  assert.equal(passwordRuleViolation('abcdefgh1!', undefined), undefined);
  assert.equal(passwordRuleViolation('ABCDEFGH1a', undefined), undefined);
});

test('with a policy: length first, then each required type', () => {
  assert.equal(passwordRuleViolation('Aa1!', strict), 'Password should have a minimum length of 10');
  assert.equal(passwordRuleViolation('aaaaaaaa1!', strict), 'Password should have at least one uppercase letter');
  assert.equal(passwordRuleViolation('AAAAAAAA1!', strict), 'Password should have at least one lowercase letter');
  assert.equal(passwordRuleViolation('AAAAaaaa!!', strict), 'Password should have at least one number');
  assert.equal(passwordRuleViolation('AAAAaaaa11', strict), 'Password should have at least one symbol');
  assert.equal(passwordRuleViolation('AAAAaaaa1!', strict), undefined);
  const lax: PasswordPolicyData = { ...strict, minimumPasswordLength: 6, requireSymbols: false, requireNumbers: false, requireUppercaseCharacters: false, requireLowercaseCharacters: false };
  assert.equal(passwordRuleViolation('aaaaaa', lax), undefined, 'a lax policy replaces the default one');
});
