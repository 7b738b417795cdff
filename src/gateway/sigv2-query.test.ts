import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSigV2Query, readSigV2Query, signatureV2, signatureV2Matches, stringToSignV2 } from './sigv2-query.ts';
import { forwardedQuery } from './forward.ts';

describe('SigV2 query authentication (S3 presigned URLs)', () => {
  it('reads the parameters, each once, and says what is missing', () => {
    const ok = readSigV2Query(new URLSearchParams('AWSAccessKeyId=AKID&Expires=1700000000&Signature=c2ln&x-amz-security-token=t%2Bk'));
    assert.deepEqual(ok, { accessKeyId: 'AKID', expires: 1700000000, signature: 'c2ln', securityToken: 't+k' });
    assert.match(String(readSigV2Query(new URLSearchParams('AWSAccessKeyId=AKID&Signature=c2ln'))), /requires the Signature, Expires and AWSAccessKeyId/);
    assert.match(String(readSigV2Query(new URLSearchParams('AWSAccessKeyId=AKID&Expires=1&Expires=2&Signature=c2ln'))), /requires/);
    assert.match(String(readSigV2Query(new URLSearchParams('AWSAccessKeyId=AKID&Expires=soon&Signature=c2ln'))), /Invalid date/);
    assert.equal(hasSigV2Query(new URLSearchParams('X-Amz-Signature=x')), false);
    assert.equal(hasSigV2Query(new URLSearchParams('Signature=x')), true);
  });

  it('signs the verb, Content-MD5, Content-Type, Expires, x-amz-* headers and parameters, and the resource with its sub-resources', () => {
    const sts = stringToSignV2({
      method: 'put',
      path: '/bucket/a%20b.txt',
      query: 'uploadId=U%2B1&partNumber=2&AWSAccessKeyId=AKID&Signature=x&Expires=9&x-amz-security-token=tok&prefix=ignored',
      headers: { 'content-md5': 'bWQ1', 'content-type': 'text/plain', 'x-amz-meta-b': ' two ', 'X-Amz-Meta-A': ['1', '2'], 'user-agent': 'unsigned' },
    }, 9);
    assert.equal(sts, 'PUT\nbWQ1\ntext/plain\n9\nx-amz-meta-a:1,2\nx-amz-meta-b:two\nx-amz-security-token:tok\n/bucket/a%20b.txt?partNumber=2&uploadId=U+1');
    assert.equal(stringToSignV2({ method: 'GET', path: '/key', query: 'acl', headers: {}, hostBucket: 'bucket' }, 5), 'GET\n\n\n5\n/bucket/key?acl');
  });

  it('the signature is base64 HMAC-SHA1 (AWS\'s documented example), compared in constant time', () => {
    // The example of S3's SigV2 documentation: GET /photos/puppy.jpg of awsexamplebucket1, Date as the fourth line.
    const sts = 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg';
    assert.equal(signatureV2('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sts), 'qgk2+6Sv9/oM7G3qLEjTH1a1l1g=');
    assert.equal(signatureV2Matches('qgk2+6Sv9/oM7G3qLEjTH1a1l1g=', 'qgk2+6Sv9/oM7G3qLEjTH1a1l1g='), true);
    assert.equal(signatureV2Matches('qgk2+6Sv9/oM7G3qLEjTH1a1l1g=', 'qgk2+6Sv9/oM7G3qLEjTH1a1l1h='), false);
    assert.equal(signatureV2Matches('qgk2+6Sv9/oM7G3qLEjTH1a1l1g=', 'qgk2'), false);
  });

  it('the presigning parameters are not forwarded upstream', () => {
    assert.equal(forwardedQuery('AWSAccessKeyId=AKID&Expires=9&Signature=x&x-amz-security-token=t&versionId=3&response-content-type=a'), 'versionId=3&response-content-type=a');
  });
});
