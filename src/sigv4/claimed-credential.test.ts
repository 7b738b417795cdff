import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimedCredential } from './claimed-credential.ts';
import type { SigningRequest } from './types.ts';
import { bestTime } from '../../test/support/timing.ts';

const SCOPE = 'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request';
const CLAIM = { accessKeyId: 'AKIDEXAMPLE', credentialDate: '20150830', region: 'us-east-1', service: 'sts', terminator: 'aws4_request' };

test('the header form: the Credential parameter, even when the rest of the signature is missing', () => {
  assert.deepEqual(claimedCredential({ headers: { Authorization: `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host, Signature=00` }, query: '' }), CLAIM);
  // No date header, no Signature: parseSignedRequest refuses it, but the scope is still readable.
  assert.deepEqual(claimedCredential({ headers: { authorization: `AWS4-HMAC-SHA256 Credential=${SCOPE}` }, query: '' }), CLAIM);
});

test('the presigned form: X-Amz-Credential, percent-decoded', () => {
  const query = `Action=Nope&X-Amz-Credential=${encodeURIComponent(SCOPE)}`;
  assert.deepEqual(claimedCredential({ headers: {}, query }), CLAIM);
});

test('the header wins over the query, as in parseSignedRequest', () => {
  const iamScope = SCOPE.replace('/sts/', '/iam/');
  const claim = claimedCredential({ headers: { authorization: `AWS4-HMAC-SHA256 Credential=${iamScope}` }, query: `X-Amz-Credential=${encodeURIComponent(SCOPE)}` });
  assert.equal(claim?.service, 'iam');
});

test('nothing is claimed without a well-shaped credential', () => {
  assert.equal(claimedCredential({ headers: {}, query: '' }), undefined);
  assert.equal(claimedCredential({ headers: { authorization: 'Bearer abc' }, query: '' }), undefined);
  assert.equal(claimedCredential({ headers: { authorization: `Basic Credential=${SCOPE}` }, query: '' }), undefined);
  assert.equal(claimedCredential({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts' }, query: '' }), undefined);
  assert.equal(claimedCredential({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=' }, query: '' }), undefined);
  assert.equal(claimedCredential({ headers: {}, query: 'X-Amz-Credential=a%2Fb' }), undefined);
});

test('hostile input: a 64 KB header or query of one character is read in linear time', () => {
  for (const char of ['a', '/', ' ', ',', '=', '0', 'C', '%']) {
    const long = char.repeat(64 * 1024);
    const requests: Array<Pick<SigningRequest, 'headers' | 'query'>> = [
      { headers: { authorization: long }, query: '' },
      { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${long}` }, query: '' },
      { headers: {}, query: `X-Amz-Credential=${long}` },
    ];
    for (const req of requests) {
      const ms = bestTime(() => claimedCredential(req), 50);
      assert.ok(ms < 50, `${JSON.stringify(char)}: ${ms.toFixed(1)} ms`);
    }
  }
});
