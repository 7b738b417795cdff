import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inServiceDialect, renderError } from './errors.ts';

// SQS and CloudWatch speak JSON but stay compatible with their Query form: the JSON answer names
// the exception in __type, and the Query code and status travel in x-amzn-query-error, which the
// SDKs read first — so a client sees the code the Query form always answered.
const failure = (code: string, status = 403) => ({ code, message: 'm', status });

for (const service of ['sqs', 'monitoring']) {
  test(`${service}: signature and key failures keep their Query code and status, the JSON exception in __type`, () => {
    const signature = inServiceDialect(service, 'json', failure('SignatureDoesNotMatch'));
    assert.deepEqual([signature.code, signature.jsonCode, signature.status], ['SignatureDoesNotMatch', 'InvalidSignatureException', 403]);
    const rendered = renderError(service, 'json', signature, 'r', 'POST');
    assert.equal(rendered.status, 403);
    assert.equal(rendered.headers['x-amzn-query-error'], 'SignatureDoesNotMatch;Sender');
    assert.equal(JSON.parse(rendered.body).__type, 'InvalidSignatureException');

    const key = inServiceDialect(service, 'json', failure('InvalidClientTokenId'));
    assert.deepEqual([key.code, key.jsonCode, key.status], ['InvalidClientTokenId', 'UnrecognizedClientException', 403]);
    assert.equal(renderError(service, 'json', key, 'r', 'POST').headers['x-amzn-query-error'], 'InvalidClientTokenId;Sender');
  });

  test(`${service}: the Query form answers the Query code alone`, () => {
    assert.deepEqual(inServiceDialect(service, 'query', failure('SignatureDoesNotMatch')), failure('SignatureDoesNotMatch'));
  });
}

test('JSON services without a Query form keep their JSON codes (400)', () => {
  assert.deepEqual(inServiceDialect('dynamodb', 'json', failure('SignatureDoesNotMatch')), { code: 'InvalidSignatureException', message: 'm', status: 400 });
});
