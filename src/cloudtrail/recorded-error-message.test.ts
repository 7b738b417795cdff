import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutQuotedSecrets } from './recorded-error-message.ts';

test('a quoted MFA code, session token or password leaves the recorded message; other values stay', () => {
  assert.equal(withoutQuotedSecrets("1 validation error detected: Value 'Zq7Xw9' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*"),
    "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*");
  assert.equal(withoutQuotedSecrets("2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: A; Value '12 34' at 'authenticationCode1' failed to satisfy constraint: B"),
    "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: A; Value at 'authenticationCode1' failed to satisfy constraint: B");
  assert.equal(withoutQuotedSecrets('The old password is incorrect.'), 'The old password is incorrect.');
});
