import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_SIGV4_ERROR_CODES,
  invalidClientTokenId,
  signatureDoesNotMatch,
  signatureExpired,
  signatureNotYetCurrent,
  SigV4ErrorCode,
} from './errors.ts';

test('every code is listed once', () => {
  assert.equal(new Set(ALL_SIGV4_ERROR_CODES).size, ALL_SIGV4_ERROR_CODES.length);
  assert.ok(ALL_SIGV4_ERROR_CODES.includes('InvalidClientTokenId'));
  assert.ok(ALL_SIGV4_ERROR_CODES.includes('MissingAuthenticationToken'));
});

test('AWS texts for a wrong signature and an unknown key', () => {
  assert.deepEqual(signatureDoesNotMatch(), {
    code: 'SignatureDoesNotMatch',
    httpStatus: 403,
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  });
  assert.deepEqual(invalidClientTokenId(), {
    code: SigV4ErrorCode.InvalidClientTokenId,
    httpStatus: 403,
    message: 'The security token included in the request is invalid.',
  });
});

test('clock skew messages name the limit and the window', () => {
  const now = new Date('2015-08-30T13:06:00Z');
  assert.equal(
    signatureExpired('20150830T123600Z', now, 900).message,
    'Signature expired: 20150830T123600Z is now earlier than 20150830T125100Z (20150830T130600Z - 15 min.)',
  );
  assert.equal(
    signatureNotYetCurrent('20150830T133600Z', now, 300).message,
    'Signature not yet current: 20150830T133600Z is still later than 20150830T131100Z (20150830T130600Z + 5 min.)',
  );
  assert.equal(signatureExpired('20150830T123600Z', now, 90).message.endsWith('(20150830T130600Z - 90 sec.)'), true);
});
